"""The directory of partner organisations: list within the user's scope, create and correct."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mobilisation.core.exports import content_disposition, export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.page_cache import public_page as cached_public_page
from mobilisation.core.services import submit_once

from . import measures, schema
from .forms import OrganisationForm, ServiceForm, allowed_communes_for
from .models import Organisation, OrganisationKind, Service

HOME = ("Accueil", "/")
PER_PAGE = 50
DIRECTORY = ("Annuaire des partenaires", "/annuaire/")
COLUMNS = [
    ("Organisation", "name"),
    ("Type", "get_kind_display"),
    ("Département", "department.name"),
    ("Adresse électronique", "email"),
    ("Téléphone", "phone"),
    ("Site internet", "website"),
    ("Communes desservies", lambda o: ", ".join(c.name for c in o.communes.all())),
]


@require_GET
@rejects_unknown_format
def index(request):
    organisations = Organisation.objects.visible_to(request.user).select_related("department").order_by("name", "pk")
    kind = request.GET.get("type", "")
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    if fmt := requested_format(request):
        return export_response(
            rows=organisations.prefetch_related("communes"), columns=COLUMNS, filename="annuaire-des-partenaires", fmt=fmt
        )
    page = Paginator(organisations, PER_PAGE).get_page(request.GET.get("page"))
    served = dict(
        Organisation.communes.through.objects.filter(organisation__in=[o.pk for o in page.object_list])
        .values_list("organisation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for organisation in page.object_list:
        organisation.communes_total = served.get(organisation.pk, 0)
    context = {
        "page_obj": page,
        "kinds": OrganisationKind.choices,
        "kind": kind,
        "can_create": allowed_communes_for(request.user).exists(),
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "directory/index.html", context)


@require_GET
def organisation(request, public_id):
    item = get_object_or_404(Organisation.objects.visible_to(request.user).select_related("department"), public_id=public_id)
    context = {
        "organisation": item,
        "services": item.services.order_by("status", "name"),
        "can_add_service": Organisation.objects.services_editable_by(request.user).filter(pk=item.pk).exists(),
        "can_edit": Organisation.objects.editable_by(request.user).filter(pk=item.pk).exists(),
        "led_actions": item.led_actions.filter(plan__in=_visible_plans(request.user)).select_related("plan__cls"),
        "breadcrumb": [HOME, DIRECTORY],
    }
    return render(request, "directory/organisation.html", context)


def _visible_plans(user):
    from mobilisation.plans.models import Plan

    return Plan.objects.visible_to(user)


@require_http_methods(["GET", "POST"])
def edit(request, public_id=None):
    allowed = allowed_communes_for(request.user)
    if public_id is None:
        if not allowed.exists():
            raise Http404("Page introuvable")
        item = Organisation()
    else:
        item = get_object_or_404(Organisation.objects.editable_by(request.user), public_id=public_id)
    form = OrganisationForm(request.POST or None, instance=item, allowed_communes=allowed)
    if request.method == "POST" and form.is_valid():

        def write():
            saved = form.save()
            messages.success(request, f"L’organisation « {saved.name} » est enregistrée.")
            return saved.get_absolute_url()

        return redirect(submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write))
    title = "Modifier l’organisation" if item.pk else "Ajouter une organisation partenaire"
    return render(request, "directory/edit.html", {"form": form, "title": title, "breadcrumb": [HOME, DIRECTORY]})


# Services: public pages (what an organisation offers is public information), edited by the organisation's members,
# its CLS coordinator and the ARS region.

SERVICE_COLUMNS = [
    ("Service", "name"),
    ("Organisation", "organisation.name"),
    ("État", "get_status_display"),
    ("Thématiques", lambda s: ", ".join(s.thematique_labels())),
    ("Publics", lambda s: ", ".join(s.public_labels())),
    ("Modes d’accueil", lambda s: ", ".join(s.reception_labels())),
    ("Frais", "get_fee_display"),
    ("Zone d’éligibilité (codes officiels)", lambda s: " ".join(s.zone_codes())),
    ("Commune du lieu d’accueil", "commune.name"),
    ("Code INSEE", "commune_id"),
    ("Adresse", "address"),
    ("Téléphone", lambda s: s.phone.as_national if s.phone else ""),
    ("Adresse électronique", "email"),
    ("Horaires", "hours_in_french"),
    ("Vérifié le", "checked_on"),
]
ZONE_PREFETCH = ("zone_communes", "zone_epcis", "zone_departments")


def service_queryset():
    return Service.objects.select_related("organisation", "commune").prefetch_related("modalities", *ZONE_PREFETCH)


@login_not_required
@require_GET
@cached_public_page(on=("public", "help"))
def service(request, public_id):
    item = get_object_or_404(service_queryset(), public_id=public_id)
    today = timezone.localdate()
    # At its place, what the measures in force allow of it (a service without a place is judged commune by commune
    # on the portal's pages).
    under_measures = measures.under_measures([item], measures.measures_in_force(item.commune, today))[0] if item.commune else None
    context = {
        "service": item,
        "under_measures": under_measures,
        "can_edit": Service.objects.editable_by(request.user).filter(pk=item.pk).exists(),
        "organisation_visible": Organisation.objects.visible_to(request.user).filter(pk=item.organisation_id).exists(),
        "checked_long_ago": (today - item.checked_on).days > 90,
        "breadcrumb": [HOME, ("Trouver de l’aide", reverse("portal:help_search"))],
    }
    return render(request, "directory/service.html", context)


@require_http_methods(["GET", "POST"])
def edit_service(request, public_id=None, organisation_id=None):
    if public_id is None:
        organisation = get_object_or_404(Organisation.objects.services_editable_by(request.user), public_id=organisation_id)
        item = Service(organisation=organisation)
    else:
        item = get_object_or_404(Service.objects.editable_by(request.user).select_related("organisation"), public_id=public_id)
        organisation = item.organisation
    form = ServiceForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():

        def write():
            saved = form.save()
            messages.success(request, f"Le service « {saved.name} » est enregistré.")
            return saved.get_absolute_url()

        return redirect(submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write))
    title = f"Modifier « {item.name} »" if item.pk else f"Ajouter un service de {organisation.name}"
    context = {
        "form": form,
        "title": title,
        "organisation": organisation,
        "breadcrumb": [HOME, DIRECTORY, (organisation.name, organisation.get_absolute_url())],
    }
    return render(request, "directory/service_edit.html", context, status=400 if request.method == "POST" else 200)


@login_not_required
@require_GET
@rejects_unknown_format
def services_export(request):
    """Every listed service: CSV, XLSX or ODS (`?format=`), or the data·inclusion schema as JSON (`?format=json`)."""
    services = service_queryset().listed().order_by("organisation__name", "name", "pk")
    if request.GET.get("format") == "json":
        body = [schema.as_data_inclusion(item) for item in services]
        response = JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = content_disposition("services-data-inclusion", "json")
        return response
    fmt = requested_format(request) or "csv"
    return export_response(rows=services, columns=SERVICE_COLUMNS, filename="services-des-partenaires", fmt=fmt)
