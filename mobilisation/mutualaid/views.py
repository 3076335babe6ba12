"""Volunteers: the public sign-up, the validators' list and decision, the volunteer's own space."""

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
from mobilisation.core import formats
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.limits import per_client_limit
from mobilisation.core.page_cache import public_page as cached_public_page
from mobilisation.territories.models import Commune

from . import services
from .enums import HelpKind, VolunteerState
from .forms import AvailabilityForm, PauseForm, RefusalForm, SignUpForm, ValidationForm
from .models import IDLE_AFTER, Volunteer

HOME = ("Accueil", "/")
HELP = ("Trouver de l’aide", "/aide/")
VOLUNTEERS = ("Bénévoles", "/benevoles/")
VALIDATORS = (Role.PARTNER_MEMBER, *SOCIAL_SERVICES_ROLES)
PER_PAGE = 50

# The list's filters (?etat=): the states, and what a validated volunteer is doing.
ACTIVITY_FILTERS = [
    ("a-valider", "À valider"),
    ("disponible", "Disponibles"),
    ("en-mission", "En mission"),
    ("en-pause", "En pause"),
    ("sans-mission", f"Sans mission depuis {IDLE_AFTER.days} jours"),
    ("refuse", "Non retenus"),
    ("parti", "Partis"),
]

COLUMNS = [
    ("Nom", "last_name"),
    ("Prénom", "first_name"),
    ("Adresse électronique", "email"),
    ("Téléphone", lambda v: v.phone.as_national if v.phone else ""),
    ("Âge", "get_age_band_display"),
    ("Commune de résidence", "home_commune.name"),
    ("Aides proposées", lambda v: ", ".join(v.skill_labels)),
    ("Disponibilités", "slot_summary"),
    ("Langues", lambda v: ", ".join(v.language_labels)),
    ("Déplacements", lambda v: ", ".join(v.transport_labels)),
    ("État", "activity_label"),
    ("Organisation", lambda v: v.organisation.name if v.organisation else ""),
    ("Inscription", lambda v: formats.moment(v.signed_up_at)),
    ("Dernière activité", lambda v: formats.moment(v.last_activity) if v.last_activity else ""),
]


def _filtered(volunteers, activity, now):
    since = now - IDLE_AFTER
    filters = {
        "a-valider": Q(state=VolunteerState.PENDING),
        "disponible": Q(state=VolunteerState.VALIDATED, paused_since__isnull=True, on_mission=False),
        "en-mission": Q(state=VolunteerState.VALIDATED, paused_since__isnull=True, on_mission=True),
        "en-pause": Q(state=VolunteerState.VALIDATED, paused_since__isnull=False),
        "sans-mission": Q(state=VolunteerState.VALIDATED, paused_since__isnull=True, on_mission=False, validated_at__lt=since)
        & (Q(last_activity__isnull=True) | Q(last_activity__lt=since)),
        "refuse": Q(state=VolunteerState.REFUSED),
        "parti": Q(state=VolunteerState.LEFT),
    }
    return volunteers.filter(filters[activity]) if activity in filters else volunteers


@remit(*VALIDATORS)
@require_GET
@rejects_unknown_format
def index(request):
    now = timezone.now()
    activity = request.GET.get("etat", "")
    skill = request.GET.get("aide", "")
    text = request.GET.get("q", "").strip()[:100].replace("\x00", "")
    volunteers = Volunteer.objects.visible_to(request.user).select_related("home_commune", "organisation")
    # What each volunteer is doing is a subquery a row: for the filters and the export that need it, else for the
    # page's rows only.
    needs_activity = activity in ("disponible", "en-mission", "sans-mission") or bool(requested_format(request))
    if needs_activity:
        volunteers = volunteers.with_activity()
    volunteers = _filtered(volunteers, activity, now)
    if skill in HelpKind.values:
        volunteers = volunteers.with_skill(skill)
    if text:
        for word in text.split()[:5]:
            volunteers = volunteers.filter(
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(email__icontains=word)
                | Q(home_commune__name__icontains=word)
            )
    volunteers = volunteers.order_by("state", "-signed_up_at", "pk")
    if fmt := requested_format(request):
        return export_response(rows=volunteers, columns=COLUMNS, filename="benevoles", fmt=fmt)
    # The columns the page shows, no more: a phone number is parsed for every row that loads it.
    shown = ("public_id", "first_name", "last_name", "skills", "state", "paused_since", "signed_up_at", "validated_at", "user")
    paginator = Paginator(volunteers.only(*shown, "home_commune__name", "organisation__name"), PER_PAGE)
    visible = Volunteer.objects.visible_to(request.user)
    if activity in ("", "a-valider") and skill not in HelpKind.values and not text:
        # The list is every volunteer or every sign-up waiting: its total and the waiting count in one reading.
        counts = visible.aggregate(every=Count("pk"), pending=Count("pk", filter=Q(state=VolunteerState.PENDING)))
        paginator.count = counts["pending"] if activity else counts["every"]
        pending = counts["pending"]
    else:
        pending = visible.pending().count()
    page = paginator.get_page(request.GET.get("page"))
    if not needs_activity:
        rows = Volunteer.objects.filter(pk__in=[v.pk for v in page]).with_activity().values_list("pk", "on_mission", "last_activity")
        activity_of = {pk: (on_mission, last) for pk, on_mission, last in rows}
        for volunteer in page:
            volunteer.on_mission, volunteer.last_activity = activity_of.get(volunteer.pk, (False, None))
    context = {
        "page_obj": page,
        "activity": activity,
        "activities": ACTIVITY_FILTERS,
        "skill": skill,
        "skills": HelpKind.choices,
        "text": text,
        "pending": pending,
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "mutualaid/volunteers.html", context)


def _visible_or_404(request, public_id):
    return get_object_or_404(
        Volunteer.objects.visible_to(request.user)
        .with_activity()
        .select_related("home_commune", "organisation", "preferred_organisation", "decided_by"),
        public_id=public_id,
    )


@remit(*VALIDATORS)
@require_GET
def detail(request, public_id):
    volunteer = _visible_or_404(request, public_id)
    organisations = services.organisations_for(volunteer, request.user)
    context = {
        "volunteer": volunteer,
        "communes": volunteer.communes.order_by("name"),
        "validation_form": ValidationForm(organisations=organisations, initial={"organisation": volunteer.preferred_organisation_id})
        if volunteer.state == VolunteerState.PENDING and organisations
        else None,
        "refusal_form": RefusalForm() if volunteer.state == VolunteerState.PENDING else None,
        "can_end": volunteer.state == VolunteerState.VALIDATED
        and volunteer.organisation_id in request.user.scope.organisation_ids | set(organisations.values_list("pk", flat=True)),
        "breadcrumb": [HOME, VOLUNTEERS],
    }
    return render(request, "mutualaid/volunteer.html", context)


@remit(*VALIDATORS)
@require_POST
def validate(request, public_id):
    volunteer = _visible_or_404(request, public_id)
    form = ValidationForm(request.POST, organisations=services.organisations_for(volunteer, request.user))
    if form.is_valid():
        try:
            invitation = services.validate(volunteer=volunteer, organisation=form.cleaned_data["organisation"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            told = "un lien pour créer son compte" if invitation.new_account else "un avis de son nouveau rattachement"
            messages.success(request, f"{volunteer} est validé(e) et reçoit par courriel {told}.")
    else:
        messages.error(request, " ".join(form.errors.get("organisation", ["Choisissez l’organisation."])))
    return redirect(volunteer.get_absolute_url())


@remit(*VALIDATORS)
@require_POST
def refuse(request, public_id):
    volunteer = _visible_or_404(request, public_id)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            services.refuse(volunteer=volunteer, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"L’inscription de {volunteer} est déclinée : un courriel le lui dit, ses données seront effacées dans 30 jours."
            )
    else:
        messages.error(request, " ".join(form.errors["reason"]))
    return redirect(volunteer.get_absolute_url())


@remit(*VALIDATORS)
@require_POST
def end(request, public_id):
    """The organisation ends a volunteer's participation (the volunteer's own « Quitter » does the same)."""
    volunteer = _visible_or_404(request, public_id)
    if volunteer.organisation_id not in request.user.scope.organisation_ids | set(
        services.organisations_for(volunteer, request.user).values_list("pk", flat=True)
    ):
        raise Http404("Page introuvable")
    try:
        services.leave(volunteer=volunteer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{volunteer} ne fait plus partie des bénévoles : plus aucune mission ne lui sera proposée.")
    return redirect(volunteer.get_absolute_url())


# The public side: no account.


@login_not_required
@require_GET
@cached_public_page
def start(request):
    """« Devenir bénévole »: the commune search, then the form of the chosen commune."""
    from mobilisation.portal.views import HelpSearchForm

    form = HelpSearchForm(request.GET or None)
    communes = None
    if form.is_valid():
        communes = list(Commune.objects.search(form.cleaned_data["q"]).select_related("department").order_by("name")[:50])
        if len(communes) == 1:
            return redirect("volunteers:sign_up", insee_code=communes[0].insee_code)
    return render(request, "mutualaid/start.html", {"form": form, "communes": communes, "breadcrumb": [HOME, HELP]})


@login_not_required
@require_http_methods(["GET", "POST"])
@per_client_limit("public-forms", rate_setting="RATE_LIMIT_PUBLIC_FORMS", method="POST")
@cached_public_page(on=("public", "help"))  # the empty form of a commune (86 boxes) changes with the directory
def sign_up(request, insee_code):
    commune = get_object_or_404(Commune.objects.select_related("epci", "department"), insee_code=insee_code)
    form = SignUpForm(request.POST or None, commune=commune)
    if request.method == "POST":
        if form.is_robot:
            return redirect("volunteers:thanks")
        if form.is_valid():
            services.sign_up(commune=commune, data=form.cleaned_data)
            return redirect("volunteers:thanks")
    context = {
        "form": form,
        "commune": commune,
        "breadcrumb": [HOME, HELP, (commune.name, reverse("portal:help_commune", args=[commune.insee_code]))],
    }
    return render(request, "mutualaid/sign_up.html", context, status=400 if form.is_bound else 200)


@login_not_required
@require_GET
@cached_public_page
def thanks(request):
    return render(request, "mutualaid/thanks.html", {"breadcrumb": [HOME, HELP]})


# The volunteer's own space.


def _own(request):
    return (
        Volunteer.objects.filter(user=request.user, state=VolunteerState.VALIDATED).select_related("organisation", "home_commune").first()
    )


@remit(Role.VOLUNTEER)
@require_http_methods(["GET", "POST"])
def my_space(request):
    from mobilisation.followup import todo as followup_todo
    from mobilisation.followup.enums import TaskState
    from mobilisation.followup.models import Campaign, ContactTask

    volunteer = _own(request)
    form = None
    if volunteer is not None:
        form = AvailabilityForm(request.POST or None, volunteer=volunteer)
        if request.method == "POST" and form.is_valid():
            services.update_availability(volunteer=volunteer, data=form.cleaned_data)
            messages.success(request, "Vos disponibilités sont enregistrées.")
            return redirect("volunteers:my_space")
    elif request.method == "POST":
        raise Http404("Page introuvable")
    context = {
        "volunteer": volunteer,
        "form": form,
        "pause_form": PauseForm(),
        "campaigns": Campaign.objects.visible_to(request.user).running().order_by("name"),
        "visits": ContactTask.objects.filter(assigned_to=request.user, state=TaskState.OPEN).count(),
        "caller_home": followup_todo.caller_home(request.user),
        "breadcrumb": [HOME],
    }
    return render(request, "mutualaid/my_space.html", context, status=400 if form is not None and form.errors else 200)


@remit(Role.VOLUNTEER)
@require_POST
def pause(request):
    volunteer = _own(request)
    if volunteer is None:
        raise Http404("Page introuvable")
    if request.POST.get("action") == "reprendre":
        services.resume(volunteer=volunteer)
        messages.success(request, "Votre pause est levée : de nouvelles missions peuvent vous être proposées.")
        return redirect("volunteers:my_space")
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["until"]))
        return redirect("volunteers:my_space")
    services.pause(volunteer=volunteer, until=form.cleaned_data["until"])
    until = form.cleaned_data["until"]
    messages.success(
        request, f"Vous êtes en pause{f' jusqu’au {formats.day(until)}' if until else ''} : aucune nouvelle mission ne vous sera proposée."
    )
    return redirect("volunteers:my_space")


@remit(Role.VOLUNTEER)
@require_POST
def leave(request):
    volunteer = _own(request)
    if volunteer is None:
        raise Http404("Page introuvable")
    if request.POST.get("confirm") != "oui":
        messages.error(request, "Cochez la case de confirmation pour quitter le dispositif.")
        return redirect("volunteers:my_space")
    services.leave(volunteer=volunteer)
    messages.success(request, "Vous avez quitté le dispositif. Merci pour votre aide ! Vos informations seront effacées dans 30 jours.")
    return redirect("portal:dashboard")
