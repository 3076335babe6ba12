"""Actions of a plan: adopt from the catalogue, adapt or create, follow up (status, indicators, budget)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.catalogue.forms import CatalogueFilterForm
from mobilisation.catalogue.models import ActionModel
from mobilisation.core import indicators
from mobilisation.core.services import submit_once

from .. import restriction_states, services
from ..enums import ActionOrigin, ActionStatus
from ..forms import BudgetLineForm, IndicatorForm, IndicatorTargetForm, PlannedActionForm, ProgressForm
from ..models import BudgetLine, ExistingAction, FundingRequest, Plan, PlannedAction
from .common import action_crumbs, action_for, plan_crumbs, plan_for, run


def _sentence_case(label):
    return label[:1].lower() + label[1:]


@require_GET
def catalogue(request, public_id):
    """The catalogue to adopt from: filtered and searched, the actions for the plan's priority publics first."""
    plan = plan_for(request, public_id, editable=True)
    form = CatalogueFilterForm(request.GET or None, mobilisation=plan.mobilisation)
    adopted = set(plan.actions.filter(origin=ActionOrigin.ADOPTED).values_list("action_model_id", flat=True))
    priority = list(plan.priority_publics.all())
    priority_ids = {p.pk for p in priority}
    models = form.filter(
        ActionModel.objects.visible_to(request.user)
        .filter(mobilisation=plan.mobilisation)
        .select_related("theme__axis", "mobilisation")
        .prefetch_related("publics")
    )
    items = []
    for model in models:
        matching = [_sentence_case(p.label) for p in model.publics.all() if p.pk in priority_ids]
        items.append({"model": model, "priority": matching, "adopted": model.pk in adopted})
    first = [item for item in items if item["priority"]]
    others = [item for item in items if not item["priority"]]
    sections = []
    if first:
        sections.append({"title": "Pour vos publics prioritaires", "groups": [(None, first)]})
    if others:
        groups = [(None, others)]
        if not form.is_searching:  # a search lists by relevance; otherwise the catalogue reads theme by theme
            by_theme = {}
            for item in others:
                by_theme.setdefault(item["model"].theme, []).append(item)
            groups = list(by_theme.items())
        sections.append({"title": "Autres actions du catalogue" if first else "Actions du catalogue", "groups": groups})
    base_url = reverse("plans:catalogue", args=[plan.public_id])
    clear_search = form.query_string(without=["q"])
    context = {
        "plan": plan,
        "form": form,
        "sections": sections,
        "total": len(items),
        "adopted_total": sum(item["adopted"] for item in items),
        "priority_publics": priority,
        "filters": form.query_string(),
        "base_url": base_url,
        "clear_search_url": f"{base_url}?{clear_search}" if clear_search else base_url,
        "has_other_filters": bool(clear_search),
        "breadcrumb": plan_crumbs(plan),
    }
    return render(request, "plans/catalogue.html", context)


def _back_to_catalogue(request, plan):
    """The picker's address with the filters it was showing when an action was adopted (known filters only)."""
    form = CatalogueFilterForm(request.GET or None, mobilisation=plan.mobilisation)
    url = reverse("plans:catalogue", args=[plan.public_id])
    filters = form.query_string()
    return f"{url}?{filters}" if filters else url


@require_POST
def adopt(request, public_id, model_id):
    plan = plan_for(request, public_id, editable=True)
    model = get_object_or_404(ActionModel.objects.visible_to(request.user).filter(mobilisation=plan.mobilisation), public_id=model_id)
    if not plan.is_editable:
        messages.error(request, "Le plan est clos : on ne peut plus y ajouter d’action.")
        return redirect(plan.get_absolute_url())
    action, created = services.adopt_action_model(plan=plan, action_model=model, by=request.user)
    if created:
        messages.success(
            request, f"« {action.title} » est ajoutée au plan. Précisez-la : communes, dates, partenaires, cibles des indicateurs."
        )
    else:
        messages.info(request, f"« {action.title} » était déjà dans le plan.")
    return redirect(_back_to_catalogue(request, plan))


@require_http_methods(["GET", "POST"])
def edit(request, public_id=None, action_id=None):
    if action_id is not None:
        action = action_for(request, action_id, editable=True)
        plan = action.plan
    else:
        plan = plan_for(request, public_id, editable=True)
        action = PlannedAction(plan=plan, origin=ActionOrigin.NEW)
        fiche_id = request.GET.get("fiche") or request.POST.get("fiche")
        if fiche_id:
            fiche_pk = int(fiche_id) if fiche_id.isascii() and fiche_id.isdigit() and len(fiche_id) < 18 else 0
            fiche = get_object_or_404(ExistingAction.objects.filter(cls=plan.cls), pk=fiche_pk)
            action.origin = ActionOrigin.ADAPTED
            action.existing_action = fiche
            if request.method == "GET":
                action.title = f"{fiche.title} (adaptation COVID-19)"
                action.description = fiche.description
    if not plan.is_editable:
        messages.error(request, "Le plan est clos : ses actions ne se modifient plus.")
        return redirect(plan.get_absolute_url())
    form = PlannedActionForm(request.POST or None, instance=action, plan=plan)
    if request.method == "POST" and form.is_valid():
        action = save_action_form(form, by=request.user)
        messages.success(request, f"L’action « {action.title} » est enregistrée.")
        return redirect(action.get_absolute_url())
    title = "Modifier l’action" if action.pk else ("Adapter une fiche action du CLS" if action.existing_action_id else "Créer une action")
    context = {"form": form, "plan": plan, "title": title, "fiche": action.existing_action, "breadcrumb": plan_crumbs(plan)}
    return render(request, "plans/action_form.html", context)


@transaction.atomic
def save_action_form(form, *, by):
    """The action of a valid form, with the partner organisation it creates on the way, if any."""
    from mobilisation.directory.services import create_organisation

    m2m = {name: list(form.cleaned_data[name]) for name in ["publics", "communes", "partners", "modalities", "resources"]}
    action = form.save(commit=False)
    organisation, role, commune = form.new_organisation()
    if organisation is not None:
        organisation = create_organisation(organisation=organisation, communes=[commune], by=by)
        if role == "lead":
            action.lead_organisation = organisation
        else:
            m2m["partners"].append(organisation)
    changed = None if action.pk is None else form.changed_fields()
    return services.save_planned_action(
        action=action, m2m=m2m, by=by, submission_token=form.cleaned_data.get("submission_token"), changed=changed
    )


def indicator_forms(indicators, bound):
    """Each indicator with its target and progress forms: the bound one that failed, blank ones otherwise."""
    for indicator in indicators:
        indicator.target_form = bound.get(("target", indicator.pk)) or IndicatorTargetForm(
            prefix=f"cible-{indicator.pk}", initial={"target": indicator.target}
        )
        indicator.progress_form = bound.get(("progress", indicator.pk)) or ProgressForm(prefix=f"avancement-{indicator.pk}")
    return indicators


def action_page(request, action, *, bound=None):
    """The action page; `bound` holds the small form that was sent with errors, so its input stays in place."""
    bound = bound or {}
    user = request.user
    plan = action.plan
    can_edit = Plan.objects.editable_by(user).filter(pk=plan.pk).exists() and plan.is_editable
    model_diff = []
    if action.model_changed:
        record = action.action_model.history.filter(revision=action.model_revision).first()
        current = action.action_model.history.first()
        if record and current:
            # The revision number changes with every edit: it is not a change of the action's content.
            changes = current.diff_against(record, excluded_fields=["revision"]).changes
            model_diff = [action.action_model._meta.get_field(c.field).verbose_name for c in changes]
    context = {
        "action": action,
        "plan": plan,
        "reads_plan": Plan.objects.visible_to(user).filter(pk=plan.pk).exists(),
        "indicators": indicator_forms(list(action.indicators.with_latest().prefetch_related("entries")), bound),
        "computed_indicators": indicators.computed_for([action]).get(action.pk, []),
        "budget_lines": BudgetLine.objects.visible_to(user).filter(action=action),
        "funding_requests": FundingRequest.objects.visible_to(user).filter(action=action).select_related("funding_line"),
        "in_team": Plan.objects.of_team(user).filter(pk=plan.pk).exists(),
        "restrictions": restriction_states.periods_hitting(action) if action.restriction_flag() else [],
        "model_diff": model_diff,
        "can_edit": can_edit,
        "next_statuses": [(s, ActionStatus(s).label) for s in ActionStatus.values if action.can_move_to(s)],
        "indicator_form": bound.get("indicator") or IndicatorForm(prefix="indicateur"),
        "budget_form": bound.get("budget") or BudgetLineForm(prefix="budget"),
        "breadcrumb": action_crumbs(action, user),
    }
    return render(request, "plans/action.html", context)


@require_GET
def detail(request, action_id):
    return action_page(request, action_for(request, action_id))


@require_POST
def move(request, action_id):
    action = action_for(request, action_id, editable=True)
    target = request.POST.get("status", "")
    if target not in ActionStatus.values:
        messages.error(request, "État inconnu.")
    else:
        run(
            request,
            services.move_action,
            success=f"L’action est maintenant « {ActionStatus(target).label} ».",
            action=action,
            to=target,
            by=request.user,
        )
    return redirect(action.get_absolute_url())


@require_POST
def model_changes(request, action_id):
    action = action_for(request, action_id, editable=True)
    if not action.model_changed:
        messages.info(request, "Cette action est déjà à jour de son modèle.")
    else:
        accept = request.POST.get("decision") == "accepter"
        services.apply_model_changes(action=action, accept=accept, by=request.user)
        messages.success(
            request,
            "Les modifications du modèle sont reprises dans l’action."
            if accept
            else "L’action garde sa version ; le modèle est marqué comme vu.",
        )
    return redirect(action.get_absolute_url())


def with_errors(request, action, key, form):
    """The action page again, the form that failed kept with its input and its errors at the fields."""
    messages.error(request, "Le formulaire contient des erreurs, signalées à leur champ : rien n’a été enregistré.")
    form.set_autofocus_on_first_error()  # the page opens on the field to correct, however far down it is
    return action_page(request, action, bound={key: form})


@require_POST
def add_indicator(request, action_id):
    action = action_for(request, action_id, editable=True)
    form = IndicatorForm(request.POST, prefix="indicateur")
    if not form.is_valid():
        return with_errors(request, action, "indicator", form)
    data = form.cleaned_data

    def write():
        services.add_indicator(action=action, name=data["name"], unit=data["unit"], target=data["target"], by=request.user)
        messages.success(request, f"L’indicateur « {data['name']} » est ajouté.")
        return action.get_absolute_url() + "#indicateurs"

    return redirect(submit_once(token=data.get("submission_token"), user=request.user, write=write))


@require_POST
def add_progress(request, action_id, indicator_id):
    action = action_for(request, action_id, editable=True)
    indicator = get_object_or_404(action.indicators, pk=indicator_id)
    form = ProgressForm(request.POST, prefix=f"avancement-{indicator.pk}")
    if not form.is_valid():
        return with_errors(request, action, ("progress", indicator.pk), form)
    services.add_progress(indicator=indicator, by=request.user, **form.cleaned_data)
    messages.success(request, f"Avancement de « {indicator.name} » enregistré.")
    return redirect(action.get_absolute_url() + "#indicateurs")


@require_POST
def set_target(request, action_id, indicator_id):
    action = action_for(request, action_id, editable=True)
    indicator = get_object_or_404(action.indicators, pk=indicator_id)
    form = IndicatorTargetForm(request.POST, prefix=f"cible-{indicator.pk}")
    if not form.is_valid():
        return with_errors(request, action, ("target", indicator.pk), form)
    services.set_target(indicator=indicator, target=form.cleaned_data["target"], by=request.user)
    messages.success(request, f"Cible de « {indicator.name} » enregistrée.")
    return redirect(action.get_absolute_url() + "#indicateurs")


@require_POST
def add_budget_line(request, action_id):
    action = action_for(request, action_id, editable=True)
    form = BudgetLineForm(request.POST, prefix="budget")
    if not form.is_valid():
        return with_errors(request, action, "budget", form)
    data = form.cleaned_data

    def write():
        services.add_budget_line(action=action, kind=data["kind"], label=data["label"], amount=data["amount"], by=request.user)
        messages.success(request, f"La ligne de budget « {data['label']} » est ajoutée.")
        return action.get_absolute_url() + "#budget"

    return redirect(submit_once(token=data.get("submission_token"), user=request.user, write=write))
