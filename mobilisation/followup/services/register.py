"""Writes of the register: registration, correction, acknowledgement, objection, removal; each one audited.

Every function is the only way its change is made (views, imports and commands call it), runs in one transaction
with its audit event (SECURITY.md 21), and names in the audit which fields changed, never their values.
"""

import logging

from django.db import models, transaction
from django.utils import timezone

from mobilisation.audit.enums import AuditAction
from mobilisation.audit.services import record, record_as

from ..enums import Provenance, RegistrationState
from ..models import Person

# Erasures are written outside the database too (the logs), without any personal data, so that they can be replayed
# on a backup restored from before them (manage.py replay_erasures).
erasure_log = logging.getLogger("mobilisation.erasures")


def audit(action, *, by, request=None, person=None, commune="", epci="", summary="", row_count=None):
    """One audit event about a person (tagged with their register) or a whole register (a list, an export)."""
    if person is not None:
        commune, epci = person.commune_id, person.commune.epci_id or ""
    tags = {"target": person, "commune": commune, "epci": epci, "summary": summary, "row_count": row_count}
    if person is None:
        tags.update(object_type="followup.person")
    if request is not None:
        record(request, action, **tags)
    else:
        record_as(by, action, **tags)


def _save_contacts(person, contacts):
    contacts.instance = person
    saved = contacts.save()
    for position, contact in enumerate(person.contacts.order_by("position", "pk"), start=1):
        if contact.position != position:
            contact.position = position
            contact.save(update_fields=["position"])
    return saved


@transaction.atomic
def register_person(*, form, contacts, by, request=None):
    """Register the person of a valid PersonForm with their contacts (a valid ContactFormSet)."""
    person = form.save(commit=False)
    person.state = RegistrationState.REGISTERED
    person.created_by = by
    person.acknowledgement_due = Person.acknowledgement_due_for(person.request_date)
    if person.reason:
        person.reason_recorded_by = by
    person.save()
    _save_contacts(person, contacts)
    audit(AuditAction.CREATE, by=by, request=request, person=person, summary=f"inscription ({Provenance(person.provenance).label})")
    return person


@transaction.atomic
def update_person(*, form, contacts, by, request=None):
    """Save the corrections of a valid PersonForm and ContactFormSet on a registered person."""
    labels = form.changed_labels
    person = form.save(commit=False)
    if "reason" in form.changed_data:
        person.reason_recorded_by = by if person.reason else None
    if "request_date" in form.changed_data and person.acknowledged_at is None:
        person.acknowledgement_due = Person.acknowledgement_due_for(person.request_date)
    person.save()
    if contacts.has_changed():
        labels.append("personnes à prévenir")
    _save_contacts(person, contacts)
    audit(AuditAction.UPDATE, by=by, request=request, person=person, summary="champs modifiés : " + (", ".join(labels) or "aucun"))
    return person


@transaction.atomic
def mark_acknowledged(*, person, by, request=None):
    """The acknowledgement letter is sent: the to-do is done. Sending it twice keeps the first date."""
    changed = Person.objects.filter(pk=person.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), updated_at=timezone.now()
    )
    person.refresh_from_db(fields=["acknowledged_at", "updated_at"])
    if changed:
        audit(AuditAction.UPDATE, by=by, request=request, person=person, summary="accusé de réception envoyé")
    return bool(changed)


def _erase(person, keep):
    from .veille import stop_following

    stop_following(person=person)  # no call, visit or escalation left open for someone out of the register
    for name in Person.PERSONAL_FIELDS:
        if name in keep:
            continue
        field = Person._meta.get_field(name)
        if field.null:
            setattr(person, name, None)
        elif isinstance(field, models.BooleanField):
            setattr(person, name, False)
        else:
            setattr(person, name, "")
    person.contacts.all().delete()
    from mobilisation.mutualaid.help_requests import erase_for_person

    erase_for_person(person)  # the requests for help a veille call opened hold copies of the name, phone and address


@transaction.atomic
def record_objection(*, person, date, by, request=None):
    """The person objects to their registration: out of the register at once, everything but their identity erased.

    The identity (name, first name, birth date, commune) stays so that a later transmission by the Département or
    the CARSAT of the same person is recognised and not registered again (the form warns).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    _erase(person, keep=Person.IDENTITY_FIELDS)
    person.state = RegistrationState.OBJECTED
    person.objected_at = date
    person.save()
    transaction.on_commit(lambda: erasure_log.info("opposition %s %s", person.public_id, date.isoformat()))
    audit(AuditAction.ERASE, by=by, request=request, person=person, summary="opposition à l’inscription : données effacées sauf l’identité")
    return person


@transaction.atomic
def erase_person(*, person, date, by, request=None):
    """Removal on request (CASF R121-8): every personal field erased, the contacts deleted, the record kept empty.

    The empty record keeps the audit trail meaningful ("this record was erased on …") without holding anything
    about the person; the register keeps no history table of people and the audit never stores values, so nothing
    else in the database holds them (SECURITY.md 19; backups: docs/securite.md).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    _erase(person, keep=())
    person.state = RegistrationState.REMOVED
    person.removed_at = timezone.now()
    person.save()
    transaction.on_commit(lambda: erasure_log.info("radiation %s %s", person.public_id, date.isoformat()))
    audit(AuditAction.ERASE, by=by, request=request, person=person, summary=f"radiation à la demande du {date:%d/%m/%Y} : données effacées")
    return person
