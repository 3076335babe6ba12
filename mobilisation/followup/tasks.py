"""Background jobs of the veille: the rounds of the running campaigns, made when they are due."""

import datetime

from mobilisation.jobs.registry import periodic, reliable_task


@periodic(every=datetime.timedelta(minutes=10))
@reliable_task(label="Tours des campagnes de veille")
def make_due_rounds():
    """Every running campaign whose next round is due gets it (each round is made once: services.make_round)."""
    from .services import make_due_rounds as make

    make()


def _import_failed(public_id):
    from .services.imports import mark_failed

    mark_failed(public_id)


@reliable_task(label="Vérification d’un fichier de registre", max_attempts=3, atomic=False, on_failure=_import_failed)
def check_import(public_id):
    """Checks a deposited file row by row, its progress visible as it goes (hence not one transaction)."""
    from .services.imports import check

    check(public_id)


@reliable_task(label="Import d’un registre", max_attempts=3, atomic=False, on_failure=_import_failed)
def write_import(public_id):
    """Writes a confirmed import in one transaction of its own, once (services.imports.write)."""
    from .services.imports import write

    write(public_id)


@periodic(every=datetime.timedelta(hours=1))
@reliable_task(label="Effacement des fichiers d’import laissés en plan")
def erase_stale_imports():
    from .services.imports import erase_stale

    erase_stale()
