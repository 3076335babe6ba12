"""The plan page, its diagnosis and figures, lifecycle, the CLS's fiches actions and the exchange with the ARS."""

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.models import User
from mobilisation.catalogue.enums import MobilisationStatus
from mobilisation.catalogue.models import Mobilisation
from mobilisation.core import indicators, page_cache
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.services import submit_once

from .. import services
from ..enums import CopilStatus, PlanStatus
from ..forms import DiagnosisFigureForm, DiagnosisForm, ExistingActionForm, MessageForm
from ..models import (
    BudgetLine,
    CopilDecision,
    CopilMeeting,
    DiagnosisFigure,
    ExistingAction,
    FundingRequest,
    Plan,
    PlanEvent,
    PlanMessage,
    PlannedAction,
    ThreadReading,
    plannable_cls,
)
from .common import plan_crumbs, plan_for, run


@require_POST
def start(request, cls_id, slug):
    cls = get_object_or_404(plannable_cls(request.user), public_id=cls_id)
    mobilisation = get_object_or_404(Mobilisation.objects.visible_to(request.user).filter(status=MobilisationStatus.ACTIVE), slug=slug)
    plan = services.start_plan(cls=cls, mobilisation=mobilisation, by=request.user)
    return redirect(plan.get_absolute_url())


def territory_figures(plan):
    communes = plan.cls.communes.all()
    figures = communes.aggregate(population=Sum("population_municipale"), population_totale=Sum("population_totale"), communes=Count("pk"))
    priority = plan.priority_communes.aggregate(population=Sum("population_municipale"), communes=Count("pk"))
    figures["priority_population"] = priority["population"] or 0
    figures["priority_communes"] = priority["communes"]
    figures["priority_share"] = round(100 * figures["priority_population"] / figures["population"], 1) if figures["population"] else 0
    figures["by_epci"] = (
        communes.values("epci__name").annotate(population=Sum("population_municipale"), total=Count("pk")).order_by("-population")
    )
    return figures


# The texts of the catalogue's models and their search documents: neither the page, the exports nor the PDF show them.
HEAVY_MODEL_FIELDS = [
    f"action_model__{name}" for name in ["description", "partner_kinds", "indicators", "search_text", "search_document", "search_vector"]
]


def plan_actions(plan, *, with_money):
    """The plan's actions for its page, documents and exports; `asked` (funding asked per action) for the plan team.

    The sums come from one grouped query rather than an annotation: grouping the actions with their joined theme,
    axis, model and organisation by every column costs more than the page itself.
    """
    actions = list(
        PlannedAction.objects.filter(plan=plan)
        .select_related("theme__axis", "action_model", "lead_organisation")
        .defer(*HEAVY_MODEL_FIELDS)
        .prefetch_related("modalities")
        .order_by("theme__axis__order", "theme__order", "title")
    )
    # Indicators computed by the operations linked to the actions (a veille campaign…), never typed.
    computed = indicators.computed_for(actions)
    for action in actions:
        action.computed = computed.get(action.pk, [])
    if with_money:
        asked = dict(
            FundingRequest.objects.filter(action__plan=plan).values_list("action").annotate(total=Sum("amount_requested")).order_by()
        )
        for action in actions:
            action.asked = asked.get(action.pk)
    return actions


ACTION_COLUMNS = [
    ("Axe", "theme.axis.code"),
    ("Thème", "theme.title"),
    ("Action", "title"),
    ("Origine", "get_origin_display"),
    ("Début", "start"),
    ("Fin", "end"),
    ("Modalités", lambda a: ", ".join(m.label for m in a.modalities.all())),
    ("Organisation pilote", "lead_organisation.name"),
    ("État", "get_status_display"),
    ("Avis du COPIL", "get_copil_verdict_display"),
    ("Restrictions", lambda a: a.restriction_flag().label if a.restriction_flag() else ""),
    ("Modèle modifié depuis l’adoption", lambda a: "oui" if a.model_changed else "non"),
]
MONEY_COLUMNS = [("Financements demandés (€)", lambda a: a.asked or 0)]


def money_of(plan):
    """The plan's budget and funding figures (only the plan team reads them)."""
    funding = FundingRequest.objects.filter(action__plan=plan)
    return {
        "funding": funding.totals(),
        "funding_requests": funding.select_related("action", "funding_line"),
        "budget": BudgetLine.objects.filter(action__plan=plan).aggregate(
            expenses=Sum("amount", filter=Q(kind=BudgetLine.Kind.EXPENSE)),
            cofunding=Sum("amount", filter=Q(kind=BudgetLine.Kind.COFUNDING)),
        ),
    }


def thread_of(plan, user, *, read_at):
    """The exchange with the ARS and what of it is new for the user since they last marked it read (`read_at`)."""
    thread = list(PlanMessage.objects.visible_to(user).filter(plan=plan).select_related("author"))
    for message in thread:
        message.is_new = message.author_id != user.pk and (read_at is None or message.created_at > read_at)
    return thread


def plan_content(request, plan, *, in_team, can_edit, can_record_copil, csrf_token):
    """The plan page but for its exchange (plans/_plan_content.html): what is the same for every reader of one
    audience (in_team, can_edit, can_record_copil) until the plan changes."""
    user = request.user
    actions = plan_actions(plan, with_money=in_team)
    axes = {}
    for action in actions:
        axes.setdefault(action.theme.axis, []).append(action)
    decisions = CopilDecision.objects.select_related("action").only("meeting_id", "kind", "action__title", "action__public_id")
    invited = User.objects.only("first_name", "last_name", "email")
    meetings = list(
        CopilMeeting.objects.filter(plan=plan)
        .exclude(status=CopilStatus.CANCELLED)
        .prefetch_related(Prefetch("decisions", queryset=decisions), Prefetch("invited_users", queryset=invited))
        .order_by("-date", "-pk")
    )
    context = {
        "plan": plan,
        "figures": territory_figures(plan),
        "territory_statistics": plan.cls.statistics(),
        "diagnosis_figures": DiagnosisFigure.objects.filter(plan=plan),
        "axes": axes,
        "actions_total": len(actions),
        "restricted_total": sum(1 for a in actions if a.is_restricted),
        "to_check_total": sum(1 for a in actions if a.needs_check),
        "changed_total": sum(1 for a in actions if a.model_changed),
        "in_team": in_team,
        **(money_of(plan) if in_team else {}),
        "existing_actions": ExistingAction.objects.filter(cls=plan.cls),
        "events": PlanEvent.objects.visible_to(user).filter(plan=plan).select_related("by")[:30],
        "coming_meetings": [m for m in meetings if m.status == CopilStatus.SCHEDULED],
        "held_meetings": [m for m in meetings if m.status == CopilStatus.HELD],
        "can_edit": can_edit,
        "can_record_copil": can_record_copil,
        "transitions": [(status, label) for status, label in plan.allowed_transitions().items() if status != PlanStatus.ADOPTED],
        "blockers": plan.submission_blockers() if can_edit and plan.status == PlanStatus.DRAFT else [],
        "export_links": export_links(request),
    }
    if csrf_token:
        context["csrf_token"] = csrf_token
    return render_to_string("plans/_plan_content.html", context, request=request)


def with_reader_flags(plans, user):
    """Annotate what the user may do on each plan (in_team, can_edit, can_record_copil) and when they last read its
    exchange: one query for the plan page, each flag still the queryset rule that decides it."""
    same = OuterRef("pk")
    reading = ThreadReading.objects.filter(plan=same, user=user).values("read_at")[:1]
    return plans.annotate(
        in_team=Exists(Plan.objects.of_team(user).filter(pk=same)),
        can_edit=Exists(Plan.objects.editable_by(user).filter(pk=same)),
        can_record_copil=Exists(Plan.objects.copil_recordable_by(user).filter(pk=same)),
        read_at=Subquery(reading),
    )


@require_GET
@rejects_unknown_format
def detail(request, public_id):
    user = request.user
    plan = get_object_or_404(
        with_reader_flags(Plan.objects.visible_to(user), user).select_related("cls__department", "mobilisation"), public_id=public_id
    )
    in_team = plan.in_team
    if fmt := requested_format(request):
        columns = ACTION_COLUMNS + (MONEY_COLUMNS if in_team else [])
        actions = plan_actions(plan, with_money=in_team)
        return export_response(rows=actions, columns=columns, filename=f"plan-{plan.cls.slug}-{plan.mobilisation.slug}", fmt=fmt)
    flags = {"in_team": in_team, "can_edit": plan.can_edit, "can_record_copil": plan.can_record_copil}
    # The readings of actions depend on the day (« à vérifier » until a measure ends, a COPIL held once its day comes).
    key = page_cache.key_of(
        "plan", plan.pk, *page_cache.versions(f"plan:{plan.pk}", "public"), timezone.localdate(), request.get_full_path(), *flags.values()
    )
    html = page_cache.fragment(key, lambda csrf: plan_content(request, plan, csrf_token=csrf, **flags))
    before, _, after = page_cache.personalise(html, request).partition("<!--echanges-->")
    thread = thread_of(plan, user, read_at=plan.read_at) if in_team else []
    context = {
        "plan": plan,
        "content_before": mark_safe(before),  # noqa: S308 - rendered by our template, escaped there
        "content_after": mark_safe(after),  # noqa: S308
        "in_team": in_team,
        "can_discuss": in_team,  # the exchange is the plan team's (Plan.objects.discussable_by)
        "messages_thread": thread,
        "unread_total": sum(1 for message in thread if message.is_new),
        "message_form": MessageForm(),
        "breadcrumb": plan_crumbs(plan)[:-1],
    }
    return render(request, "plans/plan.html", context)


@require_http_methods(["GET", "POST"])
def diagnosis(request, public_id):
    plan = plan_for(request, public_id, editable=True)
    form = DiagnosisForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run(
            request,
            services.save_diagnosis,
            success="Le diagnostic est enregistré.",
            plan=plan,
            needs=data["needs"],
            priority_publics=data["priority_publics"],
            priority_communes=data["priority_communes"],
            by=request.user,
        )
        return redirect(plan.get_absolute_url() + "#diagnostic")
    context = {
        "form": form,
        "plan": plan,
        "title": "Diagnostic du territoire",
        "territory_statistics": plan.cls.statistics(),
        "figure_form": DiagnosisFigureForm(),
        "diagnosis_figures": DiagnosisFigure.objects.filter(plan=plan),
        "breadcrumb": plan_crumbs(plan),
    }
    return render(request, "plans/diagnosis.html", context)


@require_POST
def add_figure(request, public_id):
    plan = plan_for(request, public_id, editable=True)
    form = DiagnosisFigureForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def write():
            services.add_diagnosis_figure(
                plan=plan,
                label=data["label"],
                value=data["value"],
                unit=data["unit"],
                source=data["source"],
                as_of=data["as_of"],
                by=request.user,
            )
            messages.success(request, f"Le chiffre « {data['label']} » est ajouté au diagnostic.")
            return plan.get_absolute_url() + "#diagnostic"

        return redirect(submit_once(token=data.get("submission_token"), user=request.user, write=write))
    context = {
        "form": DiagnosisForm(plan=plan),
        "plan": plan,
        "title": "Diagnostic du territoire",
        "territory_statistics": plan.cls.statistics(),
        "figure_form": form,
        "diagnosis_figures": DiagnosisFigure.objects.filter(plan=plan),
        "breadcrumb": plan_crumbs(plan),
    }
    return render(request, "plans/diagnosis.html", context)


@require_POST
def remove_figure(request, public_id, figure_id):
    plan = plan_for(request, public_id, editable=True)
    figure = get_object_or_404(DiagnosisFigure.objects.filter(plan=plan), pk=figure_id)
    services.remove_diagnosis_figure(figure=figure, by=request.user)
    messages.success(request, f"Le chiffre « {figure.label} » est retiré du diagnostic.")
    return redirect("plans:diagnosis", public_id=plan.public_id)


@require_POST
def move(request, public_id):
    plan = plan_for(request, public_id, editable=True)
    target = request.POST.get("status", "")
    if target == PlanStatus.ADOPTED:
        messages.error(request, "L’adoption du plan est une décision du COPIL : enregistrez la réunion du COPIL.")
    elif target not in PlanStatus.values:
        messages.error(request, "Statut inconnu.")
    else:
        run(request, services.move_plan, success=services.NEXT_STEP[PlanStatus(target)], plan=plan, to=target, by=request.user)
    return redirect(plan.get_absolute_url())


@require_http_methods(["GET", "POST"])
def existing_actions(request, public_id):
    plan = plan_for(request, public_id, editable=True)
    form = ExistingActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def write():
            fiche = services.add_existing_action(plan=plan, fiche=form.save(commit=False), by=request.user)
            messages.success(request, f"La fiche action « {fiche.title} » est ajoutée au CLS.")
            return plan.get_absolute_url() + "#fiches"

        return redirect(submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write))
    return render(
        request,
        "plans/existing_actions.html",
        {"form": form, "plan": plan, "fiches": ExistingAction.objects.filter(cls=plan.cls), "breadcrumb": plan_crumbs(plan)},
    )


@require_POST
def post_message(request, public_id):
    plan = get_object_or_404(Plan.objects.discussable_by(request.user), public_id=public_id)
    form = MessageForm(request.POST)
    if form.is_valid():

        def write():
            services.post_message(plan=plan, body=form.cleaned_data["body"], by=request.user)
            messages.success(request, "Votre message est envoyé ; vos interlocuteurs sont prévenus par courriel.")
            return plan.get_absolute_url()

        submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write)
    else:
        messages.error(request, "Le message est vide ou trop long (5 000 caractères au plus) : il n’a pas été envoyé.")
    return redirect(plan.get_absolute_url() + "#echanges")


@require_POST
def mark_read(request, public_id):
    plan = get_object_or_404(Plan.objects.discussable_by(request.user), public_id=public_id)
    services.mark_thread_read(plan=plan, by=request.user)
    messages.success(request, "Les échanges sont marqués comme lus.")
    return redirect(plan.get_absolute_url() + "#echanges")
