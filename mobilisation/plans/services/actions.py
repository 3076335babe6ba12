"""Actions of a plan: adopt from the catalogue, create or change, move along their states, indicators and budget."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mobilisation.core.formats import day, euros, number

from .. import restriction_states
from ..enums import ActionOrigin, ActionStatus
from ..models import BudgetLine, Indicator, PlannedAction, ProgressEntry
from .common import record

# A change of these fields may change what the restrictions mean for the action.
RESTRICTION_INPUTS = {"start", "end", "modalities", "communes"}


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
    restriction_states.refresh(action_ids=[action.pk])
    record(plan, by, f"Action adoptée du catalogue : {action.title}")
    return action, True


@transaction.atomic
def save_planned_action(*, action, m2m, by, submission_token=None, changed=None):
    """Create or update an action of the plan from its form (m2m: field name -> values).

    A creation form sent twice (double click, replayed request) carries the same token and creates one action.
    `changed`: the names of the fields the form changed (None: all may have), to know whether restrictions apply anew.
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
    if creating or changed is None or RESTRICTION_INPUTS & set(changed):
        restriction_states.refresh(action_ids=[action.pk])
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
    if accept:
        restriction_states.refresh(action_ids=[action.pk])
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


def _with_unit(value, unit):
    return f"{number(value)} {unit}".rstrip()


@transaction.atomic
def add_indicator(*, action, name, unit, target, by):
    indicator = Indicator.objects.create(action=action, name=name, unit=unit, target=target)
    detail = f" (cible : {_with_unit(target, unit)})" if target is not None else ""
    record(action.plan, by, f"Indicateur ajouté à « {action.title} » : {name}{detail}")
    return indicator


@transaction.atomic
def set_target(*, indicator, target, by):
    indicator.target = target
    indicator.save(update_fields=["target"])
    what = _with_unit(target, indicator.unit) if target is not None else "aucune"
    record(indicator.action.plan, by, f"Cible de « {indicator.name} » : {what}")
    return indicator


@transaction.atomic
def add_progress(*, indicator, date, value, comment, by):
    entry = ProgressEntry.objects.create(indicator=indicator, date=date, value=value, comment=comment, recorded_by=by)
    record(indicator.action.plan, by, f"Avancement de « {indicator.name} » : {_with_unit(value, indicator.unit)} au {day(date)}")
    return entry


@transaction.atomic
def add_budget_line(*, action, kind, label, amount, by):
    line = BudgetLine.objects.create(action=action, kind=kind, label=label, amount=amount)
    record(
        action.plan, by, f"Budget de « {action.title} » : {line.get_kind_display().lower()} « {label} », {euros(amount)}", team_only=True
    )
    return line
