from django.db import models


class CarrierKind(models.TextChoices):
    EPCI = "epci", "Intercommunalité (EPCI)"
    PAYS = "pays", "Pays ou pôle regroupant plusieurs EPCI"
    COMMUNE = "commune", "Commune"
    ASSOCIATION = "association", "Association"


class ClsStatus(models.TextChoices):
    IN_PREPARATION = "en_elaboration", "En élaboration"
    COMMITTED_UNVERIFIED = "engage_signature_non_verifiee", "Engagé (signature non vérifiée)"
    DOCUMENT_UNVERIFIED = "document_signature_non_verifiee", "Document publié (signature non vérifiée)"
    ADOPTED_UNVERIFIED = "adopte_signature_non_verifiee", "Adopté (signature non vérifiée)"
    SIGNED = "signe", "Signé"
    EXPIRED = "echu", "Échu"


class Certainty(models.TextChoices):
    CONFIRMED = "confirme", "Confirmé"
    PROBABLE = "probable", "Probable"
    UNCERTAIN = "incertain", "Incertain"


class PerimeterCertainty(models.TextChoices):
    EXPLICIT = "explicite", "Explicite (nommé par la source)"
    DEDUCED = "deduit", "Déduit (composition usuelle du Pays)"


class PerimeterKind(models.TextChoices):
    WHOLE_EPCI = "epci_entier", "EPCI entier"
    COMMUNES = "communes", "Communes désignées"
