"""The action plan as a PDF document, to send to the COPIL and the ARS."""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..enums import CopilStatus
from ..models import BudgetLine, CopilMeeting, DiagnosisFigure, FundingRequest, Indicator, Plan
from .common import plan_for
from .plan import plan_actions, territory_figures


def budget_rows(actions):
    """Expenses and co-funding of each action, from its prefetched budget lines, and the plan's totals."""
    rows = []
    for action in actions:
        lines = action.budget_lines.all()
        expenses = sum((line.amount for line in lines if line.kind == BudgetLine.Kind.EXPENSE), 0)
        cofunding = sum((line.amount for line in lines if line.kind == BudgetLine.Kind.COFUNDING), 0)
        rows.append({"action": action, "expenses": expenses, "cofunding": cofunding, "asked": action.asked or 0})
    totals = {key: sum((row[key] for row in rows), 0) for key in ["expenses", "cofunding", "asked"]}
    return rows, totals


def render_pdf(html):
    # Imported here: WeasyPrint loads Pango (a system library) on import, which the rest of the site does not need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Everything the document needs is in the HTML: refuse every fetch, so no content can reach out.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf(pdf_tags=True)


@require_GET
def plan_pdf(request, public_id):
    plan = plan_for(request, public_id)
    in_team = Plan.objects.of_team(request.user).filter(pk=plan.pk).exists()
    actions = plan_actions(plan, with_money=in_team)
    prefetches = ["communes", "partners", Prefetch("indicators", queryset=Indicator.objects.with_latest())]
    prefetch_related_objects(actions, *prefetches, *(["budget_lines"] if in_team else []))
    axes = {}
    for action in actions:
        axes.setdefault(action.theme.axis, {}).setdefault(action.theme, []).append(action)
    meetings = CopilMeeting.objects.filter(plan=plan).prefetch_related("decisions__action").order_by("-date", "-pk")
    context = {
        "plan": plan,
        "in_team": in_team,
        "delegation": plan.cls.ars_delegation,
        "generated_at": timezone.localtime(),
        "figures": territory_figures(plan),
        "territory_statistics": plan.cls.statistics(),
        "diagnosis_figures": DiagnosisFigure.objects.filter(plan=plan),
        "axes": axes,
        "actions_total": len(actions),
        "meetings": meetings.filter(status=CopilStatus.HELD),
        "coming_meetings": meetings.filter(status=CopilStatus.SCHEDULED).order_by("date", "time"),
    }
    if in_team:
        budget, budget_totals = budget_rows(actions)
        funding = FundingRequest.objects.filter(action__plan=plan)
        context.update(
            budget=budget,
            budget_totals=budget_totals,
            funding=funding.totals(),
            funding_requests=funding.select_related("action", "funding_line").order_by(
                "action__theme__axis__order", "action__theme__order", "action__title", "created_at"
            ),
        )
    pdf = render_pdf(render_to_string("plans/plan_pdf.html", context))
    filename = f"plan-{plan.cls.slug}-{plan.mobilisation.slug}.pdf"
    return HttpResponse(pdf, content_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
