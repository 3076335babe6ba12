"""Abstract base models shared by the domain apps."""

import uuid

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(TimeStampedModel):
    """A model exposed in URLs and the API under a UUID, never its sequential key."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
