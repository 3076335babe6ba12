"""The elected official's journey: open the CLS plan submitted by the coordinator, read it, record the COPIL decisions."""

import pytest
from django.utils import timezone

from mobilisation.plans.models import CopilMeeting, Plan

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_elected_official_schedules_the_copil_then_records_who_came_and_its_decisions(visit, people, mailoutbox):
    plans = seed_submitted_plans(people)
    kept, rejected = plans.dinan.actions[::2], plans.dinan.actions[1]
    tab = visit("elu")
    page = tab.page
    tab.log_in(people.elected)
    assert tab.heading() == "Bonjour Hervé"
    assert "Élue ou élu référent du CLS – CLS de Dinan Agglomération" in tab.main_text()
    assert "Le COPIL du CLS de Dinan Agglomération" in tab.main_text() and "Aucune réunion du COPIL n’est prévue" in tab.main_text()
    tab.check("mon espace")

    tab.click_link("CLS de Dinan Agglomération", exact=True)
    assert "Plan soumis au COPIL." in tab.main_text()
    assert page.get_by_role("link", name="Corriger ce CLS").count() == 0
    tab.check("espace du cls")

    tab.click_link("Ouvrir le plan d’action")
    assert tab.heading() == "Plan d’action du CLS de Dinan Agglomération"
    assert tab.badge() == "Soumis au COPIL"
    assert "Isolement des personnes âgées" in tab.main_text()
    for action in plans.dinan.actions:
        assert page.get_by_role("link", name=action.title, exact=True).is_visible()
    # Reading and deciding, not writing the plan: that is the coordinator's.
    assert page.get_by_role("link", name="Ajouter des actions du catalogue").count() == 0
    assert page.get_by_role("button", name="Soumettre au COPIL").count() == 0
    tab.check("plan soumis")

    tab.click_link(kept[0].title, exact=True)
    assert tab.heading() == kept[0].title
    assert page.get_by_role("link", name="Modifier").count() == 0
    tab.check("action a lire")
    tab.click_link("Plan d’action", exact=True)

    # The COPIL is scheduled ahead, with its invited members told by e-mail…
    tab.click_link("Prévoir une réunion du COPIL")
    today = timezone.localdate()
    page.get_by_label("Date de la réunion").fill(today.isoformat())
    page.get_by_label("Heure").fill("18:00")
    page.get_by_label("Lieu").fill("Salle du conseil communautaire, Dinan")
    page.get_by_label("Ordre du jour").fill("Adoption du plan d’action COVID-19")
    page.locator("label", has_text=people.coordinator.email).click()
    page.locator("label", has_text=people.delegation.email).click()
    page.get_by_label("Autres invités").fill("Anne Le Gall, adjointe au maire de Dinan")
    tab.check("formulaire de la reunion")
    tab.click_button("Enregistrer")
    assert "Réunions prévues" in tab.main_text() and "Salle du conseil communautaire" in tab.main_text()
    tab.check("reunion prevue")
    assert any(people.delegation.email in mail.to and "réunion du COPIL" in mail.subject for mail in mailoutbox)

    # …then, the day come, its attendees and decisions are recorded: « x » is not a COPIL.
    tab.click_link("Enregistrer les présents et les décisions")
    page.get_by_label("Autres participants").fill("x")
    tab.click_button("Enregistrer")
    assert "ligne 1 à compléter" in tab.main_text()
    tab.check("participants a completer")
    assert page.locator("label", has_text=people.coordinator.email).locator("xpath=preceding-sibling::input").is_checked()
    page.locator("label", has_text=people.delegation.email).click()  # the invited are ticked: untick who did not come
    page.get_by_label("Autres participants").fill("Hervé Élu, vice-président santé\nAnne Le Gall, adjointe au maire de Dinan")
    page.get_by_label("Relevé de décisions").fill("Plan adopté ; conférences reportées après la crise.")
    page.locator("label[for=id_adopt_plan]").click()
    for action in kept:
        page.locator("fieldset", has_text="Actions adoptées").locator("label", has_text=action.title).click()
    page.locator("fieldset", has_text="Actions rejetées").locator("label", has_text=rejected.title).click()
    tab.check("formulaire copil")
    tab.click_button("Enregistrer")
    assert tab.path.endswith("#copil")
    assert tab.badge() == "Adopté"
    assert f"Adoption d’une action : {kept[0].title}" in tab.main_text()
    assert f"Rejet d’une action : {rejected.title}" in tab.main_text()
    tab.check("plan adopte")

    plan = Plan.objects.get(pk=plans.dinan.plan.pk)
    assert plan.status == "adopte"
    meeting = CopilMeeting.objects.get(plan=plan)
    assert (meeting.date, meeting.recorded_by, meeting.status) == (today, people.elected, "tenue")
    assert "Anne Le Gall, adjointe au maire de Dinan" in meeting.attendees and people.coordinator.get_full_name() in meeting.attendees
    assert people.delegation.get_full_name() not in meeting.attendees
    kinds = sorted(meeting.decisions.values_list("kind", flat=True))
    assert kinds == ["adopter_action", "adopter_action", "adopter_plan", "rejeter_action"]
    verdicts = dict(plan.actions.values_list("title", "copil_verdict"))
    assert {verdicts[a.title] for a in kept} == {"adoptee"} and verdicts[rejected.title] == "rejetee"

    tab.expect_not_found(f"/plans/{plan.public_id}/catalogue/", "pas de modification du plan")
