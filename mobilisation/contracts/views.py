"""The CLS registry: public list and pages, the CLS workspace, and ARS region corrections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mobilisation.accounts.models import Membership
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.page_cache import public_page as cached_public_page

from .forms import ClsForm, RegistryFilterForm
from .models import Cls
from .services import save_cls

HOME = ("Accueil", "/")
REGISTRY = ("Registre des CLS", "/cls/")

REGISTRY_COLUMNS = [
    ("Nom", "name"),
    ("Porteur", "carrier_name"),
    ("Type de porteur", "get_carrier_kind_display"),
    ("Département", "department.name"),
    ("Statut", "get_status_display"),
    ("Date de signature", "signature_date"),
    ("Période", "period"),
    ("Nombre de communes", "communes_total"),
    ("Population", lambda cls: cls.population or 0),
]
SOURCE_COLUMNS = [
    ("Certitude", "get_certainty_display"),
    ("Certitude du périmètre", "get_perimeter_certainty_display"),
    ("Source", lambda cls: " ; ".join(url for url in (cls.source_url, cls.source_url_2) if url)),
]


def sees_sources(user):
    scope = getattr(user, "scope", None)
    return bool(scope and scope.sees_sources)


@login_not_required
@require_GET
@rejects_unknown_format
@cached_public_page
def registry(request):
    form = RegistryFilterForm(request.GET or None)
    contracts = form.filter(
        Cls.objects.public()
        .select_related("department")
        .annotate(population=Sum("communes__population_municipale"), communes_total=Count("communes"))
    ).order_by("department", "name")
    if fmt := requested_format(request):
        columns = REGISTRY_COLUMNS + (SOURCE_COLUMNS if sees_sources(request.user) else [])
        return export_response(rows=contracts, columns=columns, filename="registre-des-cls", fmt=fmt)
    workspace_ids = set(Cls.objects.visible_to(request.user).values_list("pk", flat=True)) if request.user.is_authenticated else set()
    context = {
        "form": form,
        "contracts": contracts,
        "workspace_ids": workspace_ids,
        "sees_sources": sees_sources(request.user),
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "contracts/registry.html", context)


@login_not_required
@require_GET
@cached_public_page
def public_detail(request, slug):
    cls = get_object_or_404(Cls.objects.public().select_related("department__ars_delegation"), slug=slug)
    context = {
        "cls": cls,
        "epcis": cls.epcis.order_by("name"),
        "communes": cls.communes.select_related("epci").order_by("name"),
        "population": cls.communes.aggregate(total=Sum("population_municipale"))["total"] or 0,
        "sees_sources": sees_sources(request.user),
        "has_workspace": request.user.is_authenticated and Cls.objects.visible_to(request.user).filter(pk=cls.pk).exists(),
        "breadcrumb": [HOME, REGISTRY],
    }
    return render(request, "contracts/public_detail.html", context)


@require_GET
def workspace(request, public_id):
    cls = get_object_or_404(Cls.objects.visible_to(request.user).select_related("department__ars_delegation"), public_id=public_id)
    communes = cls.communes.select_related("department", "epci").order_by("name")
    context = {
        "cls": cls,
        "epcis": cls.epcis.order_by("name"),
        "communes": communes,
        "figures": communes.aggregate(population=Sum("population_municipale"), total=Count("pk")),
        "departments": communes.values("department__code", "department__name")
        .annotate(population=Sum("population_municipale"), total=Count("pk"))
        .order_by("department__code"),
        "members": Membership.objects.visible_to(request.user).filter(cls=cls).active().select_related("user").order_by("role"),
        "sees_sources": sees_sources(request.user),
        "can_edit": Cls.objects.editable_by(request.user).filter(pk=cls.pk).exists(),
        "history": cls.history.select_related("history_user").order_by("-history_date")[:20] if sees_sources(request.user) else [],
        "plans": plans_of(request.user, cls),
        # Wording only ("votre CLS" for its own team, "le CLS" for the ARS): access is Cls.objects.visible_to above.
        "own_cls": cls.pk in request.user.scope.cls_ids,
        "breadcrumb": [HOME, ("Mon espace", "/espace/")],
    }
    return render(request, "contracts/workspace.html", context)


def plans_of(user, cls):
    """One row per published mobilisation: the CLS's plan if it exists, and whether the user may start it."""
    from mobilisation.catalogue.enums import MobilisationStatus
    from mobilisation.catalogue.models import Mobilisation
    from mobilisation.plans.models import Plan, plannable_cls

    plans = {plan.mobilisation_id: plan for plan in Plan.objects.visible_to(user).filter(cls=cls)}
    may_start = plannable_cls(user).filter(pk=cls.pk).exists()
    return [
        {"mobilisation": mobilisation, "plan": plans.get(mobilisation.pk), "may_start": may_start}
        for mobilisation in Mobilisation.objects.visible_to(user).filter(status=MobilisationStatus.ACTIVE)
    ]


@require_http_methods(["GET", "POST"])
def edit(request, public_id=None):
    editable = Cls.objects.editable_by(request.user)
    if public_id is None:
        if not request.user.scope.manages_registry:
            raise Http404("Page introuvable")
        cls = Cls()
    else:
        cls = get_object_or_404(editable, public_id=public_id)
    form = ClsForm(request.POST or None, instance=cls)
    if request.method == "POST" and form.is_valid():
        cls = form.save(commit=False)
        save_cls(cls=cls, epcis=form.cleaned_data["epcis"], extra_communes=form.cleaned_data["extra_communes"], by=request.user)
        messages.success(request, f"Le CLS « {cls.name} » est enregistré.")
        return redirect(cls.get_workspace_url())
    title = "Corriger le CLS" if cls.pk else "Ajouter un CLS au registre"
    return render(request, "contracts/edit.html", {"form": form, "cls": cls, "title": title, "breadcrumb": [HOME, REGISTRY]})
