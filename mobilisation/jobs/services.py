"""Every change to jobs goes through these functions: enqueue, run an attempt, retry with backoff, relaunch, sweep."""

import datetime
import logging
import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .effects import once
from .enums import JobState
from .models import Job
from .registry import ID_LIKE, PERIODIC, TASKS

logger = logging.getLogger(__name__)

# Backends that keep their queue in our database (or run at once): a task enqueued inside a transaction is handed
# over with it. Any other (RQ on Redis) gets it once the transaction commits, so its worker never runs ahead of it.
IN_DATABASE = (
    "django_tasks_db.backend.DatabaseBackend",
    "django_tasks.backends.immediate.ImmediateBackend",
    "django_tasks.backends.dummy.DummyBackend",
)
# A message lost by the queue (Redis restarted without persistence) or an attempt whose worker died: handed over
# again after this long. A second delivery is harmless: an attempt claims its job first (run_attempt).
LOST_AFTER = datetime.timedelta(hours=1)


def backend():
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def _runner():
    return import_string("mobilisation.jobs.tasks.run_job")


def check_args(args):
    for value in args:
        if isinstance(value, bool) or value is None or isinstance(value, int):
            continue
        if isinstance(value, str) and ID_LIKE.fullmatch(value):
            continue
        raise TypeError("Les arguments d’une tâche de fond sont des identifiants (nombres, UUID, codes), jamais des données personnelles.")


def hand_over(job):
    """Give the job to the task backend (now, or at commit for a queue outside the database)."""
    current = backend()
    runner = _runner()
    if job.run_after > timezone.now() and current.supports_defer:
        runner = runner.using(run_after=job.run_after)
    task = TASKS.get(job.task)
    if task and task.priority and current.supports_priority:
        runner = runner.using(priority=task.priority)
    Job.objects.filter(pk=job.pk).update(queued=True)
    job.queued = True
    path = f"{type(current).__module__}.{type(current).__qualname__}"
    if path in IN_DATABASE:
        runner.enqueue(job.pk)
    else:
        transaction.on_commit(lambda: runner.enqueue(job.pk))


def enqueue_job(task, args):
    args = list(args)
    check_args(args)
    job = Job.objects.create(task=task.name, args=args, max_attempts=task.max_attempts)
    hand_over(job)
    job.refresh_from_db()
    return job


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d .-]{6,}\d")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»|“[^”]*”|‘[^’]*’|=\([^)]*\)")


def scrub(message):
    """An exception's message without what may be personal: addresses, phone numbers, quoted or keyed values."""
    message = EMAIL.sub("[adresse]", message)
    message = PHONE.sub("[numéro]", message)
    message = QUOTED.sub("[valeur]", message)
    return " ".join(message.split())[:300]


def _describe(error):
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - an exception whose message cannot be built still gets reported
        message = ""
    return f"{type(error).__module__}.{type(error).__qualname__}"[:200], scrub(message)


def run_attempt(job_id):
    """One attempt of a job, called by the backend's worker. A job already done, running or not due is left alone."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.WAITING, run_after__lte=now + datetime.timedelta(seconds=1)).update(
        state=JobState.RUNNING, attempts=F("attempts") + 1, started_at=now, queued=False
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    task = TASKS.get(job.task)
    try:
        if task is None:
            raise LookupError("tâche inconnue de cette version du code")
        if task.atomic:
            with transaction.atomic():
                task.func(*job.args)
        else:
            task.func(*job.args)
    except Exception as error:  # noqa: BLE001 - every failure is a failed attempt, retried then reported
        attempt_failed(job, task, error)
    else:
        Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, finished_at=timezone.now(), error_class="", error_message="")


def attempt_failed(job, task, error):
    job.error_class, job.error_message = _describe(error)
    # Logged without the message nor the arguments (SECURITY.md 20): the page holds the scrubbed message.
    logger.warning("job %s (%s) attempt %s failed: %s", job.public_id, job.task, job.attempts, job.error_class)
    if task is not None and job.attempts < job.max_attempts:
        job.state = JobState.WAITING
        job.run_after = timezone.now() + task.delay(job.attempts)
        job.save(update_fields=["state", "run_after", "error_class", "error_message"])
        if backend().supports_defer:
            hand_over(job)
        # Otherwise (the immediate backend) enqueue_periodic hands it over when it is due (Job.objects.due()).
        return
    job.state = JobState.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "finished_at", "error_class", "error_message"])
    logger.error("job %s (%s) failed after %s attempts: %s", job.public_id, job.task, job.attempts, job.error_class)
    if task is not None and task.on_failure is not None:
        try:
            with transaction.atomic():
                task.on_failure(*job.args)
        except Exception:
            logger.exception("on_failure of job %s (%s) failed", job.public_id, job.task)


@transaction.atomic
def relaunch_job(*, job):
    """« Relancer » a failed job: a fresh round of attempts. Its effects already done are not done again (once)."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.state != JobState.FAILED:
        return False
    job.state = JobState.WAITING
    job.attempts = 0
    job.run_after = timezone.now()
    job.finished_at = None
    job.save(update_fields=["state", "attempts", "run_after", "finished_at"])
    hand_over(job)
    return True


def period_start(now, every):
    """The start of the period of length `every` that holds `now`, periods counted from the Unix epoch (UTC)."""
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return epoch + every * ((now - epoch) // every)


def enqueue_periodic(now=None):
    """Enqueue each periodic task due in this period, once (its key: task name and period start); hand over due retries."""
    now = now or timezone.now()
    enqueued = []
    for name, every in sorted(PERIODIC.items()):
        start = period_start(now, every)
        with once(f"periodic:{name}:{start.isoformat()}", task=name) as first:
            if first:
                TASKS[name].enqueue()
                enqueued.append(name)
    return enqueued, enqueue_due(now)


def enqueue_due(now=None):
    """Hand over the retries no backend holds, the messages a queue lost, the attempts a dead worker left running."""
    now = now or timezone.now()
    stale = now - LOST_AFTER
    for job in Job.objects.filter(state=JobState.RUNNING, started_at__lt=stale):
        attempt_failed(job, TASKS.get(job.task), InterruptedError("tentative interrompue (processus arrêté)"))
    due = list(Job.objects.due(now)) + list(Job.objects.filter(state=JobState.WAITING, queued=True, run_after__lt=stale))
    for job in due:
        hand_over(job)
    return len(due)
