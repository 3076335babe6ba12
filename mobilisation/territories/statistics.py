"""INSEE figures of a set of communes (a CLS's territory, an EPCI, a department), never more precise than the data.

Counts add up. Shares are recomputed from counts of the same source (the 75 and over over the census population).
The poverty rate does not add up and INSEE keeps it secret for most small communes: over several communes it is
recomputed from the rates the communes publish, weighted by the people of their fiscal households (the population
the rate is measured on, so the result is the rate of those communes taken together), and always shown with the
share of the population those communes hold. INSEE also publishes a rate per EPCI, but no such file is loaded
(data/bretagne/insee/README.md): a whole EPCI gets the same computed rate, labelled as such.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Max, Min, Q, Sum

from .enums import PublicationStatus, StatisticsRelease


@dataclass(frozen=True)
class Release:
    code: str
    label: str
    short_label: str
    vintage: int
    geography: str
    url: str  # where INSEE publishes it (Licence Ouverte / Etalab 2.0)


RELEASES = {
    StatisticsRelease.RP2022: Release(
        code=StatisticsRelease.RP2022,
        label=StatisticsRelease.RP2022.label,
        short_label="Insee, RP 2022",
        vintage=2022,
        geography="géographie au 1er janvier 2025",
        url="https://www.insee.fr/fr/statistiques/5359146",
    ),
    StatisticsRelease.RP2022_COMPLEMENTARY: Release(
        code=StatisticsRelease.RP2022_COMPLEMENTARY,
        label=StatisticsRelease.RP2022_COMPLEMENTARY.label,
        short_label="Insee, RP 2022, exploitation complémentaire",
        vintage=2022,
        geography="géographie au 1er janvier 2025",
        url="https://www.insee.fr/fr/statistiques/5359146",
    ),
    StatisticsRelease.FILOSOFI2021: Release(
        code=StatisticsRelease.FILOSOFI2021,
        label=StatisticsRelease.FILOSOFI2021.label,
        short_label="Insee, Filosofi 2021",
        vintage=2021,
        geography="géographie au 1er janvier 2024",
        url="https://www.insee.fr/fr/statistiques/7756729?sommaire=7756859",
    ),
}

AGE_BANDS = [
    ("population_0_14", "0 à 14 ans"),
    ("population_15_29", "15 à 29 ans"),
    ("population_30_44", "30 à 44 ans"),
    ("population_45_59", "45 à 59 ans"),
    ("population_60_74", "60 à 74 ans"),
    ("population_75_89", "75 à 89 ans"),
    ("population_90_plus", "90 ans ou plus"),
]


def whole(value):
    """A census count (a weighted estimate) to the nearest person or household."""
    return None if value is None else Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def percent(part, total, *, floor=False):
    """part / total in %, to one decimal (rounded half up: core.formats.number truncates), or whole when floor."""
    if part is None or not total:
        return None
    value = Decimal(part) * 100 / Decimal(total)
    return value.quantize(Decimal(1), rounding=ROUND_FLOOR) if floor else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weighted_rate(rate_times_persons, persons):
    """Σ(rate × persons) / Σ persons: the rate of the communes taken together, to one decimal like INSEE's."""
    if not persons:
        return None
    return (Decimal(rate_times_persons) / Decimal(persons)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def releases(first, last):
    """The releases of a figure across the communes: one, or two when the communes mix vintages."""
    return [RELEASES[code] for code in dict.fromkeys([first, last]) if code]


@dataclass(frozen=True)
class AgeBand:
    label: str
    count: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class PovertyRate:
    """The poverty rate of a set of communes and what it rests on."""

    rate: Decimal | None
    communes: int  # communes with Filosofi figures
    published: int  # communes publishing a rate for their whole area (those the rate is computed from)
    secret: int
    not_available: int
    partial: int  # communes nouvelles of 2025 whose published rate covers only their former chef-lieu
    coverage: Decimal | None  # share of the census population living in the communes of `published`, rounded down

    @property
    def is_published(self):
        """One commune and the rate INSEE publishes for it: shown as published, not as computed."""
        return self.communes == 1 and self.published == 1

    @property
    def is_computed(self):
        return self.rate is not None and not self.is_published

    @property
    def is_complete(self):
        return 0 < self.published == self.communes

    @property
    def unpublished(self):
        return self.communes - self.published

    @property
    def reason(self):
        """Why no rate, in French, when none can be given."""
        if self.partial and self.partial == self.communes:
            return "non publié pour la commune actuelle (Filosofi 2021 ne couvre que l’ancienne commune de même code)"
        if self.not_available and not self.secret:
            return "non disponible (Insee)"
        if self.not_available:
            return "non publié (secret statistique ou donnée non disponible)"
        return "non publié (secret statistique)"


@dataclass(frozen=True)
class TerritoryStatistics:
    communes: int
    communes_with_data: int
    population: Decimal | None
    age_bands: list
    aged_75_plus: Decimal | None
    aged_75_plus_share: Decimal | None
    households: Decimal | None
    one_person_households: Decimal | None
    poverty: PovertyRate
    census_releases: list
    one_person_households_releases: list
    filosofi_releases: list

    @property
    def available(self):
        return self.communes_with_data > 0

    @property
    def communes_without_data(self):
        return self.communes - self.communes_with_data

    @property
    def releases(self):
        return list(dict.fromkeys(self.census_releases + self.one_person_households_releases + self.filosofi_releases))


def summarize(communes) -> TerritoryStatistics:
    """The figures of a queryset of communes, in one query whatever their number."""
    from .models import Commune

    published = Q(statistics__poverty_status=PublicationStatus.PUBLISHED)
    whole_commune = published & Q(statistics__filosofi_whole_commune=True)
    sums = {name: Sum(f"statistics__{name}") for name, _ in AGE_BANDS}
    releases_of = {}
    for field in ["census_release", "one_person_households_release", "filosofi_release"]:
        releases_of[f"{field}_first"] = Min(f"statistics__{field}")
        releases_of[f"{field}_last"] = Max(f"statistics__{field}")
    row = Commune.objects.filter(pk__in=communes.values("pk")).aggregate(
        communes=Count("pk"),
        with_data=Count("statistics"),
        population=Sum("statistics__population"),
        households=Sum("statistics__households"),
        one_person_households=Sum("statistics__one_person_households"),
        poverty_published=Count("pk", filter=whole_commune),
        poverty_partial=Count("pk", filter=published & Q(statistics__filosofi_whole_commune=False)),
        poverty_secret=Count("pk", filter=Q(statistics__poverty_status=PublicationStatus.SECRET)),
        poverty_not_available=Count("pk", filter=Q(statistics__poverty_status=PublicationStatus.NOT_AVAILABLE)),
        poor_persons=Sum(
            F("statistics__poverty_rate") * F("statistics__fiscal_persons"),
            filter=whole_commune,
            output_field=DecimalField(max_digits=20, decimal_places=4),
        ),
        fiscal_persons=Sum("statistics__fiscal_persons", filter=whole_commune),
        population_with_rate=Sum("statistics__population", filter=whole_commune),
        **sums,
        **releases_of,
    )
    population = row["population"]
    aged_75_plus = None if population is None else row["population_75_89"] + row["population_90_plus"]
    published_count = row["poverty_published"]
    poverty = PovertyRate(
        rate=weighted_rate(row["poor_persons"], row["fiscal_persons"]),
        communes=row["with_data"],
        published=published_count,
        secret=row["poverty_secret"],
        not_available=row["poverty_not_available"],
        partial=row["poverty_partial"],
        coverage=Decimal(100)
        if published_count and published_count == row["with_data"]
        else percent(row["population_with_rate"] or 0, population, floor=True),
    )
    return TerritoryStatistics(
        communes=row["communes"],
        communes_with_data=row["with_data"],
        population=whole(population),
        age_bands=[AgeBand(label=label, count=whole(row[name]), share=percent(row[name], population)) for name, label in AGE_BANDS]
        if population is not None
        else [],
        aged_75_plus=whole(aged_75_plus),
        aged_75_plus_share=percent(aged_75_plus, population),
        households=whole(row["households"]),
        one_person_households=whole(row["one_person_households"]),
        poverty=poverty,
        census_releases=releases(row["census_release_first"], row["census_release_last"]),
        one_person_households_releases=releases(row["one_person_households_release_first"], row["one_person_households_release_last"]),
        filosofi_releases=releases(row["filosofi_release_first"], row["filosofi_release_last"]),
    )
