"""Requests for help: the public request, the organisations' queue and matching, the volunteers' missions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.decorators import remit
from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES, Role
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.limits import per_client_limit
from mobilisation.core.page_cache import public_page as cached_public_page
from mobilisation.core.services import submit_once
from mobilisation.territories.models import Commune

from . import help_requests
from .enums import HELD_REQUEST_STATES, HelpKind, RequestSource, RequestState
from .forms import (
    AgentAidRequestForm,
    AidPoolForm,
    AidRequestForm,
    AssignForm,
    CancelForm,
    DeliveryForm,
    QualifyForm,
    ReleaseForm,
    periods_bits,
)
from .models import AidPool, AidRequest, Volunteer, attachable_organisations
from .views import HELP, HOME, VALIDATORS

REQUESTS = ("Demandes d’aide", "/entraide/demandes/")
MISSIONS = ("Mes missions d’entraide", "/entraide/missions/")
PER_PAGE = 50

COLUMNS = [
    ("Reçue le", "created_at"),
    ("Aide", "get_kind_display"),
    ("Urgence", "get_urgency_display"),
    ("Commune", "commune.name"),
    ("État", "get_state_display"),
    ("Origine", "get_source_display"),
    ("Organisation", lambda r: r.organisation.name if r.organisation else ""),
    ("Au plus tard le", "wanted_until"),
    ("Réalisation", "get_fulfilment_display"),
]


# The public request.


@login_not_required
@require_http_methods(["GET", "POST"])
@per_client_limit("public-forms", rate_setting="RATE_LIMIT_PUBLIC_FORMS", method="POST")
@cached_public_page  # the empty form of a commune: rendered once per change of the public content (8.9 × the floor)
def ask(request, insee_code):
    commune = get_object_or_404(Commune.objects.select_related("department"), insee_code=insee_code)
    form = AidRequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_robot:
            return redirect("aid:asked")
        if form.is_valid():
            help_requests.receive(data=form.request_data(), commune=commune, source=RequestSource.PORTAL)
            return redirect("aid:asked")
    context = {
        "form": form,
        "commune": commune,
        "breadcrumb": [HOME, HELP, (commune.name, reverse("portal:help_commune", args=[commune.insee_code]))],
    }
    return render(request, "mutualaid/ask.html", context, status=400 if form.errors else 200)


@login_not_required
@require_GET
@cached_public_page
def asked(request):
    return render(request, "mutualaid/asked.html", {"breadcrumb": [HOME, HELP]})


# The organisations' queue.


@remit(*VALIDATORS)
@require_GET
@rejects_unknown_format
def queue(request):
    state = request.GET.get("etat", "")
    kind = request.GET.get("aide", "")
    visible = AidRequest.objects.visible_to(request.user)
    requests = visible.select_related("commune", "organisation", "volunteer")
    if state in RequestState.values:
        requests = requests.filter(state=state)
    elif state != "toutes":
        requests = requests.open()
    if kind in HelpKind.values:
        requests = requests.filter(kind=kind)
    requests = requests.order_by("wanted_until", "created_at", "pk")
    if fmt := requested_format(request):
        return export_response(rows=requests, columns=COLUMNS, filename="demandes-d-aide", fmt=fmt)
    counts = dict(visible.open().values_list("state").annotate(n=Count("pk")).order_by())
    context = {
        "page_obj": Paginator(requests, PER_PAGE).get_page(request.GET.get("page")),
        "state": state,
        "states": RequestState.choices,
        "kind": kind,
        "kinds": HelpKind.choices,
        "counts": [(value, label, counts.get(value, 0)) for value, label in RequestState.choices if value in counts],
        "today": timezone.localdate(),
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "mutualaid/requests.html", context)


def communes_of(user):
    """The communes where `user` takes requests: those of their social services, those their organisations serve."""
    from .models import social_services_communes

    served = Commune.objects.filter(organisations__in=user.scope.organisation_ids_for(Role.PARTNER_MEMBER)).values("insee_code")
    return Commune.objects.filter(Q(insee_code__in=social_services_communes(user)) | Q(insee_code__in=served)).order_by("name")


@remit(*VALIDATORS)
@require_http_methods(["GET", "POST"])
def new_request(request):
    """A request taken on the phone or at the desk of the organisation or the CCAS."""
    form = AgentAidRequestForm(request.POST or None, communes=communes_of(request.user))
    if request.method == "POST" and form.is_valid():

        def write():
            data, commune = form.request_data(), form.cleaned_data["commune"]
            return help_requests.receive(data=data, commune=commune, source=RequestSource.AGENT, by=request.user).get_absolute_url()

        address = submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write)
        messages.success(request, "La demande est enregistrée : qualifiez-la pour la confier à un bénévole.")
        return redirect(address)
    context = {"form": form, "breadcrumb": [HOME, REQUESTS]}
    return render(request, "mutualaid/new_request.html", context, status=400 if form.errors else 200)


def _visible_or_404(request, public_id):
    return get_object_or_404(
        AidRequest.objects.visible_to(request.user).select_related("commune", "organisation", "volunteer"),
        public_id=public_id,
    )


def _organisations_for(aid_request, user):
    return attachable_organisations(user).filter(communes=aid_request.commune_id).order_by("name")


@remit(*VALIDATORS)
@require_GET
def detail(request, public_id):
    aid_request = _visible_or_404(request, public_id)
    organisations = _organisations_for(aid_request, request.user)
    handles = aid_request.organisation_id is None or organisations.filter(pk=aid_request.organisation_id).exists()
    suggestions = help_requests.suggestions(aid_request) if aid_request.state == RequestState.QUALIFIED and handles else []
    context = {
        "aid_request": aid_request,
        "events": aid_request.events.select_related("by", "volunteer"),
        # A request to fill is corrected on demand (?corriger): its page is the matching page, opened all day long.
        "qualify_form": QualifyForm(organisations=organisations, request=aid_request)
        if (aid_request.state == RequestState.NEW or (aid_request.state == RequestState.QUALIFIED and "corriger" in request.GET))
        and organisations.exists()
        and handles
        else None,
        "can_correct": aid_request.state == RequestState.QUALIFIED and handles and "corriger" not in request.GET,
        "suggestions": suggestions,
        "cancel_form": CancelForm() if aid_request.state not in (RequestState.DONE, RequestState.CANCELLED) and handles else None,
        "register_url": register_url(aid_request, request.user),
        "breadcrumb": [HOME, REQUESTS],
    }
    return render(request, "mutualaid/request.html", context)


def register_url(aid_request, user):
    """The link to the register's record of the person, for the social services only (never a volunteer's nor an
    association's to know). The record is not loaded: its encrypted fields would be read for a link."""
    if aid_request.followup_person_id is None or not user.has_role(*SOCIAL_SERVICES_ROLES):
        return None
    from mobilisation.followup.models import Person

    public_id = Person.objects.filter(pk=aid_request.followup_person_id).values_list("public_id", flat=True).first()
    return reverse("followup:person", args=[public_id]) if public_id else None


def _handled_or_404(request, public_id):
    aid_request = _visible_or_404(request, public_id)
    organisations = _organisations_for(aid_request, request.user)
    if aid_request.organisation_id is not None and not organisations.filter(pk=aid_request.organisation_id).exists():
        raise Http404("Page introuvable")
    return aid_request, organisations


def _error(request, error):
    messages.error(request, " ".join(error.messages))


@remit(*VALIDATORS)
@require_POST
def qualify(request, public_id):
    aid_request, organisations = _handled_or_404(request, public_id)
    form = QualifyForm(request.POST, organisations=organisations, request=aid_request)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(aid_request.get_absolute_url())
    data = form.cleaned_data
    try:
        help_requests.qualify(
            request=aid_request,
            organisation=data["organisation"],
            by=request.user,
            urgency=data["urgency"],
            wanted_from=data["wanted_from"],
            wanted_until=data["wanted_until"],
            periods=periods_bits(data["periods"]),
            details=data["details"].strip(),
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "La demande est à pourvoir : attribuez-la à un bénévole, ou un bénévole du secteur la prendra.")
    return redirect(aid_request.get_absolute_url())


@remit(*VALIDATORS)
@require_POST
def assign(request, public_id):
    aid_request, _ = _handled_or_404(request, public_id)
    volunteers = Volunteer.objects.available().filter(organisation=aid_request.organisation_id)
    form = AssignForm(request.POST, volunteers=volunteers)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["volunteer"]))
        return redirect(aid_request.get_absolute_url())
    volunteer = form.cleaned_data["volunteer"]
    try:
        help_requests.assign(request=aid_request, volunteer=volunteer, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"La demande est confiée à {volunteer}, prévenu par courriel.")
    return redirect(aid_request.get_absolute_url())


@remit(*VALIDATORS)
@require_POST
def cancel(request, public_id):
    aid_request, _ = _handled_or_404(request, public_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(aid_request.get_absolute_url())
    try:
        help_requests.cancel(request=aid_request, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "La demande est annulée.")
    return redirect(aid_request.get_absolute_url())


# The volunteer's missions.


def _volunteer(request):
    volunteer = Volunteer.objects.filter(user=request.user).validated().select_related("organisation").first()
    if volunteer is None:
        raise Http404("Page introuvable")
    return volunteer


@remit(Role.VOLUNTEER)
@require_GET
def missions(request):
    volunteer = _volunteer(request)
    context = {
        "volunteer": volunteer,
        "held": AidRequest.objects.held_by(volunteer).select_related("commune").order_by("wanted_until", "pk"),
        "open": AidRequest.objects.claimable_by(volunteer).select_related("commune").order_by("wanted_until", "created_at", "pk")[:50],
        "done": AidRequest.objects.filter(volunteer=volunteer, state=RequestState.DONE).count(),
        "breadcrumb": [HOME],
    }
    return render(request, "mutualaid/missions.html", context)


def _mission_or_404(request, public_id):
    volunteer = _volunteer(request)
    return volunteer, get_object_or_404(AidRequest.objects.for_volunteer(volunteer).select_related("commune"), public_id=public_id)


@remit(Role.VOLUNTEER)
@require_GET
def mission(request, public_id):
    volunteer, aid_request = _mission_or_404(request, public_id)
    holds = aid_request.volunteer_id == volunteer.pk and aid_request.state in HELD_REQUEST_STATES
    context = {
        "volunteer": volunteer,
        "aid_request": aid_request,
        "holds": holds,
        "delivery_form": DeliveryForm(initial={"done_at": timezone.localtime().replace(second=0, microsecond=0)}) if holds else None,
        "release_form": ReleaseForm() if holds else None,
        "breadcrumb": [HOME, MISSIONS],
    }
    return render(request, "mutualaid/mission.html", context)


@remit(Role.VOLUNTEER)
@require_POST
def claim(request, public_id):
    volunteer = _volunteer(request)
    aid_request = get_object_or_404(AidRequest, public_id=public_id, organisation=volunteer.organisation_id)
    try:
        help_requests.claim(request=aid_request, volunteer=volunteer)
    except ValidationError as error:
        _error(request, error)
        return redirect("aid:missions")
    messages.success(request, "Vous vous chargez de cette demande : ses coordonnées sont ci-dessous, le temps de la mission.")
    return redirect("aid:mission", public_id=aid_request.public_id)


@remit(Role.VOLUNTEER)
@require_POST
def start(request, public_id):
    volunteer, aid_request = _mission_or_404(request, public_id)
    try:
        help_requests.start(request=aid_request, volunteer=volunteer)
    except ValidationError as error:
        _error(request, error)
        return redirect("aid:missions")
    messages.success(request, "C’est parti : la demande est en cours.")
    return redirect("aid:mission", public_id=aid_request.public_id)


@remit(Role.VOLUNTEER)
@require_POST
def deliver(request, public_id):
    volunteer, aid_request = _mission_or_404(request, public_id)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            help_requests.deliver(
                request=aid_request,
                volunteer=volunteer,
                fulfilment=form.cleaned_data["fulfilment"],
                note=form.cleaned_data["note"].strip(),
                done_at=form.cleaned_data["done_at"],
            )
        except ValidationError as error:
            form.add_error("done_at", error)
        else:
            messages.success(request, "Merci ! L’aide est enregistrée comme faite ; la personne en est informée.")
            return redirect("aid:missions")
    context = {
        "volunteer": volunteer,
        "aid_request": aid_request,
        "holds": True,
        "delivery_form": form,
        "release_form": ReleaseForm(),
        "breadcrumb": [HOME, MISSIONS],
    }
    return render(request, "mutualaid/mission.html", context, status=400)


@remit(Role.VOLUNTEER)
@require_POST
def release(request, public_id):
    volunteer, aid_request = _mission_or_404(request, public_id)
    form = ReleaseForm(request.POST)
    reason = form.cleaned_data["reason"].strip() if form.is_valid() else ""
    try:
        help_requests.release(request=aid_request, volunteer=volunteer, reason=reason)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "La demande est rendue : l’organisation la confiera à un autre bénévole.")
    return redirect("aid:missions")


# What the organisation's mutual aid counts in.


@remit(*VALIDATORS)
@require_http_methods(["GET", "POST"])
def pools(request):
    """The plan actions an organisation's mutual aid counts in: requests done, deliveries, volunteers active."""
    from mobilisation.core import indicators
    from mobilisation.plans.models import PlannedAction

    organisations = attachable_organisations(request.user).order_by("name")
    plan_actions = (
        PlannedAction.objects.visible_to(request.user)
        .filter(plan__cls__communes__in=Commune.objects.filter(organisations__in=organisations).values("insee_code"))
        .distinct()
        .select_related("plan__cls")
        .order_by("plan__cls__name", "title")
    )
    form = AidPoolForm(request.POST or None, organisations=organisations, plan_actions=plan_actions)
    if request.method == "POST" and form.is_valid():
        AidPool.objects.get_or_create(
            organisation=form.cleaned_data["organisation"],
            plan_action=form.cleaned_data["plan_action"],
            defaults={"created_by": request.user},
        )
        messages.success(request, "L’entraide de l’organisation compte désormais dans les indicateurs de cette action.")
        return redirect("aid:pools")
    linked = list(AidPool.objects.visible_to(request.user).select_related("organisation", "plan_action__plan__cls"))
    computed = indicators.computed_for({pool.plan_action for pool in linked})
    context = {
        "form": form,
        "rows": [(pool, computed.get(pool.plan_action_id, [])) for pool in linked],
        "breadcrumb": [HOME, REQUESTS],
    }
    return render(request, "mutualaid/pools.html", context, status=400 if form.errors else 200)


@remit(*VALIDATORS)
@require_POST
def pool_delete(request, public_id):
    pool = get_object_or_404(AidPool.objects.visible_to(request.user), public_id=public_id)
    pool.delete()
    messages.success(request, "L’entraide de l’organisation ne compte plus dans cette action.")
    return redirect("aid:pools")
