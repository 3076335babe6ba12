"""The resource pole's journey: the whole region's plans to read, without writing, deciding or discussing them."""

import pytest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_resource_pole_reads_the_plans_of_the_region(visit, people):
    plans = seed_submitted_plans(people)
    tab = visit("pole-ressources")
    page = tab.page
    tab.log_in(people.pole)
    assert tab.heading() == "Bonjour Paul"
    assert "Pôle ressources en promotion de la santé – Région Bretagne" in tab.main_text()
    tab.check("mon espace")

    tab.click_link("Suivi des plans", exact=True)
    assert page.locator("caption", has_text="Par département").is_visible()
    rows = page.locator("table", has=page.locator("caption", has_text="CLS et plans d’action")).locator("tbody tr")
    assert rows.count() == 22 and rows.filter(has_text="Non commencé").count() == 20  # every CLS, two plans started
    tab.check("suivi de la region")

    tab.click_link("CLS de Dinan Agglomération", exact=True)
    assert tab.heading() == "Plan d’action du CLS de Dinan Agglomération"
    for name in ["Ajouter des actions du catalogue", "Prévoir une réunion du COPIL"]:
        assert page.get_by_role("link", name=name).count() == 0
    assert page.get_by_role("button", name="Envoyer le message").count() == 0
    # Reading the plans, not their money nor the exchange between the CLS and the ARS.
    assert "Budget et financements" not in tab.main_text() and "Échanges avec l’ARS" not in tab.main_text()
    assert "Demande de financement de" not in tab.main_text()
    tab.check("plan en lecture")

    tab.click_link("Suivi des plans", exact=True)
    tab.click_link("Périodes de restriction (confinement, couvre-feu, mesures locales)")
    assert page.get_by_role("link", name="Enregistrer une période de restriction").count() == 0  # the ARS region's
    tab.check("restrictions en lecture")

    tab.click_link("Annuaire", exact=True)
    assert tab.heading() == "Annuaire des partenaires"
    tab.check("annuaire")

    tab.expect_not_found(f"/plans/{plans.dinan.plan.public_id}/copil/", "pas de copil")
    tab.expect_not_found(plans.dinan.funding.get_absolute_url(), "pas de financements")
    tab.expect_not_found("/plans/financements/", "pas de file d instruction")
