"""The ARS delegation agent's journey: follow the plans of its department, instruct a funding request, answer on the plan."""

import pytest

from mobilisation.plans.models import FundingRequest, PlanMessage

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_delegation_follows_its_department_grants_funding_and_answers_the_cls(visit, people, mailoutbox):
    plans = seed_submitted_plans(people)
    funding = plans.dinan.funding
    tab = visit("delegation")
    page = tab.page
    tab.log_in(people.delegation)
    assert tab.heading() == "Bonjour Yann"
    tab.check("mon espace")

    tab.click_link("Suivi des plans", exact=True)
    assert tab.heading() == "Suivi des plans d’action"
    rows = page.locator("table", has=page.locator("caption", has_text="Plans d’action")).locator("tbody tr")
    assert rows.count() == 1  # its department only: Brest (29) is not there
    assert rows.first.locator("td").nth(0).inner_text() == "CLS de Dinan Agglomération"
    assert rows.first.locator("td").nth(3).inner_text() == "Soumis au COPIL"
    assert page.locator("caption", has_text="Par département").count() == 0  # one department: no per-department table
    tab.check("suivi du departement")

    tab.click_link("CLS de Dinan Agglomération", exact=True)
    assert tab.heading() == "Plan d’action du CLS de Dinan Agglomération"
    assert page.get_by_role("link", name="Ajouter des actions du catalogue").count() == 0
    assert page.get_by_role("link", name="Enregistrer une réunion du COPIL").count() == 0
    tab.check("plan du cls")

    tab.click_link(f"{funding.action.title} – 5 000,00 €")
    assert tab.heading() == "Demande de financement"
    assert "Dinan Agglomération : 1 000 €" in tab.main_text()
    page.get_by_label("Nouvel état").select_option(label="Accordée")
    page.get_by_label("Montant accordé (€)").fill("4000")
    page.get_by_label("Commentaire").first.fill("Accord partiel : 4 000 € sur la ligne demandée.")
    tab.check("instruction")
    tab.click_button("Enregistrer la décision")
    assert tab.badge() == "Accordée"
    assert "Accord partiel : 4 000 € sur la ligne demandée." in tab.main_text()
    tab.check("demande accordee")
    funding.refresh_from_db()
    assert (funding.status, funding.amount_granted, funding.decided_by) == ("accordee", 4000, people.delegation)
    assert any(mail.to == [people.coordinator.email] and "accordée" in mail.subject for mail in mailoutbox)

    tab.click_link("Plan COVID-19 : mobilisation des CLS bretons")
    page.get_by_label("Votre message").fill("Le financement est accordé ; merci d’envoyer le calendrier des affichages.")
    tab.click_button("Envoyer le message")
    assert tab.path.endswith("#echanges")
    assert "merci d’envoyer le calendrier des affichages" in tab.main_text()
    tab.check("message envoye")
    message = PlanMessage.objects.get()
    assert (message.plan, message.author) == (plans.dinan.plan, people.delegation)
    assert any(mail.to == [people.coordinator.email] and "nouveau message" in mail.subject for mail in mailoutbox)

    tab.expect_not_found(plans.brest.plan.get_absolute_url(), "plan hors departement")

    coordinator = visit("delegation-vue-coordinatrice")
    coordinator.log_in(people.coordinator)
    coordinator.goto(funding.get_absolute_url())
    assert coordinator.badge() == "Accordée"
    assert "4 000,00 €" in coordinator.main_text()
    coordinator.check("la coordinatrice voit l accord")
    coordinator.click_link("Plan COVID-19 : mobilisation des CLS bretons")
    assert "merci d’envoyer le calendrier des affichages" in coordinator.main_text()
    coordinator.check("la coordinatrice lit la reponse")
    assert FundingRequest.objects.get(pk=funding.pk).comments.count() == 1
