"""The veille seen from above (ARS, delegations, coordinators, elected officials): aggregates only, small counts hidden.

No name, no phone, no person page is reachable from here: the figures come from followup.figures. They add up every
register of the scope, which calls change by the second during a crisis: they are computed at most every
FIGURES_SECONDS per scope and the page says when (steering figures, not the call list).
"""

import time

from django.core.cache import cache
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mobilisation.accounts.enums import ARS_ROLES, CLS_ROLES
from mobilisation.territories.models import Commune, Department, aggregates_key

from .. import figures
from ..enums import Category
from ..models import Campaign

FIGURES_SECONDS = 300


@require_GET
def index(request):
    user = request.user
    if not (user.is_superuser or user.has_role(*ARS_ROLES, *CLS_ROLES)):
        raise Http404("Page introuvable")
    chosen = request.GET.get("departement", "")[:3]
    key = f"veille-figures:{aggregates_key(user)}:{chosen}:{int(time.time() // FIGURES_SECONDS)}"
    context = cache.get(key)
    if context is None:
        context = figures_of(user, chosen)
        cache.set(key, context, FIGURES_SECONDS)
    return render(request, "followup/figures.html", {**context, "refresh_minutes": FIGURES_SECONDS // 60, "breadcrumb": [("Accueil", "/")]})


def figures_of(user, chosen):
    """Everything the page shows for this scope and department, as plain data (kept in the cache as it is)."""
    seen = Commune.objects.aggregated_for(user)
    departments, chosen = Department.objects.choice_among(seen, chosen)
    whole_region = not chosen and len(departments) > 1
    if chosen:
        communes = seen.filter(department=chosen)
    elif whole_region:
        communes = seen.none()  # the whole region: by department first, a department's communes on demand
    else:
        communes = seen
    campaigns = list(
        Campaign.objects.filter(Q(commune__in=seen) | Q(epci__communes__in=seen))
        .distinct()
        .select_related("commune", "epci")
        .order_by("-starts_on", "name")[:50]
    )
    counts = figures.campaign_counts(campaigns)
    campaign_rows = []
    for campaign in campaigns:
        row = {key: figures.Figure(value) for key, value in counts[campaign.pk].items()}
        campaign_rows.append({"campaign": campaign, **row, "reach_rate": row["reached"].rate_of(row["followed"])})
    return {
        "departments": departments,
        "chosen": chosen,
        "rows": figures.register_aggregates(communes),
        "department_rows": department_rows(departments, seen) if whole_region else [],
        "categories": Category.labels,
        "campaigns": campaign_rows,
        "computed_at": timezone.now(),
    }


def department_rows(departments, communes):
    """One row per department of the scope, those without a register on the platform included (at zero)."""
    found = {row["code"]: row for row in figures.register_aggregates(communes, by="commune__department")}
    empty = {"total": figures.Figure(0), "categories": [figures.Figure(0)] * len(Category.values)}
    return [{**found.get(department.code, empty), "department": department} for department in departments]
