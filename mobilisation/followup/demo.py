"""Fictitious people in the register of Dinan's CCAS, for the demo only (DEMO=1): names made up, phone numbers in
the range the ARCEP reserves for fiction (02 61 91 xx xx), no reason without a consent."""

import datetime
import random

from django.conf import settings
from django.utils import timezone

from mobilisation.territories.models import Commune

from .enums import Category, ConsentChannel, ConsentGiver, Provenance, RegistrationState
from .models import ContactPerson, Person

DEMO_COMMUNE = "22050"  # Dinan
LAST_NAMES = [
    "Le Goff",
    "Le Gall",
    "Guillou",
    "Le Roux",
    "Morvan",
    "Tanguy",
    "Le Bihan",
    "Kerleau",
    "Jégou",
    "Riou",
    "Hamon",
    "Le Floch",
    "Quéméner",
    "Cadiou",
    "Le Corre",
    "Prigent",
    "Daniel",
    "Le Meur",
    "Stéphan",
    "Nicolas",
]
FIRST_NAMES = [
    "Anne",
    "Yvonne",
    "Marie",
    "Jeanne",
    "Louise",
    "Marcel",
    "Jean",
    "Pierre",
    "Yves",
    "Hervé",
    "Germaine",
    "Odette",
    "Francis",
    "Joseph",
    "Simone",
    "René",
    "Paulette",
    "Lucien",
    "Denise",
    "Roger",
]
STREETS = ["rue de la Ferronnerie", "rue du Jerzual", "place Du Guesclin", "rue de l’Horloge", "rue de Léhon", "rue Chateaubriand"]
REASONS = ["Insuffisance respiratoire, oxygène à domicile", "Troubles de la mémoire", "Mobilité réduite après une chute"]
DEMO_PEOPLE = 36


def fiction_phone(n):
    return f"+33261910{n:03d}"


def create_demo_people():
    """Idempotent: the register of the demo commune is filled once. Returns how many people were created."""
    assert settings.DEMO, "demo people are for DEMO=1 only"
    commune = Commune.objects.get(insee_code=DEMO_COMMUNE)
    if Person.objects.filter(commune=commune).exists():
        return 0
    rng = random.Random(22050)  # the same people at every install
    today = timezone.localdate()
    created = 0
    for n in range(DEMO_PEOPLE):
        category = Category.AGED_65 if n % 6 else (Category.DISABLED_ADULT if n % 12 else Category.AGED_60_UNFIT)
        age = rng.randint(66, 97) if category == Category.AGED_65 else rng.randint(45, 64)
        provenance = [Provenance.PERSON, Provenance.THIRD_PARTY, Provenance.DEPARTEMENT, Provenance.CARSAT, Provenance.REPRESENTATIVE][
            n % 5
        ]
        request_date = today - datetime.timedelta(days=rng.randint(1, 400) if n > 3 else n + 2)
        person = Person(
            commune=commune,
            state=RegistrationState.REGISTERED,
            last_name=LAST_NAMES[n % len(LAST_NAMES)],
            first_name=FIRST_NAMES[(n * 7 + n // len(LAST_NAMES) * 3) % len(FIRST_NAMES)],
            birth_date=today.replace(year=today.year - age, day=1) - datetime.timedelta(days=rng.randint(0, 300)),
            category=category,
            address=f"{rng.randint(1, 60)} {STREETS[n % len(STREETS)]}",
            phone=fiction_phone(n),
            lives_alone=n % 3 != 0,
            home_care_service="Service d’aide à domicile de Dinan" if n % 4 == 0 else "",
            home_care_phone=fiction_phone(900) if n % 4 == 0 else "",
            request_date=request_date,
            provenance=provenance,
            requester_name="Famille (demande par téléphone)" if Provenance(provenance).names_requester else "",
            acknowledgement_due=Person.acknowledgement_due_for(request_date),
            acknowledged_at=None if n <= 3 else timezone.now() - datetime.timedelta(days=rng.randint(1, 300)),
        )
        if n % 7 == 0:
            person.reason = REASONS[n % len(REASONS)]
            person.reason_consent_by = ConsentGiver.PERSON
            person.reason_consent_channel = ConsentChannel.WRITTEN
            person.reason_consent_at = request_date
        person.save()
        if n % 2 == 0:
            ContactPerson.objects.create(
                person=person, name=f"{FIRST_NAMES[(n + 3) % 20]} {person.last_name}", link="enfant", phone=fiction_phone(500 + n)
            )
        created += 1
    return created


def create_demo_campaign():
    """A running veille over the demo register, a few calls already made: the module seen at work. Idempotent."""
    from mobilisation.accounts.models import User

    from . import services
    from .enums import CampaignTrigger, Need, Outcome
    from .models import Campaign

    if Campaign.objects.filter(commune_id=DEMO_COMMUNE).exists():
        return None
    agent = User.objects.get(email="ccas.dinan@demo.mobilisation-cls.fr")
    campaign = Campaign.objects.create(
        name="Veille grand froid (démonstration)",
        commune_id=DEMO_COMMUNE,
        trigger=CampaignTrigger.HEATWAVE,
        starts_on=timezone.localdate(),
        max_attempts=3,
        retry_minutes=30,
        script="Bonjour, je vous appelle de la part du CCAS de Dinan. Comment allez-vous ? Avez-vous assez chaud chez vous ? "
        "Avez-vous besoin de courses, de médicaments, d’une visite ?",
        created_by=agent,
    )
    campaign.callers.set(User.objects.filter(email="benevole@demo.mobilisation-cls.fr"))
    services.start_campaign(campaign=campaign, by=agent)
    tasks = list(campaign.tasks.open().in_calling_order()[:6])
    outcomes = [
        (Outcome.FINE, []),
        (Outcome.FINE, []),
        (Outcome.NEEDS_HELP, [Need.SHOPPING]),
        (Outcome.NOT_REACHED, []),
        (Outcome.FINE, []),
    ]
    for task, (outcome, needs) in zip(tasks, outcomes, strict=False):
        services.record_outcome(task=task, outcome=outcome, needs=needs, by=agent)
    return campaign
