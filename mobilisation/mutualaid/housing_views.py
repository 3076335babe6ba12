"""Isolation housing: the places and stays of an organisation, the public request, the capacity seen from above."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.decorators import remit
from mobilisation.accounts.enums import ARS_ROLES, CLS_ROLES
from mobilisation.core import page_cache
from mobilisation.core.limits import per_client_limit
from mobilisation.core.page_cache import public_page as cached_public_page
from mobilisation.core.services import submit_once
from mobilisation.plans.models import PlannedAction
from mobilisation.territories.models import Commune, Department, aggregates_key

from . import housing
from .enums import BookingSource, BookingState
from .housing_forms import AgentStayForm, DecisionNoteForm, PlaceForm, StayForm
from .models import HousingBooking, HousingPlace, attachable_organisations
from .views import HELP, HOME, VALIDATORS

HOUSING = ("Hébergement d’isolement", "/hebergement/")
STEPS = {
    "confirmer": (housing.confirm, False, "La réservation est confirmée : la personne reçoit l’adresse si elle a laissé un courriel."),
    "refuser": (housing.refuse, True, "La demande n’est pas retenue : la personne en est prévenue si elle a laissé un courriel."),
    "arrivee": (housing.arrive, False, "L’arrivée est notée."),
    "terminer": (housing.end, False, "Le séjour est terminé : les nuits restantes sont libérées."),
    "annuler": (housing.cancel, True, "La réservation est annulée : ses nuits sont libérées."),
}


def _place_or_404(request, public_id):
    places = HousingPlace.objects.visible_to(request.user).select_related("organisation", "commune", "plan_action__plan__cls")
    return get_object_or_404(places, public_id=public_id)


def _grid(places, today, days):
    free = housing.free_places(places, today, days)
    return [{"place": place, "free": free[place.pk]} for place in places]


@remit(*VALIDATORS)
@require_GET
def index(request):
    """The organisation's places, their free places night by night this week, the requests waiting for an answer."""
    today = timezone.localdate()
    places = list(HousingPlace.objects.visible_to(request.user).select_related("organisation", "commune").order_by("name", "pk"))
    waiting = (
        HousingBooking.objects.visible_to(request.user)
        .filter(state=BookingState.REQUESTED)
        .select_related("place__commune")
        .order_by("arrival", "created_at")[:50]
    )
    context = {
        "rows": _grid(places, today, housing.WEEK),
        "nights": housing.nights(today, housing.WEEK),
        "waiting": waiting,
        "can_add": attachable_organisations(request.user).exists(),
        "breadcrumb": [HOME],
    }
    return render(request, "mutualaid/housing/index.html", context)


@remit(*VALIDATORS)
@require_http_methods(["GET", "POST"])
def place_edit(request, public_id=None):
    organisations = attachable_organisations(request.user).order_by("name")
    place = _place_or_404(request, public_id) if public_id else HousingPlace()
    if place.pk is None and not organisations.exists():
        raise Http404("Page introuvable")
    plan_actions = PlannedAction.objects.visible_to(request.user).select_related("plan__cls").order_by("plan__cls__name", "title")
    form = PlaceForm(request.POST or None, instance=place, organisations=organisations, plan_actions=plan_actions)
    if request.method == "POST" and form.is_valid():
        if place.pk:
            form.save()
            messages.success(request, "Le lieu est enregistré.")
            return redirect(place.get_absolute_url())
        address = submit_once(
            token=form.cleaned_data.get("submission_token"), user=request.user, write=lambda: form.save().get_absolute_url()
        )
        messages.success(request, "Le lieu est ouvert aux réservations : il apparaît sur le portail des communes qu’il sert.")
        return redirect(address)
    title = f"Modifier « {place.name} »" if place.pk else "Offrir un lieu d’hébergement d’isolement"
    context = {"form": form, "title": title, "place": place, "breadcrumb": [HOME, HOUSING]}
    return render(request, "mutualaid/housing/place_edit.html", context, status=400 if form.errors else 200)


@remit(*VALIDATORS)
@require_GET
def place(request, public_id):
    item = _place_or_404(request, public_id)
    today = timezone.localdate()
    days = 14
    bookings = item.bookings.filter(departure__gte=today - datetime.timedelta(days=30)).order_by("arrival", "pk")
    context = {
        "place": item,
        "free": list(zip(housing.nights(today, days), housing.free_places([item], today, days)[item.pk], strict=True)),
        "open": [booking for booking in bookings if booking.is_open],
        "closed": [booking for booking in bookings if not booking.is_open],
        "breadcrumb": [HOME, HOUSING],
    }
    return render(request, "mutualaid/housing/place.html", context)


@remit(*VALIDATORS)
@require_http_methods(["GET", "POST"])
def new_stay(request, public_id):
    """A stay asked on the phone or at the desk of the organisation."""
    item = _place_or_404(request, public_id)
    form = AgentStayForm(
        request.POST or None, places=HousingPlace.objects.filter(pk=item.pk).select_related("commune"), initial={"place": item.pk}
    )
    if request.method == "POST" and form.is_valid():

        def write():
            booking = housing.request_stay(
                place=form.cleaned_data["place"], data=form.stay_data(), source=BookingSource.AGENT, by=request.user
            )
            return booking.get_absolute_url()

        address = submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write)
        messages.success(request, "La demande est enregistrée : confirmez-la pour réserver ses nuits.")
        return redirect(address)
    context = {"form": form, "place": item, "breadcrumb": [HOME, HOUSING, (item.name, item.get_absolute_url())]}
    return render(request, "mutualaid/housing/new_stay.html", context, status=400 if form.errors else 200)


def _booking_or_404(request, public_id):
    bookings = HousingBooking.objects.visible_to(request.user).select_related("place__commune", "place__organisation", "decided_by")
    return get_object_or_404(bookings, public_id=public_id)


@remit(*VALIDATORS)
@require_GET
def booking(request, public_id):
    item = _booking_or_404(request, public_id)
    context = {
        "booking": item,
        "note_form": DecisionNoteForm(),
        "breadcrumb": [HOME, HOUSING, (item.place.name, item.place.get_absolute_url())],
    }
    return render(request, "mutualaid/housing/booking.html", context)


@remit(*VALIDATORS)
@require_POST
def booking_step(request, public_id, step):
    if step not in STEPS:
        raise Http404("Page introuvable")
    item = _booking_or_404(request, public_id)
    action, needs_note, done = STEPS[step]
    kwargs = {}
    if needs_note:
        form = DecisionNoteForm(request.POST)
        if not form.is_valid():
            context = {"booking": item, "note_form": form, "breadcrumb": [HOME, HOUSING, (item.place.name, item.place.get_absolute_url())]}
            return render(request, "mutualaid/housing/booking.html", context, status=400)
        kwargs["note"] = form.cleaned_data["note"]
    try:
        action(booking=item, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect(item.get_absolute_url())


# The public request.


@login_not_required
@require_http_methods(["GET", "POST"])
@per_client_limit("public-forms", rate_setting="RATE_LIMIT_PUBLIC_FORMS", method="POST")
@cached_public_page(on=("public", "help"))  # the empty form of a commune: its places and today's dates
def ask(request, insee_code):
    commune = get_object_or_404(Commune.objects.select_related("department"), insee_code=insee_code)
    places = HousingPlace.objects.active().serving(commune).select_related("commune").order_by("name", "pk")
    form = StayForm(request.POST or None, places=places, near=commune)
    if request.method == "POST":
        if form.is_robot:
            return redirect("housing:asked")
        if form.is_valid():
            housing.request_stay(place=form.cleaned_data["place"], data=form.stay_data(), source=BookingSource.PORTAL)
            return redirect("housing:asked")
    context = {
        "form": form,
        "commune": commune,
        "has_places": bool(form.offered),
        "breadcrumb": [HOME, HELP, (commune.name, reverse("portal:help_commune", args=[commune.insee_code]))],
    }
    return render(request, "mutualaid/housing/ask.html", context, status=400 if form.is_bound else 200)


@login_not_required
@require_GET
@cached_public_page
def asked(request):
    return render(request, "mutualaid/housing/asked.html", {"breadcrumb": [HOME, HELP]})


# Capacity, seen from above: counts of places, never a name.


def capacity_figures(user, chosen, today):
    seen = Commune.objects.aggregated_for(user)
    departments, chosen = Department.objects.choice_among(seen, chosen)
    communes = seen.filter(department=chosen) if chosen else seen
    places = HousingPlace.objects.active().filter(commune__in=communes.values("insee_code"))
    by_department = not chosen and len(departments) > 1
    if by_department:
        rows = housing.capacity_rows(places, group="commune__department", label="commune__department__name", today=today)
    else:
        rows = housing.capacity_rows(places, group="commune", label="commune__name", today=today)
    totals = {
        "places": sum(row["places"] for row in rows),
        "capacity": sum(row["capacity"] for row in rows),
        "free": [sum(row["free"][n] for row in rows) for n in range(housing.WEEK)],
    }
    return {"rows": rows, "totals": totals, "departments": departments, "chosen": chosen, "by_department": by_department}


@remit(*ARS_ROLES, *CLS_ROLES)
@require_GET
def capacity(request):
    """Free places tonight and each night of the week: by department for the region, by commune below. Thousands
    of places and their stays for the region: the figures are kept per scope until a place or a booking changes."""
    user = request.user
    chosen = request.GET.get("departement", "")[:3]
    today = timezone.localdate()
    key = page_cache.key_of("housing-capacity", aggregates_key(user), chosen, *page_cache.versions("housing", "public"), today)
    figures = cache.get(key) if page_cache.enabled() else None
    if figures is None:
        figures = capacity_figures(user, chosen, today)
        if page_cache.enabled():
            cache.set(key, figures, settings.PAGE_CACHE_SECONDS)
    context = {**figures, "nights": housing.nights(today, housing.WEEK), "breadcrumb": [HOME]}
    return render(request, "mutualaid/housing/capacity.html", context)
