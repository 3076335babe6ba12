"""COPIL meetings: scheduled ahead (date, place, agenda, invited members), then held with attendees and decisions."""

from django.core.exceptions import ValidationError
from django.db import transaction

from mobilisation.core.formats import day
from mobilisation.core.site import absolute_url

from ..enums import ActionStatus, CopilDecisionKind, CopilStatus, CopilVerdict, PlanStatus
from ..models import CopilDecision, CopilMeeting
from .actions import move_action
from .common import notify, record
from .plan import move_plan


def _when(meeting):
    return day(meeting.date) + (f" à {meeting.time:%H:%M}" if meeting.time else "")


@transaction.atomic
def schedule_copil(*, plan, date, time, place, agenda, invited_users, other_invitees, by, meeting=None):
    """Schedule a COPIL meeting (or change a scheduled one); the invited members are told by e-mail."""
    if meeting is not None and meeting.status != CopilStatus.SCHEDULED:
        raise ValidationError("Cette réunion n’est plus prévue : elle ne se modifie plus.")
    creating = meeting is None
    meeting = meeting or CopilMeeting(plan=plan, recorded_by=by)
    before = set() if creating else set(meeting.invited_users.values_list("pk", flat=True))
    meeting.date, meeting.time, meeting.place, meeting.agenda, meeting.other_invitees = date, time, place, agenda, other_invitees
    meeting.save()
    meeting.invited_users.set(invited_users)
    record(plan, by, f"{'Réunion du COPIL prévue' if creating else 'Réunion du COPIL modifiée'} le {_when(meeting)}")
    told = [user for user in invited_users if creating or user.pk not in before]
    notify(
        recipients=[user.email for user in told if user.is_active and user.pk != by.pk],
        subject=f"réunion du COPIL du {plan.cls} le {_when(meeting)}",
        body=f"Vous êtes invité(e) à la réunion du comité de pilotage du {plan.cls} le {_when(meeting)}"
        + (f", {place}" if place else "")
        + ".\n\n"
        + (f"Ordre du jour :\n{agenda}\n\n" if agenda else "")
        + absolute_url(plan.get_absolute_url())
        + "#copil",
    )
    return meeting


@transaction.atomic
def cancel_copil(*, meeting, by):
    if meeting.status != CopilStatus.SCHEDULED:
        raise ValidationError("Seule une réunion prévue peut être annulée.")
    meeting.status = CopilStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    record(meeting.plan, by, f"Réunion du COPIL du {_when(meeting)} annulée")
    notify(
        recipients=[user.email for user in meeting.invited_users.filter(is_active=True).exclude(pk=by.pk)],
        subject=f"réunion du COPIL du {meeting.plan.cls} annulée",
        body=f"La réunion du comité de pilotage du {meeting.plan.cls} prévue le {_when(meeting)} est annulée.\n\n"
        + absolute_url(meeting.plan.get_absolute_url()),
    )
    return meeting


@transaction.atomic
def record_copil(*, plan, date, attendees, notes, adopt_plan, adopted_actions, rejected_actions, by, meeting=None):
    """Record a held COPIL meeting (a scheduled one, or one recorded afterwards); its decisions move the plan and actions."""
    if meeting is not None and not meeting.may_be_held:
        raise ValidationError("Les décisions s’enregistrent pour une réunion prévue, le jour venu.")
    if not attendees.strip():
        raise ValidationError("Indiquez les participants de la réunion.")
    if adopt_plan and not plan.can_move_to(PlanStatus.ADOPTED):
        raise ValidationError(f"Le plan est « {plan.get_status_display()} » : le COPIL ne peut l’adopter que s’il lui a été soumis.")
    if set(adopted_actions) & set(rejected_actions):
        raise ValidationError("Une même action ne peut pas être à la fois adoptée et rejetée.")
    if any(action.plan_id != plan.pk for action in [*adopted_actions, *rejected_actions]):
        raise ValidationError("Ces actions n’appartiennent pas à ce plan.")
    done = [a.title for a in rejected_actions if a.status == ActionStatus.DONE]
    if done:
        raise ValidationError(f"Une action réalisée ne peut plus être rejetée : {', '.join(done)}.")
    abandoned = [a.title for a in adopted_actions if a.status == ActionStatus.ABANDONED]
    if abandoned:
        raise ValidationError(f"Une action abandonnée ne peut pas être adoptée : {', '.join(abandoned)}.")
    meeting = meeting or CopilMeeting(plan=plan, date=date, recorded_by=by)
    meeting.status, meeting.attendees, meeting.notes, meeting.recorded_by = CopilStatus.HELD, attendees, notes, by
    meeting.save()
    record(plan, by, f"Réunion du COPIL du {day(meeting.date)} enregistrée")
    for action in adopted_actions:
        CopilDecision.objects.create(meeting=meeting, kind=CopilDecisionKind.ADOPT_ACTION, action=action)
        action.copil_verdict = CopilVerdict.ADOPTED
        action.save(update_fields=["copil_verdict", "updated_at"])
    for action in rejected_actions:
        CopilDecision.objects.create(meeting=meeting, kind=CopilDecisionKind.REJECT_ACTION, action=action)
        action.copil_verdict = CopilVerdict.REJECTED
        action.save(update_fields=["copil_verdict", "updated_at"])
        if action.can_move_to(ActionStatus.ABANDONED):
            move_action(action=action, to=ActionStatus.ABANDONED, by=by)
    if adopt_plan:
        CopilDecision.objects.create(meeting=meeting, kind=CopilDecisionKind.ADOPT_PLAN)
        move_plan(plan=plan, to=PlanStatus.ADOPTED, by=by, note=f"COPIL du {day(meeting.date)}")
    return meeting
