"""Restriction periods, recorded, corrected, lifted and deleted by the ARS region, with their history.

Each write recomputes the restriction state of every action (restriction_states), so that plans and follow-ups read
a stored column: a measure is rare, a page view is not.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from mobilisation.core.formats import day

from .. import restriction_states
from ..enums import RestrictionScope


def _save(period, by, reason):
    period._history_user = by
    period._change_reason = reason[:100]
    period.save()


@transaction.atomic
def save_restriction(*, period, blocked_modalities, epcis, communes, by, reason=""):
    """Record a new period or a correction of one (the instance carries the form's values); returns the period."""
    if period.scope != RestrictionScope.DEPARTMENT:
        period.department = None
    _save(period, by, reason or ("Enregistrement" if period._state.adding else "Correction"))
    period.blocked_modalities.set(blocked_modalities)
    period.epcis.set(epcis if period.scope == RestrictionScope.EPCI else [])
    period.communes.set(communes if period.scope == RestrictionScope.COMMUNES else [])
    restriction_states.refresh()
    return period


@transaction.atomic
def lift_restriction(*, period, on, by, reason=""):
    """« Lever la mesure » : the measure ends on `on` (the last day it applies)."""
    if on < period.start:
        raise ValidationError(f"La mesure a commencé le {day(period.start)} : elle ne peut pas être levée avant.")
    if period.end is not None and period.end <= on:
        raise ValidationError(f"La mesure prend déjà fin le {day(period.end)}.")
    period.end = on
    _save(period, by, reason or f"Mesure levée au {day(on)}")
    restriction_states.refresh()
    return period


@transaction.atomic
def delete_restriction(*, period, by, reason):
    """Delete a mistaken period; the history keeps it (who, when, why)."""
    if not reason.strip():
        raise ValidationError("Indiquez pourquoi la période est supprimée : l’historique le gardera.")
    period._history_user = by
    period._change_reason = reason[:100]
    period.delete()
    restriction_states.refresh()
