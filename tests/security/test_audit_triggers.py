"""SECURITY.md 21: the database itself refuses to change or empty the access log (SQLite and PostgreSQL)."""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from mobilisation.audit.enums import AuditAction
from mobilisation.audit.models import MINIMUM_RETENTION_DAYS, AuditEvent
from mobilisation.audit.services import purge_expired, record_as

pytestmark = pytest.mark.django_db


def event(agent):
    return record_as(
        agent, AuditAction.UPDATE, object_type="followup.person", object_id="abc", commune="22050", summary="champs modifiés : téléphone"
    )


def refused(action):
    with pytest.raises(DatabaseError), transaction.atomic():
        action()


def test_an_event_cannot_be_saved_again_updated_or_deleted(social_services_dinan):
    young = event(social_services_dinan)
    young.summary = "falsifié"
    refused(young.save)
    refused(lambda: AuditEvent.objects.filter(pk=young.pk).update(summary="falsifié"))
    refused(lambda: AuditEvent.objects.filter(pk=young.pk).update(at=timezone.now() - datetime.timedelta(days=400)))
    refused(young.delete)
    refused(lambda: AuditEvent.objects.filter(pk=young.pk).delete())
    refused(lambda: AuditEvent.objects.all().delete())
    stored = AuditEvent.objects.get(pk=young.pk)
    assert stored.summary == "champs modifiés : téléphone" and stored.action == AuditAction.UPDATE


def test_the_refusal_is_an_integrity_error_naming_the_rule(social_services_dinan):
    young = event(social_services_dinan)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=young.pk).update(summary="x")


def test_raw_sql_is_refused_too(social_services_dinan):
    young = event(social_services_dinan)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s", [young.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
    assert AuditEvent.objects.get(pk=young.pk).summary == "champs modifiés : téléphone"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(social_services_dinan):
    event(social_services_dinan)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("days_ago", "deletable"),
    [(MINIMUM_RETENTION_DAYS + 1, True), (400, True), (MINIMUM_RETENTION_DAYS - 1, False), (1, False)],
)
def test_the_database_deletes_only_events_older_than_183_days(days_ago, deletable):
    """Both sides of the floor: the stored date format and the database's clock really compare (SQLite text)."""
    old = AuditEvent.objects.create(at=timezone.now() - datetime.timedelta(days=days_ago), action=AuditAction.READ, summary="ancien")
    if deletable:
        AuditEvent.objects.filter(pk=old.pk).delete()
        assert not AuditEvent.objects.filter(pk=old.pk).exists()
    else:
        refused(lambda: AuditEvent.objects.filter(pk=old.pk).delete())
        assert AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_floor_holds_to_the_hour_and_with_whole_seconds():
    """An event at 182 days 23 hours (and a date without microseconds, stored without its fraction) is kept."""
    now = timezone.now().replace(microsecond=0)
    almost = AuditEvent.objects.create(at=now - datetime.timedelta(days=183) + datetime.timedelta(hours=1), action=AuditAction.READ)
    past = AuditEvent.objects.create(at=now - datetime.timedelta(days=183, hours=1), action=AuditAction.READ)
    refused(lambda: AuditEvent.objects.filter(pk=almost.pk).delete())
    AuditEvent.objects.filter(pk=past.pk).delete()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [almost.pk]


def test_the_purge_cannot_go_below_the_databases_floor(settings):
    """A purge asked with a clock a year ahead (or a retention forced under 183 days) is refused by the database."""
    AuditEvent.objects.create(at=timezone.now() - datetime.timedelta(days=10), action=AuditAction.READ)
    settings.AUDIT_RETENTION_DAYS = 5
    with pytest.raises(DatabaseError):
        purge_expired()
    assert AuditEvent.objects.count() == 1


def test_an_agents_account_with_events_cannot_be_deleted(social_services_dinan):
    """Deleting the account would set the events' actor to NULL or delete them: neither may happen (PROTECT)."""
    from django.db.models import ProtectedError

    event(social_services_dinan)
    with pytest.raises(ProtectedError):
        social_services_dinan.delete()
    assert AuditEvent.objects.get().actor == social_services_dinan
