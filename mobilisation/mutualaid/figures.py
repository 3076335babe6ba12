"""What flows up from mutual aid into the plan: for each organisation linked to a plan action (AidPool), the requests
it brought to an end, the home deliveries among them and its volunteers active, in the communes of the action's CLS.
Counts only, through core.aggregates.Figure ("< 5"). Isolation housing counts its nights in housing.py."""

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from mobilisation.core.aggregates import Figure

from .enums import HelpKind, RequestState
from .models import AidPool, AidRequest, HousingPlace, Volunteer

DELIVERIES = (HelpKind.SHOPPING, HelpKind.MEALS, HelpKind.MEDICINE)
INDICATORS = [
    ("done", "Demandes d’aide réalisées (entraide)"),
    ("deliveries", "Livraisons à domicile : courses, repas, médicaments"),
    ("volunteers", "Bénévoles actifs"),
]


def counted(queryset, *, distinct=False):
    """The number of rows of `queryset` (which names OuterRef), as a subquery a row of the outer query."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    total = Func(F("pk"), template=template, output_field=IntegerField())  # no GROUP BY: one row, the count
    return Coalesce(Subquery(queryset.order_by().annotate(total=total).values("total")[:1]), 0)


def pool_counts(pools):
    """{pool id: (action id, {key: int})}, in one query: each link's organisation's work in its action's CLS communes."""
    cls = OuterRef("plan_action__plan__cls")
    done = AidRequest.objects.filter(organisation=OuterRef("organisation"), state=RequestState.DONE, commune__contracts=cls)
    active = Volunteer.objects.available().filter(organisation=OuterRef("organisation"), communes__contracts=cls)
    rows = pools.annotate(
        done=counted(done),
        deliveries=counted(done.filter(kind__in=DELIVERIES)),
        volunteers=counted(active, distinct=True),  # a volunteer acting in two communes of the CLS is one volunteer
    ).values_list("pk", "plan_action", "done", "deliveries", "volunteers")
    return {pk: (action, {"done": n, "deliveries": d, "volunteers": v}) for pk, action, n, d, v in rows}


def action_indicators(actions):
    """{action id: [(label, Figure), …]} for the plan actions some organisation's mutual aid or isolation places count
    in. One query when none is linked (the plan and its PDF ask for every action)."""
    from mobilisation.plans.models import PlannedAction

    from . import housing

    ids = [action.pk for action in actions]
    links = (
        PlannedAction.objects.filter(pk__in=ids)
        .annotate(
            pooled=Exists(AidPool.objects.filter(plan_action=OuterRef("pk"))),
            housed=Exists(HousingPlace.objects.filter(plan_action=OuterRef("pk"))),
        )
        .filter(Q(pooled=True) | Q(housed=True))
        .values_list("pk", "pooled", "housed")
    )
    pooled, housed = set(), set()
    for pk, has_pool, has_places in links:
        if has_pool:
            pooled.add(pk)
        if has_places:
            housed.add(pk)
    result = housing.action_indicators(housed) if housed else {}
    totals = {}
    for action_id, counts in pool_counts(AidPool.objects.filter(plan_action__in=pooled)).values() if pooled else []:
        row = totals.setdefault(action_id, dict.fromkeys([key for key, _ in INDICATORS], 0))
        for key, value in counts.items():
            row[key] += value
    for action_id, row in totals.items():
        result.setdefault(action_id, [])[:0] = [(label, Figure(row[key])) for key, label in INDICATORS]
    return result
