"""What an organisation offers: services described on the national schema of the inclusion offer (data·inclusion).

The closed lists (thématiques, publics, frais, modes d'accueil and de mobilisation) are the schema's own, read from its
package (`data-inclusion-schema`), so that the export validates against it. The eligibility area is kept as three sets
of official codes (communes by INSEE code, EPCI by SIREN, departments), which is what the schema's
`zone_eligibilite` lists, and what "the services serving this commune" looks up.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from mobilisation.catalogue.models import Modality
from mobilisation.core.models import PublicIdModel, any_of
from mobilisation.territories.models import Commune, Department, Epci

from .. import schema
from ..opening_hours import OpeningHoursError, parse
from .organisations import Organisation


class ServiceStatus(models.TextChoices):
    OPEN = "ouvert", "Ouvert"
    TEMPORARILY_CLOSED = "ferme_temporairement", "Fermé temporairement"
    CLOSED = "ferme", "Fermé définitivement"


class ReceptionMode(models.TextChoices):
    """The schema's modes d'accueil, and the visit at home that a crisis service often is (exported as a precision)."""

    IN_PERSON = "en-presentiel", "Sur place"
    REMOTE = "a-distance", "À distance (téléphone, internet)"
    AT_HOME = "a-domicile", "À domicile"


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A service is public information once published: everyone reads it (the directory's organisations keep their
        own rule for the staff pages)."""
        return self.all()

    def listed(self):
        """What the public sees: every service but the ones closed for good."""
        return self.exclude(status=ServiceStatus.CLOSED)

    def serving(self, commune):
        """Services whose eligibility area holds `commune`: named itself, through its EPCI or its department. Each
        way read through its own index and their ids united (core.models.any_of): an OR across the three zone tables
        joined every service of the region to every zone (38 ms for a hotline search at scale 10)."""
        branches = [Q(zone_communes=commune.pk), Q(zone_departments=commune.department_id)]
        if commune.epci_id:
            branches.append(Q(zone_epcis=commune.epci_id))
        return any_of(self, branches)

    def serving_area(self, communes):
        """Services serving at least one of `communes` (a queryset): a hotline line's area."""
        return any_of(
            self,
            [
                Q(zone_communes__in=communes.values("pk")),
                Q(zone_departments__in=communes.values("department")),
                Q(zone_epcis__in=communes.exclude(epci__isnull=True).values("epci")),
            ],
        )

    def editable_by(self, user):
        """Services of the organisations whose services `user` describes (Organisation.objects.services_editable_by)."""
        return self.filter(organisation__in=Organisation.objects.services_editable_by(user).values("pk"))


class Service(PublicIdModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services", verbose_name="organisation")
    name = models.CharField("nom du service", max_length=150, validators=[MinLengthValidator(3)])
    description = models.TextField("description", max_length=10000, validators=[MinLengthValidator(5)])
    thematiques = models.JSONField("thématiques", default=list, help_text="Thématiques du schéma data·inclusion.")
    publics = models.JSONField("publics", default=list, help_text="Publics du schéma data·inclusion.")
    publics_details = models.CharField("précisions sur les publics", max_length=300, blank=True)
    access_conditions = models.CharField("conditions d’accès", max_length=500, blank=True)
    fee = models.CharField("frais", max_length=10, choices=schema.FEE_CHOICES, default="gratuit")
    fee_details = models.CharField("précisions sur les frais", max_length=300, blank=True)
    reception_modes = models.JSONField("modes d’accueil", default=list)
    modalities = models.ManyToManyField(
        Modality,
        related_name="services",
        blank=True,
        verbose_name="modalités au regard des mesures sanitaires",
        help_text="Ce que les mesures de restriction peuvent empêcher : un service « en présentiel » est signalé fermé sous un confinement qui l’interdit.",
    )
    zone_communes = models.ManyToManyField(Commune, related_name="eligible_services", blank=True, verbose_name="communes éligibles")
    zone_epcis = models.ManyToManyField(Epci, related_name="eligible_services", blank=True, verbose_name="EPCI éligibles")
    zone_departments = models.ManyToManyField(
        Department, related_name="eligible_services", blank=True, verbose_name="départements éligibles"
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="located_services",
        null=True,
        blank=True,
        verbose_name="commune du lieu d’accueil",
        help_text="Vide pour un service sans lieu d’accueil (à distance ou à domicile).",
    )
    address = models.CharField("adresse du lieu d’accueil", max_length=200, blank=True)
    address_complement = models.CharField("complément d’adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    latitude = models.DecimalField("latitude", max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(
        "longitude", max_digits=8, decimal_places=5, null=True, blank=True, help_text="Vide : le centre de la commune sur la carte."
    )
    phone = PhoneNumberField("téléphone", blank=True, region="FR")
    email = models.EmailField("adresse électronique", blank=True)
    link = models.URLField("lien pour demander le service", blank=True)
    mobilisation_modes = models.JSONField("comment le demander", default=list)
    mobilisation_details = models.CharField("précisions pour le demander", max_length=500, blank=True)
    opening_hours = models.CharField(
        "horaires d’accueil", max_length=300, blank=True, help_text="Au format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00 »."
    )
    status = models.CharField("état", max_length=25, choices=ServiceStatus.choices, default=ServiceStatus.OPEN)
    status_details = models.CharField(
        "précisions sur l’état", max_length=300, blank=True, help_text="Par exemple « Réouverture prévue le 4 janvier »."
    )
    checked_on = models.DateField("informations vérifiées le", default=timezone.localdate)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["status"], name="service_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:service", args=[self.public_id])

    def clean(self):
        errors = {}
        for field, allowed in (
            ("thematiques", schema.THEMATIQUES),
            ("publics", schema.PUBLICS),
            ("reception_modes", ReceptionMode.values),
            ("mobilisation_modes", schema.MOBILISATION_MODES),
        ):
            unknown = [value for value in getattr(self, field) or [] if value not in allowed]
            if unknown:
                errors[field] = f"Valeur inconnue : {', '.join(unknown)}."
        if "tous-publics" in (self.publics or []) and len(self.publics) > 1:
            errors["publics"] = "« Tous publics » ne se combine pas avec d’autres publics."
        if self.name and self.name.endswith(".") and not self.name.endswith("etc."):
            errors["name"] = "Le nom d’un service ne se termine pas par un point."
        if self.opening_hours:
            try:
                parse(self.opening_hours)
            except OpeningHoursError as error:
                errors["opening_hours"] = str(error)
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Donnez la latitude et la longitude, ou aucune des deux."
        elif self.latitude is not None and not (47 <= self.latitude <= 49.5 and -6 <= self.longitude <= -0.5):
            errors["latitude"] = "Ce point n’est pas en Bretagne : vérifiez la latitude et la longitude (par exemple 48.45472 et -2.04750)."
        if self.checked_on and self.checked_on > timezone.localdate():
            errors["checked_on"] = "La date de vérification ne peut pas être dans le futur."
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.status == ServiceStatus.OPEN

    @property
    def at_home(self):
        return ReceptionMode.AT_HOME in (self.reception_modes or [])

    def thematique_labels(self):
        return [schema.THEMATIQUE_LABELS.get(value, value) for value in self.thematiques or []]

    def public_labels(self):
        return [schema.PUBLIC_LABELS.get(value, value) for value in self.publics or []]

    def reception_labels(self):
        return [ReceptionMode(value).label for value in self.reception_modes or [] if value in ReceptionMode.values]

    def mobilisation_labels(self):
        return [schema.MOBILISATION_LABELS.get(value, value) for value in self.mobilisation_modes or []]

    @property
    def hours_in_french(self):
        from ..opening_hours import in_french

        return in_french(self.opening_hours)

    def zone_codes(self):
        """The eligibility area as the schema lists it: INSEE codes of communes, SIREN of EPCI, department codes
        (reads prefetched zone_communes, zone_epcis, zone_departments)."""
        return (
            [d.pk for d in self.zone_departments.all()] + [e.pk for e in self.zone_epcis.all()] + [c.pk for c in self.zone_communes.all()]
        )
