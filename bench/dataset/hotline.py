"""The numéro vert: a line per CLS with its operators, the FAQ the ARS validated (with variants), the calls of the
crisis (and of today, for the persona's line: the call log shows the day's), the callbacks waiting."""

import datetime

from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.core.text import search_key
from mobilisation.hotline.enums import REASON_BITS, CallbackOrigin, CallbackState, CallerKind, FaqState, Reason, Referral
from mobilisation.hotline.models import Call, Callback, FaqEntry, FaqVariant, Line
from mobilisation.plans.enums import RestrictionKind

from .accounts import PERSONAS, Accounts
from .people import fiction_phone, full_name

OPERATORS_PER_LINE = (2, 6)
# A line's volumes (per_line) are those of a real line from scale 1 up (the scale multiplies the CLS, hence the lines):
# scaled per line as well, they grew with the square of the scale (6.8 million calls at scale 10, 12 minutes to write).
CALLS_PER_LINE = 2000  # over the crisis
CALLS_TODAY = 150  # on the persona's line
FAQ_ENTRIES = 300  # the region's FAQ, scaled with the number of territories
CALLBACKS_WAITING_PER_LINE = 40
REFERRAL_WEIGHTS = [(Referral.NONE, 12), (Referral.SOCIAL_SERVICES, 3), (Referral.DOCTOR, 3), (Referral.EMERGENCY, 1), (Referral.OTHER, 1)]
KIND_WEIGHTS = [
    (CallerKind.PERSON, 10),
    (CallerKind.RELATIVE, 5),
    (CallerKind.PROFESSIONAL, 2),
    (CallerKind.TOWN_HALL, 1),
    (CallerKind.OTHER, 1),
]


SUBJECTS = (
    "sortir le soir",
    "rendre visite à un proche",
    "faire un test",
    "m’isoler",
    "me faire vacciner",
    "aller au marché",
    "prendre le bus",
    "faire garder mes enfants",
    "recevoir des courses",
    "aller chez le médecin",
    "travailler",
    "voyager dans le département",
    "porter un masque dehors",
    "aller à la pharmacie",
    "voir mes petits-enfants",
)
ASKS = ("Puis-je", "Comment", "Faut-il une attestation pour", "Qui peut m’aider à", "Où")
ANSWERS = (
    "Oui, avec l’attestation de déplacement dérogatoire.",
    "Appelez votre médecin traitant, ou le 15 en cas d’urgence.",
    "Les bénévoles de votre commune peuvent s’en charger : le numéro vert enregistre votre demande.",
    "Les horaires changent avec les mesures en vigueur : vérifiez la page de votre commune.",
    "Le CCAS de votre commune vous oriente.",
    "Portez un masque et gardez vos distances.",
    "Les centres de vaccination du secteur prennent rendez-vous en ligne et par téléphone.",
)


def per_line(ctx, base):
    """A volume of one line: `base` from scale 1 up, smaller below (the small datasets of tests and CI)."""
    return min(base, ctx.count(base))


def sentence(ctx):
    return ctx.rng.choice(ANSWERS)


def question(ctx):
    return f"{ctx.rng.choice(ASKS)} {ctx.rng.choice(SUBJECTS)}"


def _reasons(ctx):
    bits = 0
    for _ in range(ctx.weighted([(1, 8), (2, 3), (3, 1)])):
        bits |= REASON_BITS[ctx.rng.choice(list(Reason))]
    return bits


def build(ctx):
    contracts = ctx.data["contracts"]
    now = timezone.now()
    lines = ctx.insert(
        [
            Line(
                public_id=ctx.uuid(),
                name=f"Numéro vert de {cls.name}",
                cls_id=cls.pk,
                number=f"+3326191{ctx.rng.randint(0, 9999):04d}",
                hours="Du lundi au samedi, de 9 h à 19 h",
                created_at=now,
                updated_at=now,
            )
            for cls in contracts
        ]
    )
    accounts = Accounts(ctx)
    operators = {}
    for line in lines:
        operators[line.pk] = [accounts.add(Role.HOTLINE_OPERATOR, line_id=line.pk) for _ in range(ctx.rng.randint(*OPERATORS_PER_LINE))]
    persona_cls = ctx.data.get("persona_cls")
    persona_line = next((line for line in lines if persona_cls is not None and line.cls_id == persona_cls.pk), None)
    if persona_line is not None:
        operators[persona_line.pk].append(accounts.add(Role.HOTLINE_OPERATOR, email=PERSONAS["operator"], line_id=persona_line.pk))
    accounts.save()

    entries, variants = [], []
    for index in range(ctx.count(FAQ_ENTRIES) if not FaqEntry.objects.exists() else 0):
        asked, answer = question(ctx) + " ?", " ".join(sentence(ctx) for _ in range(3))
        valid_from = ctx.day()
        entry = FaqEntry(
            public_id=ctx.uuid(),
            question=f"{asked} ({index + 1})",
            answer=answer,
            theme=ctx.rng.choice(Reason.values),
            valid_from=valid_from,
            valid_until=None if ctx.chance(0.8) else valid_from + datetime.timedelta(days=60),
            state=FaqState.VALIDATED if ctx.chance(0.9) else FaqState.PROPOSED,
            validated_at=ctx.moment(valid_from),
            search_text=search_key(f"{asked} {answer}"),
            created_at=now,
            updated_at=now,
        )
        entries.append(entry)
        if ctx.chance(0.3):
            variants.append((entry, RestrictionKind.CURFEW, sentence(ctx)))
        if ctx.chance(0.2):
            variants.append((entry, RestrictionKind.LOCKDOWN, sentence(ctx)))
    ctx.insert(entries)
    ctx.insert([FaqVariant(entry_id=entry.pk, kind=kind, answer=text) for entry, kind, text in variants])
    faq_ids = [entry.pk for entry in entries if entry.state == FaqState.VALIDATED] or [None]

    calls, callbacks = [], []
    for line in lines:
        codes = [code for code, *_ in ctx.data["communes"].get(line.cls_id, [])] or [None]
        staff = operators[line.pk]
        moments = [ctx.moment(ctx.day()) for _ in range(per_line(ctx, CALLS_PER_LINE))]
        if line is persona_line:
            today = timezone.localdate()
            moments += [ctx.moment(today) for _ in range(per_line(ctx, CALLS_TODAY))]
        for at in moments:
            calls.append(
                Call(
                    line_id=line.pk,
                    operator_id=ctx.rng.choice(staff).pk,
                    at=min(at, now),
                    commune_id=ctx.rng.choice(codes) if ctx.chance(0.85) else None,
                    caller_kind=ctx.weighted(KIND_WEIGHTS),
                    reasons=_reasons(ctx),
                    faq_entry_id=ctx.rng.choice(faq_ids) if ctx.chance(0.5) else None,
                    answer=sentence(ctx) if ctx.chance(0.6) else "",
                    referral=ctx.weighted(REFERRAL_WEIGHTS),
                    duration_minutes=ctx.rng.randint(1, 20),
                )
            )
        for index in range(per_line(ctx, CALLBACKS_WAITING_PER_LINE) * 3):
            first, _last = full_name(ctx)
            waiting = index % 3 == 0
            created = ctx.moment(ctx.day())
            callbacks.append(
                Callback(
                    public_id=ctx.uuid(),
                    line_id=line.pk,
                    origin=ctx.rng.choice(CallbackOrigin.values),
                    phone=fiction_phone(ctx) if waiting else "",
                    first_name=first if waiting else "",
                    due_at=now - datetime.timedelta(minutes=ctx.rng.randint(0, 600)) if waiting else created,
                    state=CallbackState.OPEN if waiting else CallbackState.DONE,
                    attempts=ctx.rng.randint(0, 2),
                    closed_at=None if waiting else created,
                    created_at=created,
                    updated_at=created,
                )
            )
    ctx.insert(calls)
    ctx.insert(callbacks)
