"""Volunteers and requests for help of the demo (DEMO=1 only): the demo volunteer's own record, validated by the demo
association, three sign-ups waiting at Dinan for the association or the CCAS to answer, and three requests at Dinan
(one to qualify, two for the association's volunteers to take). Fictitious people: phones in the range
ARCEP keeps for fiction (02 61 91 …), e-mails in exemple.invalid."""

import datetime

from django.conf import settings
from django.utils import timezone

from mobilisation.accounts.demo import DEMO_ORGANISATION
from mobilisation.accounts.models import User
from mobilisation.directory.models import Organisation
from mobilisation.territories.models import Commune

from . import help_requests
from .enums import AgeBand, HelpKind, RequestSource, RequestState, VolunteerState, slot_bit
from .forms import URGENCY_DAYS
from .models import AidRequest, Volunteer

DINAN = "22050"
WEEKDAY_AFTERNOONS = sum(slot_bit(day, 1) for day in range(5))
WEEKENDS = sum(slot_bit(day, period) for day in (5, 6) for period in (0, 1))

WAITING = [
    ("Yann", "Le Gall", "yann.legall", "18-29", [HelpKind.SHOPPING, HelpKind.DIGITAL], WEEKDAY_AFTERNOONS | slot_bit(2, 2), ["voiture"], 3),
    ("Soizic", "Morvan", "soizic.morvan", "50-64", [HelpKind.MEALS, HelpKind.SOCIAL_CONTACT], WEEKENDS, ["pied", "velo"], 5),
    ("Ahmed", "Benali", "ahmed.benali", "30-49", [HelpKind.TRANSPORT, HelpKind.MEDICINE], slot_bit(5, 0) | slot_bit(6, 0), ["voiture"], 1),
]


def _communes(*codes):
    return list(Commune.objects.filter(insee_code__in=codes))


def create_demo_volunteers():
    """Idempotent: returns how many volunteer records were created."""
    assert settings.DEMO, "demo volunteers are for DEMO=1 only"
    now = timezone.now()
    dinan = Commune.objects.get(insee_code=DINAN)
    nearby = [c.pk for c in Commune.objects.filter(epci=dinan.epci_id).order_by("name")[:4]] + [DINAN]
    created = 0
    for index, (first, last, address, age, skills, slots, transports, days_ago) in enumerate(WAITING):
        email = f"{address}@exemple.invalid"
        if Volunteer.objects.filter(email=email).exists():
            continue
        volunteer = Volunteer(
            first_name=first,
            last_name=last,
            email=email,
            phone=f"+33261910{800 + index:03d}",
            age_band=age,
            home_commune=dinan,
            slots=slots,
            transports=transports,
            languages=["fr"] if index != 2 else ["fr", "ar"],
            consent_at=now - datetime.timedelta(days=days_ago),
            signed_up_at=now - datetime.timedelta(days=days_ago),
        )
        volunteer.skill_list = skills
        volunteer.save()
        volunteer.communes.set(nearby)
        created += 1
    user = User.objects.filter(email__startswith="benevole@").first()
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    if user is not None and organisation is not None and not Volunteer.objects.filter(user=user).exists():
        volunteer = Volunteer(
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            phone="+33261910810",
            age_band=AgeBand.ADULT,
            home_commune=dinan,
            slots=WEEKDAY_AFTERNOONS,
            transports=["velo"],
            languages=["fr", "br"],
            consent_at=now - datetime.timedelta(days=30),
            signed_up_at=now - datetime.timedelta(days=30),
            state=VolunteerState.VALIDATED,
            organisation=organisation,
            validated_at=now - datetime.timedelta(days=28),
            user=user,
        )
        volunteer.skill_list = [HelpKind.SOCIAL_CONTACT, HelpKind.SHOPPING]
        volunteer.save()
        volunteer.communes.set(nearby)
        created += 1
    return created


REQUESTS = [
    # kind, urgency, first name, last name, address, state, details
    (HelpKind.SHOPPING, "48h", "Marie", "Jaouen", "3 rue de la Poissonnerie", RequestState.NEW, "Pain, lait, fruits de saison."),
    (
        HelpKind.MEDICINE,
        "aujourdhui",
        "Jean",
        "Le Bihan",
        "12 place des Cordeliers",
        RequestState.QUALIFIED,
        "Ordonnance à la pharmacie du centre.",
    ),
    (HelpKind.SOCIAL_CONTACT, "semaine", "Anne", "Guillou", "5 rue du Jerzual", RequestState.QUALIFIED, "Un appel en fin d’après-midi."),
]


def create_demo_requests():
    """Idempotent: three requests at Dinan, one new (to qualify), two to fill by the demo association's volunteers."""
    assert settings.DEMO, "demo requests are for DEMO=1 only"
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    today = timezone.localdate()
    created = 0
    for index, (kind, urgency, first, last, address, state, details) in enumerate(REQUESTS):
        if AidRequest.objects.filter(first_name=first, last_name=last, commune=DINAN).exists():
            continue
        request = help_requests.receive(
            data={
                "kind": kind,
                "urgency": urgency,
                "details": details,
                "wanted_from": today,
                "wanted_until": today + datetime.timedelta(days=URGENCY_DAYS[urgency]),
                "first_name": first,
                "last_name": last,
                "phone": f"+33261910{820 + index:03d}",
                "address": address,
            },
            commune=Commune.objects.get(insee_code=DINAN),
            source=RequestSource.PORTAL,
        )
        if state == RequestState.QUALIFIED and organisation is not None:
            help_requests.qualify(
                request=request,
                organisation=organisation,
                by=None,
                urgency=urgency,
                wanted_from=request.wanted_from,
                wanted_until=request.wanted_until,
                periods=0,
                details=details,
            )
        created += 1
    return created


PLACES = [
    (
        "Gîte d’étape du Jerzual",
        "gite",
        "12 rue du Jerzual",
        4,
        True,
        "Deux chambres, cuisine équipée. Repas livrés par les bénévoles sur demande. Animaux non admis.",
    ),
    (
        "Résidence des Tilleuls – studios d’isolement",
        "residence",
        "5 avenue des Tilleuls",
        6,
        False,
        "Studios meublés, linge fourni. Séjour de 14 nuits au plus.",
    ),
]
STAYS = [
    (0, "Nolwenn", "Le Bihan", 1, 0, 7, "demandee"),
    (1, "Erwan", "Cadiou", 2, -2, 5, "arrivee"),
]


def create_demo_housing():
    """Idempotent: the demo association's two isolation places at Dinan, one stay under way, one request to answer."""
    from mobilisation.plans.models import PlannedAction

    from . import housing
    from .enums import BookingSource
    from .models import HousingBooking, HousingPlace

    assert settings.DEMO, "demo housing is for DEMO=1 only"
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    if organisation is None:
        return 0
    action = PlannedAction.objects.filter(plan__cls__communes=DINAN).order_by("pk").first()
    places = []
    for name, kind, address, capacity, accessible, conditions in PLACES:
        place, _ = HousingPlace.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "kind": kind,
                "commune_id": DINAN,
                "address": address,
                "capacity": capacity,
                "accessible": accessible,
                "conditions": conditions,
                "phone": "+33261910900",
                "plan_action": action,
            },
        )
        places.append(place)
    today = timezone.localdate()
    created = 0
    for index, (place_index, first, last, people, start, nights, state) in enumerate(STAYS):
        if HousingBooking.objects.filter(first_name=first, last_name=last).exists():
            continue
        booking = housing.request_stay(
            place=places[place_index],
            data={
                "arrival": today + datetime.timedelta(days=start),
                "departure": today + datetime.timedelta(days=start + nights),
                "people": people,
                "first_name": first,
                "last_name": last,
                "phone": f"+33261910{910 + index:03d}",
                "email": f"{first.lower()}.{last.lower().replace(' ', '')}@exemple.invalid",
            },
            source=BookingSource.PORTAL,
        )
        if state == "arrivee":
            booking.created_at = booking.created_at - datetime.timedelta(days=3)
            housing.confirm(booking=booking, by=None)
            housing.arrive(booking=booking, by=None)
        created += 1
    return created
