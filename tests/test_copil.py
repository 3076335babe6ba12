"""The COPIL: meetings scheduled ahead with their invited members, then held with real attendees and decisions."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from mobilisation.plans import services
from mobilisation.plans.enums import CopilStatus
from mobilisation.plans.models import CopilDecision, CopilMeeting

from .utils import page_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def schedule_data(**changes):
    data = {
        "date": str(TODAY + datetime.timedelta(days=10)),
        "time": "14:30",
        "place": "Salle du conseil, Dinan Agglomération",
        "agenda": "Adoption du plan d’action COVID-19",
        "other_invitees": "Anne Le Gall, adjointe au maire de Dinan",
    }
    data.update(changes)
    return data


def test_the_coordinator_schedules_a_meeting_and_the_invited_members_are_told(login, coordinator_dinan, elected_dinan, delegation_22, plan):
    client = login(coordinator_dinan)
    form = page_text(client.get(reverse("plans:schedule_copil", args=[plan.public_id])))
    for member in [elected_dinan, delegation_22]:
        assert member.email in form  # the CLS's team and its delegation are offered
    mail.outbox.clear()
    response = client.post(
        reverse("plans:schedule_copil", args=[plan.public_id]), schedule_data(invited_users=[elected_dinan.pk, delegation_22.pk])
    )
    assert response.status_code == 302
    meeting = CopilMeeting.objects.get()
    assert (meeting.status, meeting.place, meeting.time) == (
        CopilStatus.SCHEDULED,
        "Salle du conseil, Dinan Agglomération",
        datetime.time(14, 30),
    )
    assert set(meeting.invited_users.all()) == {elected_dinan, delegation_22}
    assert sorted(mail.outbox[-1].to) == sorted([elected_dinan.email, delegation_22.email])
    assert "Adoption du plan d’action COVID-19" in mail.outbox[-1].body and "14:30" in mail.outbox[-1].subject
    page = page_text(client.get(plan.get_absolute_url()))
    assert "Réunions prévues" in page and "Salle du conseil" in page and "Anne Le Gall, adjointe au maire de Dinan" in page
    assert "Enregistrer les présents et les décisions" not in page  # its day has not come


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": str(TODAY - datetime.timedelta(days=1))}, "Une réunion se prévoit aujourd’hui ou plus tard"),
        ({"other_invitees": "x"}, "Autres invités : ligne 1 à compléter"),
        ({"other_invitees": "", "invited_users": []}, "Invitez au moins une personne"),
        ({"time": "25:00"}, "Saisissez une heure valide"),
    ],
)
def test_a_bad_schedule_is_refused_in_french(login, coordinator_dinan, plan, changes, message):
    response = login(coordinator_dinan).post(reverse("plans:schedule_copil", args=[plan.public_id]), schedule_data(**changes))
    assert response.status_code == 200 and message in page_text(response)
    assert not CopilMeeting.objects.exists()


def hold(meeting, when):
    CopilMeeting.objects.filter(pk=meeting.pk).update(date=when)
    meeting.refresh_from_db()
    return meeting


def test_a_scheduled_meeting_gets_its_attendees_and_decisions_once_held(login, elected_dinan, coordinator_dinan, submitted_plan, adopted):
    meeting = services.schedule_copil(
        plan=submitted_plan,
        date=TODAY + datetime.timedelta(days=1),
        time=None,
        place="Dinan",
        agenda="",
        invited_users=[elected_dinan, coordinator_dinan],
        other_invitees="",
        by=coordinator_dinan,
    )
    client = login(elected_dinan)
    early = client.get(reverse("plans:hold_copil", args=[submitted_plan.public_id, meeting.public_id]))
    assert early.status_code == 302  # not before its day
    hold(meeting, TODAY)
    url = reverse("plans:hold_copil", args=[submitted_plan.public_id, meeting.public_id])
    lonely = client.post(url, {"present_users": [elected_dinan.pk], "attendees": ""})
    assert "Un COPIL réunit au moins 2 personnes" in page_text(lonely)
    fake = client.post(url, {"present_users": [], "attendees": "x\ny"})
    assert "lignes 1, 2 à compléter" in page_text(fake)
    response = client.post(
        url,
        {
            "present_users": [elected_dinan.pk, coordinator_dinan.pk],
            "attendees": "Yann Morvan, directeur du CCAS de Dinan",
            "notes": "Le plan est adopté.",
            "adopt_plan": "on",
            "adopted_actions": [adopted.pk],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    submitted_plan.refresh_from_db()
    adopted.refresh_from_db()
    assert meeting.status == CopilStatus.HELD and submitted_plan.status == "adopte" and adopted.copil_verdict == "adoptee"
    assert "Yann Morvan, directeur du CCAS de Dinan" in meeting.attendees and elected_dinan.get_full_name() in meeting.attendees
    assert CopilMeeting.objects.count() == 1  # the scheduled meeting itself, not a second one


def test_a_past_meeting_is_recorded_with_real_attendees(login, elected_dinan, coordinator_dinan, submitted_plan, adopted):
    other, _ = services.adopt_action_model(
        plan=submitted_plan,
        action_model=submitted_plan.mobilisation.action_models.exclude(pk=adopted.action_model_id).order_by("pk").last(),
        by=coordinator_dinan,
    )
    response = login(elected_dinan).post(
        reverse("plans:copil", args=[submitted_plan.public_id]),
        {
            "date": str(TODAY - datetime.timedelta(days=2)),
            "attendees": "Hervé Élu, président\nClaire Dinan, coordinatrice",
            "adopt_plan": "on",
            "adopted_actions": [adopted.pk],
            "rejected_actions": [other.pk],
        },
    )
    assert response.status_code == 302
    submitted_plan.refresh_from_db()
    other.refresh_from_db()
    assert submitted_plan.status == "adopte" and other.copil_verdict == "rejetee" and other.status == "abandonnee"
    assert CopilMeeting.objects.get().status == CopilStatus.HELD


def test_a_copil_of_x_adopts_nothing(login, elected_dinan, submitted_plan):
    response = login(elected_dinan).post(
        reverse("plans:copil", args=[submitted_plan.public_id]), {"date": str(TODAY), "attendees": "x", "adopt_plan": "on"}
    )
    assert "à compléter" in page_text(response)
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "soumis" and not CopilMeeting.objects.exists()


def test_the_copil_cannot_adopt_a_draft_plan_nor_be_recorded_by_others(login, elected_dinan, delegation_22, plan):
    data = {"date": str(TODAY), "attendees": "Hervé Élu, président\nClaire Dinan, coordinatrice", "adopt_plan": "on"}
    form = page_text(login(elected_dinan).get(reverse("plans:copil", args=[plan.public_id])))
    assert "Le plan doit d’abord être soumis au COPIL." in form
    login(elected_dinan).post(reverse("plans:copil", args=[plan.public_id]), data)  # the disabled box is ignored
    plan.refresh_from_db()
    assert plan.status == "brouillon" and not CopilDecision.objects.filter(kind="adopter_plan").exists()
    with pytest.raises(ValidationError, match="ne peut l’adopter que s’il lui a été soumis"):
        services.record_copil(
            plan=plan,
            date=TODAY,
            attendees="A B, c d",
            notes="",
            adopt_plan=True,
            adopted_actions=[],
            rejected_actions=[],
            by=elected_dinan,
        )
    assert login(delegation_22).get(reverse("plans:copil", args=[plan.public_id])).status_code == 404
    assert login(delegation_22).post(reverse("plans:schedule_copil", args=[plan.public_id]), schedule_data()).status_code == 404
    future = login(elected_dinan).post(reverse("plans:copil", args=[plan.public_id]), {**data, "date": "2999-01-01"})
    assert "pour une réunion à venir, prévoyez-la" in page_text(future)


def test_a_scheduled_meeting_is_changed_or_cancelled_and_the_members_told(login, coordinator_dinan, elected_dinan, plan):
    meeting = services.schedule_copil(
        plan=plan,
        date=TODAY + datetime.timedelta(days=5),
        time=None,
        place="Dinan",
        agenda="",
        invited_users=[elected_dinan],
        other_invitees="",
        by=coordinator_dinan,
    )
    client = login(coordinator_dinan)
    client.post(reverse("plans:edit_copil", args=[plan.public_id, meeting.public_id]), schedule_data(invited_users=[elected_dinan.pk]))
    meeting.refresh_from_db()
    assert meeting.place == "Salle du conseil, Dinan Agglomération"
    mail.outbox.clear()
    client.post(reverse("plans:cancel_copil", args=[plan.public_id, meeting.public_id]))
    meeting.refresh_from_db()
    assert meeting.status == CopilStatus.CANCELLED
    assert mail.outbox[-1].to == [elected_dinan.email] and "annulée" in mail.outbox[-1].subject
    assert "Réunions prévues" not in page_text(client.get(plan.get_absolute_url()))
