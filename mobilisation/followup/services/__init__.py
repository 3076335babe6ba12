"""Writes of the followup app: the register (register) and the veille (veille), each one audited."""

from .register import audit, erase_person, mark_acknowledged, record_objection, register_person, update_person
from .veille import (
    assign_visit,
    claim_next,
    close_campaign,
    make_due_rounds,
    make_round,
    open_help_request,
    pause_campaign,
    record_outcome,
    record_step,
    release_claim,
    start_campaign,
)

__all__ = [
    "assign_visit",
    "audit",
    "claim_next",
    "close_campaign",
    "erase_person",
    "make_due_rounds",
    "make_round",
    "mark_acknowledged",
    "open_help_request",
    "pause_campaign",
    "record_objection",
    "record_outcome",
    "record_step",
    "register_person",
    "release_claim",
    "start_campaign",
    "update_person",
]
