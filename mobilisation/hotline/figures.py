"""What flows up from the hotline: counts of calls, callbacks and what they led to, by day, reason, orientation and
commune. No call holds an identity; the counts by commune still go through core.aggregates.Figure ("< 5"), the rest
are counts of a line's activity. A few grouped queries whatever the number of calls."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from mobilisation.core.aggregates import Figure

from .enums import CallbackOrigin, CallbackState, ProposalState, Reason, Referral, reasons_of
from .models import Call, Callback, Line, RegistrationProposal

KEYS = ("calls", "callbacks_done", "missed", "waiting", "requests", "proposals")


def line_counts(lines, since=None):
    """{line id: {key: int}}: calls answered, callbacks made, missed calls, callbacks waiting, requests for help and
    registration proposals sent, since `since` (all time when None)."""
    ids = [line.pk for line in lines]
    counts = {pk: dict.fromkeys(KEYS, 0) for pk in ids}
    calls = Call.objects.filter(line__in=ids)
    callbacks = Callback.objects.filter(line__in=ids)
    proposals = RegistrationProposal.objects.filter(line__in=ids)
    if since is not None:
        calls, callbacks, proposals = (
            calls.filter(at__gte=since),
            callbacks.filter(created_at__gte=since),
            proposals.filter(created_at__gte=since),
        )
    for pk, n, requests in calls.values_list("line").annotate(n=Count("pk"), requests=Count("aid_request")).order_by():
        counts[pk].update(calls=n, requests=requests)
    for pk, done, missed in (
        callbacks.values_list("line")
        .annotate(done=Count("pk", filter=Q(state=CallbackState.DONE)), missed=Count("pk", filter=Q(origin=CallbackOrigin.MISSED)))
        .order_by()
    ):
        counts[pk].update(callbacks_done=done, missed=missed)
    for pk, waiting in Callback.objects.filter(line__in=ids).waiting().values_list("line").annotate(n=Count("pk")).order_by():
        counts[pk]["waiting"] = waiting
    for pk, n in proposals.values_list("line").annotate(n=Count("pk")).order_by():
        counts[pk]["proposals"] = n
    return counts


def line_dashboard(line, *, days=14, today=None):
    """The figures page of a line: totals, calls per day over `days`, by reason, by orientation, the communes and the
    services callers were sent to most."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    calls = Call.objects.filter(line=line, at__gte=since)
    per_day = dict(
        calls.annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone())).values_list("day").annotate(n=Count("pk")).order_by()
    )
    by_reason = dict.fromkeys(Reason, 0)
    for bits, n in calls.values_list("reasons").annotate(n=Count("pk")).order_by():
        for reason in reasons_of(bits):
            by_reason[reason] += n
    referrals = dict(calls.values_list("referral").annotate(n=Count("pk")).order_by())
    communes = [
        (name or "Non précisée", Figure(n))
        for name, n in calls.values_list("commune__name").annotate(n=Count("pk")).order_by("-n", "commune__name")[:10]
    ]
    services = list(
        calls.filter(service__isnull=False)
        .values_list("service__name", "service__organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "service__name")[:10]
    )
    total = line_counts([line], since=since)[line.pk]
    return {
        "days": days,
        "total": total,
        "per_day": [(start + datetime.timedelta(days=n), per_day.get(start + datetime.timedelta(days=n), 0)) for n in range(days)],
        "by_reason": [(reason.label, n) for reason, n in by_reason.items()],
        "referrals": [(Referral(key).label, referrals.get(key, 0)) for key in Referral.values],
        "communes": communes,
        "services": services,
        "proposals_waiting": RegistrationProposal.objects.filter(line=line, state=ProposalState.NEW).count(),
    }


# The indicators a plan action linked to a line computes (core.indicators asks for them).
INDICATORS = [
    ("calls", "Appels répondus (numéro vert)"),
    ("callbacks_done", "Rappels faits (numéro vert)"),
    ("requests", "Demandes d’aide transmises par le numéro vert"),
]


def action_indicators(actions):
    """{action id: [(label, Figure), …]} for the plan actions linked to a line; computed, never typed."""
    ids = [action.pk for action in actions]
    lines = list(Line.objects.filter(plan_action__in=ids).only("pk", "plan_action_id"))
    if not lines:
        return {}
    counts = line_counts(lines)
    totals = {}
    for line in lines:
        row = totals.setdefault(line.plan_action_id, dict.fromkeys([key for key, _ in INDICATORS], 0))
        for key, _ in INDICATORS:
            row[key] += counts[line.pk][key]
    return {action_id: [(label, Figure(row[key])) for key, label in INDICATORS] for action_id, row in totals.items()}
