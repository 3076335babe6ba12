"""The access log (journal des accès): append-only events of reads, changes and exports of personal data.

The database refuses UPDATE, TRUNCATE and the DELETE of any event younger than the 183-day floor (migration
0002_append_only): the only deletion that can ever happen is the purge of expired events (services.purge_expired).
An event holds no personal data of the people followed and no foreign key to what it audits: a person erased leaves
events that are still readable and name nobody. See docs/adr/008-journal-des-acces.md.
"""

import datetime
import functools

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mobilisation.accounts.enums import Role

from .enums import AuditAction

# The database refuses to delete an event younger than this (migration 0002_append_only): 6 months, the shortest
# retention the law allows for access logs. AUDIT_RETENTION_DAYS cannot go below it.
MINIMUM_RETENTION_DAYS = 183


@functools.cache
def object_type_label(label):
    try:
        return apps.get_model(label)._meta.verbose_name
    except (LookupError, ValueError):
        return label


def reads_journal(user):
    """Only the CCAS/CIAS managers read an access log, that of their own register: not the agents, not the ARS,
    and not the superusers either (the log is the register's, and who reads it must be accountable for it)."""
    scope = getattr(user, "scope", None)
    if scope is None:
        return False
    return bool(scope.commune_codes_for(Role.SOCIAL_SERVICES_MANAGER) or scope.epci_sirens_for(Role.SOCIAL_SERVICES_MANAGER))


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The events of the registers the user manages (SOCIAL_SERVICES_MANAGER memberships): a commune's CCAS
        manager, the events of that commune; an EPCI's CIAS manager, those tagged with the EPCI and those of its
        communes. Nobody else sees any event, superusers and the ARS included (see reads_journal)."""
        if not reads_journal(user):
            return self.none()
        from mobilisation.territories.models import Commune

        scope = user.scope
        communes = scope.commune_codes_for(Role.SOCIAL_SERVICES_MANAGER)
        epcis = scope.epci_sirens_for(Role.SOCIAL_SERVICES_MANAGER)
        condition = Q(commune__in=communes) if communes else Q(pk__in=[])
        if epcis:
            epci_communes = Commune.objects.filter(epci__in=epcis).values("insee_code")
            condition |= Q(epci__in=epcis) | Q(commune__in=epci_communes)
        return self.filter(condition)

    def older_than(self, days, *, now=None):
        """Events recorded more than `days` days before `now`."""
        return self.filter(at__lt=(now or timezone.now()) - datetime.timedelta(days=days))

    def between(self, start=None, end=None):
        """Events of the days from `start` to `end` (dates, both included, in the site's time zone)."""

        def midnight(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

        events = self
        if start:
            events = events.filter(at__gte=midnight(start))
        if end:
            events = events.filter(at__lt=midnight(end + datetime.timedelta(days=1)))
        return events


class AuditEvent(models.Model):
    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    # PROTECT, not SET_NULL: setting the column to NULL would be an UPDATE, which the database refuses. Accounts are
    # deactivated, never deleted; an account with events can only be deleted once its events are purged.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="auteur"
    )
    actor_label = models.CharField("auteur (nom et adresse au moment de l’action)", max_length=300, blank=True)
    action = models.CharField("action", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("type d’objet", max_length=100, blank=True, help_text="Par exemple « followup.person ».")
    object_id = models.CharField("identifiant de l’objet", max_length=64, blank=True, db_index=True)
    commune = models.CharField("commune (code Insee)", max_length=5, blank=True, db_index=True)
    epci = models.CharField("EPCI (SIREN)", max_length=9, blank=True, db_index=True)
    summary = models.CharField("résumé", max_length=500, blank=True)
    row_count = models.PositiveIntegerField("nombre de lignes", null=True, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    path = models.CharField("adresse de la page", max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "évènement du journal des accès"
        verbose_name_plural = "évènements du journal des accès"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} – {self.object_type} {self.object_id}".strip()

    @property
    def object_type_label(self):
        """The audited model's French name ("personne"), or its label if the model is gone."""
        return object_type_label(self.object_type)
