"""Volunteers and requests for help: each volunteer account of the run gets its validated record (some paused), every
association has sign-ups waiting in the communes it serves, and requests in every state, the held ones given to its
volunteers."""

import datetime

from mobilisation.mutualaid.enums import (
    ALL_SLOTS,
    AgeBand,
    BookingSource,
    BookingState,
    HelpKind,
    Language,
    RequestSource,
    RequestState,
    Transport,
    Urgency,
    VolunteerState,
)
from mobilisation.mutualaid.models import AidRequest, HousingBooking, HousingPlace, Volunteer

from .people import email_part, fiction_phone, full_name

WAITING_PER_ASSOCIATION = (2, 12)
ALL_SKILLS = (1 << len(HelpKind)) - 1


def _record(ctx, *, first, last, email, home, state, organisation_id=None, user_id=None):
    signed_up = ctx.moment(ctx.day())
    volunteer = Volunteer(
        public_id=ctx.uuid(),
        first_name=first,
        last_name=last,
        email=email,
        phone=fiction_phone(ctx),
        age_band=ctx.rng.choice(AgeBand.values),
        home_commune_id=home,
        skills=ctx.rng.randint(1, ALL_SKILLS),
        slots=ctx.rng.randint(1, ALL_SLOTS),
        languages=["fr", *ctx.pick(Language.values[1:], ctx.rng.randint(0, 2))],
        transports=ctx.pick(Transport.values, ctx.rng.randint(1, 2)),
        consent_at=signed_up,
        signed_up_at=signed_up,
        state=state,
        organisation_id=organisation_id,
        user_id=user_id,
        created_at=signed_up,
        updated_at=signed_up,
    )
    if state == VolunteerState.VALIDATED:
        volunteer.validated_at = signed_up + datetime.timedelta(days=ctx.rng.randint(0, 5))
        if ctx.chance(0.1):
            volunteer.paused_since = volunteer.validated_at + datetime.timedelta(days=3)
    return volunteer


def build(ctx):
    served = ctx.data["served"]
    volunteers, communes = [], []
    for user, organisation_pk in ctx.data.get("volunteer_accounts", []):
        codes = served.get(organisation_pk) or []
        if not codes:
            continue
        volunteers.append(
            _record(
                ctx,
                first=user.first_name,
                last=user.last_name,
                email=user.email,
                home=codes[0],
                state=VolunteerState.VALIDATED,
                organisation_id=organisation_pk,
                user_id=user.pk,
            )
        )
        communes.append(codes)
    for organisations in ctx.data["organisations"].values():
        for organisation in organisations:
            if organisation.kind != "association":
                continue
            codes = served[organisation.pk]
            for _ in range(ctx.rng.randint(*WAITING_PER_ASSOCIATION)):
                first, last = full_name(ctx)
                email = f"{email_part(first)}.{email_part(last)}.{ctx.tag}.{len(volunteers) + 1}@exemple.invalid"
                volunteers.append(_record(ctx, first=first, last=last, email=email, home=codes[0], state=VolunteerState.PENDING))
                communes.append(codes)
    volunteers = ctx.insert(volunteers)
    ctx.link(Volunteer.communes.field, [(v.pk, code) for v, codes in zip(volunteers, communes, strict=True) for code in codes])
    by_organisation = {}
    for volunteer in volunteers:
        if volunteer.state == VolunteerState.VALIDATED:
            by_organisation.setdefault(volunteer.organisation_id, []).append(volunteer)
    build_requests(ctx, by_organisation)
    build_housing(ctx)


REQUESTS_PER_ASSOCIATION = (5, 25)
STATE_WEIGHTS = [
    (RequestState.NEW, 2),
    (RequestState.QUALIFIED, 3),
    (RequestState.ASSIGNED, 2),
    (RequestState.UNDER_WAY, 1),
    (RequestState.DONE, 10),
    (RequestState.CANCELLED, 1),
]


def build_requests(ctx, volunteers_by_organisation):
    """Requests for help at every association's communes, in every state; the held ones given to its volunteers."""
    requests = []
    for organisations in ctx.data["organisations"].values():
        for organisation in organisations:
            if organisation.kind != "association":
                continue
            codes = ctx.data["served"][organisation.pk]
            own = volunteers_by_organisation.get(organisation.pk, [])
            for index in range(ctx.rng.randint(*REQUESTS_PER_ASSOCIATION)):
                # Each association has one to fill at least: the matching page the benchmark opens.
                state = RequestState.QUALIFIED if index == 0 else ctx.weighted(STATE_WEIGHTS)
                if state in (RequestState.ASSIGNED, RequestState.UNDER_WAY, RequestState.DONE) and not own:
                    state = RequestState.QUALIFIED
                day = ctx.day()
                created = ctx.moment(day)
                first, last = full_name(ctx)
                urgency = ctx.rng.choice(Urgency.values)
                request = AidRequest(
                    public_id=ctx.uuid(),
                    kind=ctx.rng.choice(HelpKind.values),
                    urgency=urgency,
                    wanted_from=day,
                    wanted_until=day + datetime.timedelta(days=ctx.rng.randint(0, 7)),
                    periods=ctx.rng.randint(0, 7),
                    commune_id=ctx.rng.choice(codes),
                    first_name=first,
                    last_name=last,
                    phone=fiction_phone(ctx),
                    address=f"{ctx.rng.randint(1, 80)} rue de l’Église",
                    source=ctx.rng.choice(RequestSource.values),
                    consent_at=created,
                    state=state,
                    organisation_id=None if state == RequestState.NEW else organisation.pk,
                    created_at=created,
                    updated_at=created,
                )
                if state in (RequestState.ASSIGNED, RequestState.UNDER_WAY, RequestState.DONE):
                    request.volunteer_id = ctx.rng.choice(own).pk
                    request.assigned_at = created + datetime.timedelta(hours=2)
                    request.act_by = request.assigned_at + datetime.timedelta(hours=12)
                if state == RequestState.DONE:
                    request.done_at = request.assigned_at + datetime.timedelta(hours=20)
                    request.fulfilment = "partielle" if ctx.chance(0.1) else "complete"
                    request.delivery_note = "Aide apportée."
                requests.append(request)
    ctx.insert(requests)


PLACES_PER_ASSOCIATION = (0, 3)
STAYS_PER_PLACE = (5, 30)
STAY_WEIGHTS = [
    (BookingState.REQUESTED, 2),
    (BookingState.CONFIRMED, 3),
    (BookingState.ARRIVED, 3),
    (BookingState.ENDED, 8),
    (BookingState.REFUSED, 1),
    (BookingState.CANCELLED, 1),
]


def build_housing(ctx):
    """Isolation places of the associations (two to twelve people each) and stays around today in every state: the
    week the capacity view and the places page count."""
    today = datetime.date.today()
    places = []
    for organisations in ctx.data["organisations"].values():
        for organisation in organisations:
            if organisation.kind != "association":
                continue
            codes = ctx.data["served"][organisation.pk]
            for index in range(ctx.rng.randint(*PLACES_PER_ASSOCIATION)):
                places.append(
                    HousingPlace(
                        public_id=ctx.uuid(),
                        organisation_id=organisation.pk,
                        name=f"Hébergement {index + 1} – {organisation.name}"[:150],
                        kind=ctx.rng.choice(["logement", "gite", "hotel", "residence"]),
                        commune_id=ctx.rng.choice(codes),
                        address=f"{ctx.rng.randint(1, 80)} rue du Port",
                        capacity=ctx.rng.randint(2, 12),
                        accessible=ctx.chance(0.4),
                        conditions="Linge fourni, repas livrés.",
                    )
                )
    places = ctx.insert(places)
    stays = []
    for place in places:
        for _ in range(ctx.rng.randint(*STAYS_PER_PLACE)):
            state = ctx.weighted(STAY_WEIGHTS)
            arrival = today + datetime.timedelta(days=ctx.rng.randint(-40 if state == BookingState.ENDED else -6, 10))
            first, last = full_name(ctx)
            created = ctx.moment(arrival - datetime.timedelta(days=1))
            stays.append(
                HousingBooking(
                    public_id=ctx.uuid(),
                    place_id=place.pk,
                    arrival=arrival,
                    departure=arrival + datetime.timedelta(days=ctx.rng.randint(2, 14)),
                    people=ctx.rng.randint(1, min(3, place.capacity)),
                    first_name=first,
                    last_name=last,
                    phone=fiction_phone(ctx),
                    source=ctx.rng.choice(BookingSource.values),
                    consent_at=created,
                    state=state,
                    created_at=created,
                    updated_at=created,
                )
            )
    ctx.insert(stays)
