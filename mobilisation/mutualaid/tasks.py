"""Background jobs of mutual aid: reminders of sign-ups left waiting, pauses lifted, closed records erased."""

import datetime

from mobilisation.jobs.registry import periodic, reliable_task


@periodic(every=datetime.timedelta(days=1))
@reliable_task(label="Rappel des inscriptions de bénévoles en attente")
def remind_pending_sign_ups():
    """Each validator with sign-ups waiting for more than three days gets one e-mail a day saying how many."""
    from .notifications import remind_pending

    remind_pending()


@periodic(every=datetime.timedelta(hours=6))
@reliable_task(label="Fin des pauses des bénévoles arrivées à échéance")
def lift_pauses():
    from .services import lift_pauses as lift

    lift()


@periodic(every=datetime.timedelta(days=1))
@reliable_task(label="Effacement des bénévoles partis ou non retenus")
def purge_closed_volunteers():
    from .services import purge_closed

    purge_closed()


@periodic(every=datetime.timedelta(minutes=10))
@reliable_task(label="Retour dans la file des demandes d’aide laissées sans suite")
def return_stale_requests():
    """Requests whose volunteer did not start in time, or did not finish by the end of their window."""
    from .help_requests import return_stale

    return_stale()


@periodic(every=datetime.timedelta(days=1))
@reliable_task(label="Effacement des coordonnées des demandes d’aide closes depuis 90 jours")
def erase_closed_requests():
    from .help_requests import erase_closed

    erase_closed()


@periodic(every=datetime.timedelta(days=1))
@reliable_task(label="Effacement des coordonnées des séjours d’isolement clos depuis 30 jours")
def erase_closed_stays():
    from .housing import erase_closed

    erase_closed()
