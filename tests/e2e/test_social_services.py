"""The social services agent's journey (CCAS of Dinan): its commune, the partners serving it; no plan to change."""

import pytest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_social_services_agent_reaches_its_commune_and_the_partners(visit, people):
    plans = seed_submitted_plans(people)
    tab = visit("ccas")
    page = tab.page
    tab.log_in(people.social)
    assert tab.heading() == "Bonjour Nolwenn"
    assert "Agent des services sociaux (CCAS/CIAS) – Dinan" in tab.main_text()
    assert page.get_by_role("link", name="Suivi des plans").count() == 0
    tab.check("mon espace")

    tab.click_link("Dinan", exact=True)
    assert tab.heading() == "Dinan"
    tab.check("ma commune")

    tab.click_link("Annuaire", exact=True)
    assert page.get_by_role("link", name="Association de démonstration – solidarité Pays de Dinan").is_visible()
    tab.check("annuaire")
    tab.click_link("Association de démonstration – solidarité Pays de Dinan")
    assert page.get_by_role("link", name="Modifier").count() == 0
    tab.check("organisation partenaire")

    tab.expect_not_found(f"/plans/{plans.dinan.plan.public_id}/catalogue/", "pas de modification du plan")
    tab.expect_not_found(plans.brest.plan.get_absolute_url(), "plan d un autre cls")
