"""The ARS delegation agent's journey: follow the plans of its department, instruct a funding request, answer on the plan."""

import pytest

from mobilisation.contracts.models import Cls
from mobilisation.plans import services
from mobilisation.plans.models import FundingRequest, PlanMessage

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_delegation_works_from_its_home_and_queue_grants_then_reopens_a_decision_and_answers_the_cls(visit, people, mailoutbox):
    plans = seed_submitted_plans(people)
    funding = plans.dinan.funding
    services.post_message(plan=plans.dinan.plan, body="Le calendrier des affichages est prêt.", by=people.coordinator)
    tab = visit("delegation")
    page = tab.page
    tab.log_in(people.delegation)
    assert tab.heading() == "Bonjour Yann"
    home = tab.main_text()
    assert "1 demande de financement à instruire" in home
    assert "CLS de Dinan Agglomération attend une réponse de l’ARS" in home
    assert "CLS sans plan d’action" in home  # the other CLS of the Côtes-d'Armor
    tab.check("mon espace")

    tab.click_link("Suivi des plans", exact=True)
    assert tab.heading() == "Suivi des plans d’action"
    rows = page.locator("table", has=page.locator("caption", has_text="CLS et plans d’action")).locator("tbody tr")
    assert rows.count() == Cls.objects.filter(department="22").count()  # its department only, started or not
    dinan = rows.filter(has_text="CLS de Dinan Agglomération")
    assert dinan.locator("td").nth(2).inner_text() == "Soumis au COPIL"
    assert rows.filter(has_text="CLS du Pays de Brest").count() == 0
    assert page.locator("caption", has_text="Par département").count() == 0  # one department: no per-department table
    tab.check("suivi du departement")

    tab.click_link("Financements", exact=True)
    assert tab.heading() == "Demandes de financement"
    assert "À instruire (1)" in tab.main_text()
    tab.check("file des demandes")
    tab.click_link(funding.action.title, exact=True)
    assert tab.heading() == "Demande de financement"
    assert "Dinan Agglomération : 1 000 €" in tab.main_text()
    assert page.get_by_label("Montant accordé (€)").input_value() == ""  # granting is a deliberate figure
    page.locator("label", has_text="Accordée").click()
    page.get_by_label("Montant accordé (€)").fill("40 000")
    tab.click_button("Enregistrer la décision")
    assert "ne peut pas dépasser le montant demandé (5 000 €)" in tab.main_text()
    assert page.get_by_label("Montant accordé (€)").input_value() == "40 000"
    tab.check("instruction en erreur")
    page.get_by_label("Montant accordé (€)").fill("4 000")
    page.get_by_label("Commentaire").first.fill("Accord partiel : 4 000 € sur la ligne demandée.")
    tab.click_button("Enregistrer la décision")
    assert tab.badge() == "Accordée"
    tab.check("demande accordee")
    funding.refresh_from_db()
    assert (funding.status, funding.amount_granted, funding.decided_by) == ("accordee", 4000, people.delegation)
    assert any(mail.to == [people.coordinator.email] and "accordée" in mail.subject for mail in mailoutbox)

    # A mistake in the figure: the delegation reopens its own decision, with a reason the coordinator reads.
    page.get_by_label("Motif de la réouverture").fill("Erreur de saisie : l’accord porte sur 4 500 €.")
    tab.check("reouverture")
    tab.click_button("Rouvrir la décision")
    assert tab.badge() == "En instruction"
    assert "motif : Erreur de saisie" in tab.main_text()
    tab.check("decision rouverte")
    assert any("décision de financement rouverte" in mail.subject and mail.to == [people.coordinator.email] for mail in mailoutbox)
    page.locator("label", has_text="Accordée").click()
    page.get_by_label("Montant accordé (€)").fill("4 500")
    tab.click_button("Enregistrer la décision")
    funding.refresh_from_db()
    assert (funding.status, funding.amount_granted) == ("accordee", 4500)
    tab.check("decision corrigee")

    tab.click_link("Plan d’action", exact=True)
    page.get_by_label("Votre message").fill("Le financement est accordé ; merci d’envoyer le calendrier des affichages.")
    tab.click_button("Envoyer le message")
    assert tab.path.endswith("#echanges")
    assert "merci d’envoyer le calendrier des affichages" in tab.main_text()
    tab.check("message envoye")
    message = PlanMessage.objects.filter(author=people.delegation).get()
    assert message.plan == plans.dinan.plan and message.from_ars
    assert any(mail.to == [people.coordinator.email] and "nouveau message" in mail.subject for mail in mailoutbox)
    tab.goto("/espace/")
    assert "attend une réponse de l’ARS" not in tab.main_text()  # answered

    tab.expect_not_found(plans.brest.plan.get_absolute_url(), "plan hors departement")

    coordinator = visit("delegation-vue-coordinatrice")
    coordinator.log_in(people.coordinator)
    home = coordinator.main_text()
    assert "1 message non lu de l’ARS" in home
    assert f"Demande de financement accordée pour « {funding.action.title} » : 4 500 €" in home
    coordinator.check("la coordinatrice voit ce qui l attend")
    coordinator.goto(funding.get_absolute_url())
    assert coordinator.badge() == "Accordée"
    assert "4 500 €" in coordinator.main_text() and "Erreur de saisie" in coordinator.main_text()
    coordinator.check("la coordinatrice voit l accord")
    coordinator.click_link("Plan d’action", exact=True)
    assert "merci d’envoyer le calendrier des affichages" in coordinator.main_text()
    coordinator.click_button("Marquer les 1 nouveau message comme lu")
    coordinator.goto("/espace/")
    assert "message non lu" not in coordinator.main_text()
    coordinator.check("la coordinatrice a lu la reponse")
    assert FundingRequest.objects.get(pk=funding.pk).comments.count() == 2  # the comment and the reopening
