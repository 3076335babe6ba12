"""Brittany's territories keyed by their official codes: region, departments, EPCI, communes, ARS offices."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from mobilisation.core.text import search_key

from .enums import ArsOfficeKind, BoundaryLevel, EpciKind, PublicationStatus, StatisticsRelease


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Reference territories are public data (INSEE, DGCL): everyone may read them.
        return self.all()


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=2, primary_key=True)
    name = models.CharField("nom", max_length=100)
    chef_lieu_code = models.CharField("code INSEE du chef-lieu", max_length=5)
    population_municipale = models.PositiveIntegerField("population municipale")
    population_totale = models.PositiveIntegerField("population totale")

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "région"

    def __str__(self):
        return self.name


class DepartmentQuerySet(TerritoryQuerySet):
    def choice_among(self, communes, code):
        """The departments of `communes` (a page's department chooser) and the code asked for if it is one of them,
        else "": a code out of scope is ignored, never an error."""
        departments = list(self.filter(communes__in=communes).distinct().order_by("code"))
        code = (code or "")[:3]
        return departments, code if code in {department.code for department in departments} else ""


class Department(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région")
    chef_lieu_code = models.CharField("code INSEE du chef-lieu", max_length=5)
    chef_lieu_name = models.CharField("chef-lieu", max_length=100)
    population_municipale = models.PositiveIntegerField("population municipale")
    population_totale = models.PositiveIntegerField("population totale")

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("territories:department", args=[self.code])


class EpciQuerySet(TerritoryQuerySet):
    def present_in(self, department):
        return self.filter(communes__department=department).distinct()

    def search(self, query):
        key = search_key(query)
        return self.filter(search_name__contains=key) if key else self.none()


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature juridique", max_length=5, choices=EpciKind.choices)
    financing = models.CharField("régime fiscal", max_length=5)
    seat_department_code = models.CharField("département du siège", max_length=3)
    seat_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seated_epcis",
        verbose_name="département du siège (en Bretagne)",
        help_text="Vide quand le siège est hors de Bretagne (CAP Atlantique).",
    )
    department_codes = models.CharField("départements des communes membres", max_length=30)
    communes_count = models.PositiveIntegerField("nombre de communes")
    communes_count_brittany = models.PositiveIntegerField("nombre de communes en Bretagne")
    population_municipale = models.PositiveIntegerField("population municipale (toutes communes)")
    population_totale = models.PositiveIntegerField("population totale (toutes communes)")
    population_municipale_brittany = models.PositiveIntegerField("population municipale en Bretagne")
    search_name = models.CharField(max_length=200, editable=False, db_index=True)

    objects = EpciQuerySet.as_manager()

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:epci", args=[self.siren])

    @property
    def seat_in_brittany(self):
        return self.seat_department_id is not None

    @property
    def straddles_region(self):
        return self.communes_count_brittany < self.communes_count

    @property
    def communes_outside_brittany(self):
        return self.communes_count - self.communes_count_brittany

    @property
    def departments_outside_brittany(self):
        breton = set(Department.objects.values_list("code", flat=True)) if self.straddles_region else set()
        return sorted(code for code in self.department_codes.split("|") if code and code not in breton)


class CommuneQuerySet(TerritoryQuerySet):
    def search(self, query):
        """Communes whose name contains the query (accents ignored) or whose postcode starts with it."""
        query = (query or "").strip()
        if query.isdigit():
            if len(query) == 5:
                return self.filter(Q(postal_codes__contains=query) | Q(insee_code=query))
            return self.filter(postal_codes__contains=query) if len(query) >= 2 else self.none()
        key = search_key(query)
        if not key:
            return self.none()
        return self.filter(Q(search_name__contains=key) | Q(former_communes__search_name__contains=key)).distinct()

    def outside_epci(self):
        return self.filter(epci__isnull=True)

    def aggregated_for(self, user):
        """The communes whose aggregates (counts, never names) `user` reads: the whole region for the ARS region, a
        delegation's departments, the communes of the user's CLS."""
        from mobilisation.accounts.enums import ARS_ROLES, CLS_ROLES

        scope = user.scope
        if user.is_superuser or scope.whole_region:
            return self.all()
        condition = Q(pk__in=[])
        if scope.department_codes and user.has_role(*ARS_ROLES):
            condition |= Q(department__in=scope.department_codes)
        cls_ids = scope.cls_ids_for(*CLS_ROLES)
        if cls_ids:
            condition |= Q(contracts__in=cls_ids)
        return self.filter(condition).distinct()

    def statistics(self):
        """The INSEE figures of these communes taken together (territories.statistics), in one query."""
        from .statistics import summarize

        return summarize(self)


def aggregates_key(user):
    """What `Commune.objects.aggregated_for(user)` depends on, as a cache key part (figures cached per scope): the
    same parts as that rule, no more."""
    from mobilisation.accounts.enums import ARS_ROLES, CLS_ROLES

    scope = user.scope
    if user.is_superuser or scope.whole_region:
        return "region"
    departments = sorted(scope.department_codes) if user.has_role(*ARS_ROLES) else []
    return "d{}-c{}".format(",".join(departments), ",".join(map(str, sorted(scope.cls_ids_for(*CLS_ROLES)))))


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes", verbose_name="département")
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name="EPCI",
        help_text="Vide pour les trois îles qui n’appartiennent à aucun EPCI.",
    )
    arrondissement_code = models.CharField("arrondissement", max_length=4)
    siren = models.CharField("SIREN de la commune", max_length=9)
    population_municipale = models.PositiveIntegerField("population municipale")
    population_totale = models.PositiveIntegerField("population totale")
    postal_codes = models.CharField("codes postaux", max_length=60, help_text="Séparés par « | ».")
    latitude = models.DecimalField("latitude du centre", max_digits=8, decimal_places=5)
    longitude = models.DecimalField("longitude du centre", max_digits=8, decimal_places=5)
    former_codes = models.CharField("anciens codes INSEE", max_length=200, blank=True)
    search_name = models.CharField(max_length=100, editable=False, db_index=True)
    # Communes sharing a border, found in the boundaries (loaders.neighbours): where a volunteer of the next village
    # can help. Islands have none.
    neighbours = models.ManyToManyField("self", symmetrical=True, blank=True, verbose_name="communes limitrophes")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"

    def get_absolute_url(self):
        return reverse("territories:commune", args=[self.insee_code])

    @property
    def postal_code_list(self):
        return [code for code in self.postal_codes.split("|") if code]


def census_count(label):
    return models.DecimalField(label, max_digits=13, decimal_places=6)


class CommuneStatistics(models.Model):
    """INSEE figures of one commune for the territorial diagnosis; each group of figures names its release.

    Census counts are weighted estimates (not whole numbers), kept as published. A Filosofi figure INSEE does not
    publish (statistical secrecy, "nd") has its status and no value: it is never stored as 0.
    """

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, primary_key=True, related_name="statistics", verbose_name="commune")
    census_release = models.CharField("source de la population et des ménages", max_length=30, choices=StatisticsRelease.choices)
    population = census_count("population (recensement)")
    population_0_14 = census_count("0 à 14 ans")
    population_15_29 = census_count("15 à 29 ans")
    population_30_44 = census_count("30 à 44 ans")
    population_45_59 = census_count("45 à 59 ans")
    population_60_74 = census_count("60 à 74 ans")
    population_75_89 = census_count("75 à 89 ans")
    population_90_plus = census_count("90 ans ou plus")
    households = census_count("ménages")
    one_person_households_release = models.CharField("source des ménages d’une personne", max_length=30, choices=StatisticsRelease.choices)
    one_person_households = census_count("ménages d’une personne")
    filosofi_release = models.CharField("source du taux de pauvreté", max_length=30, choices=StatisticsRelease.choices)
    poverty_status = models.CharField("diffusion du taux de pauvreté", max_length=20, choices=PublicationStatus.choices)
    poverty_rate = models.DecimalField("taux de pauvreté au seuil de 60 % (%)", max_digits=4, decimal_places=1, null=True, blank=True)
    fiscal_persons = models.PositiveIntegerField(
        "personnes des ménages fiscaux", null=True, blank=True, help_text="Population à laquelle le taux de pauvreté s’applique."
    )
    filosofi_whole_commune = models.BooleanField(
        "Filosofi couvre toute la commune",
        default=True,
        help_text="Faux pour une commune nouvelle de 2025 : Filosofi 2021, en géographie 2024, ne couvre que l’ancienne commune de même code.",
    )
    filosofi_note = models.CharField("remarque sur Filosofi", max_length=300, blank=True)

    class Meta:
        verbose_name = "statistiques d’une commune"
        verbose_name_plural = "statistiques des communes"
        constraints = [
            models.CheckConstraint(
                condition=Q(poverty_status=PublicationStatus.PUBLISHED, poverty_rate__isnull=False, fiscal_persons__isnull=False)
                | (~Q(poverty_status=PublicationStatus.PUBLISHED) & Q(poverty_rate__isnull=True)),
                name="poverty_rate_only_when_published",
            ),
            models.CheckConstraint(
                condition=Q(poverty_rate__gte=0, poverty_rate__lte=100) | Q(poverty_rate__isnull=True), name="poverty_rate_is_a_percentage"
            ),
        ]

    def __str__(self):
        return f"Statistiques de {self.commune_id}"


class FormerCommune(models.Model):
    """A commune déléguée or associée, kept to find a commune by an older name."""

    insee_code = models.CharField("code INSEE", max_length=5)
    name = models.CharField("nom", max_length=100)
    kind = models.CharField(
        "type", max_length=20, choices=[("commune-deleguee", "Commune déléguée"), ("commune-associee", "Commune associée")]
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="former_communes", verbose_name="commune")
    search_name = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        verbose_name = "commune déléguée ou associée"
        verbose_name_plural = "communes déléguées ou associées"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["insee_code", "commune"], name="unique_former_commune")]

    def __str__(self):
        return self.name


class ArsOffice(models.Model):
    """The ARS Bretagne seat and its four departmental delegations, with the contacts of the note."""

    kind = models.CharField("type", max_length=12, choices=ArsOfficeKind.choices)
    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="ars_delegation", verbose_name="département"
    )
    name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse de contact")
    contact_label = models.CharField("service", max_length=150, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "implantation de l’ARS"
        verbose_name_plural = "implantations de l’ARS"
        ordering = ["kind", "department"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ArsOfficeKind.SEAT, department__isnull=True) | Q(kind=ArsOfficeKind.DELEGATION, department__isnull=False),
                name="ars_office_delegation_has_department",
            )
        ]

    def __str__(self):
        return self.name


class Boundary(models.Model):
    """Simplified boundary of a territory (GeoJSON geometry, WGS84), kept apart so lists never load it."""

    level = models.CharField("niveau", max_length=12, choices=BoundaryLevel.choices)
    code = models.CharField("code officiel", max_length=9)
    name = models.CharField("nom", max_length=200)
    geometry = models.TextField("géométrie GeoJSON")

    class Meta:
        verbose_name = "contour"
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="unique_boundary")]

    def __str__(self):
        return f"{self.get_level_display()} {self.name}"


class DataSource(models.Model):
    """A reference file loaded into the database: its fingerprint makes the loader idempotent and cheap."""

    name = models.CharField("fichier", max_length=100, unique=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    rows = models.PositiveIntegerField("lignes chargées")
    loaded_at = models.DateTimeField("chargé le", auto_now=True)

    class Meta:
        verbose_name = "source de données chargée"
        verbose_name_plural = "sources de données chargées"

    def __str__(self):
        return self.name
