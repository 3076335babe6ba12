"""What flows up from the register and the veille: aggregates only, small counts hidden (SECURITY.md 6).

Everything the ARS, the delegations, the coordinators and the elected officials read of the followup app comes from
this module. A count from 1 to 4 is shown as "< 5", so that a small commune's figure never points at someone; a
rate computed from a hidden count is hidden too.
"""

from django.db.models import Count, Q

from mobilisation.core.aggregates import THRESHOLD, Figure  # noqa: F401 - the one helper, read here by the views too

from .enums import Category, EscalationState, FinalStatus, Outcome, TaskState
from .models import CallAttempt, Campaign, ContactTask, Escalation, FollowedPerson, Person

REACHED = [outcome.value for outcome in Outcome if outcome.reached]


def campaign_counts(campaigns):
    """{campaign id: {name: int}} for the indicators and the dashboards, in four grouped queries whatever the number."""
    ids = [campaign.pk for campaign in campaigns]
    counts = {pk: {"followed": 0, "calls": 0, "reached": 0, "needs": 0, "open": 0, "done": 0, "escalations": 0, "lost": 0} for pk in ids}
    for pk, followed, lost in (
        FollowedPerson.objects.filter(campaign__in=ids)
        .values_list("campaign")
        .annotate(n=Count("pk"), lost=Count("pk", filter=Q(final_status=FinalStatus.LOST)))
        .order_by()
    ):
        counts[pk].update(followed=followed, lost=lost)
    for pk, calls, reached in (
        CallAttempt.objects.filter(campaign__in=ids)
        .values_list("campaign")
        .annotate(n=Count("pk"), reached=Count("person", filter=Q(outcome__in=REACHED), distinct=True))
        .order_by()
    ):
        counts[pk].update(calls=calls, reached=reached)
    from mobilisation.mutualaid.models import AidRequest

    # Needs found: the requests for help the campaign's calls opened, one per need (mutualaid.help_requests.from_veille).
    for pk, needs in (
        AidRequest.objects.filter(followup_campaign__in=ids).values_list("followup_campaign").annotate(n=Count("pk")).order_by()
    ):
        counts[pk]["needs"] = needs
    for pk, open_tasks, done in (
        ContactTask.objects.filter(campaign__in=ids)
        .values_list("campaign")
        .annotate(open=Count("pk", filter=Q(state=TaskState.OPEN)), done=Count("pk", filter=Q(state=TaskState.DONE)))
        .order_by()
    ):
        counts[pk].update(open=open_tasks, done=done)
    for pk, escalations in (
        Escalation.objects.filter(campaign__in=ids, state=EscalationState.OPEN).values_list("campaign").annotate(n=Count("pk")).order_by()
    ):
        counts[pk]["escalations"] = escalations
    return counts


def campaign_progress(campaign):
    """The campaign dashboard's figures (agents read them as they are: they hold the register): the counts of the
    indicators and the dashboards, and the calls by outcome."""
    counts = campaign_counts([campaign])[campaign.pk]
    outcomes = dict(CallAttempt.objects.filter(campaign=campaign).values_list("outcome").annotate(n=Count("pk")).order_by())
    return {**counts, "outcomes": [(Outcome(key).label, outcomes.get(key, 0)) for key in Outcome.values]}


# The indicators a plan action linked to a campaign computes (core.indicators asks for them).
INDICATORS = [
    ("followed", "Personnes suivies"),
    ("calls", "Appels passés"),
    ("reached", "Personnes jointes"),
    ("needs", "Besoins repérés (demandes d’aide)"),
]


def action_indicators(actions):
    """{action id: [(label, Figure), …]} for the plan actions linked to a campaign; computed, never typed."""
    ids = [action.pk for action in actions]
    campaigns = list(Campaign.objects.filter(plan_action__in=ids).only("pk", "plan_action_id"))
    if not campaigns:
        return {}
    counts = campaign_counts(campaigns)
    totals = {}
    for campaign in campaigns:
        row = totals.setdefault(campaign.plan_action_id, dict.fromkeys([key for key, _ in INDICATORS], 0))
        for key, _ in INDICATORS:
            row[key] += counts[campaign.pk][key]
    return {action_id: [(label, Figure(row[key])) for key, label in INDICATORS] for action_id, row in totals.items()}


def register_aggregates(communes, by="commune"):
    """People registered by commune (or by department: by="commune__department") and category, for the communes
    given (a CLS's, a department's, the region's)."""
    rows = (
        Person.objects.registered()
        .filter(commune__in=communes)
        .values_list(by, f"{by}__name", "category")
        .annotate(n=Count("pk"))
        .order_by(f"{by}__name")
    )
    table = {}
    for code, name, category, n in rows:
        entry = table.setdefault(code, {"code": code, "name": name, "by_category": dict.fromkeys(Category.values, 0)})
        entry["by_category"][category] = n
    result = []
    for entry in table.values():
        total = sum(entry["by_category"].values())
        result.append(
            {
                "code": entry["code"],
                "name": entry["name"],
                "total": Figure(total),
                "categories": [Figure(entry["by_category"][value]) for value in Category.values],
            }
        )
    return result
