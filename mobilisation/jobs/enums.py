from django.db import models


class JobState(models.TextChoices):
    WAITING = "waiting", "En attente"
    RUNNING = "running", "En cours"
    SUCCEEDED = "succeeded", "Réussie"
    FAILED = "failed", "En échec"
