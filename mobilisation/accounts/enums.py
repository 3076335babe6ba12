from django.db import models


class Role(models.TextChoices):
    ARS_REGION = "ars_region", "ARS Bretagne – niveau régional"
    ARS_DELEGATION = "ars_delegation", "ARS Bretagne – délégation départementale"
    RESOURCE_POLE = "resource_pole", "Pôle ressources en promotion de la santé"
    CLS_COORDINATOR = "cls_coordinator", "Coordinatrice ou coordinateur de CLS"
    ELECTED_OFFICIAL = "elected_official", "Élue ou élu référent du CLS"
    SOCIAL_SERVICES = "social_services", "Agent des services sociaux (CCAS/CIAS)"
    SOCIAL_SERVICES_MANAGER = "ccas_manager", "Responsable des services sociaux (CCAS/CIAS)"
    PARTNER_MEMBER = "partner_member", "Membre d’une organisation partenaire"
    VOLUNTEER = "volunteer", "Bénévole"
    HOTLINE_OPERATOR = "hotline_operator", "Écoutante ou écoutant d’un numéro vert"


# The scope field each role must carry (and only that one).
ROLE_SCOPE_FIELD = {
    Role.ARS_REGION: None,
    Role.RESOURCE_POLE: None,
    Role.ARS_DELEGATION: "department",
    Role.CLS_COORDINATOR: "cls",
    Role.ELECTED_OFFICIAL: "cls",
    Role.SOCIAL_SERVICES: "commune_or_epci",
    Role.SOCIAL_SERVICES_MANAGER: "commune_or_epci",
    Role.PARTNER_MEMBER: "organisation",
    Role.VOLUNTEER: "organisation",
    Role.HOTLINE_OPERATOR: "line",
}


# Remits (accounts.decorators.remit): which roles a page belongs to.
ARS_ROLES = (Role.ARS_REGION, Role.ARS_DELEGATION, Role.RESOURCE_POLE)
INSTRUCTING_ROLES = (Role.ARS_REGION, Role.ARS_DELEGATION)
# The social services of a commune (CCAS) or an EPCI (CIAS): the only people who read the register of fragile people.
SOCIAL_SERVICES_ROLES = (Role.SOCIAL_SERVICES, Role.SOCIAL_SERVICES_MANAGER)
# Who must use a second factor besides the admin (User.requires_second_factor): those who read personal data of the
# people helped (the register, the phone numbers a volunteer calls, the numbers a hotline calls back, the contact and
# address of the people an association helps or houses, the volunteers it validates: SECURITY.md, "Authentication").
SECOND_FACTOR_ROLES = (*SOCIAL_SERVICES_ROLES, Role.VOLUNTEER, Role.HOTLINE_OPERATOR, Role.PARTNER_MEMBER)
RESTRICTION_READERS = (*ARS_ROLES, Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL, *SOCIAL_SERVICES_ROLES)


# The roles whose scope is a CLS, and those whose scope is an organisation.
CLS_ROLES = (Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL)
ORGANISATION_ROLES = (Role.PARTNER_MEMBER, Role.VOLUNTEER)


class InvitationState(models.TextChoices):
    """Where an account stands, as the people list shows it."""

    INVITED = "invitee", "Invitation envoyée"  # a link sent less than 7 days ago, not used yet
    AWAITING = "en_attente", "En attente d’une nouvelle invitation"  # no password chosen and no valid link: re-send it
    ACTIVE = "active", "Active"  # a password chosen
    DEACTIVATED = "desactivee", "Désactivée"

    @property
    def badge(self):
        """The DSFR badge class that shows the state."""
        return {"invitee": "fr-badge--info", "en_attente": "fr-badge--warning", "active": "fr-badge--success"}.get(self.value, "")


class AccountEventKind(models.TextChoices):
    INVITED = "invitation", "Invitation envoyée"
    REINVITED = "nouvelle_invitation", "Invitation renvoyée"
    MEMBERSHIP_ADDED = "rattachement", "Rattachement ajouté, personne prévenue"
    ACCEPTED = "acceptation", "Mot de passe choisi"
    DEACTIVATED = "desactivation", "Compte désactivé"
    REACTIVATED = "reactivation", "Compte réactivé"
    SECOND_FACTOR_ENROLLED = "activation_2fa", "Double authentification configurée"
    SECOND_FACTOR_RESET = "reinitialisation_2fa", "Double authentification réinitialisée"
