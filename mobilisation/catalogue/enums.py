from django.db import models


class MobilisationStatus(models.TextChoices):
    DRAFT = "brouillon", "En préparation"
    ACTIVE = "active", "En cours"
    CLOSED = "close", "Close"


class ResourceKind(models.TextChoices):
    FINANCIAL = "financier", "Financière"
    HUMAN = "humain", "Humaine"
    DOCUMENTARY = "documentaire", "Documentaire"
    PARTNERSHIP = "partenarial", "Partenariale"
