from django.db import models


class Role(models.TextChoices):
    ARS_REGION = "ars_region", "ARS Bretagne – niveau régional"
    ARS_DELEGATION = "ars_delegation", "ARS Bretagne – délégation départementale"
    RESOURCE_POLE = "resource_pole", "Pôle ressources en promotion de la santé"
    CLS_COORDINATOR = "cls_coordinator", "Coordinatrice ou coordinateur de CLS"
    ELECTED_OFFICIAL = "elected_official", "Élue ou élu référent du CLS"
    SOCIAL_SERVICES = "social_services", "Agent des services sociaux (CCAS/CIAS)"
    PARTNER_MEMBER = "partner_member", "Membre d’une organisation partenaire"
    VOLUNTEER = "volunteer", "Bénévole"


# The scope field each role must carry (and only that one).
ROLE_SCOPE_FIELD = {
    Role.ARS_REGION: None,
    Role.RESOURCE_POLE: None,
    Role.ARS_DELEGATION: "department",
    Role.CLS_COORDINATOR: "cls",
    Role.ELECTED_OFFICIAL: "cls",
    Role.SOCIAL_SERVICES: "commune_or_epci",
    Role.PARTNER_MEMBER: "organisation",
    Role.VOLUNTEER: "organisation",
}


# Remits (accounts.decorators.remit): which roles a page belongs to.
ARS_ROLES = (Role.ARS_REGION, Role.ARS_DELEGATION, Role.RESOURCE_POLE)
INSTRUCTING_ROLES = (Role.ARS_REGION, Role.ARS_DELEGATION)
RESTRICTION_READERS = (*ARS_ROLES, Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL, Role.SOCIAL_SERVICES)
