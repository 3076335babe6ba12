"""Plans: start, adopt, adapt, create; lifecycle; restrictions; model changes; funding; COPIL; exchange; scoping."""

import pytest
from django.core import mail
from django.urls import reverse

from mobilisation.catalogue.models import ActionModel, Modality
from mobilisation.plans import services
from mobilisation.plans.models import FundingRequest, Plan

from .conftest import submittable
from .utils import page_text

pytestmark = pytest.mark.django_db


def test_coordinator_starts_the_plan_from_the_workspace_once(login, coordinator_dinan, cls_dinan, covid):
    client = login(coordinator_dinan)
    page = page_text(client.get(cls_dinan.get_workspace_url()))
    assert "Commencer le plan d’action" in page
    url = reverse("plans:start", args=[cls_dinan.public_id, covid.slug])
    first = client.post(url)
    second = client.post(url)  # double submit
    assert first["Location"] == second["Location"]
    assert Plan.objects.filter(cls=cls_dinan).count() == 1
    assert "Plan d’action du CLS de Dinan Agglomération" in page_text(client.get(first["Location"]))


def test_only_the_cls_coordinator_or_ars_region_starts_a_plan(login, coordinator_brest, delegation_22, elected_dinan, cls_dinan, covid):
    url = reverse("plans:start", args=[cls_dinan.public_id, covid.slug])
    for user in [coordinator_brest, delegation_22, elected_dinan]:
        assert login(user).post(url).status_code == 404
    assert not Plan.objects.exists()


def test_adopting_a_model_copies_it_and_a_double_submit_adds_it_once(login, coordinator_dinan, plan, gathering_model):
    client = login(coordinator_dinan)
    url = reverse("plans:adopt", args=[plan.public_id, gathering_model.public_id])
    client.post(url)
    client.post(url)
    action = plan.actions.get()
    assert action.title == gathering_model.title and action.origin == "catalogue"
    assert action.model_revision == gathering_model.revision
    assert set(action.modalities.all()) == set(gathering_model.modalities.all())
    assert action.indicators.count() == len(gathering_model.indicators)
    page = page_text(client.get(reverse("plans:catalogue", args=[plan.public_id])))
    assert "déjà dans le plan" in page


def action_form(plan, **changes):
    theme = plan.mobilisation.axes.get(code="B").themes.first()
    data = {
        "title": "Tournées solidaires dans les bourgs",
        "description": "Visites des personnes isolées.",
        "theme": theme.pk,
        "start": "2026-12-01",
        "end": "2026-12-20",
        "modalities": [Modality.objects.get(code="presentiel").pk],
        "communes": ["22050"],
    }
    data.update(changes)
    return data


def test_coordinator_creates_an_action_of_their_own(login, coordinator_dinan, plan):
    response = login(coordinator_dinan).post(reverse("plans:new_action", args=[plan.public_id]), action_form(plan))
    assert response.status_code == 302
    action = plan.actions.get()
    assert action.origin == "nouvelle" and list(action.communes.values_list("insee_code", flat=True)) == ["22050"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "2026-11-01"}, "La fin ne peut pas précéder le début."),
        ({"communes": ["29019"]}, "Commune hors du territoire du CLS (code INSEE 29019)."),
        ({"title": ""}, "Ce champ est obligatoire"),
        ({"start": "31/02/2026"}, "Saisissez une date valide"),
        ({"theme": "999999"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_action_input_is_refused_in_french(login, coordinator_dinan, plan, changes, message):
    response = login(coordinator_dinan).post(reverse("plans:new_action", args=[plan.public_id]), action_form(plan, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert not plan.actions.exists()


def test_a_stale_action_save_is_refused(login, coordinator_dinan, plan, adopted):
    client = login(coordinator_dinan)
    url = reverse("plans:edit_action", args=[adopted.public_id])
    stale = action_form(plan, title="Ma version", version_seen=adopted.version)
    services.save_planned_action(action=adopted, m2m={}, by=coordinator_dinan)  # someone else saved meanwhile
    response = client.post(url, stale)
    assert "modifié par quelqu’un d’autre" in page_text(response)
    adopted.refresh_from_db()
    assert adopted.title != "Ma version"


def test_adapting_an_existing_fiche_action(login, coordinator_dinan, plan):
    client = login(coordinator_dinan)
    client.post(
        reverse("plans:existing_actions", args=[plan.public_id]),
        {"reference": "3.2", "title": "Prévention du suicide", "priority": "Santé mentale"},
    )
    fiche = plan.cls.existing_actions.get()
    form_page = page_text(client.get(reverse("plans:new_action", args=[plan.public_id]), {"fiche": fiche.pk}))
    assert "Prévention du suicide (adaptation COVID-19)" in form_page
    client.post(reverse("plans:new_action", args=[plan.public_id]), action_form(plan, title="Écoute téléphonique", fiche=fiche.pk))
    action = plan.actions.get()
    assert action.origin == "adaptee" and action.existing_action == fiche


def test_plan_lifecycle_moves_and_refusals(login, coordinator_dinan, delegation_22, plan):
    client = login(coordinator_dinan)
    move = reverse("plans:move", args=[plan.public_id])
    response = client.post(move, {"status": "en_cours"}, follow=True)
    assert "ne peut pas passer à « En cours »" in page_text(response)
    response = client.post(move, {"status": "adopte"}, follow=True)
    assert "décision du COPIL" in page_text(response)
    submittable(plan, coordinator_dinan)
    mail.outbox.clear()
    response = client.post(move, {"status": "soumis"}, follow=True)
    plan.refresh_from_db()
    assert plan.status == "soumis"
    assert "Le plan est soumis au COPIL ; la délégation départementale de l’ARS est prévenue." in page_text(response)
    assert "Le statut du plan a changé" not in page_text(response)
    assert mail.outbox[-1].to == [delegation_22.email]
    assert plan.events.filter(description__contains="Soumis au COPIL").exists()
    assert client.post(move, {"status": "nimportequoi"}).status_code == 302


def test_an_empty_plan_cannot_be_submitted_and_the_page_says_what_is_missing(login, coordinator_dinan, plan):
    client = login(coordinator_dinan)
    page = page_text(client.get(plan.get_absolute_url()))
    assert "Avant de soumettre le plan au COPIL" in page
    for missing in ["Décrire les besoins du territoire", "Choisir au moins un public prioritaire", "Ajouter au moins une action au plan"]:
        assert missing in page
    response = client.post(reverse("plans:move", args=[plan.public_id]), {"status": "soumis"}, follow=True)
    assert "Avant de soumettre le plan au COPIL, il faut encore décrire les besoins du territoire" in page_text(response)
    plan.refresh_from_db()
    assert plan.status == "brouillon"
    # An action rejected by the COPIL or abandoned does not count.
    submittable(plan, coordinator_dinan)
    plan.actions.update(status="abandonnee")
    assert plan.submission_blockers() == ["ajouter au moins une action au plan"]
    plan.actions.update(status="prevue")
    assert plan.submission_blockers() == []
    assert "Avant de soumettre" not in page_text(client.get(plan.get_absolute_url()))


def test_model_change_is_shown_and_accepted_or_ignored(login, coordinator_dinan, ars_region, adopted):
    model = adopted.action_model
    services_catalogue = __import__("mobilisation.catalogue.services", fromlist=["save_action_model"])
    model.description = "Description revue par l’ARS."
    services_catalogue.save_action_model(
        action_model=model,
        modalities=model.modalities.all(),
        publics=model.publics.all(),
        resources=model.resources.all(),
        by=ars_region,
        reason="Mise à jour",
    )
    adopted.refresh_from_db()
    assert adopted.model_changed
    client = login(coordinator_dinan)
    page = page_text(client.get(adopted.get_absolute_url()))
    assert "L’ARS a modifié le modèle de cette action" in page and "Champs modifiés : description." in page
    client.post(reverse("plans:model_changes", args=[adopted.public_id]), {"decision": "accepter"})
    adopted.refresh_from_db()
    assert adopted.description == "Description revue par l’ARS." and not adopted.model_changed


def test_model_change_can_be_ignored(login, coordinator_dinan, ars_region, adopted):
    ActionModel.objects.filter(pk=adopted.action_model_id).update(revision=5, description="Autre")
    login(coordinator_dinan).post(reverse("plans:model_changes", args=[adopted.public_id]), {"decision": "ignorer"})
    adopted.refresh_from_db()
    assert adopted.model_revision == 5 and adopted.description != "Autre"


def test_plan_exchange_notifies_the_other_side(login, plan, coordinator_dinan, delegation_22):
    mail.outbox.clear()
    login(coordinator_dinan).post(reverse("plans:post_message", args=[plan.public_id]), {"body": "Pouvez-vous relire notre plan ?"})
    assert mail.outbox[-1].to == [delegation_22.email]
    login(delegation_22).post(reverse("plans:post_message", args=[plan.public_id]), {"body": "Oui, volontiers."})
    assert mail.outbox[-1].to == [coordinator_dinan.email]
    page = page_text(login(coordinator_dinan).get(plan.get_absolute_url()))
    assert "Pouvez-vous relire notre plan ?" in page and "Oui, volontiers." in page


def test_plan_scoping(
    login, plan, adopted, coordinator_dinan, coordinator_brest, elected_dinan, delegation_22, delegation_56, ars_region, resource_pole
):
    urls = [plan.get_absolute_url(), adopted.get_absolute_url()]
    for user in [coordinator_dinan, elected_dinan, delegation_22, ars_region, resource_pole]:
        for url in urls:
            assert login(user).get(url).status_code == 200, (user, url)
    for user in [coordinator_brest, delegation_56]:
        for url in urls + [reverse("plans:diagnosis", args=[plan.public_id]), reverse("plans:edit_action", args=[adopted.public_id])]:
            assert login(user).get(url).status_code == 404, (user, url)
        assert login(user).post(reverse("plans:post_message", args=[plan.public_id]), {"body": "intrus"}).status_code == 404
    for user in [elected_dinan, delegation_22, resource_pole]:  # readers, not writers
        assert login(user).get(reverse("plans:diagnosis", args=[plan.public_id])).status_code == 404
        assert login(user).post(reverse("plans:move", args=[plan.public_id]), {"status": "soumis"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == "brouillon" and not plan.messages.exists()


def test_follow_up_lists_by_scope_with_a_query_budget(
    login, plan, adopted, delegation_22, delegation_56, ars_region, cls_brest, covid, coordinator_brest, django_assert_max_num_queries
):
    services.start_plan(cls=cls_brest, mobilisation=covid, by=coordinator_brest)
    client = login(ars_region)
    with django_assert_max_num_queries(18):
        region = page_text(client.get(reverse("plans:follow_up")))
    assert "CLS de Dinan Agglomération" in region and "CLS du Pays de Brest" in region
    dd22 = page_text(login(delegation_22).get(reverse("plans:follow_up")))
    assert "CLS de Dinan Agglomération" in dd22 and "CLS du Pays de Brest" not in dd22
    dd56 = page_text(login(delegation_56).get(reverse("plans:follow_up")))
    assert "CLS de Pontivy Communauté" in dd56 and "Non commencé" in dd56 and "CLS de Dinan" not in dd56


def test_plan_page_query_budget_does_not_grow_with_actions(login, coordinator_dinan, plan, covid, django_assert_max_num_queries):
    client = login(coordinator_dinan)
    for model in covid.action_models.all()[:3]:
        services.adopt_action_model(plan=plan, action_model=model, by=coordinator_dinan)
    with django_assert_max_num_queries(40) as small:
        client.get(plan.get_absolute_url())
    for model in covid.action_models.all()[3:20]:
        services.adopt_action_model(plan=plan, action_model=model, by=coordinator_dinan)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(plan.get_absolute_url())


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_plan_actions_and_follow_up_export(login, coordinator_dinan, ars_region, plan, adopted, fmt):
    response = login(coordinator_dinan).get(plan.get_absolute_url(), {"format": fmt})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert adopted.title in text and "Restrictions" in text and "Financements demandés (€)" in text
    follow = login(ars_region).get(reverse("plans:follow_up"), {"format": fmt})
    assert follow.status_code == 200
    if fmt == "csv":
        assert "CLS de Dinan Agglomération" in follow.content.decode("utf-8-sig")
    assert login(coordinator_dinan).get(plan.get_absolute_url(), {"format": "pdf"}).status_code == 400


def test_double_submitted_action_and_funding_forms_create_one_record(login, coordinator_dinan, plan, adopted):
    client = login(coordinator_dinan)
    token = "6f1c1f9e-8a5f-4a53-9a57-2f6a2b0d6c11"
    for _ in range(2):
        client.post(reverse("plans:new_action", args=[plan.public_id]), action_form(plan, submission_token=token))
    assert plan.actions.filter(origin="nouvelle").count() == 1
    line = plan.mobilisation.resources.funding_lines().first()
    data = {"funding_line": line.pk, "amount": "100", "justification": "x", "submission_token": "0b7f3c52-1d1e-4a4e-8f0e-6c1f6e9b2a10"}
    first = client.post(reverse("plans:ask_funding", args=[adopted.public_id]), data)
    second = client.post(reverse("plans:ask_funding", args=[adopted.public_id]), data)
    assert first["Location"] == second["Location"]
    assert FundingRequest.objects.count() == 1


def test_the_action_form_creates_a_partner_organisation_without_leaving_the_form(login, coordinator_dinan, plan):
    from mobilisation.directory.models import Organisation

    client = login(coordinator_dinan)
    new = {"new_organisation_name": "Association Les Voisins de Léhon", "new_organisation_kind": "association"}
    missing = client.post(reverse("plans:new_action", args=[plan.public_id]), action_form(plan, **new))
    assert "Choisissez la commune où la nouvelle organisation est installée." in page_text(missing)
    assert not Organisation.objects.exists() and not plan.actions.exists()
    response = client.post(
        reverse("plans:new_action", args=[plan.public_id]),
        action_form(plan, **new, new_organisation_commune="22050", new_organisation_role="lead"),
    )
    assert response.status_code == 302
    action = plan.actions.get()
    organisation = Organisation.objects.get()
    assert action.lead_organisation == organisation and organisation.department_id == "22"
    assert list(organisation.communes.values_list("insee_code", flat=True)) == ["22050"]
    # The same name again in the same commune is offered, not created twice…
    again = client.post(
        reverse("plans:new_action", args=[plan.public_id]),
        action_form(
            plan,
            title="Deuxième action",
            new_organisation_name="Les voisins de Léhon",
            new_organisation_kind="association",
            new_organisation_commune="22050",
        ),
    )
    assert "L’annuaire a déjà, à Dinan : Association Les Voisins de Léhon" in page_text(again) and Organisation.objects.count() == 1
    # …unless the coordinator confirms it is another one; it then joins the action as a partner.
    client.post(
        reverse("plans:new_action", args=[plan.public_id]),
        action_form(
            plan,
            title="Deuxième action",
            new_organisation_name="Les voisins de Léhon",
            new_organisation_kind="association",
            new_organisation_commune="22050",
            new_organisation_confirmed="on",
        ),
    )
    second = plan.actions.get(title="Deuxième action")
    assert list(second.partners.values_list("name", flat=True)) == ["Les voisins de Léhon"]


def test_the_coordinator_adds_and_removes_a_figure_of_the_diagnosis(login, coordinator_dinan, delegation_22, plan):
    client = login(coordinator_dinan)
    url = reverse("plans:add_figure", args=[plan.public_id])
    bad = client.post(url, {"label": "Bénéficiaires de l’APA", "value": "1e3", "source": "", "as_of": "2999-01-01"})
    page = page_text(bad)
    assert "Saisissez un nombre" in page and "ne peut pas être dans le futur" in page and 'value="Bénéficiaires de l’APA"' in page
    client.post(
        url, {"label": "Bénéficiaires de l’APA", "value": "1 850", "unit": "personnes", "source": "Département", "as_of": "2026-01-01"}
    )
    figure = plan.figures.get()
    assert figure.value == 1850
    assert "1 850 personnes" in page_text(login(delegation_22).get(plan.get_absolute_url()))
    assert "Département" in page_text(client.get(reverse("plans:diagnosis", args=[plan.public_id])))
    assert login(delegation_22).post(reverse("plans:remove_figure", args=[plan.public_id, figure.pk])).status_code == 404
    client.post(reverse("plans:remove_figure", args=[plan.public_id, figure.pk]))
    assert not plan.figures.exists() and plan.events.filter(description__startswith="Chiffre retiré").exists()


def test_new_messages_are_marked_until_read(login, plan, coordinator_dinan, delegation_22):
    services.post_message(plan=plan, body="Question de la délégation.", by=delegation_22)
    client = login(coordinator_dinan)
    page = page_text(client.get(plan.get_absolute_url()))
    assert "nouveau" in page and "Marquer les 1 nouveau message comme lu" in page
    client.post(reverse("plans:mark_read", args=[plan.public_id]))
    page = page_text(client.get(plan.get_absolute_url()))
    assert "Marquer les" not in page
    services.post_message(plan=plan, body="Réponse de la coordination.", by=coordinator_dinan)  # one's own message is read
    assert "Marquer les" not in page_text(client.get(plan.get_absolute_url()))
    assert "Marquer les 1 nouveau message" in page_text(login(delegation_22).get(plan.get_absolute_url()))
