"""The registers of vulnerable people of the CCAS, their veille campaigns, and the contacts of past rounds.

At scale 1: 10,000 registered people across the communes that have a CCAS agent on the platform (weighted by
population), 100,000 past contacts, a running campaign per register with its current round open; ×10 at scale 10
(the issue's crisis: 100,000 people, 1,000,000 contacts). Names are invented, phones in the fiction range.
"""

import datetime

from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership, User
from mobilisation.core.text import search_key
from mobilisation.followup.enums import (
    CampaignState,
    CampaignTrigger,
    Category,
    EscalationReason,
    Need,
    Outcome,
    Provenance,
    RegistrationState,
    TaskState,
)
from mobilisation.followup.models import CallAttempt, Campaign, ContactPerson, ContactTask, Escalation, FollowedPerson, Person
from mobilisation.mutualaid.enums import HelpKind, RequestSource, Urgency
from mobilisation.mutualaid.models import AidRequest

from .accounts import PERSONAS
from .people import FIRST_NAMES, LAST_NAMES

PEOPLE = 10_000
PAST_ROUNDS = 10  # contacts per person in the campaign's history
STREETS = ("rue de l’Église", "rue du Port", "place de la Mairie", "rue de Brest", "route de Rennes", "rue des Écoles", "impasse des Lilas")
OUTCOMES = [
    (Outcome.FINE, 70),
    (Outcome.NOT_REACHED, 18),
    (Outcome.NEEDS_HELP, 6),
    (Outcome.REFUSED, 1),
    (Outcome.WRONG_NUMBER, 2),
    (Outcome.HOSPITALISED, 3),
]


def fiction_e164(ctx):
    return f"+3326191{ctx.rng.randint(0, 9999):04d}"


def build(ctx):
    registers = dict(
        Membership.objects.filter(role__in=[Role.SOCIAL_SERVICES, Role.SOCIAL_SERVICES_MANAGER], commune__isnull=False)
        .values_list("commune_id", "commune__population_municipale")
        .distinct()
    )
    if not registers:
        return
    codes = sorted(registers)
    weights = [registers[code] for code in codes]
    agents = dict(Membership.objects.filter(role=Role.SOCIAL_SERVICES, commune__in=codes).values_list("commune_id", "user_id"))
    persona_agent = User.objects.filter(email=PERSONAS["social_services"]).values_list("pk", "memberships__commune_id").first()
    volunteer = User.objects.filter(email=PERSONAS["volunteer"]).values_list("pk", flat=True).first()
    now = timezone.now()
    today = timezone.localdate()

    total = ctx.count(PEOPLE)
    chosen = ctx.rng.choices(codes, weights=weights, k=total)
    if persona_agent:  # the persona's register is never empty
        chosen[: min(200, total)] = [persona_agent[1]] * min(200, total)
    people, contacts = [], []
    for code in chosen:
        first, last = ctx.rng.choice(FIRST_NAMES), ctx.rng.choice(LAST_NAMES)
        category = ctx.weighted([(Category.AGED_65, 80), (Category.AGED_60_UNFIT, 8), (Category.DISABLED_ADULT, 12)])
        request_date = today - datetime.timedelta(days=ctx.rng.randint(10, 1500))
        person = Person(
            public_id=ctx.uuid(),
            commune_id=code,
            state=RegistrationState.REGISTERED,
            last_name=last,
            first_name=first,
            birth_date=datetime.date(ctx.rng.randint(1925, 1958), ctx.rng.randint(1, 12), ctx.rng.randint(1, 28)),
            category=category,
            address=f"{ctx.rng.randint(1, 80)} {ctx.rng.choice(STREETS)}",
            phone=fiction_e164(ctx),
            lives_alone=ctx.chance(0.45),
            request_date=request_date,
            provenance=ctx.weighted(
                [(Provenance.PERSON, 40), (Provenance.THIRD_PARTY, 25), (Provenance.DEPARTEMENT, 25), (Provenance.CARSAT, 10)]
            ),
            requester_name="",
            acknowledgement_due=request_date + datetime.timedelta(days=8),
            acknowledged_at=None if ctx.chance(0.01) else ctx.moment(request_date + datetime.timedelta(days=3)),
            search_name=search_key(f"{last} {first}"),
            created_at=now,
            updated_at=now,
        )
        if person.provenance == Provenance.THIRD_PARTY:
            person.requester_name = "Un voisin"
        people.append(person)
    ctx.insert(people)
    for person in people:
        if ctx.chance(0.6):
            name = f"{ctx.rng.choice(FIRST_NAMES)} {person.last_name}"
            contacts.append(ContactPerson(person_id=person.pk, name=name, link="enfant", phone=fiction_e164(ctx), position=1))
    ctx.insert(contacts)

    # A running campaign per register, its current round open, PAST_ROUNDS rounds of contacts behind it.
    by_commune = {}
    for person in people:
        by_commune.setdefault(person.commune_id, []).append(person)
    creator = persona_agent[0] if persona_agent else next(iter(agents.values()))
    campaigns = ctx.insert(
        [
            Campaign(
                public_id=ctx.uuid(),
                name=f"Veille de la crise – {code} ({ctx.tag})",
                commune_id=code,
                state=CampaignState.RUNNING,
                trigger=CampaignTrigger.RESTRICTION,
                starts_on=today - datetime.timedelta(days=PAST_ROUNDS),
                interval_days=1,
                script="Bonjour, c’est le CCAS. Comment allez-vous ? Avez-vous besoin de courses, de médicaments ?",
                rounds_made=PAST_ROUNDS + 1,
                next_round_on=today + datetime.timedelta(days=1),
                created_by_id=agents.get(code, creator),
                created_at=now,
                updated_at=now,
            )
            for code in sorted(by_commune)
        ]
    )
    if volunteer and persona_agent:
        persona_campaign = next(c for c in campaigns if c.commune_id == persona_agent[1])
        ctx.link(Campaign.callers.field, [(persona_campaign.pk, volunteer)])
    followed, tasks, attempts, escalations, help_requests = [], [], [], [], []
    for campaign in campaigns:
        caller = campaign.created_by_id
        for person in by_commune[campaign.commune_id]:
            followed.append(FollowedPerson(campaign_id=campaign.pk, person_id=person.pk, changed_at=now))
            for number in range(1, PAST_ROUNDS + 1):
                outcome = ctx.weighted(OUTCOMES)
                attempts.append(
                    CallAttempt(
                        task_id=None,
                        campaign_id=campaign.pk,
                        person_id=person.pk,
                        round_number=number,
                        by_id=caller,
                        at=now - datetime.timedelta(days=PAST_ROUNDS - number + 1, minutes=ctx.rng.randint(0, 400)),
                        outcome=outcome,
                        needs=[Need.SHOPPING] if outcome == Outcome.NEEDS_HELP else [],
                    )
                )
            tasks.append(
                ContactTask(
                    public_id=ctx.uuid(),
                    campaign_id=campaign.pk,
                    person_id=person.pk,
                    round_number=PAST_ROUNDS + 1,
                    state=TaskState.OPEN,
                    priority=(0 if ctx.chance(0.1) else 2) + (0 if person.lives_alone else 1),
                    due_at=now - datetime.timedelta(hours=1),
                    next_attempt_at=now - datetime.timedelta(hours=1),
                    created_at=now,
                    updated_at=now,
                )
            )
            if ctx.chance(0.02):
                escalations.append(
                    Escalation(
                        public_id=ctx.uuid(),
                        campaign_id=campaign.pk,
                        person_id=person.pk,
                        reason=EscalationReason.UNREACHED,
                        opened_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
            if ctx.chance(0.03):
                # The hand-off of a need to mutual aid (mutualaid.help_requests.from_veille): for the CCAS.
                help_requests.append(
                    AidRequest(
                        public_id=ctx.uuid(),
                        kind=HelpKind.SHOPPING,
                        urgency=Urgency.SOON,
                        wanted_from=now.date(),
                        wanted_until=now.date() + datetime.timedelta(days=2),
                        commune_id=person.commune_id,
                        first_name=person.first_name,
                        last_name=person.last_name,
                        phone=person.phone,
                        address=person.address,
                        source=RequestSource.FOLLOWUP,
                        consent_at=now,
                        followup_person_id=person.pk,
                        followup_campaign_id=campaign.pk,
                        created_by_id=caller,
                        created_at=now,
                        updated_at=now,
                    )
                )
    ctx.insert(followed)
    ctx.insert(tasks)
    # The past contacts point at a task of their round; the dataset keeps one task per person (the open one).
    task_of = {(task.campaign_id, task.person_id): task.pk for task in tasks}
    for attempt in attempts:
        attempt.task_id = task_of[(attempt.campaign_id, attempt.person_id)]
    ctx.insert(attempts)
    ctx.insert(escalations)
    ctx.insert(help_requests)
