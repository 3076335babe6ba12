"""The audit's scheduled job: events past AUDIT_RETENTION_DAYS are purged once a day."""

import datetime

from mobilisation.jobs.registry import periodic, reliable_task


@periodic(every=datetime.timedelta(days=1))
@reliable_task(label="Purge du journal des accès au-delà de sa durée de conservation")
def purge_expired_events():
    from .services import purge_expired

    purge_expired()
