"""Every write on plans goes through these functions: they check the lifecycle, record the history and notify."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import User
from mobilisation.core.site import absolute_url

from .enums import FUNDING_TRANSITIONS, ActionOrigin, ActionStatus, CopilDecisionKind, CopilVerdict, FundingStatus, PlanStatus
from .models import (
    CopilDecision,
    CopilMeeting,
    FundingComment,
    FundingRequest,
    Indicator,
    Plan,
    PlanEvent,
    PlanMessage,
    PlannedAction,
    ProgressEntry,
)

logger = logging.getLogger(__name__)


def record(plan, by, description):
    PlanEvent.objects.create(plan=plan, by=by, description=description[:300])


def notify(*, recipients, subject, body):
    """E-mail notification; a mail failure is logged and never undoes the recorded change."""
    emails = sorted({email for email in recipients if email})
    if not emails:
        return
    try:
        send_mail(f"Mobilisation CLS : {subject}", body, settings.DEFAULT_FROM_EMAIL, emails)
    except OSError:
        logger.exception("notification e-mail not sent")


def cls_team_emails(cls):
    return list(
        User.objects.filter(
            is_active=True, memberships__cls=cls, memberships__is_active=True, memberships__role=Role.CLS_COORDINATOR
        ).values_list("email", flat=True)
    )


def delegation_emails(cls):
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.ARS_DELEGATION, memberships__department=cls.department_id, memberships__is_active=True
        ).values_list("email", flat=True)
    )


@transaction.atomic
def start_plan(*, cls, mobilisation, by):
    """Create the CLS's plan for a mobilisation, or return the existing one (a double submit creates one plan)."""
    plan, created = Plan.objects.get_or_create(cls=cls, mobilisation=mobilisation)
    if created:
        record(plan, by, "Plan créé")
    return plan


@transaction.atomic
def move_plan(*, plan, to, by, note=""):
    """Move the plan along its lifecycle; an illegal move raises a ValidationError with a French message."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    to = PlanStatus(to)
    if not plan.can_move_to(to):
        raise ValidationError(f"Le plan est « {plan.get_status_display()} » : il ne peut pas passer à « {to.label} ».")
    previous = plan.get_status_display()
    plan.status = to
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated_at"])
    record(plan, by, f"Statut : {previous} → {to.label}" + (f" ({note})" if note else ""))
    if to == PlanStatus.SUBMITTED:
        notify(
            recipients=delegation_emails(plan.cls),
            subject=f"plan soumis au COPIL – {plan.cls}",
            body=f"Le plan d’action « {plan} » a été soumis au COPIL.\n\n{absolute_url(plan.get_absolute_url())}",
        )
    return plan


@transaction.atomic
def save_diagnosis(*, plan, needs, priority_publics, priority_communes, by):
    plan.needs = needs
    plan.version += 1
    plan.save(update_fields=["needs", "version", "updated_at"])
    plan.priority_publics.set(priority_publics)
    plan.priority_communes.set(priority_communes)
    record(plan, by, "Diagnostic mis à jour")
    return plan


def _copy_model_fields(action, model):
    action.title = model.title
    action.description = model.description
    action.theme = model.theme


@transaction.atomic
def adopt_action_model(*, plan, action_model, by):
    """Adopt a catalogue action into the plan, linked to its model. Adopting the same model twice returns the first."""
    existing = plan.actions.filter(action_model=action_model, origin=ActionOrigin.ADOPTED).first()
    if existing is not None:
        return existing, False
    action = PlannedAction(plan=plan, origin=ActionOrigin.ADOPTED, action_model=action_model, model_revision=action_model.revision)
    _copy_model_fields(action, action_model)
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:  # a concurrent double submit won the race
        return plan.actions.get(action_model=action_model, origin=ActionOrigin.ADOPTED), False
    action.modalities.set(action_model.modalities.all())
    action.publics.set(action_model.publics.all())
    action.resources.set(action_model.resources.all())
    Indicator.objects.bulk_create([Indicator(action=action, name=i["name"], unit=i.get("unit", "")) for i in action_model.indicators])
    record(plan, by, f"Action adoptée du catalogue : {action.title}")
    return action, True


@transaction.atomic
def save_planned_action(*, action, m2m, by, submission_token=None):
    """Create or update an action of the plan from its form (m2m: field name -> values).

    A creation form sent twice (double click, replayed request) carries the same token and creates one action.
    """
    creating = action.pk is None
    if creating and submission_token:
        existing = PlannedAction.objects.filter(submission_token=submission_token, plan=action.plan).first()
        if existing is not None:
            return existing
        action.submission_token = submission_token
    if not creating:
        action.version += 1
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:
        if creating and submission_token:  # the twin request won the race
            return PlannedAction.objects.get(submission_token=submission_token, plan=action.plan)
        raise
    for name, values in m2m.items():
        getattr(action, name).set(values)
    record(action.plan, by, f"{'Action ajoutée' if creating else 'Action modifiée'} : {action.title}")
    return action


@transaction.atomic
def apply_model_changes(*, action, accept, by):
    """The ARS changed the action's model: take its new text and modalities, or keep the plan's version."""
    model = action.action_model
    if accept:
        _copy_model_fields(action, model)
        action.modalities.set(model.modalities.all())
        action.publics.set(model.publics.all())
        action.resources.set(model.resources.all())
    action.model_revision = model.revision
    action.version += 1
    action.save()
    verb = "acceptées" if accept else "ignorées"
    record(action.plan, by, f"Modifications du modèle (révision {model.revision}) {verb} : {action.title}")
    return action


@transaction.atomic
def move_action(*, action, to, by):
    to = ActionStatus(to)
    if not action.can_move_to(to):
        raise ValidationError(f"L’action est « {action.get_status_display()} » : elle ne peut pas passer à « {to.label} ».")
    previous = action.get_status_display()
    action.status = to
    action.version += 1
    action.save(update_fields=["status", "version", "updated_at"])
    record(action.plan, by, f"{action.title} : {previous} → {to.label}")
    return action


@transaction.atomic
def add_progress(*, indicator, date, value, comment, by):
    entry = ProgressEntry.objects.create(indicator=indicator, date=date, value=value, comment=comment, recorded_by=by)
    record(indicator.action.plan, by, f"Avancement de « {indicator.name} » : {value} au {date:%d/%m/%Y}")
    return entry


@transaction.atomic
def request_funding(*, action, funding_line, amount, justification, cofunding, by, submission_token=None):
    """Ask for funding; a form sent twice with the same token creates one request."""
    if action.plan.status == PlanStatus.CLOSED or action.status == ActionStatus.ABANDONED or action.copil_verdict == CopilVerdict.REJECTED:
        raise ValidationError("On ne demande pas de financement pour une action abandonnée, rejetée par le COPIL ou d’un plan clos.")
    if submission_token:
        existing = FundingRequest.objects.filter(submission_token=submission_token, action=action).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            request = FundingRequest.objects.create(
                action=action,
                funding_line=funding_line,
                amount_requested=amount,
                justification=justification,
                cofunding=cofunding,
                requested_by=by,
                submission_token=submission_token,
            )
    except IntegrityError:
        if submission_token:
            return FundingRequest.objects.get(submission_token=submission_token, action=action)
        raise
    record(action.plan, by, f"Demande de financement de {amount} € ({funding_line}) pour « {action.title} »")
    notify(
        recipients=delegation_emails(action.plan.cls),
        subject=f"nouvelle demande de financement – {action.plan.cls}",
        body=f"{action.plan.cls} demande {amount} € sur « {funding_line} » pour l’action « {action.title} ».\n\n{absolute_url(request.get_absolute_url())}",
    )
    return request


@transaction.atomic
def instruct_funding(*, funding, to, by, amount_granted=None, refusal_reason="", comment=""):
    """The delegation moves a funding: under review, granted (amount ≤ asked) or refused (with a reason)."""
    funding = FundingRequest.objects.select_for_update().get(pk=funding.pk)
    to = FundingStatus(to)
    if to not in FUNDING_TRANSITIONS.get(FundingStatus(funding.status), set()):
        raise ValidationError(f"La demande est « {funding.get_status_display()} » : elle ne peut pas passer à « {to.label} ».")
    if to == FundingStatus.GRANTED:
        if amount_granted is None or amount_granted <= 0:
            raise ValidationError("Indiquez le montant accordé.")
        if amount_granted > funding.amount_requested:
            raise ValidationError(f"Le montant accordé ne peut pas dépasser le montant demandé ({funding.amount_requested} €).")
        funding.amount_granted = amount_granted
    if to == FundingStatus.REFUSED:
        if not refusal_reason.strip():
            raise ValidationError("Indiquez le motif du refus.")
        funding.refusal_reason = refusal_reason
    funding.status = to
    if to in {FundingStatus.GRANTED, FundingStatus.REFUSED}:
        funding.decided_by = by
        funding.decided_at = timezone.now()
    funding.save()
    if comment.strip():
        FundingComment.objects.create(request=funding, author=by, body=comment)
    plan = funding.action.plan
    detail = (
        f" : {funding.amount_granted} € accordés"
        if to == FundingStatus.GRANTED
        else (f" : {refusal_reason}" if to == FundingStatus.REFUSED else "")
    )
    record(plan, by, f"Demande de financement « {funding.action.title} » : {to.label}{detail}")
    notify(
        recipients=cls_team_emails(plan.cls),
        subject=f"demande de financement {to.label.lower()}",
        body=f"Votre demande de {funding.amount_requested} € pour « {funding.action.title} » est maintenant « {to.label} »{detail}.\n\n{absolute_url(funding.get_absolute_url())}",
    )
    return funding


@transaction.atomic
def comment_funding(*, funding, body, by):
    return FundingComment.objects.create(request=funding, author=by, body=body)


@transaction.atomic
def report_funding_usage(*, funding, report, by):
    if funding.status != FundingStatus.GRANTED:
        raise ValidationError("Le compte rendu d’utilisation porte sur une demande accordée.")
    funding.usage_report = report
    funding.usage_reported_at = timezone.now()
    funding.save(update_fields=["usage_report", "usage_reported_at", "updated_at"])
    record(funding.action.plan, by, f"Compte rendu d’utilisation des fonds : {funding.action.title}")
    return funding


@transaction.atomic
def record_copil(*, plan, date, attendees, notes, adopt_plan, adopted_actions, rejected_actions, by):
    """Record a COPIL meeting; its decisions move the plan and actions along their lifecycle."""
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
    meeting = CopilMeeting.objects.create(plan=plan, date=date, attendees=attendees, notes=notes, recorded_by=by)
    record(plan, by, f"Réunion du COPIL du {date:%d/%m/%Y} enregistrée")
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
        move_plan(plan=plan, to=PlanStatus.ADOPTED, by=by, note=f"COPIL du {date:%d/%m/%Y}")
    return meeting


@transaction.atomic
def post_message(*, plan, body, by):
    """Add to the plan's exchange with the delegation and notify the other side."""
    message = PlanMessage.objects.create(plan=plan, author=by, body=body)
    from_ars = by.scope.is_ars
    recipients = cls_team_emails(plan.cls) if from_ars else delegation_emails(plan.cls)
    notify(
        recipients=[email for email in recipients if email != by.email],
        subject=f"nouveau message sur le plan – {plan.cls}",
        body=f"{by} a écrit sur le plan « {plan} » :\n\n{body}\n\n{absolute_url(plan.get_absolute_url())}#echanges",
    )
    return message
