"""Background jobs of the veille: the rounds of the running campaigns, made when they are due."""

import datetime

from mobilisation.jobs.registry import periodic, reliable_task


@periodic(every=datetime.timedelta(minutes=10))
@reliable_task(label="Tours des campagnes de veille")
def make_due_rounds():
    """Every running campaign whose next round is due gets it (each round is made once: services.make_round)."""
    from .services import make_due_rounds as make

    make()
