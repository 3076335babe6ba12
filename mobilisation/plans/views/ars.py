"""ARS views: every CLS of the delegation or the region with its plan, actions hit by restrictions, and the
public-order restrictions themselves (recorded, corrected, lifted and deleted by the ARS region)."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.decorators import remit
from mobilisation.accounts.enums import ARS_ROLES, RESTRICTION_READERS
from mobilisation.catalogue.enums import MobilisationStatus
from mobilisation.catalogue.models import Mobilisation
from mobilisation.contracts.models import Cls
from mobilisation.core import page_cache
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.formats import day
from mobilisation.core.services import submit_once
from mobilisation.territories.models import Department

from .. import services
from ..enums import FundingStatus, RestrictionState
from ..forms import DeleteRestrictionForm, FollowUpFilterForm, LiftRestrictionForm, RestrictionForm
from ..models import FundingRequest, Plan, PlannedAction, RestrictionPeriod
from .common import HOME, SPACE, follow_up_crumbs, run


class Row(dict):
    """A row of the follow-up table, readable by templates (row.plan) and export accessors alike."""

    __getattr__ = dict.__getitem__


THEME_CODES = ["A1", "A2", "A3", "B1", "B2"]
ROWS_PER_PAGE = 50
RESTRICTED_PREVIEW = 10
NOT_STARTED = "Non commencé"

FOLLOW_UP_COLUMNS = [
    ("CLS", "cls.name"),
    ("Département", "cls.department.name"),
    ("Mobilisation", "mobilisation.title"),
    ("Statut", "status"),
    ("Actions", "actions.total"),
    ("Actions axe A", "actions.A"),
    ("Actions axe B", "actions.B"),
    *[(f"Actions {code}", f"actions.{code}") for code in THEME_CODES],
    ("Actions touchées par une restriction", "restricted"),
    ("Actions à vérifier (dates à préciser)", "to_check"),
    ("Financements demandés (€)", lambda row: row["funding"].get("asked") or 0),
    ("Financements accordés (€)", lambda row: row["funding"].get("granted") or 0),
]


def followed_departments(user):
    """The departments whose plans the user reads: the delegation's own, the four for the region."""
    return Department.objects.filter(contracts__in=Cls.objects.visible_to(user)).distinct().order_by("code")


def current_mobilisation(user):
    mobilisations = Mobilisation.objects.visible_to(user)
    return mobilisations.filter(status=MobilisationStatus.ACTIVE).first() or mobilisations.first()


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


def affected_counts(plans):
    """{plan id: Counter(restricted=…, to_check=…)} from the actions' stored restriction state."""
    counts = {}
    grouped = PlannedAction.objects.filter(plan__in=plans).affected().values_list("plan", "restriction_state").annotate(n=Count("pk"))
    for plan, state, n in grouped.order_by():
        counts.setdefault(plan, Counter())["restricted" if state == RestrictionState.RESTRICTED else "to_check"] += n
    return counts


def funding_by_plan(plan_ids, user):
    return {
        row["action__plan"]: row
        for row in FundingRequest.objects.visible_to(user)
        .filter(action__plan__in=plan_ids)
        .values("action__plan")
        .annotate(asked=Sum("amount_requested"), granted=Sum("amount_granted", filter=Q(status=FundingStatus.GRANTED)))
        .order_by()
    }


def follow_up_rows(contracts, mobilisation, user):
    """One row per CLS: its plan for the mobilisation (or « non commencé »), actions, restrictions and funding."""
    contracts = list(contracts)
    plans = {
        plan.cls_id: plan
        for plan in Plan.objects.filter(mobilisation=mobilisation, cls__in=[cls.pk for cls in contracts]).select_related("mobilisation")
    }
    ids = [plan.pk for plan in plans.values()]
    counts, affected, funding = action_counts(ids), affected_counts(ids), funding_by_plan(ids, user)
    rows = []
    for cls in contracts:
        plan = plans.get(cls.pk)
        empty = Row(total=0, A=0, B=0, **dict.fromkeys(THEME_CODES, 0))
        hit = affected.get(plan.pk, Counter()) if plan else Counter()
        rows.append(
            Row(
                cls=cls,
                plan=plan,
                mobilisation=mobilisation,
                status=plan.get_status_display() if plan else NOT_STARTED,
                actions=counts[plan.pk] if plan else empty,
                themes=[(code, (counts[plan.pk] if plan else empty)[code]) for code in THEME_CODES],
                restricted=hit["restricted"],
                to_check=hit["to_check"],
                funding=funding.get(plan.pk, {}) if plan else {},
            )
        )
    return rows


def filtered_contracts(form, user, mobilisation):
    contracts = Cls.objects.visible_to(user).select_related("department").order_by("department", "name", "pk")
    if not form.is_valid():
        return contracts
    if department := form.cleaned_data.get("department"):
        contracts = contracts.filter(department=department)
    status = form.cleaned_data.get("status")
    if status == "non_commence":
        contracts = contracts.exclude(plans__mobilisation=mobilisation)
    elif status:
        contracts = contracts.filter(plans__mobilisation=mobilisation, plans__status=status)
    return contracts


def department_figures(contracts, mobilisation, user):
    """CLS, plans (started or not), actions, hit actions and funding summed per department, over the filtered CLS."""
    plans = Plan.objects.filter(mobilisation=mobilisation, cls__in=contracts)
    figures = {
        row["department"]: {
            "department": row["department__name"],
            "contracts": row["n"],
            "plans": 0,
            "actions": 0,
            "restricted": 0,
            "to_check": 0,
            "asked": 0,
            "granted": 0,
        }
        for row in contracts.order_by().values("department", "department__name").annotate(n=Count("pk", distinct=True))
    }
    for row in plans.order_by().values("cls__department").annotate(plans=Count("pk")):
        figures[row["cls__department"]]["plans"] = row["plans"]
    actions = PlannedAction.objects.filter(plan__in=plans)
    for row in actions.order_by().values("plan__cls__department").annotate(n=Count("pk")):
        figures[row["plan__cls__department"]]["actions"] = row["n"]
    for department, state, n in (
        actions.affected().values_list("plan__cls__department", "restriction_state").annotate(n=Count("pk")).order_by()
    ):
        figures[department]["restricted" if state == RestrictionState.RESTRICTED else "to_check"] += n
    funding = (
        FundingRequest.objects.visible_to(user)
        .filter(action__plan__in=plans)
        .values("action__plan__cls__department")
        .annotate(asked=Sum("amount_requested"), granted=Sum("amount_granted", filter=Q(status=FundingStatus.GRANTED)))
        .order_by()
    )
    for row in funding:
        figures[row["action__plan__cls__department"]].update(asked=row["asked"] or 0, granted=row["granted"] or 0)
    for item in figures.values():
        item["not_started"] = item["contracts"] - item["plans"]
    return [figures[code] for code in sorted(figures)]


def follow_up_content(request, form, departments, mobilisation, contracts):
    """The follow-up's page (plans/_follow_up_content.html): the same for every user of one scope until a plan changes."""
    user = request.user
    page = Paginator(contracts, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    figures = department_figures(contracts, mobilisation, user)
    keys = ("contracts", "plans", "not_started", "restricted", "to_check", "asked", "granted")
    preview = (
        PlannedAction.objects.visible_to(user)
        .filter(plan__mobilisation=mobilisation, plan__cls__in=contracts)
        .affected()
        .select_related("plan__cls", "action_model")
        .order_by("start", "title", "pk")[:RESTRICTED_PREVIEW]
    )
    context = {
        "form": form,
        "mobilisation": mobilisation,
        "show_department_filter": len(departments) > 1,
        "page_obj": page,
        "rows": follow_up_rows(page.object_list, mobilisation, user),
        "departments": figures,
        "totals": {key: sum(item[key] for item in figures) for key in keys},
        "restricted_preview": preview,
        "export_links": export_links(request),
    }
    return render_to_string("plans/_follow_up_content.html", context, request=request)


def scope_key(user):
    """What decides which plans, and which of their money, a user reads: the key of pages that depend on nothing else."""
    scope = user.scope
    return (
        user.is_superuser,
        scope.whole_region,
        scope.manages_registry,
        tuple(sorted(scope.roles)),
        tuple(sorted(scope.department_codes)),
        tuple(sorted(scope.cls_roles)),
        tuple(sorted(scope.commune_codes)),
        tuple(sorted(scope.epci_sirens)),
    )


@require_GET
@remit(*ARS_ROLES)
@rejects_unknown_format
def follow_up(request):
    """Every CLS the user follows, with its plan or « non commencé »: the delegation's department, the region's four."""
    user = request.user
    departments = followed_departments(user)
    mobilisation = current_mobilisation(user)
    form = FollowUpFilterForm(request.GET or None, departments=departments)
    contracts = filtered_contracts(form, user, mobilisation)
    if fmt := requested_format(request):
        return export_response(
            rows=follow_up_rows(contracts, mobilisation, user), columns=FOLLOW_UP_COLUMNS, filename="suivi-des-plans", fmt=fmt
        )
    # Every plan of the user's scope is on this page: any plan's change renders it afresh ("plans").
    key = page_cache.key_of(
        "follow-up", scope_key(user), request.get_full_path(), *page_cache.versions("plans", "public"), timezone.localdate()
    )
    content = page_cache.fragment(key, lambda csrf: follow_up_content(request, form, departments, mobilisation, contracts))
    context = {"content": mark_safe(page_cache.personalise(content, request)), "breadcrumb": [HOME]}  # noqa: S308 - our template
    return render(request, "plans/follow_up.html", context)


RESTRICTED_COLUMNS = [
    ("CLS", "plan.cls.name"),
    ("Département", "plan.cls.department.name"),
    ("Action", "title"),
    ("Début", "start"),
    ("Fin", "end"),
    ("État", "get_status_display"),
    ("Restriction", lambda a: a.restriction_flag().label),
    ("Modalités", lambda a: ", ".join(m.label for m in a.modalities.all())),
    ("Alternative proposée par l’ARS", lambda a: a.action_model.lockdown_alternative if a.action_model else ""),
]


@require_GET
@remit(*ARS_ROLES)
@rejects_unknown_format
def restricted_actions(request):
    """Every action a restriction hits (dated) or may hit (dates to be set), page by page."""
    user = request.user
    departments = followed_departments(user)
    form = FollowUpFilterForm(request.GET or None, departments=departments, with_status=False)
    actions = (
        form.filter(PlannedAction.objects.visible_to(user).affected(), prefix="plan__")
        .select_related("plan__cls__department", "action_model")
        .prefetch_related("modalities")
        .order_by("plan__cls__department", "plan__cls__name", "start", "title", "pk")
    )
    if fmt := requested_format(request):
        return export_response(rows=actions, columns=RESTRICTED_COLUMNS, filename="actions-touchees-par-une-restriction", fmt=fmt)
    context = {
        "form": form,
        "show_department_filter": len(departments) > 1,
        "page_obj": Paginator(actions, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "export_links": export_links(request),
        "breadcrumb": follow_up_crumbs(),
    }
    return render(request, "plans/restricted_actions.html", context)


RESTRICTION_COLUMNS = [
    ("Mesure", "get_kind_display"),
    ("Intitulé", "label"),
    ("Territoire", "territory_label"),
    ("Département", lambda p: p.department.name if p.department else ""),
    ("Codes INSEE ou SIREN", lambda p: " ".join([e.siren for e in p.epcis.all()] + [c.insee_code for c in p.communes.all()])),
    ("Début", "start"),
    ("Fin", "end"),
    ("Modalités impossibles", lambda p: ", ".join(m.label for m in p.blocked_modalities.all())),
]


def manages_restrictions(user):
    scope = getattr(user, "scope", None)
    return scope is not None and scope.manages_registry


def restriction_crumbs(user):
    return follow_up_crumbs() if user.is_superuser or user.has_role(*ARS_ROLES) else [HOME, SPACE]


def periods():
    return RestrictionPeriod.objects.select_related("department").prefetch_related("blocked_modalities", "epcis", "communes")


@require_GET
@remit(*RESTRICTION_READERS)
@rejects_unknown_format
def restrictions(request):
    items = periods().visible_to(request.user)
    if fmt := requested_format(request):
        return export_response(rows=items, columns=RESTRICTION_COLUMNS, filename="periodes-de-restriction", fmt=fmt)
    today = timezone.localdate()
    context = {
        "periods": items,
        "today": today,
        "can_edit": manages_restrictions(request.user),
        "deleted": RestrictionPeriod.history.filter(history_type="-").select_related("history_user").order_by("-history_date")[:10]
        if manages_restrictions(request.user)
        else [],
        "export_links": export_links(request),
        "breadcrumb": restriction_crumbs(request.user),
    }
    return render(request, "plans/restrictions.html", context)


def restriction_page(request, period, *, lift_form=None, delete_form=None):
    can_edit = manages_restrictions(request.user)
    history = period.history.select_related("history_user").order_by("-history_date", "-history_id")
    context = {
        "period": period,
        "today": timezone.localdate(),
        "in_force": period.in_force_on(timezone.localdate()),
        "can_edit": can_edit,
        "history": history if can_edit else [],
        "lift_form": lift_form or LiftRestrictionForm(initial={"on": timezone.localdate()}),
        "delete_form": delete_form or DeleteRestrictionForm(),
        "affected": PlannedAction.objects.visible_to(request.user).affected().count(),
        "breadcrumb": [*restriction_crumbs(request.user), ("Restrictions", reverse("plans:restrictions"))],
    }
    return render(request, "plans/restriction.html", context)


@require_GET
@remit(*RESTRICTION_READERS)
def restriction(request, public_id):
    return restriction_page(request, get_object_or_404(periods().visible_to(request.user), public_id=public_id))


def editable_period(request, public_id):
    if not manages_restrictions(request.user):
        raise Http404("Page introuvable")
    return get_object_or_404(periods(), public_id=public_id)


@require_http_methods(["GET", "POST"])
def edit_restriction(request, public_id=None):
    if not manages_restrictions(request.user):
        raise Http404("Page introuvable")
    period = editable_period(request, public_id) if public_id else RestrictionPeriod()
    form = RestrictionForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            saved = services.save_restriction(
                period=form.save(commit=False),
                blocked_modalities=data["blocked_modalities"],
                epcis=data["epcis"],
                communes=data["communes"],
                by=request.user,
                reason=data.get("reason", ""),
            )
            hit = PlannedAction.objects.affected().count()
            messages.success(
                request,
                f"La période « {saved.label} » est enregistrée ; {hit} action{'s' if hit > 1 else ''} des plans "
                f"{'sont' if hit > 1 else 'est'} signalée{'s' if hit > 1 else ''} à leurs CLS.",
            )
            return saved.get_absolute_url()

        return redirect(submit_once(token=data.get("submission_token"), user=request.user, write=write))
    title = "Corriger la période de restriction" if period.pk else "Enregistrer une période de restriction"
    crumbs = [*restriction_crumbs(request.user), ("Restrictions", reverse("plans:restrictions"))]
    if period.pk:
        crumbs.append((period.label, period.get_absolute_url()))
    return render(request, "plans/restriction_form.html", {"form": form, "period": period, "title": title, "breadcrumb": crumbs})


@require_POST
def lift_restriction(request, public_id):
    period = editable_period(request, public_id)
    form = LiftRestrictionForm(request.POST)
    if form.is_valid():
        try:
            services.lift_restriction(period=period, on=form.cleaned_data["on"], by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("on", error)
        else:
            messages.success(request, f"La mesure « {period.label} » est levée : elle s’applique jusqu’au {day(period.end)} inclus.")
            return redirect(period.get_absolute_url())
    messages.error(request, "La mesure n’est pas levée : corrigez la date.")
    return restriction_page(request, period, lift_form=form)


@require_POST
def delete_restriction(request, public_id):
    period = editable_period(request, public_id)
    form = DeleteRestrictionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "La période n’est pas supprimée : indiquez pourquoi.")
        return restriction_page(request, period, delete_form=form)
    label = period.label
    _, ok = run(request, services.delete_restriction, period=period, by=request.user, reason=form.cleaned_data["reason"])
    if not ok:
        return redirect(period.get_absolute_url())
    messages.success(request, f"La période « {label} » est supprimée ; l’historique la garde.")
    return redirect("plans:restrictions")
