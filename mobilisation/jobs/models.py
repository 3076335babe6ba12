"""Background jobs as the platform follows them (attempts, state, scrubbed last error) and the effects already done."""

import uuid

from django.db import models
from django.utils import timezone

from .enums import JobState


class JobQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(state=JobState.FAILED)

    def due(self, now=None):
        """Waiting jobs whose time has come and that no backend holds (retries of a backend that cannot defer)."""
        return self.filter(state=JobState.WAITING, queued=False, run_after__lte=now or timezone.now())


class Job(models.Model):
    """One call of a reliable task, across its attempts. Its arguments are ids only, never personal data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.CharField("tâche", max_length=200)
    args = models.JSONField("arguments", default=list)
    state = models.CharField("état", max_length=20, choices=JobState.choices, default=JobState.WAITING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    max_attempts = models.PositiveSmallIntegerField("tentatives au plus", default=5)
    # True while a message for this job waits in the backend's queue; False when only enqueue_periodic will hand
    # it over again (a retry on a backend without run_after).
    queued = models.BooleanField("dans la file", default=False)
    run_after = models.DateTimeField("pas avant", default=timezone.now)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    started_at = models.DateTimeField("dernière tentative le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    error_class = models.CharField("dernière erreur", max_length=200, blank=True)
    error_message = models.CharField("message de la dernière erreur (expurgé)", max_length=300, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "tâche de fond"
        verbose_name_plural = "tâches de fond"
        indexes = [models.Index(fields=["state", "run_after"], name="jobs_state_run_after")]
        constraints = [models.CheckConstraint(condition=models.Q(state__in=JobState.values), name="jobs_job_state_valid")]

    def __str__(self):
        return f"{self.task} ({self.get_state_display()})"

    @property
    def label(self):
        from .registry import label_of

        return label_of(self.task)


class Effect(models.Model):
    """An effect done once (an e-mail sent, a file imported): its key is recorded in the effect's own transaction."""

    key = models.CharField("clé", max_length=200, unique=True)
    task = models.CharField("tâche", max_length=200, blank=True)
    done_at = models.DateTimeField("fait le", default=timezone.now)

    class Meta:
        verbose_name = "effet accompli"
        verbose_name_plural = "effets accomplis"

    def __str__(self):
        return self.key


class OutgoingEmail(models.Model):
    """A notification e-mail waiting for its task (jobs.mail.send_later): deleted once sent, nothing of it is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipients = models.JSONField("destinataires", default=list)
    subject = models.CharField("objet", max_length=300)
    body = models.TextField("texte")
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "courriel à envoyer"
        verbose_name_plural = "courriels à envoyer"

    def __str__(self):
        return self.subject
