"""The register of vulnerable people (register) and the veille that follows them (veille)."""

from .imports import IMPORT_KEPT_HOURS, RegisterImport
from .register import ACKNOWLEDGEMENT_DAYS, ContactPerson, Person, PersonQuerySet, register_communes, register_scope
from .veille import CallAttempt, Campaign, ContactTask, Escalation, EscalationStep, FollowedPerson

__all__ = [
    "ACKNOWLEDGEMENT_DAYS",
    "CallAttempt",
    "Campaign",
    "ContactPerson",
    "ContactTask",
    "Escalation",
    "EscalationStep",
    "FollowedPerson",
    "IMPORT_KEPT_HOURS",
    "Person",
    "PersonQuerySet",
    "RegisterImport",
    "register_communes",
    "register_scope",
]
