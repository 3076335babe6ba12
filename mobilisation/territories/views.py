"""Public pages of the territories: region, departments, EPCI, communes, search and map."""

import json

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET

from mobilisation.contracts.models import Cls
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.limits import per_client_limit
from mobilisation.core.page_cache import public_page as cached_public_page

from .forms import TerritorySearchForm
from .models import ArsOffice, Boundary, Commune, DataSource, Department, Epci, Region


def public(view):
    return login_not_required(require_GET(view))


HOME = ("Accueil", "/")
TERRITORIES = ("Territoires", "/territoires/")

COMMUNE_COLUMNS = [
    ("Code INSEE", "insee_code"),
    ("Commune", "name"),
    ("Codes postaux", lambda commune: ", ".join(commune.postal_code_list)),
    ("Population municipale", "population_municipale"),
    ("Population totale", "population_totale"),
    ("EPCI (SIREN)", "epci.siren"),
    ("EPCI", "epci.name"),
]


@public
@cached_public_page
def region(request):
    region = get_object_or_404(Region.objects.visible_to(request.user), code="53")
    departments = Department.objects.visible_to(request.user).annotate(
        communes_total=Count("communes", distinct=True),
        epci_seated=Count("seated_epcis", distinct=True),
        cls_total=Count("contracts", distinct=True),
    )
    context = {
        "region": region,
        "departments": departments,
        "communes_total": Commune.objects.count(),
        "epci_total": Epci.objects.count(),
        "epci_seated": Epci.objects.filter(seat_department__isnull=False).count(),
        "outside_epci": Commune.objects.outside_epci().order_by("name"),
        "cls_total": Cls.objects.public().count(),
        "seat": ArsOffice.objects.filter(kind="siege").first(),
        "breadcrumb": [HOME],
    }
    return render(request, "territories/region.html", context)


@public
@cached_public_page
def department(request, code):
    department = get_object_or_404(Department.objects.visible_to(request.user).select_related("ars_delegation"), code=code)
    epcis = (
        Epci.objects.visible_to(request.user)
        .filter(communes__department=department)
        .annotate(
            communes_here=Count("communes", filter=Q(communes__department=department)),
            population_here=Sum("communes__population_municipale", filter=Q(communes__department=department)),
        )
        .select_related("seat_department")
        .order_by("name")
    )
    context = {
        "department": department,
        "epcis": epcis,
        "communes_total": department.communes.count(),
        "outside_epci": department.communes.outside_epci().order_by("name"),
        "contracts": Cls.objects.public().filter(department=department).order_by("name"),
        "breadcrumb": [HOME, TERRITORIES],
    }
    return render(request, "territories/department.html", context)


@public
@rejects_unknown_format
@cached_public_page
def department_communes(request, code):
    department = get_object_or_404(Department.objects.visible_to(request.user), code=code)
    communes = department.communes.select_related("epci").order_by("name")
    if fmt := requested_format(request):
        return export_response(rows=communes, columns=COMMUNE_COLUMNS, filename=f"communes-{department.code}-{department.name}", fmt=fmt)
    context = {
        "department": department,
        "page_obj": Paginator(communes, 100).get_page(request.GET.get("page")),
        "export_links": export_links(request),
        "breadcrumb": [HOME, TERRITORIES, (department.name, department.get_absolute_url())],
    }
    return render(request, "territories/department_communes.html", context)


@public
@cached_public_page
def epci(request, siren):
    epci = get_object_or_404(Epci.objects.visible_to(request.user).select_related("seat_department"), siren=siren)
    communes = epci.communes.select_related("department").order_by("name")
    context = {
        "epci": epci,
        "communes": communes,
        "contracts": Cls.objects.public().covering(epci).select_related("department").order_by("name"),
        "partial_contracts": Cls.objects.public().filter(communes__epci=epci).exclude(epcis=epci).distinct().order_by("name"),
        "statistics": epci.communes.statistics(),
        "breadcrumb": [HOME, TERRITORIES]
        + ([(epci.seat_department.name, epci.seat_department.get_absolute_url())] if epci.seat_department else []),
    }
    return render(request, "territories/epci.html", context)


@public
@cached_public_page
def commune(request, insee_code):
    commune = get_object_or_404(
        Commune.objects.visible_to(request.user).select_related("department", "epci", "statistics"), insee_code=insee_code
    )
    context = {
        "commune": commune,
        "statistics": Commune.objects.filter(pk=commune.pk).statistics(),
        "former_communes": commune.former_communes.all(),
        "contracts": Cls.objects.public().covering(commune).order_by("name"),
        "delegation": ArsOffice.objects.filter(department=commune.department).first(),
        "breadcrumb": [HOME, TERRITORIES, (commune.department.name, commune.department.get_absolute_url())]
        + ([(commune.epci.name, commune.epci.get_absolute_url())] if commune.epci else []),
    }
    return render(request, "territories/commune.html", context)


@public
@per_client_limit("search", rate_setting="RATE_LIMIT_SEARCH", method="GET")
def search(request):
    form = TerritorySearchForm(request.GET or None)
    communes = epcis = None
    if form.is_valid():
        query = form.cleaned_data["q"]
        communes = Commune.objects.visible_to(request.user).search(query).select_related("department", "epci")[:100]
        epcis = Epci.objects.visible_to(request.user).search(query)[:20] if not query.isdigit() else Epci.objects.none()
    return render(
        request, "territories/search.html", {"form": form, "communes": communes, "epcis": epcis, "breadcrumb": [HOME, TERRITORIES]}
    )


@public
@cached_public_page
def map_view(request):
    return render(
        request,
        "territories/map.html",
        {"departments": Department.objects.all(), "epcis": Epci.objects.order_by("name"), "breadcrumb": [HOME, TERRITORIES]},
    )


def boundaries_etag(request, *args, **kwargs):
    source = DataSource.objects.filter(name="territoires").only("sha256").first()
    return f'"{source.sha256[:32]}-{request.path}"' if source else None


LAYER_LEVELS = {"region": "region", "departements": "departement", "epci": "epci"}


def feature_collection(boundaries, urls):
    features = [
        f'{{"type":"Feature","properties":{json.dumps({"code": b.code, "nom": b.name, "url": urls.get(b.code, "")}, ensure_ascii=False)},"geometry":{b.geometry}}}'
        for b in boundaries
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def geojson_response(body):
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


@public
@cache_control(public=True, max_age=3600)
@condition(etag_func=boundaries_etag)
def layer_geojson(request, layer):
    level = LAYER_LEVELS.get(layer)
    if level is None:
        raise Http404("Couche inconnue")
    boundaries = Boundary.objects.filter(level=level).order_by("code")
    if level == "departement":
        urls = {d.code: d.get_absolute_url() for d in Department.objects.all()}
    elif level == "epci":
        urls = {e.siren: e.get_absolute_url() for e in Epci.objects.only("siren")}
    else:
        urls = {"53": "/territoires/"}
    return geojson_response(feature_collection(boundaries, urls))


@public
@cache_control(public=True, max_age=3600)
@condition(etag_func=boundaries_etag)
def territory_geojson(request, level, code):
    models = {"departement": Department, "epci": Epci, "commune": Commune}
    if level not in models:
        raise Http404("Niveau inconnu")
    territory = get_object_or_404(models[level].objects.visible_to(request.user), pk=code)
    boundary = get_object_or_404(Boundary, level=level, code=code)
    return geojson_response(feature_collection([boundary], {code: territory.get_absolute_url()}))
