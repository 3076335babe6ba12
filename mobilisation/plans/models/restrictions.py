"""Public-order restrictions (lockdown, curfew, local measures) and the territories they cover."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mobilisation.catalogue.models import Modality
from mobilisation.core.models import PublicIdModel
from mobilisation.territories.models import Commune, Department, Epci

from ..enums import RestrictionKind, RestrictionScope


class RestrictionPeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all()  # public-order measures are public; the pages listing them keep to the roles that need them

    def in_force_on(self, day):
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))

    def covering(self, commune):
        """Measures whose territory holds `commune`: national, its department, its EPCI or the commune itself."""
        condition = Q(scope=RestrictionScope.NATIONAL) | Q(scope=RestrictionScope.DEPARTMENT, department=commune.department_id)
        condition |= Q(scope=RestrictionScope.COMMUNES, communes=commune.pk)
        if commune.epci_id:
            condition |= Q(scope=RestrictionScope.EPCI, epcis=commune.epci_id)
        return self.filter(pk__in=RestrictionPeriod.objects.filter(condition).values("pk"))

    def current_or_coming(self, day):
        """Measures in force on `day` or announced for later: what an action without dates must be checked against."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=day))


class RestrictionPeriod(PublicIdModel):
    """A public-order restriction recorded by the ARS region, for the nation, a department, EPCI or communes."""

    kind = models.CharField("mesure", max_length=20, choices=RestrictionKind.choices)
    label = models.CharField("intitulé", max_length=200, help_text="Par exemple « Deuxième confinement national ».")
    scope = models.CharField("territoire concerné", max_length=12, choices=RestrictionScope.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="restrictions", verbose_name="département"
    )
    epcis = models.ManyToManyField(Epci, related_name="restrictions", blank=True, verbose_name="intercommunalités (EPCI)")
    communes = models.ManyToManyField(Commune, related_name="restrictions", blank=True, verbose_name="communes")
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True, help_text="Vide : en vigueur jusqu’à nouvel ordre.")
    blocked_modalities = models.ManyToManyField(Modality, related_name="blocking_restrictions", verbose_name="modalités impossibles")
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"],
        m2m_fields=[blocked_modalities, epcis, communes],
        verbose_name="historique de la période de restriction",
    )

    objects = RestrictionPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "période de restriction"
        verbose_name_plural = "périodes de restriction"
        ordering = ["-start", "label"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="restriction_end_after_start"),
            models.CheckConstraint(
                condition=Q(scope=RestrictionScope.DEPARTMENT, department__isnull=False)
                | ~Q(scope=RestrictionScope.DEPARTMENT) & Q(department__isnull=True),
                name="restriction_department_matches_scope",
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("plans:restriction", args=[self.public_id])

    def in_force_on(self, day):
        return self.start <= day and (self.end is None or self.end >= day)

    @property
    def territory_label(self):
        """ "national", "Côtes-d’Armor (22)", "2 EPCI : …", "3 communes : …" (reads prefetched epcis and communes)."""
        if self.scope == RestrictionScope.NATIONAL:
            return "national"
        if self.scope == RestrictionScope.DEPARTMENT:
            return str(self.department)
        items = list(self.epcis.all() if self.scope == RestrictionScope.EPCI else self.communes.all())
        names = ", ".join(item.name for item in items[:5]) + (" …" if len(items) > 5 else "")
        noun = "EPCI" if self.scope == RestrictionScope.EPCI else ("communes" if len(items) > 1 else "commune")
        return f"{len(items)} {noun} : {names}"
