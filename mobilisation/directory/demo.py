"""Services of the demo organisations (DEMO=1 only): the demo association and the CCAS of Dinan, with fictitious
contacts (phones in the range reserved for fiction, e-mails in exemple.invalid), so that « Trouver de l'aide » shows
the portal at work in the Pays de Dinan."""

import datetime

from django.utils import timezone

from mobilisation.catalogue.models import Modality
from mobilisation.territories.models import Commune, Department

from .models import Organisation, OrganisationKind, Service
from .models.services import ReceptionMode, ServiceStatus

DINAN, DINAN_AGGLOMERATION = "22050", "200068989"

SERVICES = [
    {
        "name": "Courses et médicaments livrés à domicile",
        "description": "Des bénévoles font vos courses ou retirent vos médicaments à la pharmacie et vous les déposent, "
        "sans contact, pour les personnes âgées, malades ou isolées qui ne peuvent pas sortir.",
        "thematiques": ["equipement-et-alimentation--alimentation"],
        "publics": ["seniors", "personnes-en-situation-de-handicap"],
        "reception_modes": [ReceptionMode.AT_HOME, ReceptionMode.REMOTE],
        "modalities": ["distribution"],
        "mobilisation_modes": ["telephoner"],
        "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off",
        "phone": "+33261910201",
        "zone": "epci",
    },
    {
        "name": "Écoute et appels de convivialité",
        "description": "Un bénévole vous appelle chaque semaine pour prendre des nouvelles et parler un moment : contre "
        "l’isolement pendant les périodes de confinement.",
        "thematiques": ["remobilisation--lien-social"],
        "publics": ["tous-publics"],
        "reception_modes": [ReceptionMode.REMOTE],
        "modalities": ["distance"],
        "mobilisation_modes": ["telephoner", "envoyer-un-courriel"],
        "opening_hours": "Mo-Sa 10:00-18:00",
        "phone": "+33261910202",
        "zone": "epci",
    },
    {
        "name": "Permanence d’aide numérique",
        "description": "Aide pour prendre un rendez-vous de vaccination en ligne, remplir une attestation de déplacement "
        "ou utiliser une téléconsultation, sur place à l’accueil du CCAS.",
        "thematiques": ["numerique--acceder-a-des-services-en-ligne"],
        "publics": ["tous-publics"],
        "reception_modes": [ReceptionMode.IN_PERSON],
        "modalities": ["presentiel"],
        "mobilisation_modes": ["se-presenter", "telephoner"],
        "opening_hours": "Tu,Th 14:00-17:00",
        "phone": "+33261910203",
        "zone": "commune",
        "ccas": True,
        "address": "Place du Guesclin",
        "postal_code": "22100",
    },
]


def demo_ccas():
    organisation, created = Organisation.objects.get_or_create(
        name="CCAS de Dinan (démonstration)",
        defaults={
            "kind": OrganisationKind.CCAS,
            "department": Department.objects.get(code="22"),
            "phone": "02 61 91 02 00",
            "email": "ccas-dinan@exemple.invalid",
        },
    )
    if created:
        organisation.communes.set([DINAN])
    return organisation


def create_demo_services():
    """The demo services, once (their names are the key). Returns how many were created. Called by load_demo (refused
    unless DEMO is on) and by the browser tests' seed."""
    from mobilisation.accounts.demo import demo_organisation

    association, ccas = demo_organisation(), demo_ccas()
    dinan = Commune.objects.get(pk=DINAN)
    created = 0
    for spec in SERVICES:
        organisation = ccas if spec.get("ccas") else association
        if Service.objects.filter(organisation=organisation, name=spec["name"]).exists():
            continue
        service = Service.objects.create(
            organisation=organisation,
            name=spec["name"],
            description=spec["description"],
            thematiques=spec["thematiques"],
            publics=spec["publics"],
            reception_modes=spec["reception_modes"],
            mobilisation_modes=spec["mobilisation_modes"],
            opening_hours=spec["opening_hours"],
            phone=spec["phone"],
            email="contact-demo@exemple.invalid",
            commune=dinan if spec.get("address") else None,
            address=spec.get("address", ""),
            postal_code=spec.get("postal_code", ""),
            status=ServiceStatus.OPEN,
            checked_on=timezone.localdate() - datetime.timedelta(days=7),
        )
        service.modalities.set(Modality.objects.filter(code__in=spec["modalities"]))
        if spec["zone"] == "epci":
            service.zone_epcis.set([DINAN_AGGLOMERATION])
        else:
            service.zone_communes.set([DINAN])
        created += 1
    return created
