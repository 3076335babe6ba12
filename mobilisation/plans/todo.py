"""What each role has to do next about plans, for its home page: every figure read through the models' visible_to rules.

Each function returns plain data for the dashboard template; none of them writes.
"""

import datetime

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.catalogue.enums import MobilisationStatus
from mobilisation.catalogue.models import Mobilisation
from mobilisation.contracts.models import Cls

from .enums import DECIDED_FUNDING_STATUSES, CopilVerdict, FundingStatus, PlanStatus
from .models import CopilMeeting, FundingRequest, Plan, PlanMessage, PlannedAction, ThreadReading
from .services import NEXT_STEP

RECENT_DECISIONS = datetime.timedelta(days=30)


def active_mobilisations(user):
    return list(Mobilisation.objects.visible_to(user).filter(status=MobilisationStatus.ACTIVE))


def unread_counts(user, plans):
    """{plan id: messages written by the other side since the user last marked the exchange read}."""
    reading = ThreadReading.objects.filter(plan=OuterRef("plan"), user=user).values("read_at")[:1]
    rows = (
        PlanMessage.objects.visible_to(user)
        .filter(plan__in=plans)
        .exclude(author=user)
        .annotate(read_at=Subquery(reading))
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=F("read_at")))
        .values("plan")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["plan"]: row["n"] for row in rows}


def next_step(plan):
    if plan.status != PlanStatus.DRAFT:
        return NEXT_STEP[PlanStatus(plan.status)]
    missing = plan.submission_blockers()
    if missing:
        return "Avant de le soumettre au COPIL, il faut encore " + " ; ".join(missing) + "."
    return "Le plan est prêt à être soumis au COPIL."


def coordinator_home(user):
    """For each CLS the user coordinates and each active mobilisation: the plan and what it waits for."""
    contracts = list(Cls.objects.filter(pk__in=user.scope.cls_ids_for(Role.CLS_COORDINATOR)).order_by("name"))
    mobilisations = active_mobilisations(user)
    plans = {
        (plan.cls_id, plan.mobilisation_id): plan
        for plan in Plan.objects.visible_to(user).filter(cls__in=contracts, mobilisation__in=mobilisations).select_related("mobilisation")
    }
    plan_ids = [plan.pk for plan in plans.values()]
    actions = PlannedAction.objects.filter(plan__in=plan_ids)
    hit = dict(actions.affected().values_list("plan").annotate(n=Count("pk")).order_by())
    changed = dict(
        actions.filter(action_model__isnull=False, model_revision__lt=F("action_model__revision"))
        .values_list("plan")
        .annotate(n=Count("pk"))
        .order_by()
    )
    since = timezone.now() - RECENT_DECISIONS
    decisions = list(
        FundingRequest.objects.visible_to(user)
        .filter(action__plan__in=plan_ids, status__in=DECIDED_FUNDING_STATUSES, decided_at__gte=since)
        .select_related("action")
        .order_by("-decided_at")
    )
    unread = unread_counts(user, plan_ids)
    meetings = CopilMeeting.objects.filter(plan__in=plan_ids).coming()
    coming = {row["plan"]: row["first"] for row in meetings.values("plan").annotate(first=Min("date")).order_by()}
    rows = []
    for cls in contracts:
        for mobilisation in mobilisations:
            plan = plans.get((cls.pk, mobilisation.pk))
            rows.append(
                {
                    "cls": cls,
                    "mobilisation": mobilisation,
                    "plan": plan,
                    "next_step": next_step(plan) if plan else "",
                    "affected": hit.get(plan.pk, 0) if plan else 0,
                    "model_changes": changed.get(plan.pk, 0) if plan else 0,
                    "unread": unread.get(plan.pk, 0) if plan else 0,
                    "decisions": [d for d in decisions if plan and d.action.plan_id == plan.pk],
                    "next_copil": coming.get(plan.pk) if plan else None,
                }
            )
    return rows


def elected_home(user):
    """The plans of the elected official's CLS: their state, the coming COPIL, actions awaiting its opinion."""
    plans = list(
        Plan.objects.filter(cls__in=user.scope.cls_ids_for(Role.ELECTED_OFFICIAL), mobilisation__in=active_mobilisations(user))
        .select_related("cls", "mobilisation")
        .annotate(pending=Count("actions", filter=Q(actions__copil_verdict=CopilVerdict.PENDING)))
        .order_by("cls__name")
    )
    meetings = CopilMeeting.objects.filter(plan__in=plans).coming().order_by("date", "time")
    for plan in plans:
        plan.coming_meetings = [meeting for meeting in meetings if meeting.plan_id == plan.pk]
    return plans


def awaiting_answer(user, plans):
    """Plans whose exchange ends with a message of the CLS: the ARS has not answered yet."""
    last = PlanMessage.objects.filter(plan=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        plans.annotate(last_from_ars=Subquery(last.values("from_ars")[:1]), last_at=Subquery(last.values("created_at")[:1]))
        .filter(last_from_ars=False)
        .filter(Exists(PlanMessage.objects.visible_to(user).filter(plan=OuterRef("pk"))))
    )


def ars_home(user):
    """What the delegation (its department) or the region (every department) has to handle, by department."""
    mobilisations = active_mobilisations(user)
    contracts = Cls.objects.visible_to(user)
    plans = Plan.objects.of_team(user).filter(mobilisation__in=mobilisations)
    instructable = FundingRequest.objects.instructable_by(user)
    departments = {}

    def department(code, name):
        return departments.setdefault(
            code, {"code": code, "name": name, "to_instruct": 0, "under_review": 0, "oldest": None, "awaiting": [], "not_started": []}
        )

    for row in (
        instructable.filter(status__in=[FundingStatus.RECEIVED, FundingStatus.UNDER_REVIEW])
        .values("action__plan__cls__department", "action__plan__cls__department__name", "status")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
        .order_by()
    ):
        item = department(row["action__plan__cls__department"], row["action__plan__cls__department__name"])
        item["to_instruct" if row["status"] == FundingStatus.RECEIVED else "under_review"] += row["n"]
        if row["status"] == FundingStatus.RECEIVED:
            item["oldest"] = row["oldest"]
    for plan in awaiting_answer(user, plans).select_related("cls__department").order_by("last_at"):
        department(plan.cls.department_id, plan.cls.department.name)["awaiting"].append(plan)
    without_plan = contracts.exclude(plans__mobilisation__in=mobilisations).select_related("department").order_by("department", "name")
    for cls in without_plan if mobilisations else []:
        department(cls.department_id, cls.department.name)["not_started"].append(cls)
    today = timezone.localdate()
    for item in departments.values():
        item["oldest_days"] = (today - timezone.localdate(item["oldest"])).days if item["oldest"] else None
    return [departments[code] for code in sorted(departments)]
