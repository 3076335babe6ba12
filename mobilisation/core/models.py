"""Abstract base models shared by the domain apps."""

import uuid

from django.conf import settings
from django.db import models


def any_of(queryset, branches):
    """`queryset` narrowed to the rows matching any of the conditions `branches` (an access rule's branches): each
    branch read through its own index and their ids united, where an OR of branches across joins makes the planner
    scan the whole table (32 ms → 0.2 ms on 84,000 requests for help). No branch: nothing."""
    if not branches:
        return queryset.none()
    ids = [queryset.model._base_manager.filter(branch).order_by().values("pk") for branch in branches]
    return queryset.filter(pk__in=ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0])


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


class FormSubmission(models.Model):
    """A creation form already handled, by its token: the same form sent again (double click, replay) adds nothing."""

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    redirect_to = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "formulaire envoyé"
        verbose_name_plural = "formulaires envoyés"
