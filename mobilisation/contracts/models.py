"""The registry of local health contracts (CLS): carrier, covered territory, status, coordinator and sources."""

from django.db import models
from django.db.models import Max, Q, Sum
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mobilisation.core.models import PublicIdModel
from mobilisation.territories.models import Commune, Department, Epci

from .enums import CarrierKind, Certainty, ClsStatus, PerimeterCertainty


class ClsQuerySet(models.QuerySet):
    def public(self):
        """The public registry: every CLS, shown with its public facts only (no sources, no team)."""
        return self.all()

    def visible_to(self, user):
        """CLS whose workspace the user may open: the ARS by its scope, a CLS team its own CLS."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        if scope.whole_region:
            return self.all()
        condition = Q(pk__in=scope.cls_ids) | Q(department__in=scope.department_codes)
        if scope.commune_codes:
            condition |= Q(communes__in=scope.commune_codes)
        if scope.epci_sirens:
            condition |= Q(epcis__in=scope.epci_sirens)
        return self.filter(pk__in=self.filter(condition).values("pk"))

    def editable_by(self, user):
        scope = getattr(user, "scope", None)
        return self.all() if scope is not None and scope.manages_registry else self.none()

    def covering(self, territory):
        if isinstance(territory, Commune):
            return self.filter(communes=territory)
        if isinstance(territory, Epci):
            return self.filter(epcis=territory).distinct()
        return self.filter(department=territory)

    def with_population(self):
        return self.annotate(population=Sum("communes__population_municipale"))


class Cls(PublicIdModel):
    slug = models.SlugField("identifiant court", max_length=80, unique=True)
    name = models.CharField("nom", max_length=200)
    carrier_name = models.CharField("porteur", max_length=250)
    carrier_kind = models.CharField("type de porteur", max_length=12, choices=CarrierKind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name="département de rattachement",
        help_text="Détermine la délégation départementale de l’ARS qui suit le contrat.",
    )
    epcis = models.ManyToManyField(Epci, related_name="contracts", blank=True, verbose_name="EPCI couverts")
    communes = models.ManyToManyField(Commune, related_name="contracts", blank=True, verbose_name="communes couvertes")
    status = models.CharField("statut", max_length=40, choices=ClsStatus.choices)
    signature_date = models.DateField("date de signature", null=True, blank=True)
    period = models.CharField("période", max_length=150, blank=True)
    coordinator_name = models.CharField("coordinatrice ou coordinateur", max_length=150, blank=True)
    coordinator_email = models.EmailField("adresse du coordinateur", blank=True)
    certainty = models.CharField("certitude de l’existence", max_length=12, choices=Certainty.choices)
    perimeter_certainty = models.CharField("certitude du périmètre", max_length=12, choices=PerimeterCertainty.choices)
    source_url = models.URLField("source", max_length=500, blank=True)
    source_url_2 = models.URLField("source complémentaire", max_length=500, blank=True)
    evidence = models.TextField("ce que dit la source", blank=True)
    note = models.TextField("remarques", blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], verbose_name="historique du CLS")

    objects = ClsQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat local de santé"
        verbose_name_plural = "contrats locaux de santé"
        ordering = ["department", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contracts:public_detail", args=[self.slug])

    def get_workspace_url(self):
        return reverse("contracts:workspace", args=[self.public_id])

    @property
    def ars_delegation(self):
        return getattr(self.department, "ars_delegation", None)

    def statistics(self):
        """The INSEE figures of the CLS's territory (territories.statistics), cached until the CLS (its perimeter is
        saved with it: contracts.services.save_cls) or a reference file changes: a plan page reads them every time."""
        from django.core.cache import cache

        from mobilisation.territories.models import DataSource

        loaded = DataSource.objects.aggregate(last=Max("loaded_at"))["last"]
        key = f"cls-statistics:{self.pk}:{self.updated_at.timestamp()}:{loaded.timestamp() if loaded else 0}"
        figures = cache.get(key)
        if figures is None:
            figures = self.communes.statistics()
            cache.set(key, figures, 60 * 60 * 24)
        return figures
