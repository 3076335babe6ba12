"""Isolation housing in the browser (issue 11): a family finds the offer on the portal and asks for a place (its
error first), the association confirms it, the coordinator sees the free places and the nights offered in the plan."""

import pytest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_family_books_an_isolation_place_and_the_coordinator_sees_it(visit, people):
    from mobilisation.mutualaid.demo import create_demo_housing
    from mobilisation.mutualaid.enums import BookingState
    from mobilisation.mutualaid.models import HousingBooking, HousingPlace

    plans = seed_submitted_plans(people)
    create_demo_housing()  # two places of the demo association at Dinan, linked to the first action of Dinan's plan
    action = HousingPlace.objects.order_by("pk").first().plan_action
    assert action is not None and action.plan == plans.dinan.plan

    family = visit("famille-hebergement")
    page = family.page
    family.goto("/aide/22050/")
    assert "2 lieux d’hébergement (10 places)" in family.main_text()
    family.click_link("Demander un hébergement pour s’isoler")
    assert family.heading() == "Demander un hébergement pour s’isoler"
    assert "12 rue du Jerzual" not in family.main_text()  # the address waits for the confirmation
    family.check("demande")
    page.get_by_label("Gîte d’étape du Jerzual", exact=False).check(force=True)
    page.locator("#id_people").fill("5")
    page.get_by_label("Un proche (famille, voisin)").check(force=True)
    page.locator("#id_requester_name").fill("Anne Riou")
    page.locator("#id_first_name").fill("Gaëlle")
    page.locator("#id_last_name").fill("Riou")
    page.locator("#id_phone").fill("06 12 34 56 78")
    page.locator("#id_email").fill("gaelle.riou@exemple.invalid")
    page.get_by_label("La personne à héberger accepte").check(force=True)
    family.click_button("Envoyer la demande")
    assert "Ce lieu accueille au plus 4 personnes." in family.main_text()
    assert page.locator("#id_first_name").input_value() == "Gaëlle"  # nothing typed is lost
    family.check("demande erreur")
    page.locator("#id_people").fill("3")
    page.get_by_label("La personne à héberger accepte").check(force=True)
    family.click_button("Envoyer la demande")
    assert family.heading() == "Votre demande d’hébergement est envoyée"
    family.check("demande envoyée")

    partner = visit("partenaire-hebergement")
    partner.log_in(people.partner)
    partner.click_link("Hébergement", exact=True)
    assert partner.heading() == "Hébergement d’isolement"
    assert "Gaëlle Riou" in partner.main_text() and "Nolwenn Le Bihan" in partner.main_text()
    partner.check("lieux et demandes")
    partner.page.locator("table").first.get_by_role("row").filter(has_text="Gaëlle Riou").get_by_role("link").click()
    partner.page.wait_for_load_state()
    assert "Gaëlle Riou" in partner.main_text() and "3" in partner.main_text()
    partner.check("demande reçue")
    partner.click_button("Confirmer la réservation")
    assert "La réservation est confirmée" in partner.main_text()
    partner.check("réservation confirmée")
    booking = HousingBooking.objects.get(last_name="Riou")
    assert booking.state == BookingState.CONFIRMED and booking.requester_name == "Anne Riou"

    coordinator = visit("coordinatrice-hebergement")
    coordinator.log_in(people.coordinator)
    coordinator.click_link("Hébergement d’isolement : les places libres cette semaine")
    assert coordinator.heading() == "Capacités d’hébergement d’isolement"
    text = coordinator.main_text()
    assert "Gaëlle" not in text and "12 rue du Jerzual" not in text  # counts, never a name or an address
    assert "5 libres ce soir" in text  # 10 places: Erwan’s two and Gaëlle’s three taken, Nolwenn’s still to confirm
    coordinator.check("capacités")
    coordinator.goto(action.get_absolute_url())
    assert "Nuits d’isolement offertes" in coordinator.main_text()
    coordinator.check("indicateurs de l’action")
