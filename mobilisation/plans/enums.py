from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "soumis", "Soumis au COPIL"
    ADOPTED = "adopte", "Adopté"
    IN_PROGRESS = "en_cours", "En cours"
    CLOSED = "clos", "Clos"


# Allowed moves of a plan: from -> {to: label of the move}
PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: {PlanStatus.SUBMITTED: "Soumettre au COPIL"},
    PlanStatus.SUBMITTED: {PlanStatus.ADOPTED: "Adopter (décision du COPIL)", PlanStatus.DRAFT: "Renvoyer en brouillon"},
    PlanStatus.ADOPTED: {PlanStatus.IN_PROGRESS: "Lancer la mise en œuvre", PlanStatus.CLOSED: "Clore le plan"},
    PlanStatus.IN_PROGRESS: {PlanStatus.CLOSED: "Clore le plan"},
    PlanStatus.CLOSED: {},
}


class ActionOrigin(models.TextChoices):
    ADOPTED = "catalogue", "Adoptée du catalogue"
    ADAPTED = "adaptee", "Adaptée d’une action existante du CLS"
    NEW = "nouvelle", "Nouvelle action"


class ActionStatus(models.TextChoices):
    PLANNED = "prevue", "Prévue"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    SUSPENDED = "suspendue", "Suspendue"
    ABANDONED = "abandonnee", "Abandonnée"


ACTION_TRANSITIONS = {
    ActionStatus.PLANNED: {ActionStatus.IN_PROGRESS, ActionStatus.SUSPENDED, ActionStatus.ABANDONED},
    ActionStatus.IN_PROGRESS: {ActionStatus.DONE, ActionStatus.SUSPENDED, ActionStatus.ABANDONED},
    ActionStatus.SUSPENDED: {ActionStatus.IN_PROGRESS, ActionStatus.ABANDONED},
    ActionStatus.DONE: set(),
    ActionStatus.ABANDONED: set(),
}


class CopilVerdict(models.TextChoices):
    PENDING = "en_attente", "En attente du COPIL"
    ADOPTED = "adoptee", "Adoptée par le COPIL"
    REJECTED = "rejetee", "Rejetée par le COPIL"


class RestrictionKind(models.TextChoices):
    LOCKDOWN = "confinement", "Confinement"
    CURFEW = "couvre_feu", "Couvre-feu"
    LOCAL_MEASURE = "mesure_locale", "Autre mesure locale (port du masque, fermeture…)"


class RestrictionScope(models.TextChoices):
    """Where a measure applies: chosen deliberately, never defaulted (a forgotten field is not a national lockdown)."""

    NATIONAL = "national", "Toute la France (mesure nationale)"
    DEPARTMENT = "departement", "Un département"
    EPCI = "epci", "Une ou plusieurs intercommunalités (EPCI)"
    COMMUNES = "communes", "Une ou plusieurs communes"


class RestrictionState(models.TextChoices):
    """What the restrictions mean for an action, kept current by the writes that change it (services)."""

    NONE = "", "Aucune restriction"
    RESTRICTED = "restreinte", "Restriction en vigueur pendant ses dates"
    TO_CHECK = "a_verifier", "À vérifier : dates à préciser, une mesure en vigueur bloque une de ses modalités"


# Modalities a restriction makes impossible by default (the ARS may adjust each period).
DEFAULT_BLOCKED_MODALITIES = {
    RestrictionKind.LOCKDOWN: ["rassemblement", "presentiel"],
    RestrictionKind.CURFEW: ["rassemblement"],
    RestrictionKind.LOCAL_MEASURE: [],
}


class FundingStatus(models.TextChoices):
    RECEIVED = "recue", "Reçue"
    UNDER_REVIEW = "en_instruction", "En instruction"
    GRANTED = "accordee", "Accordée"
    REFUSED = "refusee", "Refusée"


# The instruction's moves; a decision (granted, refused) is only reopened, with a reason (services.reopen_funding).
FUNDING_TRANSITIONS = {
    FundingStatus.RECEIVED: {FundingStatus.UNDER_REVIEW, FundingStatus.GRANTED, FundingStatus.REFUSED},
    FundingStatus.UNDER_REVIEW: {FundingStatus.GRANTED, FundingStatus.REFUSED},
    FundingStatus.GRANTED: set(),
    FundingStatus.REFUSED: set(),
}
OPEN_FUNDING_STATUSES = (FundingStatus.RECEIVED, FundingStatus.UNDER_REVIEW)
DECIDED_FUNDING_STATUSES = (FundingStatus.GRANTED, FundingStatus.REFUSED)


class CopilDecisionKind(models.TextChoices):
    ADOPT_PLAN = "adopter_plan", "Adoption du plan"
    ADOPT_ACTION = "adopter_action", "Adoption d’une action"
    REJECT_ACTION = "rejeter_action", "Rejet d’une action"


class CopilStatus(models.TextChoices):
    SCHEDULED = "prevue", "Prévue"
    HELD = "tenue", "Tenue"
    CANCELLED = "annulee", "Annulée"
