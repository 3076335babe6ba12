"""Writing the access log (SECURITY.md 21): `record` from a view, `record_as` from a task or a command; the purge.

An event is written with the caller's work, in the caller's transaction: if the read or the change is rolled back,
so is its event. What an event holds: who (the account and its name and e-mail at the time), when, what (the action,
the type and public identifier of the object, a short summary without personal data of the people followed, a row
count), from where (address and path), and the register it belongs to (commune, EPCI). Never a name, a phone
number or a reason of a person followed: `summary` names fields and filters, not their values.
"""

import ipaddress

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mobilisation.core.limits import client_ip

from .models import AuditEvent


def field_length(name):
    return AuditEvent._meta.get_field(name).max_length


def truncated(text, name):
    limit = field_length(name)
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(target, object_type, object_id):
    """The model label and public identifier of `target` (its primary key if it has no public_id)."""
    if target is None:
        return object_type, str(object_id or "")
    public_id = getattr(target, "public_id", None)
    return object_type or target._meta.label_lower, str(public_id if public_id is not None else target.pk)


def valid_ip(address):
    """The address if it is one (a server on a Unix socket gives an empty or odd REMOTE_ADDR), else None."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def actor_label(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email


def record_as(
    user, action, *, target=None, object_type="", object_id="", commune="", epci="", summary="", row_count=None, ip=None, path=""
):
    """Write one event by `user` (a task, a command: no request); returns it. Long texts are cut, never refused."""
    object_type, object_id = describe(target, object_type, object_id)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=user if authenticated else None,
        actor_label=truncated(actor_label(user), "actor_label"),
        action=action,
        object_type=truncated(object_type, "object_type"),
        object_id=truncated(object_id, "object_id"),
        commune=str(commune or "")[: field_length("commune")],
        epci=str(epci or "")[: field_length("epci")],
        summary=truncated(summary, "summary"),
        row_count=row_count,
        ip=valid_ip(ip) if ip else None,
        path=truncated(path, "path"),
    )


def record(request, action, *, target=None, object_type="", object_id="", commune="", epci="", summary="", row_count=None):
    """Write one event for what `request`'s user does: the account, the client address (core.limits.client_ip:
    REMOTE_ADDR, or the address seen by the NUM_PROXIES trusted proxies) and the path (without the query string)."""
    return record_as(
        request.user,
        action,
        target=target,
        object_type=object_type,
        object_id=object_id,
        commune=commune,
        epci=epci,
        summary=summary,
        row_count=row_count,
        ip=client_ip(request),
        path=request.path,
    )


def purge_expired(*, now=None):
    """Delete the events older than AUDIT_RETENTION_DAYS; returns how many. Idempotent: a task may run it again."""
    with transaction.atomic():
        deleted, _ = AuditEvent.objects.older_than(settings.AUDIT_RETENTION_DAYS, now=now or timezone.now()).delete()
    return deleted
