"""The one django-tasks task that runs every reliable task's attempt, and the jobs app's own periodic tasks."""

import datetime

from django.core.management import call_command
from django_tasks import task

from . import mail  # noqa: F401 - declares send_email
from .registry import periodic, reliable_task


@task()
def run_job(job_id):
    from .services import run_attempt

    run_attempt(job_id)


@periodic(every=datetime.timedelta(days=1))
@reliable_task(label="Purge des sessions expirées")
def clear_expired_sessions():
    call_command("clearsessions")
