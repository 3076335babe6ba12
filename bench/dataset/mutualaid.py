"""Volunteers: each volunteer account of the run gets its validated record (some paused), and every association
has sign-ups waiting in the communes it serves, a few of them for long."""

import datetime

from mobilisation.mutualaid.enums import ALL_SLOTS, AgeBand, HelpKind, Language, Transport, VolunteerState
from mobilisation.mutualaid.models import Volunteer

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
