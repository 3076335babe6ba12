"""Plans: start, adopt, adapt, create; lifecycle; restrictions; model changes; funding; COPIL; exchange; scoping."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from mobilisation.catalogue.models import ActionModel, Mobilisation, Modality
from mobilisation.plans import services
from mobilisation.plans.models import FundingRequest, Indicator, Plan, PlannedAction, RestrictionPeriod

from .utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def covid(db):
    return Mobilisation.objects.get(slug="covid19-2020")


@pytest.fixture
def plan(cls_dinan, covid, coordinator_dinan):
    return services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)


@pytest.fixture
def gathering_model(covid):
    return covid.action_models.filter(modalities__code="rassemblement").exclude(lockdown_alternative="").first()


@pytest.fixture
def adopted(plan, gathering_model, coordinator_dinan):
    action, _ = services.adopt_action_model(plan=plan, action_model=gathering_model, by=coordinator_dinan)
    return action


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


def test_plan_lifecycle_moves_and_refusals(login, coordinator_dinan, plan):
    client = login(coordinator_dinan)
    move = reverse("plans:move", args=[plan.public_id])
    response = client.post(move, {"status": "en_cours"}, follow=True)
    assert "ne peut pas passer à « En cours »" in page_text(response)
    response = client.post(move, {"status": "adopte"}, follow=True)
    assert "décision du COPIL" in page_text(response)
    client.post(move, {"status": "soumis"})
    plan.refresh_from_db()
    assert plan.status == "soumis"
    assert plan.events.filter(description__contains="Soumis au COPIL").exists()
    assert client.post(move, {"status": "nimportequoi"}).status_code == 302


def test_copil_adopts_the_plan_and_decides_on_actions(login, elected_dinan, coordinator_dinan, plan, adopted):
    services.move_plan(plan=plan, to="soumis", by=coordinator_dinan)
    other, _ = services.adopt_action_model(
        plan=plan, action_model=plan.mobilisation.action_models.exclude(pk=adopted.action_model_id).first(), by=coordinator_dinan
    )
    response = login(elected_dinan).post(
        reverse("plans:copil", args=[plan.public_id]),
        {
            "date": "2026-11-20",
            "attendees": "Hervé Élu, président\nClaire, coordinatrice",
            "adopt_plan": "on",
            "adopted_actions": [adopted.pk],
            "rejected_actions": [other.pk],
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    adopted.refresh_from_db()
    other.refresh_from_db()
    assert plan.status == "adopte"
    assert adopted.copil_verdict == "adoptee" and other.copil_verdict == "rejetee" and other.status == "abandonnee"


def test_copil_cannot_adopt_a_draft_plan_or_be_recorded_by_others(login, elected_dinan, delegation_22, plan):
    response = login(elected_dinan).post(
        reverse("plans:copil", args=[plan.public_id]), {"date": "2026-11-20", "attendees": "x", "adopt_plan": "on"}
    )
    assert "ne peut l’adopter que s’il lui a été soumis" in page_text(response)
    assert not plan.copil_meetings.exists()
    assert login(delegation_22).get(reverse("plans:copil", args=[plan.public_id])).status_code == 404
    future = login(elected_dinan).post(reverse("plans:copil", args=[plan.public_id]), {"date": "2999-01-01", "attendees": "x"})
    assert "ne peut pas être dans le futur" in page_text(future)


def dated(action, start, end):
    action.start, action.end = start, end
    action.save()
    return action


def test_restriction_flag_appears_and_disappears_with_the_dates(plan, adopted, login, ars_region, coordinator_dinan):
    dated(adopted, datetime.date(2026, 12, 1), datetime.date(2026, 12, 10))
    lockdown = RestrictionPeriod.objects.create(
        kind="confinement", label="Confinement", start=datetime.date(2026, 11, 25), end=datetime.date(2026, 12, 5)
    )
    lockdown.blocked_modalities.set(Modality.objects.filter(code__in=["rassemblement", "presentiel"]))
    assert PlannedAction.objects.restricted().filter(pk=adopted.pk).exists()
    page = page_text(login(coordinator_dinan).get(adopted.get_absolute_url()))
    assert "Restriction en vigueur pendant cette action" in page and adopted.action_model.lockdown_alternative[:40] in page
    assert "restriction en vigueur" in page_text(login(coordinator_dinan).get(plan.get_absolute_url()))
    assert adopted.title in page_text(login(ars_region).get(reverse("plans:follow_up")))
    dated(adopted, datetime.date(2026, 12, 6), datetime.date(2026, 12, 10))  # after the lockdown
    assert not PlannedAction.objects.restricted().filter(pk=adopted.pk).exists()
    assert "Restriction en vigueur" not in page_text(login(coordinator_dinan).get(adopted.get_absolute_url()))


def test_departmental_restriction_only_flags_that_department(plan, adopted):
    dated(adopted, datetime.date(2026, 12, 1), None)
    curfew = RestrictionPeriod.objects.create(
        kind="couvre_feu", label="Couvre-feu 29", department_id="29", start=datetime.date(2026, 11, 1), end=None
    )
    curfew.blocked_modalities.set(Modality.objects.filter(code="rassemblement"))
    assert not PlannedAction.objects.restricted().exists()
    curfew.department_id = "22"
    curfew.save()
    assert PlannedAction.objects.restricted().filter(pk=adopted.pk).exists()


def test_ars_region_records_restrictions_with_default_modalities(login, ars_region, coordinator_dinan):
    response = login(ars_region).post(
        reverse("plans:restrictions"), {"kind": "confinement", "label": "Troisième confinement", "start": "2026-12-01"}
    )
    assert response.status_code == 302
    period = RestrictionPeriod.objects.get()
    assert set(period.blocked_modalities.values_list("code", flat=True)) == {"rassemblement", "presentiel"}
    bad = login(ars_region).post(
        reverse("plans:restrictions"), {"kind": "couvre_feu", "label": "x", "start": "2026-12-10", "end": "2026-12-01"}
    )
    assert "La fin ne peut pas précéder le début." in page_text(bad)
    assert (
        login(coordinator_dinan)
        .post(reverse("plans:restrictions"), {"kind": "confinement", "label": "x", "start": "2026-12-01"})
        .status_code
        == 404
    )
    assert RestrictionPeriod.objects.count() == 1


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


def test_indicator_progress_and_budget(login, coordinator_dinan, adopted):
    client = login(coordinator_dinan)
    indicator = adopted.indicators.first()
    client.post(reverse("plans:add_progress", args=[adopted.public_id, indicator.pk]), {"date": "2026-11-10", "value": "12"})
    client.post(reverse("plans:add_progress", args=[adopted.public_id, indicator.pk]), {"date": "2026-11-20", "value": "30"})
    assert Indicator.objects.with_latest().get(pk=indicator.pk).latest_value == Decimal("30")
    bad = client.post(
        reverse("plans:add_progress", args=[adopted.public_id, indicator.pk]), {"date": "2999-01-01", "value": "-3"}, follow=True
    )
    assert "ne peut pas être dans le futur" in page_text(bad)
    assert indicator.entries.count() == 2
    client.post(reverse("plans:add_budget_line", args=[adopted.public_id]), {"kind": "depense", "label": "Affiches", "amount": "450.50"})
    assert adopted.budget_lines.get().amount == Decimal("450.50")
    bad_budget = client.post(
        reverse("plans:add_budget_line", args=[adopted.public_id]), {"kind": "depense", "label": "x", "amount": "-1"}, follow=True
    )
    assert "rien n’a été enregistré" in page_text(bad_budget)


@pytest.fixture
def funding_request(login, coordinator_dinan, adopted, delegation_22):
    line = adopted.plan.mobilisation.resources.funding_lines().first()
    mail.outbox.clear()
    response = login(coordinator_dinan).post(
        reverse("plans:ask_funding", args=[adopted.public_id]),
        {"funding_line": line.pk, "amount": "5000", "justification": "Vacations d’animateurs", "cofunding": "Commune : 1 000 €"},
    )
    assert response.status_code == 302
    assert mail.outbox and mail.outbox[0].to == [delegation_22.email]
    return FundingRequest.objects.get()


def test_delegation_grants_and_the_coordinator_is_told(login, funding_request, delegation_22, coordinator_dinan):
    mail.outbox.clear()
    url = reverse("plans:instruct_funding", args=[funding_request.public_id])
    too_much = login(delegation_22).post(url, {"status": "accordee", "amount_granted": "6000"}, follow=True)
    assert "ne peut pas dépasser le montant demandé" in page_text(too_much)
    login(delegation_22).post(url, {"status": "accordee", "amount_granted": "4000", "comment": "Accord partiel"})
    funding_request.refresh_from_db()
    assert funding_request.status == "accordee" and funding_request.amount_granted == Decimal("4000")
    assert mail.outbox[-1].to == [coordinator_dinan.email] and "accordée" in mail.outbox[-1].subject
    page = page_text(login(coordinator_dinan).get(funding_request.get_absolute_url()))
    assert "4 000,00 €" in page or "4000,00 €" in page
    again = login(delegation_22).post(url, {"status": "refusee", "refusal_reason": "x"}, follow=True)
    assert "ne peut pas passer à « Refusée »" in page_text(again)
    login(coordinator_dinan).post(
        reverse("plans:report_funding_usage", args=[funding_request.public_id]), {"report": "200 heures d’animation."}
    )
    funding_request.refresh_from_db()
    assert funding_request.usage_report == "200 heures d’animation."


def test_refusal_needs_a_reason(login, funding_request, delegation_22):
    url = reverse("plans:instruct_funding", args=[funding_request.public_id])
    response = login(delegation_22).post(url, {"status": "refusee"}, follow=True)
    assert "Indiquez le motif du refus." in page_text(response)
    funding_request.refresh_from_db()
    assert funding_request.status == "recue"


def test_only_the_delegation_of_the_department_instructs(login, funding_request, delegation_56, coordinator_dinan, coordinator_brest):
    url = reverse("plans:instruct_funding", args=[funding_request.public_id])
    assert login(delegation_56).get(funding_request.get_absolute_url()).status_code == 404
    assert login(delegation_56).post(url, {"status": "accordee", "amount_granted": "1"}).status_code == 404
    assert login(coordinator_dinan).post(url, {"status": "accordee", "amount_granted": "1"}).status_code == 404
    assert login(coordinator_brest).get(funding_request.get_absolute_url()).status_code == 404
    funding_request.refresh_from_db()
    assert funding_request.status == "recue"


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
    with django_assert_max_num_queries(14):
        region = page_text(client.get(reverse("plans:follow_up")))
    assert "CLS de Dinan Agglomération" in region and "CLS du Pays de Brest" in region
    dd22 = page_text(login(delegation_22).get(reverse("plans:follow_up")))
    assert "CLS de Dinan Agglomération" in dd22 and "CLS du Pays de Brest" not in dd22
    assert "Aucun plan d’action" in page_text(login(delegation_56).get(reverse("plans:follow_up")))


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
        assert adopted.title in text and "Restriction en vigueur" in text
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


def test_indicator_target_and_restrictions_export(login, coordinator_dinan, ars_region, adopted):
    indicator = adopted.indicators.first()
    client = login(coordinator_dinan)
    client.post(reverse("plans:set_target", args=[adopted.public_id, indicator.pk]), {"target": "250"})
    indicator.refresh_from_db()
    assert indicator.target == Decimal("250")
    bad = client.post(reverse("plans:set_target", args=[adopted.public_id, indicator.pk]), {"target": "-4"}, follow=True)
    assert "rien n’a été enregistré" in page_text(bad)
    assert login(ars_region).post(reverse("plans:set_target", args=[adopted.public_id, indicator.pk]), {"target": "1"}).status_code == 302
    RestrictionPeriod.objects.create(kind="couvre_feu", label="=cmd|' /C calc'!A0", start=datetime.date(2026, 12, 1))
    export = login(ars_region).get(reverse("plans:restrictions"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=cmd" in export
