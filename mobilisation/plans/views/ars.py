"""ARS views: plans of the delegation's CLS or of the whole region, and the public-order restrictions."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mobilisation.catalogue.models import Mobilisation
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format

from ..forms import RestrictionForm
from ..models import FundingRequest, Plan, PlannedAction, RestrictionPeriod
from .common import HOME


class Row(dict):
    """A row of the follow-up table, readable by templates (row.plan) and export accessors alike."""

    __getattr__ = dict.__getitem__


THEME_CODES = ["A1", "A2", "A3", "B1", "B2"]


def department_figures(rows):
    """The same figures summed per department, for the region's view of its four departments."""
    figures = {}
    for row in rows:
        department = row["plan"].cls.department
        item = figures.setdefault(
            department.code, {"department": department, "plans": 0, "actions": 0, "restricted": 0, "asked": 0, "granted": 0}
        )
        item["plans"] += 1
        item["actions"] += row["plan"].actions_total
        item["restricted"] += row["restricted"]
        item["asked"] += row["funding"].get("asked") or 0
        item["granted"] += row["funding"].get("granted") or 0
    return [figures[code] for code in sorted(figures)]


FOLLOW_UP_COLUMNS = [
    ("CLS", "plan.cls.name"),
    ("Département", "plan.cls.department.name"),
    ("Mobilisation", "plan.mobilisation.title"),
    ("Statut", "plan.get_status_display"),
    ("Actions", "plan.actions_total"),
    ("Actions axe A", "plan.axis_a"),
    ("Actions axe B", "plan.axis_b"),
    *[(f"Actions {code}", f"plan.theme_{code}") for code in THEME_CODES],
    ("Actions touchées par une restriction", "restricted"),
    ("Financements demandés (€)", lambda row: row["funding"].get("asked") or 0),
    ("Financements accordés (€)", lambda row: row["funding"].get("granted") or 0),
]


@require_GET
@rejects_unknown_format
def follow_up(request):
    """The plans the user may read, with their figures; a delegation sees its department, the region all four."""
    plans = (
        Plan.objects.visible_to(request.user)
        .select_related("cls__department", "mobilisation")
        .annotate(
            actions_total=Count("actions", distinct=True),
            axis_a=Count("actions", filter=Q(actions__theme__axis__code="A"), distinct=True),
            axis_b=Count("actions", filter=Q(actions__theme__axis__code="B"), distinct=True),
            **{f"theme_{code}": Count("actions", filter=Q(actions__theme__code=code), distinct=True) for code in THEME_CODES},
        )
        .order_by("cls__department", "cls__name")
    )
    funding = {
        row["action__plan"]: row
        for row in FundingRequest.objects.visible_to(request.user)
        .values("action__plan")
        .annotate(asked=Sum("amount_requested"), granted=Sum("amount_granted", filter=Q(status="accordee")))
    }
    restricted = dict(
        PlannedAction.objects.visible_to(request.user).restricted().values("plan").annotate(total=Count("pk")).values_list("plan", "total")
    )
    rows = [
        Row(
            plan=plan,
            funding=funding.get(plan.pk, {}),
            restricted=restricted.get(plan.pk, 0),
            themes=[(code, getattr(plan, f"theme_{code}")) for code in THEME_CODES],
        )
        for plan in plans
    ]
    if fmt := requested_format(request):
        return export_response(rows=rows, columns=FOLLOW_UP_COLUMNS, filename="suivi-des-plans", fmt=fmt)
    departments = department_figures(rows)
    context = {
        "rows": rows,
        "departments": departments,
        "totals": FundingRequest.objects.visible_to(request.user).totals(),
        "restricted_actions": PlannedAction.objects.visible_to(request.user)
        .restricted()
        .select_related("plan__cls", "action_model")
        .order_by("plan__cls__name", "title"),
        "mobilisations": Mobilisation.objects.visible_to(request.user),
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "plans/follow_up.html", context)


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
            period = form.save(commit=False)
            period.save()
            period.blocked_modalities.set(form.cleaned_data["blocked_modalities"])
            messages.success(
                request, f"La période « {period.label} » est enregistrée ; les actions concernées sont signalées dans les plans."
            )
            return redirect("plans:restrictions")
    periods = RestrictionPeriod.objects.visible_to(request.user).select_related("department").prefetch_related("blocked_modalities")
    if request.method == "GET" and (fmt := requested_format(request)):
        return export_response(rows=periods, columns=RESTRICTION_COLUMNS, filename="periodes-de-restriction", fmt=fmt)
    context = {"form": form, "periods": periods, "export_links": export_links(request), "breadcrumb": [HOME]}
    return render(request, "plans/restrictions.html", context)
