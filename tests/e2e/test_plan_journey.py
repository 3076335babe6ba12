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
