"""Public portal pages (home, legal pages) and the logged-in user's dashboard."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mobilisation.accounts.enums import ARS_ROLES, INSTRUCTING_ROLES, Role
from mobilisation.accounts.models import Membership
from mobilisation.accounts.perms import Grants
from mobilisation.audit.models import reads_journal
from mobilisation.catalogue.models import Mobilisation
from mobilisation.contracts.models import Cls
from mobilisation.core.limits import per_client_limit
from mobilisation.core.page_cache import public_page as cached_public_page
from mobilisation.directory.models import Organisation, Service
from mobilisation.hotline.models import Line
from mobilisation.jobs.models import Job
from mobilisation.mutualaid.models import HousingPlace, Volunteer
from mobilisation.territories.forms import TerritorySearchForm, search_box
from mobilisation.territories.models import ArsOffice, Commune, DataSource, Department, Epci, Region

from . import help


def public_page(template):
    @login_not_required
    @require_GET
    @cached_public_page
    def view(request):
        return render(request, template, {"breadcrumb": [("Accueil", "/")]})

    return view


@login_not_required
@require_GET
@cached_public_page
def home(request):
    region = Region.objects.filter(code="53").first()
    context = {
        "region": region,
        "departments": Department.objects.annotate(cls_total=Count("contracts")),
        "communes_total": Commune.objects.count(),
        "epci_total": Epci.objects.count(),
        "cls_total": Cls.objects.public().count(),
        # Exists, not a join and DISTINCT: a commune covered by several CLS counts once, without sorting every row.
        "covered_population": Commune.objects.filter(Exists(Cls.communes.through.objects.filter(commune=OuterRef("pk")))).aggregate(
            total=Sum("population_municipale")
        )["total"]
        or 0,
        "offices": ArsOffice.objects.select_related("department"),
    }
    return render(request, "portal/home.html", context)


@require_GET
def dashboard(request):
    """Each role's home: who I am, and what to do next (plans, funding, messages, restrictions, COPIL)."""
    from mobilisation.followup import todo as followup_todo
    from mobilisation.plans import todo
    from mobilisation.plans.models import PlannedAction

    user = request.user
    scope = user.scope
    memberships = (
        Membership.objects.filter(user=user)
        .active()
        .select_related("department", "cls", "commune", "epci", "organisation")
        .order_by("role")
    )
    contracts = Cls.objects.visible_to(user).select_related("department").order_by("department", "name")
    is_ars = user.is_superuser or user.has_role(*INSTRUCTING_ROLES)
    sees_jobs = user.is_superuser or user.has_role(Role.ARS_REGION)
    partner_organisations = scope.organisation_ids_for(Role.PARTNER_MEMBER)
    context = {
        "memberships": memberships,
        "contracts": contracts[:12],
        "contracts_total": contracts.count(),
        "organisations": Organisation.objects.visible_to(user).filter(pk__in=scope.organisation_ids).select_related("department"),
        "communes": Commune.objects.filter(Q(insee_code__in=scope.commune_codes) | Q(epci__in=scope.epci_sirens)).order_by("name")[:30],
        "coordinator_rows": todo.coordinator_home(user) if user.has_role(Role.CLS_COORDINATOR) else [],
        "elected_plans": todo.elected_home(user) if user.has_role(Role.ELECTED_OFFICIAL) else [],
        "ars_departments": todo.ars_home(user) if is_ars else [],
        "is_ars": is_ars,
        "sees_jobs": sees_jobs,
        "failed_jobs": Job.objects.failed().count() if sees_jobs else 0,
        "follows_plans": user.is_superuser or user.has_role(*ARS_ROLES),
        "partner_actions": PlannedAction.objects.visible_to(user)
        .filter(Q(lead_organisation__in=partner_organisations) | Q(partners__in=partner_organisations))
        .select_related("plan__cls", "lead_organisation")
        .distinct()
        .order_by("plan__cls__name", "title")
        if partner_organisations
        else [],
        "register_home": followup_todo.social_services_home(user),
        "caller_home": followup_todo.caller_home(user),
        "volunteers_home": volunteers_home(user),
        "hotline_home": hotline_home(user),
        "is_volunteer": user.has_role(Role.VOLUNTEER),
        "reads_veille_figures": user.is_superuser or user.has_role(*ARS_ROLES, Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL),
        "is_volunteer_only": scope.roles == {Role.VOLUNTEER},
        "manages_people": Grants(user).any,
        "reads_journal": reads_journal(user),
        "breadcrumb": [("Accueil", "/")],
    }
    return render(request, "portal/dashboard.html", context)


def hotline_home(user):
    """For hotline operators, their lines and the callbacks waiting; for social services, the proposals to examine."""
    from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES
    from mobilisation.hotline.enums import CallbackState
    from mobilisation.hotline.models import RegistrationProposal

    lines = []
    if user.has_role(Role.HOTLINE_OPERATOR):
        lines = list(
            Line.objects.operated_by(user)
            .annotate(waiting=Count("callbacks", filter=Q(callbacks__state=CallbackState.OPEN)))
            .order_by("name")
        )
    proposals = RegistrationProposal.objects.visible_to(user).waiting().count() if user.has_role(*SOCIAL_SERVICES_ROLES) else 0
    if not (lines or proposals):
        return None
    return {"lines": lines, "proposals": proposals}


def volunteers_home(user):
    """For the validators of volunteers (partner members, social services): sign-ups waiting, volunteers available."""
    from mobilisation.mutualaid.enums import VolunteerState
    from mobilisation.mutualaid.views import VALIDATORS

    if not (user.is_superuser or user.has_role(*VALIDATORS)):
        return None
    volunteers = Volunteer.objects.visible_to(user)
    counts = volunteers.aggregate(
        pending=Count("pk", filter=Q(state=VolunteerState.PENDING)),
        available=Count("pk", filter=Q(state=VolunteerState.VALIDATED, paused_since__isnull=True)),
        paused=Count("pk", filter=Q(state=VolunteerState.VALIDATED, paused_since__isnull=False)),
    )
    return counts


accessibility = public_page("portal/accessibility.html")
legal = public_page("portal/legal.html")
privacy = public_page("portal/privacy.html")


@login_not_required
@require_GET
@cached_public_page
def sitemap(request):
    context = {
        "departments": Department.objects.all(),
        "mobilisations": Mobilisation.objects.visible_to(request.user),
        "breadcrumb": [("Accueil", "/")],
    }
    return render(request, "portal/sitemap.html", context)


@login_not_required
@require_GET
@cached_public_page
def data_sources(request):
    return render(request, "portal/data_sources.html", {"loaded": DataSource.objects.order_by("name"), "breadcrumb": [("Accueil", "/")]})


# « Trouver de l'aide près de chez moi »: public, no account; cached until a service, an organisation or a measure
# changes (core.page_cache "help"), and rendered afresh each day (the measures in force change with the date).

HELP = ("Trouver de l’aide", "/aide/")


class HelpSearchForm(TerritorySearchForm):
    """The territories' search box (same checks and messages), asking for a commune only."""

    q = search_box(
        label="Votre commune ou votre code postal",
        help_text="Par exemple : Dinan ou 22100.",
        required="Saisissez le nom de votre commune ou son code postal.",
    )


@login_not_required
@require_GET
@per_client_limit("search", rate_setting="RATE_LIMIT_SEARCH", method="GET")
@cached_public_page
def help_search(request):
    form = HelpSearchForm(request.GET or None)
    communes = None
    if form.is_valid():
        communes = list(Commune.objects.search(form.cleaned_data["q"]).select_related("department").order_by("name")[:50])
        if len(communes) == 1:
            return redirect("portal:help_commune", insee_code=communes[0].insee_code)
    context = {"form": form, "communes": communes, "breadcrumb": [("Accueil", "/")]}
    return render(request, "portal/help_search.html", context)


@login_not_required
@require_GET
@cached_public_page(on=("public", "help"))
def help_commune(request, insee_code):
    commune = get_object_or_404(Commune.objects.select_related("department", "epci"), insee_code=insee_code)
    context = {
        "commune": commune,
        **help.page_data(commune, page=request.GET.get("page")),
        "contracts": Cls.objects.public().covering(commune).order_by("name"),
        "hotlines": Line.objects.serving(commune).order_by("name"),
        "housing": HousingPlace.objects.active().serving(commune).aggregate(places=Count("pk"), capacity=Sum("capacity")),
        "breadcrumb": [("Accueil", "/"), HELP],
    }
    return render(request, "portal/help_commune.html", context)


@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def help_points(request, insee_code):
    """The services serving the commune that have a place to go, as GeoJSON points for the page's map (at the address
    given, else at the centre of the service's commune)."""
    commune = get_object_or_404(Commune, insee_code=insee_code)
    features = []
    services = Service.objects.listed().serving(commune).filter(commune__isnull=False).select_related("commune", "organisation")
    for service in services.order_by("name", "pk")[:200]:
        latitude = service.latitude if service.latitude is not None else service.commune.latitude
        longitude = service.longitude if service.longitude is not None else service.commune.longitude
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
                "properties": {"nom": f"{service.name} ({service.organisation.name})", "url": service.get_absolute_url()},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
