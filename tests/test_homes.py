"""Each role's home says what to do next: the coordinator's plan, the delegation's and the region's queue, the
elected official's COPIL, the partner's actions; nothing from outside the user's scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from mobilisation.catalogue import services as catalogue_services
from mobilisation.catalogue.models import Modality
from mobilisation.plans import services
from mobilisation.plans.models import RestrictionPeriod

from .conftest import submittable
from .utils import visible_text

pytestmark = pytest.mark.django_db

HOME = "/espace/"


def home(login, user):
    return visible_text(login(user).get(HOME))


def test_a_coordinator_without_a_plan_is_sent_to_start_it(login, coordinator_dinan):
    page = home(login, coordinator_dinan)
    assert "À faire pour le CLS de Dinan Agglomération" in page
    assert "Le plan d’action de votre CLS n’est pas encore commencé" in page


def test_the_coordinators_home_lists_what_waits_for_the_plan(login, coordinator_dinan, delegation_22, ars_region, adopted, covid):
    plan = adopted.plan
    page = home(login, coordinator_dinan)
    assert "Avant de le soumettre au COPIL, il faut encore décrire les besoins du territoire" in page
    submittable(plan, coordinator_dinan)
    assert "Le plan est prêt à être soumis au COPIL." in home(login, coordinator_dinan)
    services.save_restriction(
        period=RestrictionPeriod(kind="confinement", label="Confinement", scope="national", start=datetime.date.today()),
        blocked_modalities=Modality.objects.filter(code="rassemblement"),
        epcis=[],
        communes=[],
        by=ars_region,
    )
    model = adopted.action_model
    model.description += " Revu."
    catalogue_services.save_action_model(
        action_model=model,
        modalities=model.modalities.all(),
        publics=model.publics.all(),
        resources=model.resources.all(),
        by=ars_region,
        reason="x",
    )
    line = covid.resources.funding_lines().first()
    funding = services.request_funding(action=adopted, funding_line=line, amount=900, justification="x", cofunding="", by=coordinator_dinan)
    services.instruct_funding(funding=funding, to="accordee", amount_granted=Decimal("750"), by=delegation_22)
    services.post_message(plan=plan, body="Bien reçu.", by=delegation_22)
    services.schedule_copil(
        plan=plan,
        date=datetime.date.today() + datetime.timedelta(days=4),
        time=None,
        place="Dinan",
        agenda="",
        invited_users=[coordinator_dinan],
        other_invitees="",
        by=coordinator_dinan,
    )
    page = home(login, coordinator_dinan)
    assert "1 action touchée ou à vérifier à cause d’une restriction en vigueur" in page
    assert "1 action dont le modèle du catalogue a changé" in page
    assert "1 message non lu de l’ARS" in page
    assert f"Demande de financement accordée pour « {adopted.title} » : 750 €" in page
    assert "Prochaine réunion du COPIL le" in page
    services.mark_thread_read(plan=plan, by=coordinator_dinan)
    assert "message non lu" not in home(login, coordinator_dinan)


def test_the_delegations_home_counts_its_queue_and_knows_nothing_of_other_departments(
    login, coordinator_dinan, delegation_22, delegation_56, ars_region, adopted, covid
):
    line = covid.resources.funding_lines().first()
    services.request_funding(action=adopted, funding_line=line, amount=900, justification="x", cofunding="", by=coordinator_dinan)
    services.post_message(plan=adopted.plan, body="Pouvez-vous relire ?", by=coordinator_dinan)
    page = home(login, delegation_22)
    assert "Côtes-d'Armor (22)" in page and "1 demande de financement à instruire (reçue aujourd’hui)" in page
    assert "CLS de Dinan Agglomération attend une réponse de l’ARS" in page
    assert "CLS sans plan d’action" in page and "CLS du Pays de Guingamp" in page
    other = home(login, delegation_56)
    assert "demande de financement à instruire" not in other and "Dinan" not in other
    region = home(login, ars_region)
    assert "Côtes-d'Armor (22)" in region and "Morbihan (56)" in region and "1 demande de financement à instruire" in region
    services.post_message(plan=adopted.plan, body="Oui.", by=delegation_22)
    assert "attend une réponse" not in home(login, delegation_22)


def test_the_elected_officials_home_shows_the_copil(login, elected_dinan, coordinator_dinan, submitted_plan):
    page = home(login, elected_dinan)
    assert "Le COPIL du CLS de Dinan Agglomération" in page and "en attente de l’avis du COPIL" in page
    assert "Aucune réunion du COPIL n’est prévue" in page
    services.schedule_copil(
        plan=submitted_plan,
        date=datetime.date.today() + datetime.timedelta(days=2),
        time=datetime.time(18, 30),
        place="Salle des fêtes",
        agenda="",
        invited_users=[elected_dinan],
        other_invitees="",
        by=coordinator_dinan,
    )
    assert "à 18:30, Salle des fêtes" in home(login, elected_dinan)


def test_the_partners_home_lists_the_actions_of_its_organisation(
    login, partner_dinan, partner_organisation_dinan, coordinator_dinan, adopted
):
    assert adopted.title not in home(login, partner_dinan)
    adopted.lead_organisation = partner_organisation_dinan
    services.save_planned_action(action=adopted, m2m={}, by=coordinator_dinan)
    page = home(login, partner_dinan)
    assert "Les actions de votre organisation" in page and adopted.title in page and "(pilote)" in page


def test_homes_hold_no_one_elses_work(login, social_services_dinan, volunteer_dinan, resource_pole, adopted):
    for user in [social_services_dinan, volunteer_dinan, resource_pole]:
        page = home(login, user)
        assert "À traiter" not in page and "À faire pour" not in page and "demande de financement" not in page
    assert reverse("plans:follow_up") in login(resource_pole).get(HOME).content.decode()
