"""The plan itself: start it, move it along its lifecycle, its diagnosis and figures, the exchange with the ARS."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mobilisation.core.formats import number
from mobilisation.core.site import absolute_url

from ..enums import PlanStatus
from ..models import DiagnosisFigure, Plan, PlanMessage, ThreadReading
from .common import cls_team_emails, delegation_emails, notify, record

# What the person who moved the plan reads next, by the state reached.
NEXT_STEP = {
    PlanStatus.DRAFT: "Le plan est revenu en brouillon : complétez-le puis soumettez-le de nouveau au COPIL.",
    PlanStatus.SUBMITTED: "Le plan est soumis au COPIL ; la délégation départementale de l’ARS est prévenue. "
    "Enregistrez la réunion du COPIL pour l’adopter.",
    PlanStatus.IN_PROGRESS: "La mise en œuvre est lancée : suivez l’état de chaque action et ses indicateurs.",
    PlanStatus.CLOSED: "Le plan est clos : il reste consultable mais ne se modifie plus.",
    PlanStatus.ADOPTED: "Le plan est adopté par le COPIL : lancez sa mise en œuvre quand les actions démarrent.",
}


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
    if to == PlanStatus.SUBMITTED and (missing := plan.submission_blockers()):
        raise ValidationError("Avant de soumettre le plan au COPIL, il faut encore " + " ; ".join(missing) + ".")
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


@transaction.atomic
def add_diagnosis_figure(*, plan, label, value, unit, source, as_of, by):
    figure = DiagnosisFigure.objects.create(plan=plan, label=label, value=value, unit=unit, source=source, as_of=as_of, recorded_by=by)
    record(plan, by, f"Chiffre ajouté au diagnostic : {label} = {number(value)} {unit}".rstrip())
    return figure


@transaction.atomic
def remove_diagnosis_figure(*, figure, by):
    record(figure.plan, by, f"Chiffre retiré du diagnostic : {figure.label}")
    figure.delete()


@transaction.atomic
def add_existing_action(*, plan, fiche, by):
    """Record a fiche action of the CLS's own contract (the unsaved `fiche` of the form), from its plan."""
    fiche.cls = plan.cls
    fiche.save()
    record(plan, by, f"Fiche action du CLS enregistrée : {fiche}")
    return fiche


@transaction.atomic
def post_message(*, plan, body, by):
    """Add to the plan's exchange with the delegation and notify the other side; the author has read the thread."""
    from_ars = by.scope.is_ars
    message = PlanMessage.objects.create(plan=plan, author=by, body=body, from_ars=from_ars)
    mark_thread_read(plan=plan, by=by)
    recipients = cls_team_emails(plan.cls) if from_ars else delegation_emails(plan.cls)
    notify(
        recipients=[email for email in recipients if email != by.email],
        subject=f"nouveau message sur le plan – {plan.cls}",
        body=f"{by} a écrit sur le plan « {plan} » :\n\n{body}\n\n{absolute_url(plan.get_absolute_url())}#echanges",
    )
    return message


def mark_thread_read(*, plan, by):
    """What the plan's exchange holds now is read by `by` (an explicit act: reading a page never writes)."""
    ThreadReading.objects.update_or_create(plan=plan, user=by, defaults={"read_at": timezone.now()})
