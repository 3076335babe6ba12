"""Mobilisations launched by the ARS and their catalogue: axes, themes, action models, resources."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mobilisation.core.models import PublicIdModel

from .enums import MobilisationStatus, ResourceKind
from .search import search as full_text_search


class MobilisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published mobilisations are public; drafts are for the ARS region that prepares them."""
        scope = getattr(user, "scope", None)
        if scope is not None and scope.manages_registry:
            return self.all()
        return self.exclude(status=MobilisationStatus.DRAFT)

    def editable_by(self, user):
        scope = getattr(user, "scope", None)
        return self.all() if scope is not None and scope.manages_registry else self.none()


class Mobilisation(PublicIdModel):
    slug = models.SlugField("identifiant court", max_length=80, unique=True)
    title = models.CharField("titre", max_length=200)
    summary = models.TextField("présentation")
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True)
    status = models.CharField("statut", max_length=12, choices=MobilisationStatus.choices, default=MobilisationStatus.DRAFT)
    source_title = models.CharField("document source", max_length=300, blank=True)
    source_publisher = models.CharField("émetteur du document", max_length=150, blank=True)
    source_date = models.DateField("date du document", null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name="copie de"
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], verbose_name="historique de la mobilisation")

    objects = MobilisationQuerySet.as_manager()

    class Meta:
        verbose_name = "mobilisation"
        ordering = ["-start", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="mobilisation_end_after_start")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalogue:mobilisation", args=[self.slug])


class Modality(models.Model):
    """How an action reaches people (in person, gathering, remote, outdoor, distribution)."""

    code = models.SlugField("code", max_length=30, unique=True)
    label = models.CharField("libellé", max_length=100)
    description = models.CharField("description", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "modalité"
        ordering = ["order", "label"]

    def __str__(self):
        return self.label


class TargetPublic(models.Model):
    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=150)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "public cible"
        verbose_name_plural = "publics cibles"
        ordering = ["order", "label"]

    def __str__(self):
        return self.label


class Axis(models.Model):
    mobilisation = models.ForeignKey(Mobilisation, on_delete=models.CASCADE, related_name="axes", verbose_name="mobilisation")
    code = models.CharField("code", max_length=10)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "axe"
        ordering = ["mobilisation", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["mobilisation", "code"], name="unique_axis_code")]

    def __str__(self):
        return f"Axe {self.code} – {self.title}"


class Theme(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="themes", verbose_name="axe")
    code = models.CharField("code", max_length=10)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "thème"
        ordering = ["axis__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["axis", "code"], name="unique_theme_code")]

    def __str__(self):
        return f"{self.code} – {self.title}"


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(mobilisation__in=Mobilisation.objects.visible_to(user))

    def funding_lines(self):
        return self.filter(is_funding_line=True)


class Resource(PublicIdModel):
    mobilisation = models.ForeignKey(Mobilisation, on_delete=models.CASCADE, related_name="resources", verbose_name="mobilisation")
    slug = models.SlugField("identifiant court", max_length=80)
    kind = models.CharField("nature", max_length=15, choices=ResourceKind.choices)
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)
    url = models.URLField("lien", max_length=500, blank=True)
    is_funding_line = models.BooleanField(
        "ligne de financement", default=False, help_text="Les demandes de financement portent sur ces lignes."
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], verbose_name="historique de la ressource")

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = "ressource"
        ordering = ["mobilisation", "kind", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["mobilisation", "slug"], name="unique_resource_slug"),
            models.CheckConstraint(condition=Q(is_funding_line=False) | Q(kind=ResourceKind.FINANCIAL), name="funding_line_is_financial"),
        ]

    def __str__(self):
        return self.title


class ActionModelQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(mobilisation__in=Mobilisation.objects.visible_to(user))

    def search(self, query):
        """Accent- and case-insensitive full-text search, best match first (catalogue/search.py)."""
        return full_text_search(self, query)


class ActionModel(PublicIdModel):
    """An action suggested by the ARS; a CLS adopts it into its plan and stays linked to it."""

    mobilisation = models.ForeignKey(Mobilisation, on_delete=models.CASCADE, related_name="action_models", verbose_name="mobilisation")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="action_models", verbose_name="thème")
    slug = models.SlugField("identifiant court", max_length=80)
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("description")
    modalities = models.ManyToManyField(Modality, related_name="action_models", blank=True, verbose_name="modalités")
    publics = models.ManyToManyField(TargetPublic, related_name="action_models", blank=True, verbose_name="publics cibles")
    partner_kinds = models.JSONField("partenaires suggérés", default=list, blank=True)
    indicators = models.JSONField("indicateurs suggérés", default=list, blank=True)
    lockdown_alternative = models.TextField(
        "alternative en période de confinement",
        blank=True,
        help_text="Comment mener l’action à distance ou autrement quand les rassemblements sont impossibles.",
    )
    resources = models.ManyToManyField(Resource, related_name="action_models", blank=True, verbose_name="ressources mobilisables")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    revision = models.PositiveIntegerField("révision", default=1, help_text="Augmente à chaque modification par l’ARS.")
    # Kept by services.index_action_models, which every write path of the catalogue calls.
    search_text = models.TextField(
        "texte de recherche complémentaire",
        blank=True,
        editable=False,
        help_text="Alternative en période de confinement, publics, partenaires, modalités et indicateurs, en un texte.",
    )
    search_document = models.TextField(
        "document de recherche", blank=True, editable=False, help_text="Mots sans accents ni terminaisons, pondérés par champ."
    )
    # PostgreSQL only (tsvector); a plain column left empty on SQLite, which searches search_document.
    search_vector = SearchVectorField("vecteur de recherche", null=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "search_text", "search_document", "search_vector"],
        m2m_fields=[modalities, publics, resources],
        verbose_name="historique du modèle d’action",
    )

    objects = ActionModelQuerySet.as_manager()

    class Meta:
        verbose_name = "modèle d’action"
        verbose_name_plural = "modèles d’action"
        ordering = ["theme__axis__order", "theme__order", "order", "title"]
        constraints = [models.UniqueConstraint(fields=["mobilisation", "slug"], name="unique_action_model_slug")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalogue:action_model", args=[self.mobilisation.slug, self.slug])
