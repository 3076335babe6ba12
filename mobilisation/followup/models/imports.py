"""Imports of an existing register: the file (encrypted, kept only while it is needed), its check and its outcome."""

import base64
import datetime
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mobilisation.core.crypto import EncryptedTextField
from mobilisation.core.models import PublicIdModel

from ..enums import ImportState
from .register import register_scope

# A file nobody imports or abandons is erased after this long (its people are personal data).
IMPORT_KEPT_HOURS = 24


class RegisterImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An import is its importer's alone, and only while they still hold a register: the file is theirs."""
        if not any(register_scope(user)):
            return self.none()
        return self.filter(created_by=user)

    def stale(self, now=None):
        """Imports still holding their file past IMPORT_KEPT_HOURS (not being written)."""
        limit = (now or timezone.now()) - datetime.timedelta(hours=IMPORT_KEPT_HOURS)
        holding = models.Q(content__isnull=False) | models.Q(report__isnull=False)
        return self.filter(holding, created_at__lt=limit).exclude(state=ImportState.IMPORTING)


class RegisterImport(PublicIdModel):
    """One file deposited by a social-services agent: checked, corrected, then written in one go."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="déposé par")
    file_name = models.CharField("fichier", max_length=200)
    file_format = models.CharField("format", max_length=4)
    file_size = models.PositiveIntegerField("taille (octets)", default=0)
    # The file and its report hold personal data: encrypted at rest (core.crypto), erased once imported or abandoned.
    content = EncryptedTextField("contenu du fichier")
    report = EncryptedTextField("rapport de vérification")
    decisions = models.JSONField("choix pour les personnes déjà inscrites", default=dict, blank=True)
    state = models.CharField("état", max_length=15, choices=ImportState.choices, default=ImportState.CHECKING)
    total_rows = models.PositiveIntegerField("lignes", default=0)
    checked_rows = models.PositiveIntegerField("lignes vérifiées", default=0)
    error_count = models.PositiveIntegerField("erreurs", default=0)
    duplicate_count = models.PositiveIntegerField("personnes déjà inscrites", default=0)
    created_count = models.PositiveIntegerField("personnes inscrites", default=0)
    merged_count = models.PositiveIntegerField("fiches complétées", default=0)
    skipped_count = models.PositiveIntegerField("lignes ignorées", default=0)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = RegisterImportQuerySet.as_manager()

    class Meta:
        verbose_name = "import de registre"
        verbose_name_plural = "imports de registre"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import de « {self.file_name} »"

    def get_absolute_url(self):
        return reverse("followup:import", args=[self.public_id])

    @property
    def is_working(self):
        return self.state in (ImportState.CHECKING, ImportState.IMPORTING)

    @property
    def percent(self):
        if self.state == ImportState.CHECKING:
            return round(100 * self.checked_rows / self.total_rows) if self.total_rows else 0
        return 100 if self.state == ImportState.DONE else None

    def file_bytes(self):
        return base64.b64decode(self.content) if self.content else b""

    @staticmethod
    def encode(data):
        return base64.b64encode(data).decode("ascii")

    def report_data(self):
        return json.loads(self.report) if self.report else {}
