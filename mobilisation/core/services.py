"""Writes shared by every app: a creation form handled once per token (SECURITY.md 25)."""

from django.db import IntegrityError, transaction

from .models import FormSubmission


def submit_once(*, token, user, write):
    """Run `write()` once per form token and return the address it gives; the same token again returns that address.

    `write` returns the address to go to, or None when it recorded nothing (a refused change): the token is then free
    for the corrected form. Two requests racing with one token are serialised by the token's primary key.
    """
    if token is None:
        return write()
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(token=token, user=user)
        except IntegrityError:
            first = FormSubmission.objects.filter(token=token, user=user).first()
            return first.redirect_to if first is not None else None
        address = write()
        if address is None:
            transaction.set_rollback(True)
            return None
        submission.redirect_to = address
        submission.save(update_fields=["redirect_to"])
        return address
