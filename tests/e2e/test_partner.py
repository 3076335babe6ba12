"""The partner member's journey: its organisation and the directory; plans stay with the CLS and the ARS."""

import pytest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_partner_member_reaches_its_organisation(visit, people):
    plans = seed_submitted_plans(people)
    tab = visit("partenaire")
    page = tab.page
    tab.log_in(people.partner)
    assert tab.heading() == "Bonjour Marc"
    assert "Mon organisation" in tab.main_text()
    assert "Association de démonstration – solidarité Pays de Dinan (Association" in tab.main_text()
    tab.check("mon espace")

    tab.click_link("Annuaire", exact=True)
    links = page.locator("main table tbody a")
    assert [links.nth(i).inner_text() for i in range(links.count())] == ["Association de démonstration – solidarité Pays de Dinan"]
    tab.check("annuaire")
    tab.click_link("Association de démonstration – solidarité Pays de Dinan")
    assert tab.heading() == "Association de démonstration – solidarité Pays de Dinan"
    tab.check("mon organisation")

    tab.expect_not_found(plans.dinan.plan.get_absolute_url(), "pas de plan")
