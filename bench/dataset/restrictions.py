"""Public-order restrictions of the crisis: the national measures of 2020-2021, and local ones by department."""

import datetime

from mobilisation.catalogue.models import Modality
from mobilisation.plans import restriction_states
from mobilisation.plans.enums import DEFAULT_BLOCKED_MODALITIES, RestrictionKind, RestrictionScope
from mobilisation.plans.models import RestrictionPeriod
from mobilisation.territories.models import Department

from .context import CRISIS_END, CRISIS_START

D = datetime.date
NATIONAL = (
    (RestrictionKind.LOCKDOWN, "Deuxième confinement national", D(2020, 10, 30), D(2020, 12, 14)),
    (RestrictionKind.CURFEW, "Couvre-feu national à 20 h", D(2020, 12, 15), D(2021, 1, 15)),
    (RestrictionKind.CURFEW, "Couvre-feu national à 18 h", D(2021, 1, 16), D(2021, 3, 19)),
    (RestrictionKind.CURFEW, "Couvre-feu national à 19 h", D(2021, 3, 20), D(2021, 5, 18)),
    (RestrictionKind.LOCKDOWN, "Troisième confinement national", D(2021, 4, 3), D(2021, 5, 2)),
    (RestrictionKind.CURFEW, "Couvre-feu national à 21 h", D(2021, 5, 19), D(2021, 6, 8)),
    (RestrictionKind.CURFEW, "Couvre-feu national à 23 h", D(2021, 6, 9), D(2021, 6, 19)),
)
LOCAL_PER_RUN = 6  # local measures (a department's reinforced curfew, say) at scale 1


def build(ctx):
    modalities = dict(Modality.objects.values_list("code", "pk"))
    periods, blocked = [], []
    existing = set(RestrictionPeriod.objects.filter(scope=RestrictionScope.NATIONAL).values_list("label", flat=True))
    for kind, label, start, end in NATIONAL:
        if label not in existing:
            periods.append(
                RestrictionPeriod(public_id=ctx.uuid(), kind=kind, label=label, scope=RestrictionScope.NATIONAL, start=start, end=end)
            )
    departments = list(Department.objects.order_by("code"))
    for number in range(1, ctx.count(LOCAL_PER_RUN) + 1):
        department = ctx.rng.choice(departments)
        kind = ctx.rng.choice([RestrictionKind.LOCKDOWN, RestrictionKind.CURFEW])
        start = ctx.day(CRISIS_START, CRISIS_END - datetime.timedelta(days=30))
        end = start + datetime.timedelta(days=ctx.rng.randint(7, 28))
        label = f"{kind.label} renforcé – {department.name} (mesure locale {ctx.tag}-{number})"
        periods.append(
            RestrictionPeriod(
                public_id=ctx.uuid(), kind=kind, label=label, scope=RestrictionScope.DEPARTMENT, department=department, start=start, end=end
            )
        )
    periods = ctx.insert(periods)
    for period in periods:
        blocked += [(period.pk, modalities[code]) for code in DEFAULT_BLOCKED_MODALITIES[period.kind] if code in modalities]
    ctx.link(RestrictionPeriod.blocked_modalities.field, blocked)
    # The actions' restriction state is kept by the write path (plans.restriction_states): the dataset writes in bulk,
    # so it runs the same computation once at the end, as a restriction recorded in the application would.
    restriction_states.refresh()
