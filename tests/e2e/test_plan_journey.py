"""The plan journey in Chromium: a coordinator builds and submits a plan, the COPIL adopts it, the delegation grants funding."""

import pytest

from mobilisation.plans.models import FundingRequest, Plan

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_plan_copil_funding_and_delegation_grant(visit, coordinator, delegation_agent, password):
    tab = visit("plan")
    page = tab.page
    log_in(tab, coordinator, password)
    page.get_by_role("link", name="CLS de Dinan Agglomération").click()
    page.get_by_role("button", name="Commencer le plan d’action").click()
    page.wait_for_url("**/plans/**")
    tab.check("plan vide")

    page.get_by_role("link", name="Ajouter des actions du catalogue").click()
    tab.check("catalogue du plan")
    for _ in range(3):
        page.get_by_role("button", name="Adopter").first.click()
        page.wait_for_load_state()
    assert page.get_by_text("déjà dans le plan").count() == 3
    tab.check("trois actions adoptees")

    page.get_by_role("link", name="Retour au plan").click()
    page.get_by_role("link", name="Créer une action").click()
    page.locator("#id_title").fill("Tournées solidaires dans les bourgs")
    page.locator("#id_theme").select_option(label="B1 – Accompagnement des personnes fragiles")
    page.locator("#id_start").fill("2026-12-01")
    page.locator("#id_end").fill("2026-12-20")
    tab.check("formulaire nouvelle action")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/plans/actions/**")
    assert page.locator("h1").inner_text() == "Tournées solidaires dans les bourgs"
    tab.check("nouvelle action")

    page.get_by_role("link", name="Plan COVID-19 : mobilisation des CLS bretons").click()
    page.get_by_role("button", name="Soumettre au COPIL").click()
    assert page.get_by_text("Soumis au COPIL").first.is_visible()
    tab.check("plan soumis")

    page.get_by_role("link", name="Enregistrer une réunion du COPIL").click()
    page.get_by_label("Date de la réunion").fill("2026-11-20")
    page.get_by_label("Participants").fill("Hervé Le Goff, vice-président santé\nClaire Le Gall, coordinatrice")
    page.locator("label[for=id_adopt_plan]").click()
    tab.check("formulaire copil")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/plans/**#copil")
    assert Plan.objects.get().status == "adopte"
    tab.check("plan adopte")

    page.get_by_role("link", name="Tournées solidaires dans les bourgs").click()
    page.get_by_role("link", name="Demander un financement").click()
    page.get_by_label("Montant demandé (€)").fill("5000")
    page.get_by_label("Justification").fill("Vacations d’animateurs et frais de déplacement.")
    tab.check("formulaire financement")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/plans/financements/**")
    tab.check("demande envoyee")
    funding_url = page.url
    page.get_by_role("button", name="Se déconnecter").click()

    agent = visit("delegation")
    log_in(agent, delegation_agent, password)
    agent.page.get_by_role("link", name="Suivi des plans").first.click()
    assert agent.page.get_by_text("CLS de Dinan Agglomération").first.is_visible()
    agent.check("suivi delegation")
    agent.page.goto(funding_url)
    agent.page.get_by_label("Nouvel état").select_option(label="Accordée")
    agent.page.get_by_label("Montant accordé (€)").fill("4000")
    agent.page.get_by_label("Commentaire").first.fill("Accord partiel : 4 000 € sur la ligne demandée.")
    agent.check("instruction")
    agent.page.get_by_role("button", name="Enregistrer la décision").click()
    assert FundingRequest.objects.get().status == "accordee"
    agent.check("demande accordee")

    log_in(tab, coordinator, password)
    tab.page.goto(funding_url)
    assert tab.page.get_by_text("Accordée").first.is_visible()
    assert "4 000,00 €" in tab.page.locator("main").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    tab.check("coordinatrice voit l accord")


def test_ars_region_records_a_lockdown_and_sees_the_flagged_action(visit, coordinator, password):
    import datetime

    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership
    from mobilisation.catalogue.models import Mobilisation
    from mobilisation.plans import services

    from ..factories import UserFactory

    region = UserFactory(email="anne.region@exemple.fr", first_name="Anne", last_name="Kerjean")
    Membership.objects.create(user=region, role=Role.ARS_REGION)
    covid = Mobilisation.objects.get(slug="covid19-2020")
    plan = services.start_plan(cls=coordinator.memberships.get().cls, mobilisation=covid, by=coordinator)
    model = covid.action_models.filter(modalities__code="rassemblement").exclude(lockdown_alternative="").first()
    action, _ = services.adopt_action_model(plan=plan, action_model=model, by=coordinator)
    action.start, action.end = datetime.date(2026, 12, 1), datetime.date(2026, 12, 15)
    action.save()

    tab = visit("ars-region")
    log_in(tab, region, password)
    tab.goto("/plans/restrictions/")
    tab.check("restrictions")
    tab.page.locator("#id_kind").select_option(label="Confinement")
    tab.page.locator("#id_label").fill("Confinement de décembre")
    tab.page.locator("#id_start").fill("2026-11-28")
    tab.page.locator("#id_end").fill("2026-12-10")
    tab.page.get_by_role("button", name="Enregistrer").click()
    assert tab.page.get_by_text("Confinement de décembre").first.is_visible()
    tab.check("restriction enregistree")
    tab.goto("/plans/")
    assert tab.page.get_by_role("link", name=model.title).is_visible()
    tab.check("suivi region")
    tab.page.get_by_role("link", name=model.title).click()
    assert tab.page.get_by_text("Restriction en vigueur pendant cette action").is_visible()
    tab.check("action signalee")
