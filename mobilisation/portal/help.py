"""« Trouver de l'aide près de chez moi »: what serves a commune, and what the measures in force allow of it.

A service is "open under current measures" unless a restriction period in force today over the commune blocks its
modalities (catalogue.Modality, the same closed list the plans' actions use): all of them, and it is suspended; some,
and it goes on by the others only. Everything here is public information.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from mobilisation.directory.models import Organisation, OrganisationKind, Service
from mobilisation.directory.models.services import ServiceStatus
from mobilisation.plans.models import RestrictionPeriod

# The national schemes the note cites, for people who want to help.
VOLUNTEERING = [
    (
        "JeVeuxAider.gouv.fr (réserve civique)",
        "https://www.jeveuxaider.gouv.fr/",
        "la plateforme publique du bénévolat : des missions près de chez vous auprès d’associations et de services publics.",
    ),
    (
        "Service civique",
        "https://www.service-civique.gouv.fr/",
        "de 16 à 25 ans (30 ans en situation de handicap), une mission indemnisée de 6 à 12 mois.",
    ),
    (
        "Voisins solidaires",
        "https://voisinssolidaires.fr/",
        "des outils pour organiser l’entraide entre voisins de votre immeuble ou de votre rue.",
    ),
]


@dataclass
class ServiceUnderMeasures:
    service: Service
    suspended_by: list = field(default_factory=list)  # measures blocking every modality of the service
    limited_by: list = field(default_factory=list)  # measures blocking some of them
    allowed: list = field(default_factory=list)  # the modalities still allowed when limited

    @property
    def measure_labels(self):
        return ", ".join(measure.label for measure in self.suspended_by + self.limited_by)

    @property
    def state(self):
        """ "closed", "suspended", "limited" or "open": what the badge of the service says."""
        if self.service.status != ServiceStatus.OPEN:
            return "closed"
        if self.suspended_by:
            return "suspended"
        return "limited" if self.limited_by else "open"


def measures_in_force(commune, day):
    return list(
        RestrictionPeriod.objects.in_force_on(day).covering(commune).prefetch_related("blocked_modalities").order_by("start", "label")
    )


PER_PAGE = 24


def services_for(commune):
    """The services serving `commune` (not closed for good), in the order the page lists them."""
    return Service.objects.listed().serving(commune).select_related("organisation").order_by("name", "pk")


def under_measures(services, measures):
    """Each service with what the measures in force make of it (reads the services' prefetched modalities)."""
    rows = []
    for service in services:
        row = ServiceUnderMeasures(service=service)
        modalities = {modality.pk: modality for modality in service.modalities.all()}
        blocked_all = set()
        for measure in measures:
            blocked = {modality.pk for modality in measure.blocked_modalities.all()} & set(modalities)
            if not blocked:
                continue
            blocked_all |= blocked
            if blocked == set(modalities):
                row.suspended_by.append(measure)
            else:
                row.limited_by.append(measure)
        if row.limited_by and not row.suspended_by:
            row.allowed = [modality for pk, modality in modalities.items() if pk not in blocked_all]
            if not row.allowed:  # limited by several measures that together block everything
                row.suspended_by, row.limited_by = row.limited_by, []
        rows.append(row)
    return rows


def social_services_of(commune):
    """The CCAS of the commune and the CIAS of its EPCI, as the directory knows them."""
    condition = Q(kind=OrganisationKind.CCAS, communes=commune.pk)
    if commune.epci_id:
        condition |= Q(kind=OrganisationKind.CIAS, communes__epci=commune.epci_id)
    return list(Organisation.objects.filter(pk__in=Organisation.objects.filter(condition).values("pk")).order_by("kind", "name"))


def volunteering_organisations(commune):
    """Associations of the directory working in the commune: the first place to offer one's help locally."""
    return list(
        Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION, communes=commune.pk)
        .only("public_id", "name", "email", "phone", "website")
        .order_by("name")[:10]
    )


def page_data(commune, *, page=None, day=None):
    """What the page shows: the measures in force, a page of services with their state, the social services, the
    associations and the national schemes (a number of queries that does not grow with the services)."""
    from django.core.paginator import Paginator

    day = day or timezone.localdate()
    measures = measures_in_force(commune, day)
    services_page = Paginator(services_for(commune), PER_PAGE).get_page(page)
    services = list(services_page.object_list.prefetch_related("modalities"))
    return {
        "measures": measures,
        "page_obj": services_page,
        "services": under_measures(services, measures),
        "social_services": social_services_of(commune),
        "associations": volunteering_organisations(commune),
        "volunteering": VOLUNTEERING,
    }
