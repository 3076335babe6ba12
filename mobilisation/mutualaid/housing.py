"""Isolation housing: a stay asked, confirmed while places are free every night of it, arrived, ended; refused or
cancelled. Occupancy is counted per night (the date one sleeps there) from the bookings that hold places.

A confirmation locks the place's row, then counts its nights: two confirmations for the last place of a night never
both pass (the second is refused with the night it lacks). No health reason is asked, stored or shown: a stay says who,
how many and when, nothing of why.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from mobilisation.core.aggregates import Figure

from .enums import OCCUPYING_STATES, BookingState
from .models import HousingBooking, HousingPlace
from .notifications import tell_housing_organisation, tell_housing_requester

# The contact of the people housed is erased this long after the stay ended, was refused or cancelled.
KEEP_CONTACT_AFTER_CLOSING = datetime.timedelta(days=30)
PERSONAL_FIELDS = {"first_name": "", "last_name": "", "phone": "", "email": "", "requester_name": ""}
WEEK = 7


def nights(start, days):
    return [start + datetime.timedelta(days=n) for n in range(days)]


def occupancy(places, start, days, *, exclude=None):
    """{place id: [people housed each night from `start`, for `days` nights]}, summed by the database in one query.

    `places` is a list of places (each one in the result) or a queryset of them (only those with a stay that week)."""
    if isinstance(places, models.QuerySet):
        chosen, result = places.order_by().values("pk"), {}
    else:
        chosen = [place.pk for place in places]
        result = {pk: [0] * days for pk in chosen}
    end = start + datetime.timedelta(days=days)
    bookings = HousingBooking.objects.filter(place__in=chosen, state__in=OCCUPYING_STATES).overlapping(start, end)
    if exclude is not None:
        bookings = bookings.exclude(pk=exclude.pk)
    per_night = {
        f"night_{n}": Sum("people", filter=Q(arrival__lte=night, departure__gt=night), default=0)
        for n, night in enumerate(nights(start, days))
    }
    for row in bookings.order_by().values("place").annotate(**per_night):
        result[row["place"]] = [row[f"night_{n}"] for n in range(days)]
    return result


def free_places(places, start, days):
    """{place id: [free places each night]} (never below zero, a capacity lowered under its bookings shows 0)."""
    taken = occupancy(places, start, days)
    return {place.pk: [max(place.capacity - n, 0) for n in taken[place.pk]] for place in places}


def _night_lacking(place, booking):
    """The first night of `booking` without room for its people at `place`, or None."""
    taken = occupancy([place], booking.arrival, booking.nights, exclude=booking)[place.pk]
    for day, n in zip(nights(booking.arrival, booking.nights), taken, strict=True):
        if n + booking.people > place.capacity:
            return day, max(place.capacity - n, 0)
    return None


def _locked(booking, *states):
    booking = HousingBooking.objects.select_for_update().select_related("place").get(pk=booking.pk)
    if states and booking.state not in states:
        raise ValidationError(f"Cette réservation est désormais « {booking.get_state_display().lower()} » : rien n’a été modifié.")
    return booking


@transaction.atomic
def request_stay(*, place, data, source, by=None, now=None):
    """A stay asked (portal, or typed by the organisation): waits for the organisation's decision, who is told."""
    now = now or timezone.now()
    booking = HousingBooking.objects.create(place=place, source=source, created_by=by, consent_at=now, created_at=now, **data)
    if by is None:
        tell_housing_organisation(booking)
    return booking


@transaction.atomic
def confirm(*, booking, by, now=None):
    """The stay is granted if every one of its nights has room for its people; the person is told the address."""
    place = HousingPlace.objects.select_for_update().get(pk=booking.place_id)
    booking = _locked(booking, BookingState.REQUESTED)
    if not place.is_active:
        raise ValidationError("Ce lieu n’est plus ouvert aux réservations : rouvrez-le ou proposez un autre lieu.")
    if lacking := _night_lacking(place, booking):
        day, free = lacking
        raise ValidationError(
            f"Plus assez de places la nuit du {day:%d/%m/%Y} : {free} place{'s' if free > 1 else ''} libre{'s' if free > 1 else ''} "
            f"pour {booking.people} personne{'s' if booking.people > 1 else ''}. Rien n’a été confirmé."
        )
    booking.state = BookingState.CONFIRMED
    booking.decided_by, booking.decided_at = by, now or timezone.now()
    booking.save()
    tell_housing_requester(booking, "confirmed")
    return booking


@transaction.atomic
def refuse(*, booking, by, note, now=None):
    booking = _locked(booking, BookingState.REQUESTED)
    booking.state = BookingState.REFUSED
    booking.decided_by, booking.decided_at, booking.decision_note = by, now or timezone.now(), note[:200]
    booking.save()
    tell_housing_requester(booking, "refused")
    return booking


@transaction.atomic
def arrive(*, booking, by, now=None):
    booking = _locked(booking, BookingState.CONFIRMED)
    booking.state, booking.arrived_at = BookingState.ARRIVED, now or timezone.now()
    booking.save()
    return booking


@transaction.atomic
def end(*, booking, by, now=None):
    """The stay is over: an early departure frees the nights left (the departure becomes today, after one night)."""
    booking = _locked(booking, BookingState.ARRIVED)
    now = now or timezone.now()
    today = timezone.localdate(now)
    booking.departure = min(booking.departure, max(today, booking.arrival + datetime.timedelta(days=1)))
    booking.state, booking.ended_at = BookingState.ENDED, now
    booking.save()
    return booking


@transaction.atomic
def cancel(*, booking, by, note, now=None):
    booking = _locked(booking, BookingState.REQUESTED, BookingState.CONFIRMED)
    booking.state = BookingState.CANCELLED
    booking.decided_by, booking.decided_at, booking.decision_note = by, now or timezone.now(), note[:200]
    booking.save()
    return booking


def erase_closed(now=None):
    """The contact of the people housed, erased from stays closed KEEP_CONTACT_AFTER_CLOSING ago (daily task). Their
    dates and head counts stay: the nights offered are still counted."""
    limit = (now or timezone.now()) - KEEP_CONTACT_AFTER_CLOSING
    closed = HousingBooking.objects.filter(
        state__in=[BookingState.ENDED, BookingState.REFUSED, BookingState.CANCELLED], updated_at__lt=limit
    ).exclude(first_name="", last_name="", phone="")
    return closed.update(**PERSONAL_FIELDS)


# What flows up: capacity and nights, never a name.


def capacity_rows(places, *, group, label, today=None, days=WEEK):
    """Rows of the capacity view: per group (a commune, a department: `group` and `label` name fields of the place),
    the places, the capacity, the free places each night of the week from today, and the people housed tonight (a
    count of people: "< 5" below five). Thousands of places for the region: read as plain values, summed in SQL."""
    today = today or timezone.localdate()
    taken = occupancy(places, today, days)
    nobody = [0] * days
    rows = {}
    for pk, capacity, key, name in places.order_by().values_list("pk", "capacity", group, label):
        row = rows.setdefault(key, {"label": name, "places": 0, "capacity": 0, "free": [0] * days, "housed": 0})
        housed = taken.get(pk, nobody)
        row["places"] += 1
        row["capacity"] += capacity
        row["free"] = [free + max(capacity - n, 0) for free, n in zip(row["free"], housed, strict=True)]
        row["housed"] += min(housed[0], capacity)
    result = sorted(rows.values(), key=lambda row: row["label"])
    for row in result:
        row["housed"] = Figure(row["housed"])
        row["free_tonight"] = row["free"][0]
        row["free_week"] = min(row["free"])
    return result


# The indicators a plan action linked to places computes (core.indicators asks for them).
INDICATORS = [("nights", "Nuits d’isolement offertes"), ("people", "Personnes hébergées pour s’isoler")]


def action_indicators(linked):
    """{action id: [(label, Figure), …]} for the plan actions `linked` to places (ids; figures.action_indicators finds
    them): person-nights and people of the stays confirmed, under way or ended; computed, never typed."""
    stays = HousingBooking.objects.filter(place__plan_action__in=linked, state__in=OCCUPYING_STATES).values_list(
        "place__plan_action", "arrival", "departure", "people"
    )
    totals = {action_id: {"nights": 0, "people": 0} for action_id in linked}
    for action_id, arrival, departure, people in stays:
        totals[action_id]["nights"] += people * (departure - arrival).days
        totals[action_id]["people"] += people
    return {action_id: [(label, Figure(row[key])) for key, label in INDICATORS] for action_id, row in totals.items()}
