"""ARS views: plans of the delegation's CLS or of the whole region, and the public-order restrictions."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mobilisation.catalogue.models import Mobilisation
from mobilisation.territories.models import Department

from ..forms import RestrictionForm
from ..models import FundingRequest, Plan, PlannedAction, RestrictionPeriod
from .common import HOME


@require_GET
def follow_up(request):
    """The plans the user may read, with their figures; a delegation sees its department, the region all four."""
    plans = (
        Plan.objects.visible_to(request.user)
        .select_related("cls__department", "mobilisation")
        .annotate(
            actions_total=Count("actions", distinct=True),
            axis_a=Count("actions", filter=Q(actions__theme__axis__code="A"), distinct=True),
            axis_b=Count("actions", filter=Q(actions__theme__axis__code="B"), distinct=True),
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
    rows = [{"plan": plan, "funding": funding.get(plan.pk, {}), "restricted": restricted.get(plan.pk, 0)} for plan in plans]
    departments = Department.objects.annotate(
        plans_total=Count("contracts__plans", filter=Q(contracts__plans__in=Plan.objects.visible_to(request.user)), distinct=True)
    )
    context = {
        "rows": rows,
        "departments": departments,
        "totals": FundingRequest.objects.visible_to(request.user).totals(),
        "restricted_actions": PlannedAction.objects.visible_to(request.user)
        .restricted()
        .select_related("plan__cls", "action_model")
        .order_by("plan__cls__name", "title"),
        "mobilisations": Mobilisation.objects.visible_to(request.user),
        "breadcrumb": [HOME],
    }
    return render(request, "plans/follow_up.html", context)


@require_http_methods(["GET", "POST"])
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
    return render(request, "plans/restrictions.html", {"form": form, "periods": periods, "breadcrumb": [HOME]})
