"""The veille seen from above (ARS, delegations, coordinators, elected officials): aggregates only, small counts hidden.

No name, no phone, no person page is reachable from here: the figures come from followup.figures.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mobilisation.accounts.enums import ARS_ROLES, CLS_ROLES
from mobilisation.territories.models import Commune, Department

from .. import figures
from ..enums import Category
from ..models import Campaign


def communes_seen_by(user):
    """The communes whose aggregates the user reads: the region, a delegation's department, a CLS's communes."""
    scope = user.scope
    if user.is_superuser or scope.whole_region:
        return Commune.objects.all()
    condition = Q(pk__in=[])
    if scope.department_codes and user.has_role(*ARS_ROLES):
        condition |= Q(department__in=scope.department_codes)
    cls_ids = scope.cls_ids_for(*CLS_ROLES)
    if cls_ids:
        condition |= Q(contracts__in=cls_ids)
    return Commune.objects.filter(condition).distinct()


@require_GET
def index(request):
    user = request.user
    if not (user.is_superuser or user.has_role(*ARS_ROLES, *CLS_ROLES)):
        raise Http404("Page introuvable")
    communes = communes_seen_by(user)
    departments = Department.objects.filter(communes__in=communes).distinct().order_by("code")
    chosen = request.GET.get("departement", "")
    if chosen and not departments.filter(code=chosen).exists():
        chosen = ""
    if chosen:
        communes = communes.filter(department=chosen)
    elif departments.count() > 1:
        communes = communes.none()  # the whole region: by department first, a department's communes on demand
    by_department = (
        [
            {
                "department": department,
                "rows": figures.register_aggregates(Commune.objects.filter(department=department).filter(pk__in=communes_seen_by(user))),
            }
            for department in departments
        ]
        if not chosen and departments.count() > 1
        else []
    )
    department_totals = [
        (
            item["department"],
            figures.Figure(sum(row["total"].value for row in item["rows"])),
            [figures.Figure(sum(row["categories"][i].value for row in item["rows"])) for i in range(len(Category.values))],
        )
        for item in by_department
    ]
    campaigns = list(
        Campaign.objects.filter(Q(commune__in=communes_seen_by(user)) | Q(epci__communes__in=communes_seen_by(user)))
        .distinct()
        .select_related("commune", "epci")
        .order_by("-starts_on", "name")[:50]
    )
    counts = figures.campaign_counts(campaigns)
    campaign_rows = []
    for campaign in campaigns:
        row = {key: figures.Figure(value) for key, value in counts[campaign.pk].items()}
        campaign_rows.append({"campaign": campaign, **row, "reach_rate": row["reached"].rate_of(row["followed"])})
    context = {
        "departments": departments,
        "chosen": chosen,
        "rows": figures.register_aggregates(communes),
        "department_totals": department_totals,
        "categories": Category.labels,
        "campaigns": campaign_rows,
        "breadcrumb": [("Accueil", "/")],
    }
    return render(request, "followup/figures.html", context)
