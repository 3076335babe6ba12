"""The hotline of the demo (DEMO=1 only): a line for the CLS of Dinan Agglomération (its number in the range ARCEP keeps
for fiction, 02 61 91 …), the FAQ the ARS validated (answers with curfew and lockdown variants), a morning of calls,
a missed call to call back. The demo operator's account is scoped to the line (accounts.demo)."""

import datetime

from django.conf import settings
from django.utils import timezone

from mobilisation.contracts.models import Cls
from mobilisation.plans.enums import RestrictionKind
from mobilisation.territories.models import Commune

from . import services
from .enums import CallerKind, FaqState, Reason, Referral, reason_bits
from .models import Call, Callback, FaqEntry, FaqVariant, Line

LINE_NAME = "Numéro vert COVID du Pays de Dinan (démonstration)"

FAQ = [
    (
        Reason.MEASURES,
        "Puis-je sortir le soir pour aider un proche âgé ?",
        "Oui : aider une personne vulnérable est toujours possible. Munissez-vous de son adresse et restez masqué chez elle.",
        "attestation déplacement",
        {
            RestrictionKind.CURFEW: "Pendant le couvre-feu, le déplacement pour assistance à une personne vulnérable est autorisé avec "
            "l’attestation de déplacement dérogatoire, case « assistance aux personnes vulnérables ».",
            RestrictionKind.LOCKDOWN: "Pendant le confinement, ce déplacement reste autorisé avec l’attestation, motif « assistance aux "
            "personnes vulnérables ». Limitez les visites au nécessaire : courses, médicaments, soins.",
        },
    ),
    (
        Reason.SYMPTOMS,
        "J’ai de la fièvre et je tousse : que faire ?",
        "Restez chez vous, portez un masque devant les autres, appelez votre médecin traitant. Appelez le 15 si vous avez du mal à respirer.",
        "symptômes médecin test",
        {},
    ),
    (
        Reason.ISOLATION,
        "Je suis cas contact : combien de temps dois-je m’isoler ?",
        "Isolez-vous et faites un test au jour indiqué par l’Assurance maladie. Si vous ne pouvez pas vous isoler chez vous, "
        "le numéro vert peut vous orienter vers un hébergement dédié.",
        "quarantaine isolement hébergement",
        {},
    ),
    (
        Reason.HELP,
        "Je ne peux plus faire mes courses : qui peut m’aider ?",
        "Les bénévoles des associations et le CCAS de votre commune peuvent faire vos courses ou vous apporter vos médicaments. "
        "Le numéro vert enregistre votre demande avec votre accord.",
        "courses portage médicaments bénévoles",
        {},
    ),
    (
        Reason.VACCINATION,
        "Où me faire vacciner près de chez moi ?",
        "Votre médecin, votre pharmacien ou un centre de vaccination. Le numéro vert vous donne les centres ouverts de votre secteur.",
        "vaccin centre rendez-vous",
        {},
    ),
]

CALLS = [
    (25, "22050", CallerKind.PERSON, [Reason.MEASURES], Referral.NONE, "Attestation expliquée."),
    (50, "22050", CallerKind.RELATIVE, [Reason.HELP], Referral.SOCIAL_SERVICES, "Orientée vers le CCAS pour des courses."),
    (80, "22113", CallerKind.PERSON, [Reason.SYMPTOMS], Referral.DOCTOR, "Conseil d’appeler le médecin traitant."),
    (110, None, CallerKind.PERSON, [Reason.VACCINATION], Referral.NONE, "Centres de vaccination donnés."),
    (140, "22050", CallerKind.PROFESSIONAL, [Reason.ISOLATION, Reason.HELP], Referral.NONE, ""),
]


def demo_line():
    """The demo line (created on first call), before the demo operator's account is scoped to it."""
    assert settings.DEMO, "the demo line is for DEMO=1 only"
    line, _ = Line.objects.get_or_create(
        name=LINE_NAME,
        defaults={"cls": Cls.objects.get(slug="dinan"), "number": "+33261910250", "hours": "Du lundi au samedi, de 9 h à 19 h"},
    )
    return line


def create_demo_hotline():
    """Idempotent: the FAQ, a morning of calls and a missed call on the demo line. Returns how many calls were created."""
    from mobilisation.accounts.models import User

    assert settings.DEMO, "the demo hotline is for DEMO=1 only"
    line = demo_line()
    validator = User.objects.filter(email__startswith="ars.region@").first()
    now = timezone.now()
    for theme, question, answer, keywords, variants in FAQ:
        entry, created = FaqEntry.objects.get_or_create(
            question=question,
            defaults={
                "theme": theme,
                "answer": answer,
                "keywords": keywords,
                "valid_from": timezone.localdate() - datetime.timedelta(days=30),
                "state": FaqState.VALIDATED,
                "validated_by": validator,
                "validated_at": now,
            },
        )
        if created:
            for kind, text in variants.items():
                FaqVariant.objects.create(entry=entry, kind=kind, answer=text)
            entry.refresh_search_text()
            FaqEntry.objects.filter(pk=entry.pk).update(search_text=entry.search_text)
    if Call.objects.filter(line=line).exists():
        return 0
    operator = User.objects.filter(memberships__line=line).first()
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))
    for minutes, code, kind, reasons, referral, answer in CALLS:
        services.log_call(
            line=line,
            operator=operator,
            call={
                "commune": Commune.objects.filter(insee_code=code).first() if code else None,
                "caller_kind": kind,
                "reasons": reason_bits(reasons),
                "answer": answer,
                "referral": referral,
                "service": None,
                "faq_entry": None,
                "duration_minutes": 4,
            },
            now=min(start + datetime.timedelta(minutes=minutes), now),
        )
    if not Callback.objects.filter(line=line).exists():
        services.record_missed(
            line=line, by=operator, phone="+33261910251", first_name="Madame Demo", note="Message : question sur le couvre-feu"
        )
    return len(CALLS)
