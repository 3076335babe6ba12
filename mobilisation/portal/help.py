"""« Trouver de l'aide près de chez moi »: what serves a commune (its services, under the measures in force:
directory.measures), its CCAS or CIAS, its associations, the national volunteering schemes. All public information.
"""

from django.db.models import Q
from django.utils import timezone

from mobilisation.directory.measures import measures_in_force, under_measures
from mobilisation.directory.models import Organisation, OrganisationKind, Service

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


PER_PAGE = 24


def services_for(commune):
    """The services serving `commune` (not closed for good), in the order the page lists them."""
    return Service.objects.listed().serving(commune).select_related("organisation").order_by("name", "pk")


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
