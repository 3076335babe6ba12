"""Background jobs of the hotline: callbacks left open too long closed (their numbers erased), the CCAS told of the
registration proposals waiting."""

import datetime

from mobilisation.jobs.registry import periodic, reliable_task


@periodic(every=datetime.timedelta(hours=1))
@reliable_task(label="Clôture des rappels du numéro vert restés ouverts plus de 7 jours")
def close_stale_callbacks():
    from .services import close_stale_callbacks as close

    close()


@periodic(every=datetime.timedelta(days=1))
@reliable_task(label="Rappel aux CCAS des propositions d’inscription au registre en attente")
def remind_waiting_proposals():
    from .notifications import remind_proposals

    remind_proposals()
