"""Idempotency: an effect (an e-mail, an import, a purge) is done once per key, however many times its task runs."""

from contextlib import contextmanager

from django.db import transaction

from .models import Effect


@contextmanager
def once(key, *, task=""):
    """`with once("email:invitation:<id>:<date>") as first:` — `first` is True only for the first run with `key`.

    The key is inserted in a transaction that also holds the effect's own database writes: if the block raises, the
    key goes with them and a retry does the effect again; if it succeeds, the key commits with them and a later run
    (a retry, a doubled delivery, a « Relancer ») finds it and does nothing. Two runs at the same moment meet on the
    unique key: the second waits for the first's transaction and then sees the key.

    An e-mail is not transactional. Sent inside the block, it leaves before the key commits: if the SMTP server took
    it and the commit then failed (the database gone at that very moment, the process killed), a retry sends it
    again. Sent after the commit (on_commit), a failed send would be lost for good, the key saying it was done. We
    choose the first: at most a duplicate in that narrow window, never an e-mail silently lost.
    """
    with transaction.atomic():
        _, created = Effect.objects.get_or_create(key=key[:200], defaults={"task": task[:200]})
        yield created
