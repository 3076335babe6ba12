"""The volunteer's journey: a dashboard with its association; no directory, no API, no plan."""

import pytest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_volunteer_sees_its_association_and_nothing_more(visit, people):
    plans = seed_submitted_plans(people)
    tab = visit("benevole")
    page = tab.page
    tab.log_in(people.volunteer)
    assert tab.heading() == "Bonjour Lena"
    assert "Bénévole – Association de démonstration – solidarité Pays de Dinan" in tab.main_text()
    navigation = page.locator("#navigation-principale")
    for name in ["Annuaire", "API", "Suivi des plans"]:
        assert navigation.get_by_role("link", name=name, exact=True).count() == 0
    assert page.get_by_role("link", name="Mes jetons d’accès à l’API").count() == 0
    tab.check("mon espace")

    tab.click_link("Changer mon mot de passe")
    assert tab.heading().startswith("Changer")
    tab.check("mot de passe")

    tab.expect_not_found(plans.dinan.plan.get_absolute_url(), "pas de plan")
