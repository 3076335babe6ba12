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
    plan_rows = page.locator("table", has=page.locator("caption", has_text="Plans d’action")).locator("tbody tr")
    assert plan_rows.count() == 2
    tab.check("suivi de la region")

    tab.click_link("CLS du Pays de Brest", exact=True)
    assert tab.heading() == "Plan d’action du CLS du Pays de Brest"
    for name in ["Ajouter des actions du catalogue", "Enregistrer une réunion du COPIL"]:
        assert page.get_by_role("link", name=name).count() == 0
    assert page.get_by_role("button", name="Envoyer le message").count() == 0
    tab.check("plan en lecture")

    tab.click_link("Suivi des plans", exact=True)
    tab.click_link("Périodes de restriction (confinement, couvre-feu)")
    assert page.get_by_role("button", name="Enregistrer").count() == 0  # recorded by the ARS region only
    tab.check("restrictions en lecture")

    tab.click_link("Annuaire", exact=True)
    assert tab.heading() == "Annuaire des partenaires"
    tab.check("annuaire")

    tab.expect_not_found(f"/plans/{plans.dinan.plan.public_id}/copil/", "pas de copil")
