"""The plan page, its diagnosis, lifecycle, COPIL meetings, the CLS's fiches actions and the exchange with the ARS."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.catalogue.enums import MobilisationStatus
from mobilisation.catalogue.models import Mobilisation
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.services import submit_once

from .. import services
from ..enums import PlanStatus
from ..forms import CopilForm, DiagnosisForm, ExistingActionForm, MessageForm
from ..models import ExistingAction, FundingRequest, Plan, PlannedAction, plannable_cls
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


def plan_actions(plan):
    return (
        PlannedAction.objects.filter(plan=plan)
        .with_restriction_flag()
        .select_related("theme__axis", "action_model", "lead_organisation")
        .prefetch_related("modalities")
        .annotate(asked=Sum("funding_requests__amount_requested"))
        .order_by("theme__axis__order", "theme__order", "title")
    )


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
    ("Restriction en vigueur", lambda a: "oui" if a.restricted else "non"),
    ("Modèle modifié depuis l’adoption", lambda a: "oui" if a.model_changed else "non"),
    ("Financements demandés (€)", lambda a: a.asked or 0),
]


@require_GET
@rejects_unknown_format
def detail(request, public_id):
    plan = plan_for(request, public_id)
    actions = list(plan_actions(plan))
    if fmt := requested_format(request):
        return export_response(rows=actions, columns=ACTION_COLUMNS, filename=f"plan-{plan.cls.slug}-{plan.mobilisation.slug}", fmt=fmt)
    axes = {}
    for action in actions:
        axes.setdefault(action.theme.axis, []).append(action)
    funding = FundingRequest.objects.filter(action__plan=plan)
    context = {
        "plan": plan,
        "figures": territory_figures(plan),
        "axes": axes,
        "actions_total": len(actions),
        "restricted_total": sum(1 for a in actions if a.restricted),
        "changed_total": sum(1 for a in actions if a.model_changed),
        "funding": funding.totals(),
        "funding_requests": funding.select_related("action", "funding_line"),
        "budget": PlannedAction.objects.filter(plan=plan).aggregate(
            expenses=Sum("budget_lines__amount", filter=Q(budget_lines__kind="depense")),
            cofunding=Sum("budget_lines__amount", filter=Q(budget_lines__kind="cofinancement")),
        ),
        "existing_actions": ExistingAction.objects.filter(cls=plan.cls),
        "events": plan.events.select_related("by")[:30],
        "meetings": plan.copil_meetings.prefetch_related("decisions__action"),
        "messages_thread": plan.messages.select_related("author"),
        "can_edit": Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists(),
        "can_record_copil": Plan.objects.copil_recordable_by(request.user).filter(pk=plan.pk).exists(),
        "can_discuss": Plan.objects.discussable_by(request.user).filter(pk=plan.pk).exists(),
        "transitions": [(status, label) for status, label in plan.allowed_transitions().items() if status != PlanStatus.ADOPTED],
        "message_form": MessageForm(),
        "export_links": export_links(request),
        "breadcrumb": plan_crumbs(plan),
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
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": "Diagnostic du territoire", "breadcrumb": plan_crumbs(plan)}
    )


@require_POST
def move(request, public_id):
    plan = plan_for(request, public_id, editable=True)
    target = request.POST.get("status", "")
    if target == PlanStatus.ADOPTED:
        messages.error(request, "L’adoption du plan est une décision du COPIL : enregistrez la réunion du COPIL.")
    elif target not in PlanStatus.values:
        messages.error(request, "Statut inconnu.")
    else:
        run(request, services.move_plan, success="Le statut du plan a changé.", plan=plan, to=target, by=request.user)
    return redirect(plan.get_absolute_url())


@require_http_methods(["GET", "POST"])
def existing_actions(request, public_id):
    plan = plan_for(request, public_id, editable=True)
    form = ExistingActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def write():
            fiche = form.save(commit=False)
            fiche.cls = plan.cls
            fiche.save()
            messages.success(request, f"La fiche action « {fiche.title} » est ajoutée au CLS.")
            return plan.get_absolute_url() + "#fiches"

        return redirect(submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write))
    return render(
        request,
        "plans/existing_actions.html",
        {"form": form, "plan": plan, "fiches": ExistingAction.objects.filter(cls=plan.cls), "breadcrumb": plan_crumbs(plan)},
    )


@require_http_methods(["GET", "POST"])
def copil(request, public_id):
    plan = get_object_or_404(Plan.objects.copil_recordable_by(request.user).select_related("cls", "mobilisation"), public_id=public_id)
    form = CopilForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            _, ok = run(
                request,
                services.record_copil,
                success="La réunion du COPIL et ses décisions sont enregistrées.",
                plan=plan,
                date=data["date"],
                attendees=data["attendees"],
                notes=data["notes"],
                adopt_plan=data["adopt_plan"],
                adopted_actions=list(data["adopted_actions"]),
                rejected_actions=list(data["rejected_actions"]),
                by=request.user,
            )
            return plan.get_absolute_url() + "#copil" if ok else None

        if address := submit_once(token=data.get("submission_token"), user=request.user, write=write):
            return redirect(address)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": plan, "title": "Enregistrer une réunion du COPIL", "breadcrumb": plan_crumbs(plan)},
    )


@require_POST
def post_message(request, public_id):
    plan = get_object_or_404(Plan.objects.discussable_by(request.user), public_id=public_id)
    form = MessageForm(request.POST)
    if form.is_valid():

        def write():
            services.post_message(plan=plan, body=form.cleaned_data["body"], by=request.user)
            return plan.get_absolute_url()

        submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write)
    else:
        messages.error(request, "Le message est vide ou trop long (5 000 caractères au plus) : il n’a pas été envoyé.")
    return redirect(plan.get_absolute_url() + "#echanges")
