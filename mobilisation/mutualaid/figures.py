"""What flows up from mutual aid into the plan: for each organisation linked to a plan action (AidPool), the requests
it brought to an end, the home deliveries among them and its volunteers active, in the communes of the action's CLS.
Counts only, through core.aggregates.Figure ("< 5"). Isolation housing counts its nights in housing.py."""

from django.db.models import Count, Exists, OuterRef, Q

from mobilisation.core.aggregates import Figure

from .enums import HelpKind, RequestState
from .models import AidPool, AidRequest, HousingPlace, Volunteer

DELIVERIES = (HelpKind.SHOPPING, HelpKind.MEALS, HelpKind.MEDICINE)
INDICATORS = [
    ("done", "Demandes d’aide réalisées (entraide)"),
    ("deliveries", "Livraisons à domicile : courses, repas, médicaments"),
    ("volunteers", "Bénévoles actifs"),
]


def pool_counts(pool):
    """{key: int} for one link: its organisation's work in its action's CLS communes."""
    communes = pool.plan_action.plan.cls.communes.values("insee_code")
    requests = AidRequest.objects.filter(organisation=pool.organisation_id, state=RequestState.DONE, commune__in=communes).aggregate(
        done=Count("pk"), deliveries=Count("pk", filter=Q(kind__in=DELIVERIES))
    )
    acting = Volunteer.communes.through.objects.filter(commune__in=communes).values("volunteer_id")
    volunteers = Volunteer.objects.available().filter(organisation=pool.organisation_id, pk__in=acting).count()
    return {**requests, "volunteers": volunteers}


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
    for pool in AidPool.objects.filter(plan_action__in=pooled).select_related("plan_action__plan__cls") if pooled else []:
        row = totals.setdefault(pool.plan_action_id, dict.fromkeys([key for key, _ in INDICATORS], 0))
        for key, value in pool_counts(pool).items():
            row[key] += value
    for action_id, row in totals.items():
        result.setdefault(action_id, [])[:0] = [(label, Figure(row[key])) for key, label in INDICATORS]
    return result
