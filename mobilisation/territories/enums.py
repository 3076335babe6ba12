from django.db import models


class EpciKind(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d’agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"


class ArsOfficeKind(models.TextChoices):
    SEAT = "siege", "Siège"
    DELEGATION = "delegation", "Délégation départementale"


class BoundaryLevel(models.TextChoices):
    REGION = "region", "Région"
    DEPARTMENT = "departement", "Département"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "Commune"


class StatisticsRelease(models.TextChoices):
    """The INSEE release a figure comes from: producer, source and vintage (millésime)."""

    RP2022 = "rp2022", "Insee, recensement de la population 2022, exploitation principale"
    RP2022_COMPLEMENTARY = "rp2022-complementaire", "Insee, recensement de la population 2022, exploitation complémentaire"
    FILOSOFI2021 = "filosofi2021", "Insee-DGFiP-Cnaf-Cnav-CCMSA, Fichier localisé social et fiscal (Filosofi) 2021"


class PublicationStatus(models.TextChoices):
    """Whether INSEE publishes a figure: "s" (statistical secrecy) and "nd" in its files are never a zero."""

    PUBLISHED = "diffuse", "publié"
    SECRET = "secret", "non publié (secret statistique)"
    NOT_AVAILABLE = "non_disponible", "non disponible"
