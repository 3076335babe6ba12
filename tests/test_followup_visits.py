"""Home visits of the veille: the agent gives the CCAS's rung of an escalation to an agent or a volunteer caller, the
visitor alone reaches the visit (with the address) until they record it, and its outcome is the rung's step."""

import datetime
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.audit.models import AuditEvent
from mobilisation.followup import services
from mobilisation.followup.enums import (
    CampaignTrigger,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    FinalStatus,
    Outcome,
    StepOutcome,
    TaskKind,
    TaskState,
)
from mobilisation.followup.models import CallAttempt, Campaign, ContactTask, Escalation, EscalationStep

from .conftest import persona
from .test_followup_register import make_person
from .utils import login_verified, page_text

# What the visitor's e-mail and the pages a volunteer should not see must never hold.
PERSONAL = ["Kerjean", "KERJEAN", "Maïwenn", "Horloge", "Diabète", "02 61 91 00 12"]


@pytest.fixture
def people(db):
    """Maïwenn Kerjean, to be visited (a consented reason, which no volunteer may read), and Anne Seule, another person."""
    return {
        "visited": make_person(
            last_name="Kerjean",
            first_name="Maïwenn",
            phone="+33261910012",
            address="4 rue de l’Horloge",
            reason="Diabète",
            reason_consent_by="personne",
            reason_consent_channel="ecrit",
            reason_consent_at=timezone.localdate(),
        ),
        "other": make_person(last_name="Seule", first_name="Anne", phone="+33261910010", address="9 rue du Petit Fort"),
    }


@pytest.fixture
def campaign(people, social_services_dinan, volunteer_dinan):
    campaign = Campaign.objects.create(
        name="Veille canicule",
        commune_id="22050",
        trigger=CampaignTrigger.HEATWAVE,
        starts_on=timezone.localdate(),
        max_attempts=1,
        created_by=social_services_dinan,
    )
    campaign.callers.add(volunteer_dinan)
    services.start_campaign(campaign=campaign, by=social_services_dinan)
    return campaign


@pytest.fixture
def escalation(campaign, people, social_services_dinan):
    """Maïwenn unreached, her contacts and home care without news: the escalation stands at the CCAS's home visit."""
    task = campaign.tasks.get(person=people["visited"])
    services.record_outcome(task=task, outcome=Outcome.NOT_REACHED, by=social_services_dinan)
    escalation = Escalation.objects.get(person=people["visited"])
    for _ in range(2):
        services.record_step(escalation=escalation, outcome=StepOutcome.NO_NEWS, by=social_services_dinan)
    escalation.refresh_from_db()
    assert escalation.level == EscalationLevel.CCAS_VISIT
    return escalation


@pytest.fixture
def other_volunteer(partner_organisation_dinan, campaign):
    """A second volunteer caller of the campaign, who is not given the visit."""
    volunteer = persona(Role.VOLUNTEER, "autre.benevole.dinan@exemple.fr", organisation=partner_organisation_dinan)
    campaign.callers.add(volunteer)
    return volunteer


def due(hours=2):
    return (timezone.localtime() + datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)


def visit_data(visitor, at=None):
    return {"visitor": str(visitor.public_id), "due_at": (at or due()).strftime("%Y-%m-%dT%H:%M")}


def assign(client, escalation, data, capture):
    with capture(execute=True):
        return client.post(reverse("followup:escalation_visit", args=[escalation.public_id]), data)


def open_visit(escalation):
    return ContactTask.objects.get(escalation=escalation, state=TaskState.OPEN)


@pytest.fixture
def given_to_volunteer(escalation, volunteer_dinan, social_services_dinan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_visit(escalation=escalation, to=volunteer_dinan, due_at=due(), by=social_services_dinan)
    mail.outbox.clear()
    return open_visit(escalation)


# Giving the visit


def test_an_agent_gives_the_visit_and_the_visitor_is_emailed_without_personal_data(
    client, escalation, people, social_services_dinan, volunteer_dinan, django_capture_on_commit_callbacks
):
    login_verified(client, social_services_dinan)
    page = page_text(client.get(escalation.get_absolute_url()))
    assert "Confier la visite à domicile" in page and str(volunteer_dinan) in page and str(social_services_dinan) in page
    at = due(3)
    response = assign(client, escalation, visit_data(volunteer_dinan, at), django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == escalation.get_absolute_url()
    visit = open_visit(escalation)
    assert (visit.kind, visit.assigned_to, visit.campaign, visit.person) == (
        TaskKind.VISIT,
        volunteer_dinan,
        escalation.campaign,
        people["visited"],
    )
    assert visit.due_at == at and visit.claimed_by is None
    assert not ContactTask.objects.filter(kind=TaskKind.CALL, person=people["visited"], state=TaskState.OPEN).exists()
    [message] = mail.outbox
    assert message.to == [volunteer_dinan.email] and message.subject == "Une visite à domicile vous est confiée"
    assert reverse("calls:index") in message.body and "CCAS de Dinan" in message.body
    for hidden in [*PERSONAL, "injoignable", "Injoignable"]:
        assert hidden not in message.subject + message.body, hidden
    event = AuditEvent.objects.filter(object_id=str(people["visited"].public_id), summary__startswith="visite à domicile confiée").get()
    assert event.actor == social_services_dinan and str(volunteer_dinan) in event.summary
    page = page_text(client.get(escalation.get_absolute_url()))
    assert f"Visite confiée à {volunteer_dinan}" in page and "Confier la visite à quelqu’un d’autre" in page
    assert "À faire" in page  # the visit's state, in the table of visits


def test_the_visit_replaces_the_open_call_and_the_next_rounds_leave_it(
    escalation, people, campaign, social_services_dinan, volunteer_dinan
):
    services.make_round(campaign=campaign)
    call = ContactTask.objects.get(person=people["visited"], state=TaskState.OPEN)
    assert call.kind == TaskKind.CALL
    visit = services.assign_visit(escalation=escalation, to=volunteer_dinan, due_at=due(), by=social_services_dinan)
    call.refresh_from_db()
    assert call.state == TaskState.CANCELLED
    services.make_round(campaign=campaign)  # a round cancels the calls left open, not the visit
    visit.refresh_from_db()
    assert visit.state == TaskState.OPEN
    assert list(ContactTask.objects.filter(person=people["visited"], state=TaskState.OPEN)) == [visit]


def test_a_call_in_progress_holds_the_visit_back(client, escalation, people, campaign, social_services_dinan, volunteer_dinan):
    services.make_round(campaign=campaign)
    call = ContactTask.objects.get(person=people["visited"], state=TaskState.OPEN)
    ContactTask.objects.filter(pk=call.pk).update(claimed_by=volunteer_dinan, claimed_until=timezone.now() + datetime.timedelta(minutes=5))
    login_verified(client, social_services_dinan)
    response = client.post(
        reverse("followup:escalation_visit", args=[escalation.public_id]), visit_data(social_services_dinan), follow=True
    )
    assert "Quelqu’un est au téléphone avec cette personne" in page_text(response)
    assert not ContactTask.objects.visits().exists() and not mail.outbox


def test_giving_the_visit_again_hands_it_over(
    client, given_to_volunteer, escalation, social_services_dinan, manager_dinan, volunteer_dinan, django_capture_on_commit_callbacks
):
    login_verified(client, volunteer_dinan)
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 200
    login_verified(client, social_services_dinan)
    later = due(5)
    assign(client, escalation, visit_data(manager_dinan, later), django_capture_on_commit_callbacks)
    visit = open_visit(escalation)
    assert visit.pk == given_to_volunteer.pk and (visit.assigned_to, visit.due_at) == (manager_dinan, later)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (manager_dinan.email, "Une visite à domicile vous est confiée"),
            (volunteer_dinan.email, "La visite à domicile n’est plus à faire"),
        ]
    )
    assert all(hidden not in m.body for m in mail.outbox for hidden in PERSONAL)
    mail.outbox.clear()
    assign(client, escalation, visit_data(manager_dinan, later), django_capture_on_commit_callbacks)  # sent twice
    assert ContactTask.objects.visits().count() == 1 and not mail.outbox
    login_verified(client, volunteer_dinan)
    assert client.get(visit.get_absolute_url()).status_code == 404
    assert "Visite à" not in page_text(client.get(reverse("calls:index")))


@pytest.mark.parametrize(
    "forged",
    [
        "not_a_caller",
        "brest_agent",
        lambda: str(uuid.uuid4()),
        lambda: "pas-un-identifiant",
        lambda: "1",
        lambda: "\x00",
    ],
    ids=["volunteer-not-caller", "agent-of-brest", "unknown-uuid", "text", "integer", "null-byte"],
)
def test_a_forged_visitor_is_a_french_form_error_and_stores_nothing(
    client, escalation, social_services_dinan, partner_organisation_dinan, forged, django_capture_on_commit_callbacks
):
    if forged == "not_a_caller":
        value = str(persona(Role.VOLUNTEER, "pas.appelant@exemple.fr", organisation=partner_organisation_dinan).public_id)
    elif forged == "brest_agent":
        value = str(persona(Role.SOCIAL_SERVICES, "ccas.brest@exemple.fr", commune_id="29019").public_id)
    else:
        value = forged()
    login_verified(client, social_services_dinan)
    response = assign(
        client, escalation, {"visitor": value, "due_at": due().strftime("%Y-%m-%dT%H:%M")}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert "Choisissez un agent du registre ou un bénévole appelant de la campagne" in page_text(response)
    assert not ContactTask.objects.visits().exists() and not mail.outbox


def test_a_visit_in_the_past_or_too_far_is_a_form_error(client, escalation, social_services_dinan, volunteer_dinan):
    login_verified(client, social_services_dinan)
    url = reverse("followup:escalation_visit", args=[escalation.public_id])
    for at, message in [
        (due(-48), "La visite ne peut pas être prévue dans le passé"),
        (due(24 * 30), "prévoyez-la dans les 7 jours"),
        (None, "Saisissez un jour et une heure valides"),
    ]:
        data = visit_data(volunteer_dinan, at) if at else {"visitor": str(volunteer_dinan.public_id), "due_at": "2027-02-30T10:00"}
        response = client.post(url, data)
        assert response.status_code == 400 and message in page_text(response), message
    assert not ContactTask.objects.visits().exists()


def test_the_visit_is_given_only_at_the_ccas_rung(client, campaign, people, social_services_dinan, volunteer_dinan):
    services.record_outcome(task=campaign.tasks.get(person=people["visited"]), outcome=Outcome.NOT_REACHED, by=social_services_dinan)
    escalation = Escalation.objects.get()
    assert escalation.level == EscalationLevel.CONTACTS
    login_verified(client, social_services_dinan)
    assert "Confier la visite" not in page_text(client.get(escalation.get_absolute_url()))
    response = client.post(reverse("followup:escalation_visit", args=[escalation.public_id]), visit_data(volunteer_dinan), follow=True)
    assert "La visite à domicile se confie à l’échelon" in page_text(response)
    assert not ContactTask.objects.visits().exists()


def test_an_agent_of_another_commune_gets_404(login, escalation, volunteer_dinan):
    brest = persona(Role.SOCIAL_SERVICES, "ccas.brest@exemple.fr", commune_id="29019")
    client = login(brest)
    assert client.get(escalation.get_absolute_url()).status_code == 404
    response = client.post(reverse("followup:escalation_visit", args=[escalation.public_id]), visit_data(volunteer_dinan))
    assert response.status_code == 404
    assert not ContactTask.objects.visits().exists()


def test_a_volunteer_cannot_give_a_visit(login, escalation, volunteer_dinan):
    client = login(volunteer_dinan)
    response = client.post(reverse("followup:escalation_visit", args=[escalation.public_id]), visit_data(volunteer_dinan))
    assert response.status_code == 404 and not ContactTask.objects.visits().exists()


# The visitor


def test_the_volunteer_sees_the_address_of_their_visit_and_of_nobody_else(client, given_to_volunteer, people, volunteer_dinan):
    login_verified(client, volunteer_dinan)
    calls = page_text(client.get(reverse("calls:index")))
    assert "Visites qui vous sont confiées" in calls and "Visite à Maïwenn" in calls
    card = page_text(client.get(given_to_volunteer.get_absolute_url()))
    assert "Visite à Maïwenn" in card and "4 rue de l’Horloge" in card and "02 61 91 00 12" in card
    assert "Numéro erroné" not in card and "Rendre l’appel" not in card
    for hidden in ["Kerjean", "KERJEAN", "Diabète"]:
        assert hidden not in card, hidden
    client.post(reverse("calls:next"))  # a call of the campaign: the other person's card, without her address
    call = ContactTask.objects.get(claimed_by=volunteer_dinan)
    assert call.person == people["other"]
    text = page_text(client.get(call.get_absolute_url()))
    assert "Anne" in text and "9 rue du Petit Fort" not in text


def test_a_volunteer_not_chosen_gets_404(client, given_to_volunteer, other_volunteer):
    login_verified(client, other_volunteer)
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 404
    assert client.post(given_to_volunteer.get_absolute_url(), {"outcome": Outcome.FINE}).status_code == 404
    assert "Visite à" not in page_text(client.get(reverse("calls:index")))
    assert not CallAttempt.objects.filter(task=given_to_volunteer).exists()


def test_a_visit_found_fine_resolves_the_escalation_and_the_volunteer_reaches_nothing_after(
    client, given_to_volunteer, escalation, social_services_dinan, volunteer_dinan
):
    login_verified(client, volunteer_dinan)
    response = client.post(given_to_volunteer.get_absolute_url(), {"outcome": Outcome.FINE})
    assert response["Location"] == reverse("calls:index")
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.RESOLVED and escalation.resolved_at is not None
    step = escalation.steps.last()
    assert (step.level, step.outcome, step.owner) == (EscalationLevel.CCAS_VISIT, StepOutcome.SEEN_FINE, volunteer_dinan)
    visit = ContactTask.objects.get(pk=given_to_volunteer.pk)
    assert visit.state == TaskState.DONE and visit.last_outcome == Outcome.FINE
    attempt = CallAttempt.objects.get(task=visit)
    assert (attempt.channel, attempt.by) == (CallAttempt.Channel.VISIT, volunteer_dinan)
    # SECURITY.md 5: nothing of the task once it is recorded.
    assert client.get(visit.get_absolute_url()).status_code == 404
    assert client.post(visit.get_absolute_url(), {"outcome": Outcome.FINE}).status_code == 404
    assert "Visite à" not in page_text(client.get(reverse("calls:index")))
    assert CallAttempt.objects.filter(task=visit).count() == 1
    # The agent reads who visited and when.
    login_verified(client, social_services_dinan)
    page = page_text(client.get(escalation.get_absolute_url()))
    assert "Résolue" in page and "La personne va bien" in page and str(volunteer_dinan) in page
    assert "Visite" in page and "Faite" in page and timezone.localtime(step.at).strftime("%Hh%M") in page


def test_a_visit_without_answer_climbs_to_the_emergency_rung(client, escalation, social_services_dinan, django_capture_on_commit_callbacks):
    login_verified(client, social_services_dinan)
    assign(client, escalation, visit_data(social_services_dinan), django_capture_on_commit_callbacks)
    visit = open_visit(escalation)
    calls = page_text(client.get(reverse("calls:index")))
    assert "Visite à Maïwenn" in calls  # the agent's own visits, in their call list too
    client.post(visit.get_absolute_url(), {"outcome": Outcome.NOT_REACHED})
    escalation.refresh_from_db()
    visit.refresh_from_db()
    assert (escalation.state, escalation.level) == (EscalationState.OPEN, EscalationLevel.EMERGENCY)
    assert visit.state == TaskState.DONE and visit.attempts == 1  # a visit is not retried like a call
    step = escalation.steps.last()
    assert (step.level, step.outcome, step.owner) == (EscalationLevel.CCAS_VISIT, StepOutcome.NO_NEWS, social_services_dinan)
    page = page_text(client.get(escalation.get_absolute_url()))
    assert "À faire : Police municipale ou secours" in page and "Confier la visite" not in page


def test_a_visit_finding_distress_resolves_the_rung_and_alerts_at_once(
    client, given_to_volunteer, escalation, people, volunteer_dinan, manager_dinan, django_capture_on_commit_callbacks
):
    login_verified(client, volunteer_dinan)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(given_to_volunteer.get_absolute_url(), {"outcome": Outcome.NEEDS_HELP, "needs": ["repas"], "distress": "on"})
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.RESOLVED and escalation.steps.last().outcome == StepOutcome.SEEN_HELPED
    fresh = Escalation.objects.open().get(person=people["visited"])
    assert (fresh.reason, fresh.level) == (EscalationReason.DISTRESS, EscalationLevel.CCAS_VISIT)
    assert [m.to for m in mail.outbox] == [[manager_dinan.email]] and fresh.get_absolute_url() in mail.outbox[0].body


def test_wrong_number_means_nothing_for_a_visit(client, given_to_volunteer, escalation, volunteer_dinan):
    login_verified(client, volunteer_dinan)
    response = client.post(given_to_volunteer.get_absolute_url(), {"outcome": Outcome.WRONG_NUMBER})
    assert response.status_code == 400 and not CallAttempt.objects.filter(task=given_to_volunteer).exists()
    escalation.refresh_from_db()
    assert escalation.level == EscalationLevel.CCAS_VISIT


def test_a_step_recorded_by_hand_withdraws_the_visit(
    client, given_to_volunteer, escalation, social_services_dinan, volunteer_dinan, django_capture_on_commit_callbacks
):
    login_verified(client, social_services_dinan)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(escalation.get_absolute_url(), {"outcome": StepOutcome.SEEN_HELPED})
    given_to_volunteer.refresh_from_db()
    assert given_to_volunteer.state == TaskState.CANCELLED
    assert [(m.to, m.subject) for m in mail.outbox] == [([volunteer_dinan.email], "La visite à domicile n’est plus à faire")]
    login_verified(client, volunteer_dinan)
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 404


def test_a_visit_in_a_paused_campaign_stays_in_the_visitor_list(
    client, given_to_volunteer, campaign, social_services_dinan, volunteer_dinan
):
    services.pause_campaign(campaign=campaign, by=social_services_dinan)
    login_verified(client, volunteer_dinan)
    assert "Visite à Maïwenn" in page_text(client.get(reverse("calls:index")))
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 200


# When the visit is no longer to be made


def test_closing_the_campaign_withdraws_the_visit_and_tells_the_visitor(
    client, given_to_volunteer, campaign, social_services_dinan, volunteer_dinan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.close_campaign(campaign=campaign, by=social_services_dinan)
    given_to_volunteer.refresh_from_db()
    assert given_to_volunteer.state == TaskState.CANCELLED
    [message] = mail.outbox
    assert (message.to, message.subject) == ([volunteer_dinan.email], "La visite à domicile n’est plus à faire")
    assert all(hidden not in message.body for hidden in PERSONAL)
    login_verified(client, volunteer_dinan)
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("leaves", ["objection", "removal"])
def test_a_person_leaving_the_register_ends_their_visit_escalation_and_follow_up(
    leaves,
    client,
    given_to_volunteer,
    escalation,
    campaign,
    people,
    social_services_dinan,
    volunteer_dinan,
    django_capture_on_commit_callbacks,
):
    person = people["visited"]
    with django_capture_on_commit_callbacks(execute=True):
        if leaves == "objection":
            services.record_objection(person=person, date=timezone.localdate(), by=social_services_dinan)
        else:
            services.erase_person(person=person, date=timezone.localdate(), by=social_services_dinan)
    assert not ContactTask.objects.filter(person=person, state=TaskState.OPEN).exists()
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.RESOLVED and escalation.resolved_at is not None
    assert campaign.followed.get(person=person).final_status == FinalStatus.STOPPED
    assert campaign.followed.get(person=people["other"]).final_status == FinalStatus.IN_PROGRESS
    [message] = mail.outbox
    assert (message.to, message.subject) == ([volunteer_dinan.email], "La visite à domicile n’est plus à faire")
    login_verified(client, volunteer_dinan)
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 404
    assert "Visite à" not in page_text(client.get(reverse("calls:index")))
    # The next round calls the others, not them.
    services.make_round(campaign=campaign)
    assert set(ContactTask.objects.open().values_list("person", flat=True)) == {people["other"].pk}


def test_a_volunteer_deactivated_reaches_neither_their_visit_nor_their_campaign_calls(
    client, given_to_volunteer, campaign, volunteer_dinan
):
    login_verified(client, volunteer_dinan)
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 200
    volunteer_dinan.memberships.update(is_active=False)  # the partner organisation ends their volunteering
    assert client.get(given_to_volunteer.get_absolute_url()).status_code == 404
    assert client.post(given_to_volunteer.get_absolute_url(), {"outcome": Outcome.FINE}).status_code == 404
    assert client.get(reverse("calls:index")).status_code == 404
    assert client.post(reverse("calls:next")).status_code == 404
    assert not CallAttempt.objects.filter(task=given_to_volunteer).exists()


# Query budget


def test_the_escalation_page_costs_constant_queries(
    client,
    given_to_volunteer,
    escalation,
    campaign,
    people,
    social_services_dinan,
    partner_organisation_dinan,
    django_assert_max_num_queries,
):
    login_verified(client, social_services_dinan)
    with django_assert_max_num_queries(40) as small:
        client.get(escalation.get_absolute_url())
    for n in range(5):
        volunteer = persona(Role.VOLUNTEER, f"benevole.{n}@exemple.fr", organisation=partner_organisation_dinan)
        campaign.callers.add(volunteer)
        persona(Role.SOCIAL_SERVICES, f"agent.{n}@exemple.fr", commune_id="22050")
        EscalationStep.objects.create(escalation=escalation, level=EscalationLevel.CONTACTS, owner=volunteer, outcome=StepOutcome.NO_NEWS)
        ContactTask.objects.create(
            campaign=campaign,
            person=people["visited"],
            escalation=escalation,
            kind=TaskKind.VISIT,
            state=TaskState.CANCELLED,
            round_number=1,
            due_at=timezone.now(),
            next_attempt_at=timezone.now(),
            assigned_to=volunteer,
        )
        CallAttempt.objects.create(
            task=given_to_volunteer, campaign=campaign, person=people["visited"], round_number=1, by=volunteer, outcome=Outcome.NOT_REACHED
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(escalation.get_absolute_url())
    text = page_text(response)
    assert text.count("<td>Annulée</td>") == 5 and text.count("<td>Pas de nouvelles : échelon suivant</td>") == 7
    assert len(response.context["visit_form"].visitors) == 12  # 6 agents of the register and 6 callers to choose from
