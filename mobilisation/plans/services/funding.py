"""Funding requests: asked by the coordinator, instructed (and reopened when a decision must change) by the ARS."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mobilisation.core.formats import euros
from mobilisation.core.site import absolute_url

from ..enums import DECIDED_FUNDING_STATUSES, FUNDING_TRANSITIONS, ActionStatus, CopilVerdict, FundingStatus, PlanStatus
from ..models import FundingComment, FundingRequest
from .common import cls_team_emails, delegation_emails, notify, record


class DuplicateFundingRequest(ValidationError):
    """An open request of the same action on the same line exists: the person is asked before a second one is made."""

    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            f"Une demande de {euros(existing.amount_requested)} sur cette ligne est déjà en cours pour cette action "
            f"(« {existing.get_status_display()} », du {timezone.localdate(existing.created_at):%d/%m/%Y})."
        )


def open_twin(*, action, funding_line):
    """The open request of this action on this line, if any: what a second identical request would duplicate."""
    return FundingRequest.objects.open().filter(action=action, funding_line=funding_line).order_by("created_at").first()


@transaction.atomic
def request_funding(*, action, funding_line, amount, justification, cofunding, by, submission_token=None, confirm_duplicate=False):
    """Ask for funding; a form sent twice with the same token creates one request.

    A request identical to an open one (same action, same line) raises DuplicateFundingRequest unless the person
    confirmed they want a second one.
    """
    if action.plan.status == PlanStatus.CLOSED or action.status == ActionStatus.ABANDONED or action.copil_verdict == CopilVerdict.REJECTED:
        raise ValidationError("On ne demande pas de financement pour une action abandonnée, rejetée par le COPIL ou d’un plan clos.")
    if submission_token:
        existing = FundingRequest.objects.filter(submission_token=submission_token, action=action).first()
        if existing is not None:
            return existing
    if not confirm_duplicate and (twin := open_twin(action=action, funding_line=funding_line)) is not None:
        raise DuplicateFundingRequest(twin)
    try:
        with transaction.atomic():
            request = FundingRequest(
                action=action,
                funding_line=funding_line,
                amount_requested=amount,
                justification=justification,
                cofunding=cofunding,
                requested_by=by,
                submission_token=submission_token,
            )
            request._history_user = by
            request.save()
    except IntegrityError:
        if submission_token:
            return FundingRequest.objects.get(submission_token=submission_token, action=action)
        raise
    record(action.plan, by, f"Demande de financement de {euros(amount)} ({funding_line}) pour « {action.title} »", team_only=True)
    notify(
        recipients=delegation_emails(action.plan.cls),
        subject=f"nouvelle demande de financement – {action.plan.cls}",
        body=f"{action.plan.cls} demande {euros(amount)} sur « {funding_line} » pour l’action « {action.title} ».\n\n"
        f"{absolute_url(request.get_absolute_url())}",
    )
    return request


def _save_step(funding, by, reason=""):
    funding._history_user = by
    funding._change_reason = reason[:100]
    funding.save()


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
            raise ValidationError(f"Le montant accordé ne peut pas dépasser le montant demandé ({euros(funding.amount_requested)}).")
        funding.amount_granted = amount_granted
    if to == FundingStatus.REFUSED:
        if not refusal_reason.strip():
            raise ValidationError("Indiquez le motif du refus.")
        funding.refusal_reason = refusal_reason
    funding.status = to
    if to in DECIDED_FUNDING_STATUSES:
        funding.decided_by = by
        funding.decided_at = timezone.now()
    _save_step(funding, by)
    if comment.strip():
        FundingComment.objects.create(request=funding, author=by, body=comment)
    plan = funding.action.plan
    detail = (
        f" : {euros(funding.amount_granted)} accordés"
        if to == FundingStatus.GRANTED
        else (f" : {refusal_reason}" if to == FundingStatus.REFUSED else "")
    )
    record(plan, by, f"Demande de financement « {funding.action.title} » : {to.label}{detail}", team_only=True)
    notify(
        recipients=cls_team_emails(plan.cls),
        subject=f"demande de financement {to.label.lower()}",
        body=f"Votre demande de {euros(funding.amount_requested)} pour « {funding.action.title} » est maintenant "
        f"« {to.label} »{detail}.\n\n{absolute_url(funding.get_absolute_url())}",
    )
    return funding


@transaction.atomic
def reopen_funding(*, funding, reason, by):
    """The ARS reopens its decision (granted or refused) to correct it: back under review, with the reason kept."""
    funding = FundingRequest.objects.select_for_update().get(pk=funding.pk)
    if funding.status not in DECIDED_FUNDING_STATUSES:
        raise ValidationError(f"La demande est « {funding.get_status_display()} » : il n’y a pas de décision à rouvrir.")
    if not reason.strip():
        raise ValidationError("Indiquez pourquoi la décision est rouverte : la coordination du CLS le lira.")
    previous = funding.get_status_display()
    funding.status = FundingStatus.UNDER_REVIEW
    funding.amount_granted = None
    funding.refusal_reason = ""
    funding.decided_by = None
    funding.decided_at = None
    _save_step(funding, by, reason)
    FundingComment.objects.create(request=funding, author=by, body=f"Décision « {previous} » rouverte : {reason}")
    plan = funding.action.plan
    record(
        plan, by, f"Décision « {previous} » rouverte sur la demande de financement « {funding.action.title} » : {reason}", team_only=True
    )
    notify(
        recipients=cls_team_emails(plan.cls),
        subject="décision de financement rouverte",
        body=f"La décision « {previous} » sur votre demande de {euros(funding.amount_requested)} pour « {funding.action.title} » "
        f"est rouverte par l’ARS ; la demande est de nouveau en instruction.\n\nMotif : {reason}\n\n"
        f"{absolute_url(funding.get_absolute_url())}",
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
    record(funding.action.plan, by, f"Compte rendu d’utilisation des fonds : {funding.action.title}", team_only=True)
    return funding
