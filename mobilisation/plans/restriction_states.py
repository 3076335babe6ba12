"""Which actions a restriction hits, computed once on the write path and stored on the action (restriction_state).

Pages read the stored state (one column, no join against every restriction), so their cost does not grow with the
restrictions or the actions of other plans. The services call `refresh(...)` whenever a restriction is recorded,
changed, lifted or deleted, and whenever an action's dates, modalities or communes change.

An action meets a measure when the measure blocks one of its modalities and their territories overlap (the action's
communes, or its CLS's communes when it names none; a national measure covers every commune):
- with dates (a start), the measure's period overlaps them: RESTRICTED;
- without a start, the measure is in force or announced: TO_CHECK, until the measure's end (`restriction_until`,
  empty for "until further notice"), after which the page stops flagging it without a write.

The functions take the models as arguments so that the migration that introduced the state can run them too.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from .enums import RestrictionScope, RestrictionState


@dataclass(frozen=True)
class Measure:
    pk: int
    start: object
    end: object
    blocked: frozenset
    communes: frozenset | None  # None: the whole country

    def covers(self, communes):
        return self.communes is None or not self.communes.isdisjoint(communes)


def load_measures(*, restriction_model, commune_model):
    """Every restriction, with the modalities it blocks and the INSEE codes of the communes it covers."""
    periods = list(restriction_model.objects.values_list("pk", "scope", "department_id", "start", "end"))
    blocked = defaultdict(set)
    for period, modality in restriction_model.blocked_modalities.through.objects.values_list("restrictionperiod_id", "modality_id"):
        blocked[period].add(modality)
    communes = defaultdict(set)
    for period, commune in restriction_model.communes.through.objects.values_list("restrictionperiod_id", "commune_id"):
        communes[period].add(commune)
    epcis = defaultdict(set)
    for period, epci in restriction_model.epcis.through.objects.values_list("restrictionperiod_id", "epci_id"):
        epcis[period].add(epci)
    departments = {department for _, scope, department, _, _ in periods if scope == RestrictionScope.DEPARTMENT}
    wanted_epcis = set().union(*epcis.values()) if epcis else set()
    by_department, by_epci = defaultdict(set), defaultdict(set)
    if departments or wanted_epcis:
        rows = commune_model.objects.filter(department__in=departments) | commune_model.objects.filter(epci__in=wanted_epcis)
        for code, department, epci in rows.values_list("insee_code", "department_id", "epci_id"):
            by_department[department].add(code)
            if epci:
                by_epci[epci].add(code)
    measures = []
    for pk, scope, department, start, end in periods:
        if scope == RestrictionScope.NATIONAL:
            covered = None
        elif scope == RestrictionScope.DEPARTMENT:
            covered = frozenset(by_department[department])
        elif scope == RestrictionScope.EPCI:
            covered = frozenset().union(*(by_epci[epci] for epci in epcis[pk]))
        else:
            covered = frozenset(communes[pk])
        measures.append(Measure(pk=pk, start=start, end=end, blocked=frozenset(blocked[pk]), communes=covered))
    return measures


def hitting(*, start, end, modalities, communes, measures, today):
    """What the measures mean for one action: (state, until, the measures that hit it); see the module's docstring."""
    relevant = [m for m in measures if m.blocked & modalities and m.covers(communes)]
    if start is None:
        coming = [m for m in relevant if m.end is None or m.end >= today]
        if not coming:
            return RestrictionState.NONE, None, []
        ends = [m.end for m in coming]
        return RestrictionState.TO_CHECK, None if None in ends else max(ends), coming
    last = end or start
    overlapping = [m for m in relevant if m.start <= last and (m.end is None or m.end >= start)]
    return (RestrictionState.RESTRICTED if overlapping else RestrictionState.NONE), None, overlapping


def refresh_all_with(*, restriction_model, action_model, commune_model, cls_commune_model, action_ids=None, today=None, on_change=None):
    """Recompute and store the state of the given actions (all when None); returns how many changed.

    `on_change(plan ids)` is told which plans had an action change (their cached pages must render afresh)."""
    today = today or timezone.localdate()
    measures = load_measures(restriction_model=restriction_model, commune_model=commune_model)
    actions = action_model.objects.all() if action_ids is None else action_model.objects.filter(pk__in=action_ids)
    rows = list(actions.values_list("pk", "plan_id", "plan__cls_id", "start", "end", "restriction_state", "restriction_until"))
    if not rows:
        return 0
    ids = [row[0] for row in rows] if action_ids is not None else None
    modalities, own_communes, cls_communes = defaultdict(set), defaultdict(set), defaultdict(set)
    through = action_model.modalities.through.objects
    for action, modality in (through.filter(plannedaction_id__in=ids) if ids else through).values_list("plannedaction_id", "modality_id"):
        modalities[action].add(modality)
    through = action_model.communes.through.objects
    for action, commune in (through.filter(plannedaction_id__in=ids) if ids else through).values_list("plannedaction_id", "commune_id"):
        own_communes[action].add(commune)
    wanted_cls = {row[2] for row in rows}
    for cls, commune in cls_commune_model.objects.filter(cls_id__in=wanted_cls).values_list("cls_id", "commune_id"):
        cls_communes[cls].add(commune)
    changed, plans = [], set()
    for pk, plan, cls, start, end, old_state, old_until in rows:
        state, until, _ = hitting(
            start=start,
            end=end,
            modalities=frozenset(modalities[pk]),
            communes=own_communes[pk] or cls_communes[cls],
            measures=measures,
            today=today,
        )
        if (state, until) != (old_state, old_until):
            changed.append(action_model(pk=pk, restriction_state=state, restriction_until=until))
            plans.add(plan)
    action_model.objects.bulk_update(changed, ["restriction_state", "restriction_until"], batch_size=500)
    if plans and on_change is not None:
        on_change(plans)
    return len(changed)


def refresh(*, action_ids=None, today=None):
    """Recompute the stored state of these actions (every action when None), with the project's models."""
    from mobilisation.contracts.models import Cls
    from mobilisation.core import page_cache
    from mobilisation.territories.models import Commune

    from .models import PlannedAction, RestrictionPeriod

    return refresh_all_with(
        restriction_model=RestrictionPeriod,
        action_model=PlannedAction,
        commune_model=Commune,
        cls_commune_model=Cls.communes.through,
        action_ids=action_ids,
        today=today,
        on_change=page_cache.plans_changed,
    )


def periods_hitting(action, today=None):
    """The restriction periods behind one action's state, for its page to name them and their alternative."""
    from mobilisation.contracts.models import Cls
    from mobilisation.territories.models import Commune

    from .models import RestrictionPeriod

    communes = set(action.communes.values_list("insee_code", flat=True)) or set(
        Cls.communes.through.objects.filter(cls_id=action.plan.cls_id).values_list("commune_id", flat=True)
    )
    _, _, measures = hitting(
        start=action.start,
        end=action.end,
        modalities=frozenset(action.modalities.values_list("pk", flat=True)),
        communes=communes,
        measures=load_measures(restriction_model=RestrictionPeriod, commune_model=Commune),
        today=today or timezone.localdate(),
    )
    return (
        RestrictionPeriod.objects.filter(pk__in=[m.pk for m in measures])
        .select_related("department")
        .prefetch_related("blocked_modalities", "epcis", "communes")
        .order_by("start")
    )
