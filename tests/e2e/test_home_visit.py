"""The home visit in the browser: at the CCAS's rung of an escalation the agent gives the visit to the volunteer caller;
the volunteer finds it in their call list, reads the address, records « va bien », and reaches nothing after; the
agent reads the escalation resolved, with who visited. axe-core at zero on every page."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from mobilisation.followup import services
from mobilisation.followup.enums import EscalationLevel, EscalationState, Outcome, StepOutcome
from mobilisation.followup.models import Campaign, ContactTask, Escalation, Person

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_home_visit_given_made_and_recorded(visit, people):
    person = Person.objects.create(
        commune_id="22050",
        last_name="Kerjean",
        first_name="Maïwenn",
        birth_date=datetime.date(1937, 6, 1),
        category="65_ans",
        address="4 rue de l’Horloge",
        phone="+33261910904",
        provenance="personne",
        request_date=timezone.localdate(),
        acknowledgement_due=timezone.localdate(),
        acknowledged_at=timezone.now(),
    )
    campaign = Campaign.objects.create(
        name="Veille canicule juillet",
        commune_id="22050",
        trigger="canicule",
        starts_on=timezone.localdate(),
        max_attempts=1,
        created_by=people.social,
    )
    campaign.callers.add(people.volunteer)
    services.start_campaign(campaign=campaign, by=people.social)
    services.record_outcome(task=campaign.tasks.get(person=person), outcome=Outcome.NOT_REACHED, by=people.social)
    escalation = Escalation.objects.get(person=person)
    for _ in range(2):
        services.record_step(escalation=escalation, outcome=StepOutcome.NO_NEWS, by=people.social)
    volunteer_name = people.volunteer.get_full_name()

    agent = visit("visite-agent")
    agent.log_in(people.social)
    agent.goto(escalation.get_absolute_url())
    agent.check("escalade a l echelon de la visite")
    page = agent.page
    page.locator("#id_visitor").select_option(label=volunteer_name)
    page.locator("#id_due_at").fill((timezone.localtime() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    agent.click_button("Confier la visite")
    assert f"La visite à domicile est confiée à {volunteer_name}" in agent.main_text()
    assert f"Visite confiée à {volunteer_name}" in agent.main_text()
    agent.check("visite confiee")
    visit_task = ContactTask.objects.get(escalation=escalation, state="ouverte")
    assert [m.to for m in mail.outbox] == [[people.volunteer.email]] and "Kerjean" not in mail.outbox[0].body

    caller = visit("visite-benevole")
    caller.log_in(people.volunteer)
    caller.goto("/appels/")
    caller.click_link("Visite à Maïwenn")
    assert caller.heading() == "Visite à Maïwenn"
    text = caller.main_text()
    assert "4 rue de l’Horloge" in text and "Kerjean" not in text and "KERJEAN" not in text
    caller.check("fiche de visite")
    caller.page.get_by_label("Joint(e), va bien").check(force=True)
    caller.click_button("Enregistrer le résultat de la visite")
    assert "Résultat enregistré : Joint(e), va bien" in caller.main_text()
    caller.expect_not_found(visit_task.get_absolute_url(), "visite enregistree")

    escalation.refresh_from_db()
    assert escalation.state == EscalationState.RESOLVED
    assert escalation.steps.last().level == EscalationLevel.CCAS_VISIT and escalation.steps.last().owner == people.volunteer
    agent.goto(escalation.get_absolute_url())
    assert "Résolue" in agent.main_text() and volunteer_name in agent.main_text()
    agent.check("escalade resolue par la visite")
