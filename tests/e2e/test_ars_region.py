"""The ARS region's journeys: region follow-up, a lockdown flagging actions, a catalogue change seen by the plan, the registry."""

import datetime

import pytest

from mobilisation.catalogue.models import ActionModel
from mobilisation.contracts.models import Cls
from mobilisation.plans.models import PlannedAction, RestrictionPeriod

from .seed import ACTION_START, seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_region_follows_the_plans_records_a_lockdown_for_one_department_and_lifts_it(visit, people):
    plans = seed_submitted_plans(people)
    gathering = plans.dinan.actions[1]  # conferences and debates: gatherings, with a lockdown alternative
    tab = visit("ars-region-suivi")
    page = tab.page
    tab.log_in(people.region)
    assert tab.heading() == "Bonjour Anne"
    home = tab.main_text()
    assert "À traiter" in home and "1 demande de financement à instruire" in home  # Dinan's, in the Côtes-d'Armor
    assert "CLS sans plan d’action" in home and "Les CLS que je suis (22)" in home
    tab.check("mon espace")

    tab.click_link("Suivi des plans", exact=True)
    by_department = page.locator("table", has=page.locator("caption", has_text="Par département")).locator("tbody tr")
    names = [by_department.nth(i).locator("td").first.inner_text() for i in range(by_department.count())]
    assert names == ["Côtes-d'Armor", "Finistère", "Ille-et-Vilaine", "Morbihan"]  # every CLS, started or not
    dinan_department = by_department.nth(0).locator("td")
    assert dinan_department.nth(2).inner_text() == "1" and dinan_department.nth(4).inner_text() == "3"  # one plan, 3 actions
    assert "5 000 €" in by_department.nth(0).inner_text().replace("\u202f", " ").replace("\xa0", " ")
    rows = page.locator("table", has=page.locator("caption", has_text="CLS et plans d’action")).locator("tbody tr")
    assert rows.count() == Cls.objects.count()
    assert rows.filter(has_text="Non commencé").count() == Cls.objects.count() - 2
    tab.check("suivi de la region")

    tab.click_link("Périodes de restriction (confinement, couvre-feu, mesures locales)")
    assert tab.heading() == "Périodes de restriction"
    assert "Aucune période enregistrée." in tab.main_text()
    tab.check("restrictions")
    tab.click_link("Enregistrer une période de restriction")
    page.locator("#id_kind").select_option(label="Confinement")
    page.locator("#id_label").fill("Confinement de décembre")
    page.locator("#id_start").fill((ACTION_START - datetime.timedelta(days=3)).isoformat())
    page.locator("#id_end").fill((ACTION_START + datetime.timedelta(days=9)).isoformat())
    tab.click_button("Enregistrer")  # the territory forgotten: refused, not a national lockdown
    assert page.title().startswith("Erreur – ") and not RestrictionPeriod.objects.exists()
    tab.check("territoire oublie")
    page.locator("label", has_text="Un département").click()
    page.locator("#id_department").select_option(value="22")
    tab.check("formulaire restriction")
    tab.click_button("Enregistrer")
    assert tab.heading() == "Confinement de décembre"
    hit = PlannedAction.objects.affected().count()
    assert hit == 2 and "2 actions des plans sont signalées à leurs CLS" in tab.main_text()  # the gathering and the visits
    tab.check("restriction enregistree")
    period = RestrictionPeriod.objects.get()
    assert (period.scope, period.department_id) == ("departement", "22")
    assert sorted(period.blocked_modalities.values_list("code", flat=True)) == ["presentiel", "rassemblement"]  # the defaults

    tab.click_link("Suivi des plans", exact=True)
    assert page.get_by_role("link", name=gathering.title).is_visible()
    tab.check("suivi avec action signalee")
    tab.click_link(gathering.title, exact=True)
    assert page.get_by_text("Restriction en vigueur pendant cette action").is_visible()
    assert "Alternative proposée par l’ARS" in tab.main_text()
    tab.check("action signalee")

    # The lockdown is lifted before the December actions start: they are no longer flagged.
    tab.goto(period.get_absolute_url())
    page.get_by_label("Dernier jour d’application").fill((ACTION_START - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Motif").fill("Décret du préfet")
    tab.check("lever la mesure")
    tab.click_button("Lever la mesure")
    assert "est levée" in tab.main_text() and "Décret du préfet" in tab.main_text()
    tab.check("mesure levee")
    period.refresh_from_db()
    assert period.end == ACTION_START - datetime.timedelta(days=1)
    tab.goto(gathering.get_absolute_url())
    assert page.get_by_text("Restriction en vigueur pendant cette action").count() == 0
    tab.check("action liberee")


def test_region_edits_an_action_model_the_plan_shows_it_and_corrects_the_registry(visit, people):
    plans = seed_submitted_plans(people)
    adopted = plans.dinan.actions[0]
    model = adopted.action_model
    tab = visit("ars-region-catalogue")
    page = tab.page
    tab.log_in(people.region)

    tab.click_link("Catalogue", exact=True)
    tab.click_link("COVID-19 : mobilisation des CLS bretons")
    tab.click_link(model.title, exact=True)
    assert tab.heading() == model.title
    tab.click_link("Modifier", exact=True)
    assert tab.heading() == "Modifier le modèle d’action"
    description = page.locator("#id_description")
    description.fill(description.input_value() + "\nTraduire les messages en breton et en langue des signes.")
    page.get_by_label("Motif de la modification").fill("Messages accessibles à tous")
    tab.check("formulaire modele")
    tab.click_button("Enregistrer")
    assert f"Le modèle d’action « {model.title} » est enregistré (révision 2)." in tab.main_text()
    tab.check("modele enregistre")
    model.refresh_from_db()
    assert model.revision == 2 and model.description.endswith("langue des signes.")
    tab.click_link("historique des modifications")
    assert "Messages accessibles à tous" in tab.main_text()
    tab.check("historique du modele")

    tab.click_link("Suivi des plans", exact=True)
    tab.click_link("CLS de Dinan Agglomération", exact=True)
    assert "1 action dont le modèle a été modifié par l’ARS depuis son adoption." in tab.main_text()
    row = page.locator("tr", has=page.get_by_role("link", name=adopted.title, exact=True))
    assert row.get_by_text("modèle modifié").is_visible()
    tab.check("plan signale le modele")
    tab.click_link(adopted.title, exact=True)
    alert = page.locator(".fr-alert", has_text="L’ARS a modifié le modèle de cette action").inner_text()
    assert "le modèle en est à la révision 2. Champs modifiés : description" in alert
    tab.check("action signale le modele")

    tab.click_link("Registre des CLS", exact=True)
    tab.click_link("Espace du CLS CLS de Dinan Agglomération")
    tab.click_link("Corriger ce CLS")
    assert tab.heading() == "Corriger le CLS : CLS de Dinan Agglomération"
    page.locator("#id_coordinator_name").fill("Claire Dinan")
    page.locator("#id_coordinator_email").fill("coordination.cls@dinan-agglomeration.fr")
    tab.check("formulaire du cls")
    tab.click_button("Enregistrer")
    assert tab.heading() == "CLS de Dinan Agglomération"
    assert "Claire Dinan – coordination.cls@dinan-agglomeration.fr" in tab.main_text()
    history = page.locator("table", has=page.locator("caption", has_text="Historique du CLS")).locator("tbody tr").first
    assert "Anne Région" in history.inner_text()
    tab.check("cls corrige")
    cls = Cls.objects.get(slug="dinan")
    assert (cls.coordinator_name, cls.coordinator_email) == ("Claire Dinan", "coordination.cls@dinan-agglomeration.fr")
    assert cls.history.first().history_user == people.region
    assert ActionModel.objects.get(pk=model.pk).revision == 2


def test_region_sees_a_failed_background_task_and_relaunches_it(visit, people):
    from mobilisation.jobs.enums import JobState
    from mobilisation.jobs.models import Job

    Job.objects.create(
        task="mobilisation.jobs.mail.send_email",
        args=["00000000-0000-0000-0000-000000000001"],
        state=JobState.FAILED,
        attempts=6,
        max_attempts=6,
        error_class="smtplib.SMTPServerDisconnected",
        error_message="Connection unexpectedly closed",
    )
    tab = visit("ars-region-taches")
    page = tab.page
    tab.log_in(people.region)
    assert "1 tâche de fond en échec" in tab.main_text()
    tab.click_link("1 tâche de fond en échec")
    assert tab.heading() == "Tâches de fond"
    row = page.locator("table", has=page.locator("caption", has_text="en échec")).locator("tbody tr").first
    assert "Envoi d’un courriel de notification" in row.inner_text() and "6 sur 6" in row.inner_text()
    tab.check("taches de fond en echec")
    row.get_by_role("button", name="Relancer").click()
    page.wait_for_load_state()
    assert "est relancée" in tab.main_text() and "Aucune tâche en échec." in tab.main_text()
    tab.check("tache relancee")
    assert Job.objects.get().state == JobState.SUCCEEDED  # its message was gone: nothing left to send
