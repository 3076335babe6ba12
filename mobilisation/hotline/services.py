"""The hotline's writes: a call logged (with what it leads to), a missed call, a callback taken and closed, the FAQ
written and validated, a registration proposal decided.

A callback is taken by one conditional UPDATE, like a request for help (SECURITY.md 26): of two operators taking the
same number at the same instant, exactly one calls it. Closing a callback erases its phone and first name.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mobilisation.mutualaid import help_requests
from mobilisation.mutualaid.enums import RequestSource

from .enums import CallbackOrigin, CallbackOutcome, CallbackState, FaqState, ProposalState
from .models import CLAIM_FOR, RETRY_AFTER, STALE_AFTER, Call, Callback, FaqEntry, RegistrationProposal, faq_writers

TAKEN = "Un autre écoutant vient de prendre ce rappel : il s’en charge."
NOT_YOURS = "Ce rappel n’est plus le vôtre (rendu, expiré ou clos) : rien n’a été enregistré."


@transaction.atomic
def log_call(*, line, operator, call, callback=None, aid_request=None, proposal=None, callback_of=None, now=None):
    """One call of the log, and what the caller agreed to: a callback, a request for help, a proposal of registration.

    `call` holds the Call's fields; `callback`, `aid_request` and `proposal` the fields of each, or None. A call made
    while calling back (`callback_of`) closes that callback."""
    now = now or timezone.now()
    if callback_of is not None:
        closed = (
            Callback.objects.filter(pk=callback_of.pk, line=line, state=CallbackState.OPEN)
            .filter(_free_for(operator, now))
            .update(**_closing(CallbackState.DONE, operator, now), attempts=F("attempts") + 1, last_attempt_at=now)
        )
        if not closed:
            callback_of = None  # closed meanwhile by someone else: the call is logged all the same, not tied to it
    logged = Call.objects.create(line=line, operator=operator, at=now, callback_of=callback_of, **call)
    if callback:
        Callback.objects.create(line=line, origin=CallbackOrigin.PROMISED, call=logged, created_by=operator, **callback)
    if aid_request:
        data = dict(aid_request)
        commune = data.pop("commune")
        request = help_requests.receive(data=data, commune=commune, source=RequestSource.HOTLINE, by=operator, now=now)
        logged.aid_request = request
        logged.save(update_fields=["aid_request"])
    if proposal:
        from .notifications import tell_social_services

        tell_social_services(RegistrationProposal.objects.create(line=line, consent_at=now, **proposal))
    return logged


def record_missed(*, line, by, phone, first_name="", note="", at=None):
    """A missed call or a message: a number to call back, first in the queue."""
    at = at or timezone.now()
    return Callback.objects.create(
        line=line, origin=CallbackOrigin.MISSED, phone=phone, first_name=first_name, note=note, due_at=at, created_by=by
    )


def claim(*, callback, by, now=None):
    """Takes the callback for `by` for CLAIM_FOR: True, or False when another operator holds it (or it is closed)."""
    now = now or timezone.now()
    return bool(
        Callback.objects.filter(pk=callback.pk, state=CallbackState.OPEN)
        .filter(_free_for(by, now))
        .update(claimed_by=by, claimed_until=now + CLAIM_FOR, updated_at=now)
    )


def _free_for(user, now):
    """A callback `user` may take or close: theirs, never taken, or whose claim has expired."""
    return Q(claimed_by=user) | Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


def release(*, callback, by, now=None):
    Callback.objects.filter(pk=callback.pk, claimed_by=by).update(claimed_by=None, claimed_until=None, updated_at=now or timezone.now())


def _closing(state, by, now):
    """The fields of a closed callback: its state, and nothing left to identify the caller."""
    return {
        "state": state,
        "phone": "",
        "first_name": "",
        "note": "",
        "closed_at": now,
        "closed_by": by,
        "claimed_by": None,
        "claimed_until": None,
        "updated_at": now,
    }


@transaction.atomic
def callback_outcome(*, callback, by, outcome, now=None):
    """What came of a callback that did not become a call: tried again later, or closed (its number erased)."""
    now = now or timezone.now()
    current = Callback.objects.select_for_update().select_related("line").get(pk=callback.pk)
    if not current.held_by(by, now):
        raise ValidationError(NOT_YOURS)
    if outcome == CallbackOutcome.NO_ANSWER:
        attempts = current.attempts + 1
        if attempts >= current.line.callback_attempts:
            fields = {**_closing(CallbackState.UNREACHED, by, now), "attempts": attempts, "last_attempt_at": now}
        else:
            fields = {
                "attempts": attempts,
                "last_attempt_at": now,
                "due_at": now + RETRY_AFTER,
                "claimed_by": None,
                "claimed_until": None,
                "updated_at": now,
            }
    elif outcome == CallbackOutcome.WRONG_NUMBER:
        fields = {**_closing(CallbackState.WRONG_NUMBER, by, now), "attempts": current.attempts + 1, "last_attempt_at": now}
    else:
        fields = _closing(CallbackState.CANCELLED, by, now)
    Callback.objects.filter(pk=current.pk).update(**fields)
    current.refresh_from_db()
    return current


def close_stale_callbacks(now=None):
    """Callbacks still open STALE_AFTER after they were due: closed « sans réponse », their numbers erased."""
    now = now or timezone.now()
    return (
        Callback.objects.waiting()
        .filter(due_at__lt=now - STALE_AFTER)
        .update(**{**_closing(CallbackState.UNREACHED, None, now), "closed_by": None})
    )


# The FAQ.


@transaction.atomic
def save_faq_entry(*, form, variants, by, now=None):
    """Saves an entry and its variants. Written by the ARS, it is validated as it is saved (by them, now); proposed by
    anyone else (an operator, a coordinator), it waits for the ARS."""
    now = now or timezone.now()
    entry = form.save(commit=False)
    if faq_writers(by):
        if entry.state != FaqState.WITHDRAWN:
            entry.state, entry.validated_by, entry.validated_at = FaqState.VALIDATED, by, now
    else:
        entry.state, entry.proposed_by, entry.validated_by, entry.validated_at = FaqState.PROPOSED, by, None, None
    entry._change_reason = "validation par l’ARS" if entry.state == FaqState.VALIDATED else "proposition"
    entry.save()
    variants.instance = entry
    variants.save()
    entry.refresh_search_text()
    FaqEntry.objects.filter(pk=entry.pk).update(search_text=entry.search_text)
    return entry


@transaction.atomic
def set_faq_state(*, entry, state, by, now=None):
    """Validates a proposal, or withdraws an entry (ARS only: the views check faq_writers)."""
    now = now or timezone.now()
    entry.state = state
    if state == FaqState.VALIDATED:
        entry.validated_by, entry.validated_at = by, now
    entry._change_reason = FaqState(state).label
    entry.save()
    return entry


# Registration proposals.


@transaction.atomic
def decide_proposal(*, proposal, state, by, now=None):
    """The CCAS's answer to a proposal: registered (by its own register's form) or declined. Either way the personal
    fields are erased: the register holds the person now, or nothing does."""
    now = now or timezone.now()
    decided = RegistrationProposal.objects.filter(pk=proposal.pk, state=ProposalState.NEW).update(
        state=state,
        decided_at=now,
        decided_by=by,
        first_name="",
        last_name="",
        birth_date=None,
        phone="",
        address="",
        updated_at=now,
    )
    if not decided:
        raise ValidationError("Cette proposition a déjà été traitée : rien n’a été modifié.")


def close_registered_proposal(*, proposal, by, now=None):
    """The person of the proposal is now in the register (followup's registration form, in the same transaction); a
    proposal declined meanwhile by a colleague stays as it is."""
    with contextlib.suppress(ValidationError):
        decide_proposal(proposal=proposal, state=ProposalState.REGISTERED, by=by, now=now)
