"""Volunteers of the demo (DEMO=1 only): the demo volunteer's own record, validated by the demo association, and
three sign-ups waiting at Dinan for the association or the CCAS to answer. Fictitious people: phones in the range
ARCEP keeps for fiction (02 61 91 …), e-mails in exemple.invalid."""

import datetime

from django.conf import settings
from django.utils import timezone

from mobilisation.accounts.demo import DEMO_ORGANISATION
from mobilisation.accounts.models import User
from mobilisation.directory.models import Organisation
from mobilisation.territories.models import Commune

from .enums import AgeBand, HelpKind, VolunteerState, slot_bit
from .models import Volunteer

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
