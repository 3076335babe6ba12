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
