"""ARS views: plans of the delegation's CLS or of the whole region, and the public-order restrictions."""

from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from mobilisation.contracts.models import Cls
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.services import submit_once
from mobilisation.territories.models import Department

from ..enums import FundingStatus
from ..forms import FollowUpFilterForm, RestrictionForm
from ..models import FundingRequest, Plan, PlannedAction, RestrictionPeriod
from .common import HOME


class Row(dict):
    """A row of the follow-up table, readable by templates (row.plan) and export accessors alike."""

    __getattr__ = dict.__getitem__


THEME_CODES = ["A1", "A2", "A3", "B1", "B2"]
PLANS_PER_PAGE = 50
RESTRICTED_PREVIEW = 10

FOLLOW_UP_COLUMNS = [
    ("CLS", "plan.cls.name"),
    ("Département", "plan.cls.department.name"),
    ("Mobilisation", "plan.mobilisation.title"),
    ("Statut", "plan.get_status_display"),
    ("Actions", "actions.total"),
    ("Actions axe A", "actions.A"),
    ("Actions axe B", "actions.B"),
    *[(f"Actions {code}", f"actions.{code}") for code in THEME_CODES],
    ("Actions touchées par une restriction", "restricted"),
    ("Financements demandés (€)", lambda row: row["funding"].get("asked") or 0),
    ("Financements accordés (€)", lambda row: row["funding"].get("granted") or 0),
]


def followed_departments(user):
    """The departments whose plans the user reads: the delegation's own, the four for the region."""
    return Department.objects.filter(contracts__in=Cls.objects.visible_to(user)).distinct().order_by("code")


def action_counts(plan_ids):
    """{plan id: Row(total, A, B, A1, …)}: the plans' actions counted by axis and theme in one grouped query."""
    counts = {pk: Row(total=0, A=0, B=0, **dict.fromkeys(THEME_CODES, 0)) for pk in plan_ids}
    grouped = (
        PlannedAction.objects.filter(plan__in=plan_ids)
        .values_list("plan", "theme__axis__code", "theme__code")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for plan, axis, theme, total in grouped:
        row = counts[plan]
        row["total"] += total
        for key in (axis, theme):
            if key in row:
                row[key] += total
    return counts


def restricted_in(plans, user):
    """The actions of these plans a restriction hits, read once as (action, plan, department), by start date.

    Finding them is the costly part of the follow-up (a date and modality check against every restriction):
    one query, then counted per plan and per department here.
    """
    return list(
        PlannedAction.objects.visible_to(user)
        .restricted()
        .filter(plan__in=plans)
        .order_by("start", "title", "pk")
        .values_list("pk", "plan_id", "plan__cls__department")
    )


def follow_up_rows(plans, user, restricted):
    """The table's rows for these plans: their actions by axis and theme, restricted actions and funding."""
    plans = list(plans)
    ids = [plan.pk for plan in plans]
    counts = action_counts(ids)
    funding = {
        row["action__plan"]: row
        for row in FundingRequest.objects.visible_to(user)
        .filter(action__plan__in=ids)
        .values("action__plan")
        .annotate(asked=Sum("amount_requested"), granted=Sum("amount_granted", filter=Q(status=FundingStatus.GRANTED)))
    }
    per_plan = Counter(plan for _, plan, _ in restricted)
    return [
        Row(
            plan=plan,
            funding=funding.get(plan.pk, {}),
            restricted=per_plan[plan.pk],
            actions=counts[plan.pk],
            themes=[(code, counts[plan.pk][code]) for code in THEME_CODES],
        )
        for plan in plans
    ]


def department_figures(plans, user, restricted):
    """Plans, actions, restricted actions and funding summed per department."""
    per_department = Counter(department for _, _, department in restricted)
    figures = {
        row["cls__department"]: {
            "department": row["cls__department__name"],
            "plans": row["plans"],
            "actions": row["actions"],
            "restricted": per_department[row["cls__department"]],
            "asked": 0,
            "granted": 0,
        }
        for row in plans.order_by()
        .values("cls__department", "cls__department__name")
        .annotate(plans=Count("pk", distinct=True), actions=Count("actions"))
    }
    funding = (
        FundingRequest.objects.visible_to(user)
        .filter(action__plan__in=plans)
        .values("action__plan__cls__department")
        .annotate(asked=Sum("amount_requested"), granted=Sum("amount_granted", filter=Q(status=FundingStatus.GRANTED)))
    )
    for row in funding:
        figures[row["action__plan__cls__department"]].update(asked=row["asked"] or 0, granted=row["granted"] or 0)
    return [figures[code] for code in sorted(figures)]


@require_GET
@rejects_unknown_format
def follow_up(request):
    """The plans the user may read, with their figures; a delegation sees its department, the region all four."""
    user = request.user
    departments = followed_departments(user)
    form = FollowUpFilterForm(request.GET or None, departments=departments)
    plans = (
        form.filter(Plan.objects.visible_to(user))
        .select_related("cls__department", "mobilisation")
        .order_by("cls__department", "cls__name", "pk")
    )
    restricted = restricted_in(plans, user)
    if fmt := requested_format(request):
        rows = follow_up_rows(plans, user, restricted)
        return export_response(rows=rows, columns=FOLLOW_UP_COLUMNS, filename="suivi-des-plans", fmt=fmt)
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    figures = department_figures(plans, user, restricted)
    preview = [pk for pk, _, _ in restricted[:RESTRICTED_PREVIEW]]
    context = {
        "form": form,
        "show_department_filter": len(departments) > 1,
        "page_obj": page,
        "rows": follow_up_rows(page.object_list, user, restricted),
        "departments": figures,
        "totals": {key: sum(item[key] for item in figures) for key in ("plans", "restricted", "asked", "granted")},
        "restricted_preview": PlannedAction.objects.filter(pk__in=preview)
        .select_related("plan__cls", "action_model")
        .order_by("start", "title", "pk"),
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "plans/follow_up.html", context)


RESTRICTED_COLUMNS = [
    ("CLS", "plan.cls.name"),
    ("Département", "plan.cls.department.name"),
    ("Action", "title"),
    ("Début", "start"),
    ("Fin", "end"),
    ("État", "get_status_display"),
    ("Modalités", lambda a: ", ".join(m.label for m in a.modalities.all())),
    ("Alternative proposée par l’ARS", lambda a: a.action_model.lockdown_alternative if a.action_model else ""),
]


@require_GET
@rejects_unknown_format
def restricted_actions(request):
    """Every action a restriction in force makes impossible (a modality blocked during its dates), page by page."""
    user = request.user
    departments = followed_departments(user)
    form = FollowUpFilterForm(request.GET or None, departments=departments, with_status=False)
    actions = (
        form.filter(PlannedAction.objects.visible_to(user).restricted(), prefix="plan__")
        .select_related("plan__cls__department", "action_model")
        .prefetch_related("modalities")
        .order_by("plan__cls__department", "plan__cls__name", "start", "title", "pk")
    )
    if fmt := requested_format(request):
        return export_response(rows=actions, columns=RESTRICTED_COLUMNS, filename="actions-touchees-par-une-restriction", fmt=fmt)
    context = {
        "form": form,
        "show_department_filter": len(departments) > 1,
        "page_obj": Paginator(actions, PLANS_PER_PAGE).get_page(request.GET.get("page")),
        "export_links": export_links(request),
        "breadcrumb": [HOME, ("Suivi des plans", reverse("plans:follow_up"))],
    }
    return render(request, "plans/restricted_actions.html", context)


RESTRICTION_COLUMNS = [
    ("Mesure", "get_kind_display"),
    ("Intitulé", "label"),
    ("Département", lambda p: p.department.name if p.department else "national"),
    ("Début", "start"),
    ("Fin", "end"),
    ("Modalités impossibles", lambda p: ", ".join(m.label for m in p.blocked_modalities.all())),
]


@require_http_methods(["GET", "POST"])
@rejects_unknown_format
def restrictions(request):
    can_edit = getattr(request.user, "scope", None) is not None and request.user.scope.manages_registry
    form = RestrictionForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise Http404("Page introuvable")
        if form.is_valid():

            def write():
                period = form.save(commit=False)
                period.save()
                period.blocked_modalities.set(form.cleaned_data["blocked_modalities"])
                messages.success(
                    request, f"La période « {period.label} » est enregistrée ; les actions concernées sont signalées dans les plans."
                )
                return reverse("plans:restrictions")

            return redirect(submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write))
    periods = RestrictionPeriod.objects.visible_to(request.user).select_related("department").prefetch_related("blocked_modalities")
    if request.method == "GET" and (fmt := requested_format(request)):
        return export_response(rows=periods, columns=RESTRICTION_COLUMNS, filename="periodes-de-restriction", fmt=fmt)
    context = {"form": form, "periods": periods, "export_links": export_links(request), "breadcrumb": [HOME]}
    return render(request, "plans/restrictions.html", context)
