"""The database backend and its real worker (manage.py db_worker), as `make run` and production without RQ use them."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from mobilisation.jobs.enums import JobState
from mobilisation.jobs.models import Job

from .test_jobs import always_failing, mail_once

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def work():
    """The worker as `make run` starts it, in batch mode: it runs what is ready, then returns."""
    # The test process keeps its own Ctrl-C, and its connection: the worker closes stale connections between tasks,
    # which would end the test's transaction (PostgreSQL, CONN_MAX_AGE=0).
    with (
        mock.patch.object(Worker, "configure_signals"),
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
    ):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


@override_settings(TASKS=DATABASE_BACKEND)
def test_the_worker_runs_an_enqueued_task_once():
    job = mail_once.enqueue("w1")
    assert job.state == JobState.WAITING and job.queued and mail.outbox == []  # queued, in the same transaction
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    work()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.attempts == 1 and len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    work()
    assert len(mail.outbox) == 1


@override_settings(TASKS=DATABASE_BACKEND)
def test_a_failed_attempt_is_handed_back_with_its_delay():
    job = always_failing.enqueue(1)
    work()
    job.refresh_from_db()
    assert job.state == JobState.WAITING and job.attempts == 1 and job.queued
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == job.run_after > job.started_at + datetime.timedelta(seconds=9)
    work()  # not due yet: the worker leaves it
    job.refresh_from_db()
    assert job.attempts == 1
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=job.started_at)
    Job.objects.filter(pk=job.pk).update(run_after=job.started_at)
    work()
    job.refresh_from_db()
    assert job.attempts == 2
    # The backend's own rows never hold an exception message: the job catches it, scrubbed, in its own row.
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
