"""The CLS coordinator's journey: log in, reach the CLS and its territory, build the plan, submit it, ask funding."""

import pytest
from django.utils import timezone

from mobilisation.plans.models import FundingRequest, Plan

from .seed import ACTION_END, ACTION_START

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_builds_the_plan_submits_it_to_the_copil_and_asks_funding(visit, people, password, mailoutbox):
    tab = visit("coordinatrice")
    page = tab.page
    tab.goto("/")
    tab.check("accueil")
    tab.click_link("Se connecter")
    assert tab.heading() == "Connexion à Mobilisation CLS"
    tab.check("connexion")

    page.locator("#id_username").fill(people.coordinator.email)
    page.locator("#id_password").fill(password)
    tab.click_button("Se connecter")
    assert tab.path == "/espace/"
    assert tab.heading() == "Bonjour Claire"
    assert "Coordinatrice ou coordinateur de CLS – CLS de Dinan Agglomération" in tab.main_text()
    tab.check("mon espace")

    tab.click_link("CLS de Dinan Agglomération", exact=True)
    assert tab.heading() == "CLS de Dinan Agglomération"
    assert page.get_by_text("ars-dd22-direction@ars.sante.fr").first.is_visible()
    assert page.get_by_role("button", name="Commencer le plan d’action").is_visible()
    tab.check("espace du cls")

    tab.click_link("CA Dinan Agglomération")
    assert tab.heading() == "CA Dinan Agglomération"
    tab.check("territoire du cls")
    tab.click_link("Mon espace", exact=True)
    tab.click_link("CLS de Dinan Agglomération", exact=True)

    tab.click_button("Commencer le plan d’action")
    assert tab.heading() == "Plan d’action du CLS de Dinan Agglomération"
    assert tab.badge() == "Brouillon"
    assert "Le plan ne contient encore aucune action." in tab.main_text()
    tab.check("plan vide")

    tab.click_link("Compléter le diagnostic")
    page.get_by_label("Besoins du territoire").fill("Personnes âgées isolées dans les communes rurales du sud du territoire.")
    page.locator("label", has_text="Personnes âgées").first.click()
    page.get_by_label("Filtrer les communes du CLS").fill("dinan")  # 64 communes: the filter narrows them
    communes = page.locator("fieldset", has_text="Communes prioritaires")
    assert communes.locator(".mcls-filterable__options > .fr-fieldset__element:not([hidden]) input[type=checkbox]").count() < 5
    communes.locator("label", has_text="Dinan (22050)").click()
    assert "Choix : Dinan (22050)" in communes.inner_text()
    tab.check("formulaire diagnostic")
    tab.click_button("Enregistrer")
    assert "Personnes âgées isolées dans les communes rurales" in tab.main_text()
    tab.check("diagnostic enregistre")

    tab.click_link("Ajouter des actions du catalogue")
    assert tab.heading() == "Ajouter des actions du catalogue"
    tab.check("catalogue du plan")
    assert page.get_by_text("Correspond à vos publics prioritaires : personnes âgées").first.is_visible()  # chosen in the diagnosis
    adopted = []
    for _ in range(3):
        button = page.get_by_role("button", name="Adopter").first
        adopted.append(button.inner_text().split("« ", 1)[1].rstrip(" »"))  # a title may hold « » itself
        with page.expect_navigation():
            button.click()
    assert page.get_by_text("déjà dans le plan").count() == 3
    assert page.get_by_role("status").first.inner_text().endswith("Précisez-la : communes, dates, partenaires, cibles des indicateurs.")
    tab.check("trois actions adoptees")
    page.get_by_label("Mots-clés").fill("bénévoles")
    tab.click_button("Filtrer")
    assert " pour « bénévoles »" in page.get_by_role("status").last.inner_text()
    tab.check("catalogue du plan recherche")

    tab.click_link("Retour au plan")
    tab.click_link("Créer une action")
    tab.click_button("Enregistrer")  # nothing filled in: the errors must be told accessibly too
    assert page.title().startswith("Erreur – ")
    assert page.get_by_role("alert").first.is_visible()
    tab.check("nouvelle action en erreur")
    page.locator("#id_title").fill("Tournées solidaires dans les bourgs")
    page.locator("#id_theme").select_option(label="B1 – Accompagnement des personnes fragiles")
    page.locator("#id_start").fill(ACTION_START.isoformat())
    page.locator("#id_end").fill(ACTION_END.isoformat())
    tab.check("formulaire nouvelle action")
    tab.click_button("Enregistrer")
    assert tab.heading() == "Tournées solidaires dans les bourgs"
    tab.check("nouvelle action")

    page.locator("summary", has_text="Ajouter un indicateur").click()
    page.locator("#id_indicateur-name").fill("Bourgs visités")
    page.locator("#id_indicateur-unit").fill("bourgs")
    page.locator("#id_indicateur-target").fill("12")
    tab.check("formulaire indicateur")
    tab.click_button("Ajouter", exact=True)
    progress = page.locator("form", has_text="Nouveau point d’avancement pour « Bourgs visités »")
    progress.get_by_label("Valeur atteinte").fill("3e2")  # a typo: the field says so and keeps the other inputs
    progress.get_by_label("Date").fill(timezone.localdate().isoformat())
    progress.get_by_label("Commentaire").fill("Trois bourgs la première semaine")
    with page.expect_navigation():
        progress.get_by_role("button", name="Enregistrer").click()
    progress = page.locator("form", has_text="Nouveau point d’avancement pour « Bourgs visités »")
    assert "Saisissez un nombre, par exemple « 1 000,50 »." in progress.inner_text()
    assert progress.get_by_label("Commentaire").input_value() == "Trois bourgs la première semaine"
    tab.check("avancement en erreur")
    progress.get_by_label("Valeur atteinte").fill("3")
    tab.check("formulaire avancement")
    with page.expect_navigation():
        progress.get_by_role("button", name="Enregistrer").click()
    assert "Cible : 12 · Dernière valeur : 3 au" in tab.main_text()
    tab.check("indicateur suivi")

    tab.click_link("Plan d’action", exact=True)
    for title in adopted:
        assert page.get_by_role("link", name=title, exact=True).is_visible()
    tab.click_button("Soumettre au COPIL")
    assert tab.badge() == "Soumis au COPIL"
    tab.check("plan soumis")
    plan = Plan.objects.get(cls__slug="dinan")
    assert plan.status == "soumis"
    assert plan.needs.startswith("Personnes âgées isolées")
    assert list(plan.priority_communes.values_list("name", flat=True)) == ["Dinan"]
    assert sorted(plan.actions.values_list("title", flat=True)) == sorted([*adopted, "Tournées solidaires dans les bourgs"])
    assert any("plan soumis au COPIL" in mail.subject and "ars.dd22@" in mail.to[0] for mail in mailoutbox)

    tab.click_link("Tournées solidaires dans les bourgs", exact=True)
    tab.click_link("Demander un financement")
    page.get_by_label("Montant demandé (€)").fill("0")
    tab.click_button("Envoyer la demande à l’ARS")
    assert page.title().startswith("Erreur – ")
    tab.check("financement en erreur")
    page.get_by_label("Montant demandé (€)").fill("5 000")
    page.get_by_label("Justification").fill("Vacations d’animateurs et frais de déplacement.")
    tab.check("formulaire financement")
    tab.click_button("Envoyer la demande à l’ARS")
    assert tab.heading() == "Demande de financement"
    assert tab.badge() == "Reçue"
    tab.check("demande envoyee")
    funding = FundingRequest.objects.get()
    assert (funding.action.title, funding.amount_requested, funding.status) == ("Tournées solidaires dans les bourgs", 5000, "recue")
    assert any("nouvelle demande de financement" in mail.subject for mail in mailoutbox)
    indicator = funding.action.indicators.get()
    assert (indicator.name, indicator.target, indicator.entries.get().value) == ("Bourgs visités", 12, 3)
