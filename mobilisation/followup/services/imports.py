"""Imports of an existing register: deposit, check (a background task), confirmation, writing (another), abandon.

Nothing is written to the register until the whole file is clean (SECURITY.md 15): the check stores its report
and, when the file has errors, erases the file at once (the agent deposits a corrected one). A clean file waits
for the agent's confirmation, with their choice for each person already registered; the writing checks the file
again (someone may have registered one of its people since), then writes every row in one transaction, under an
idempotency key (a retried task never imports twice), with one audit event per person created or completed and
one per commune for the import (SECURITY.md 21). The file is erased once imported, abandoned, or after
IMPORT_KEPT_HOURS.
"""

import json

from django.db import transaction
from django.utils import timezone

from mobilisation.audit.enums import AuditAction
from mobilisation.audit.models import AuditEvent
from mobilisation.audit.services import actor_label, record_as, truncated
from mobilisation.jobs.effects import once
from mobilisation.territories.models import Commune

from .. import importing
from ..enums import DuplicateChoice, ImportState, RegistrationState
from ..models import ContactPerson, Person, RegisterImport, register_communes

BATCH = 2000


def start_import(*, data, file_name, by):
    """Keep the deposited file (encrypted) and queue its check; raises importing.UnreadableFile for a wrong type."""
    from ..tasks import check_import

    fmt = importing.format_of(file_name)
    item = RegisterImport.objects.create(
        created_by=by, file_name=file_name[:200], file_format=fmt, file_size=len(data), content=RegisterImport.encode(data)
    )
    check_import.enqueue(str(item.public_id))
    return item


def _checker(user):
    allowed = dict(register_communes(user).values_list("insee_code", "name"))
    others = dict(Commune.objects.exclude(insee_code__in=allowed).values_list("insee_code", "name"))
    return importing.RowChecker(allowed=allowed, others=others)


def _read_and_check(item, progress=None):
    """(report, duplicates) of the import's file for its importer's registers, as of now."""
    try:
        table = importing.read_table(item.file_bytes(), item.file_format)
    except importing.UnreadableFile as error:
        report = importing.Report()
        report.file_problems.append(str(error))
        return report, {}
    if progress is not None:
        RegisterImport.objects.filter(pk=item.pk).update(total_rows=max(len(table) - 1, 0), checked_rows=0)
    report = importing.check_table(table, _checker(item.created_by), progress=progress)
    return report, find_duplicates(report.rows)


def find_duplicates(rows):
    """{row number: (existing Person id, public id, state)} for the rows whose person is already in the register."""
    communes = {row.commune for row in rows}
    if not communes:
        return {}
    existing = {}
    for pk, public_id, commune, name, birth_date, state in (
        Person.objects.filter(commune__in=communes)
        .exclude(state=RegistrationState.REMOVED)
        .values_list("pk", "public_id", "commune", "search_name", "birth_date", "state")
        .iterator(chunk_size=5000)
    ):
        existing.setdefault((commune, name, birth_date), (pk, str(public_id), state))
    return {row.number: existing[row.identity] for row in rows if row.identity in existing}


def check(public_id):
    """The background check of a deposited file: its report, then « à corriger » (file erased) or « prêt »."""
    item = RegisterImport.objects.filter(public_id=public_id, state=ImportState.CHECKING).first()
    if item is None:
        return
    report, duplicates = _read_and_check(
        item, progress=lambda done: RegisterImport.objects.filter(pk=item.pk).update(checked_rows=done, updated_at=timezone.now())
    )
    clean = report.clean
    RegisterImport.objects.filter(pk=item.pk).update(
        state=ImportState.READY if clean else ImportState.TO_FIX,
        report=_stored(report, duplicates),
        content=item.content if clean else None,
        total_rows=report.total,
        checked_rows=report.total,
        error_count=report.error_count + len(report.file_problems),
        duplicate_count=len(duplicates),
        finished_at=None if clean else timezone.now(),
        updated_at=timezone.now(),
    )


def _stored(report, duplicates):
    """The report as the import keeps it (encrypted): the errors, the duplicates with their record, a preview."""
    by_number = {row.number: row for row in report.rows}
    return json.dumps(
        {
            "file_problems": report.file_problems,
            "unknown_columns": report.unknown_columns[:50],
            "errors": report.errors,
            "rows_in_error": report.rows_in_error,
            "out_of_scope": report.out_of_scope,
            "duplicates": [
                {**by_number[number].display(), "person": public_id, "objected": state == RegistrationState.OBJECTED}
                for number, (_, public_id, state) in sorted(duplicates.items())
            ],
            "preview": [row.display() for row in report.rows[: importing.PREVIEW_ROWS]],
        },
        ensure_ascii=False,
    )


def default_choice(duplicate):
    """Someone who objected is never re-registered by an import unless the agent says so; others are completed."""
    return DuplicateChoice.SKIP if duplicate["objected"] else DuplicateChoice.MERGE


@transaction.atomic
def confirm_import(*, item, decisions):
    """The agent confirms a clean import with their choice per duplicate row; False if it was not (or no longer) ready."""
    from ..tasks import write_import

    confirmed = RegisterImport.objects.filter(pk=item.pk, state=ImportState.READY).update(
        state=ImportState.IMPORTING, decisions=decisions, updated_at=timezone.now()
    )
    if confirmed:
        write_import.enqueue(str(item.public_id))
    return bool(confirmed)


@transaction.atomic
def cancel_import(*, item):
    """Abandon an import not yet written: its file and report are erased."""
    return bool(
        RegisterImport.objects.filter(pk=item.pk)
        .exclude(state__in=[ImportState.IMPORTING, ImportState.DONE])
        .update(state=ImportState.CANCELLED, content=None, report=None, finished_at=timezone.now(), updated_at=timezone.now())
    )


def _person(row, by):
    values = row.values
    return Person(
        commune_id=row.commune,
        state=RegistrationState.REGISTERED,
        created_by=by,
        search_name=row.identity[1],
        acknowledgement_due=Person.acknowledgement_due_for(values["request_date"]),
        reason_recorded_by=by if values["reason"] else None,
        **{**values, "lives_alone": bool(values["lives_alone"])},
    )


def _merge(person, row, by):
    """Fill the existing record with the file's values (an empty cell changes nothing); the fields changed, by label."""
    changed = []
    for name, value in row.values.items():
        if value in ("", None):
            continue
        if name in ("reason_consent_by", "reason_consent_channel", "reason_consent_at") and not row.values["reason"]:
            continue
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(str(Person._meta.get_field(name).verbose_name))
    if person.state == RegistrationState.OBJECTED:  # registered again, at the agent's explicit choice
        person.state = RegistrationState.REGISTERED
        person.objected_at = None
        person.acknowledged_at = None
        person.acknowledgement_due = Person.acknowledgement_due_for(row.values["request_date"])
        changed.append("état")
    if row.values["reason"] and "motif de fragilité ou de santé" in changed:
        person.reason_recorded_by = by
    return changed


def write(public_id):
    """The background writing of a confirmed import, all rows or none."""
    item = RegisterImport.objects.filter(public_id=public_id, state=ImportState.IMPORTING).select_related("created_by").first()
    if item is None:
        return
    by = item.created_by
    report, duplicates = _read_and_check(item)
    if not report.clean:  # the file no longer passes (a commune left the importer's scope meanwhile): back to fixing
        RegisterImport.objects.filter(pk=item.pk).update(
            state=ImportState.TO_FIX,
            content=None,
            error_count=report.error_count + len(report.file_problems),
            report=_stored(report, duplicates),
            finished_at=timezone.now(),
        )
        return
    with once(f"followup.import:{item.public_id}", task="import de registre") as first:
        if not first:
            return
        created, merged, skipped = _write_rows(item, report.rows, duplicates, by)
        _audit(item, created, merged, by)
        RegisterImport.objects.filter(pk=item.pk).update(
            state=ImportState.DONE,
            content=None,
            report=None,
            created_count=len(created),
            merged_count=len(merged),
            skipped_count=skipped,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


def _write_rows(item, rows, duplicates, by):
    new_people, new_contacts, merged, skipped = [], [], [], 0
    existing = Person.objects.in_bulk([pk for pk, _, _ in duplicates.values()]) if duplicates else {}
    for row in rows:
        duplicate = duplicates.get(row.number)
        choice = item.decisions.get(str(row.number), DuplicateChoice.SKIP) if duplicate else DuplicateChoice.CREATE
        if choice == DuplicateChoice.SKIP:
            skipped += 1
            continue
        if choice == DuplicateChoice.MERGE:
            person = existing[duplicate[0]]
            changed = _merge(person, row, by)
            if row.contacts:
                person.contacts.all().delete()
                new_contacts.extend((person, contact) for contact in row.contacts)
                changed.append("personnes à prévenir")
            person.save()
            merged.append((person, changed))
            continue
        person = _person(row, by)
        new_people.append(person)
        new_contacts.extend((person, contact) for contact in row.contacts)
    Person.objects.bulk_create(new_people, batch_size=BATCH)
    ContactPerson.objects.bulk_create([ContactPerson(person=person, **contact) for person, contact in new_contacts], batch_size=BATCH)
    return new_people, merged, skipped


def _audit(item, created, merged, by):
    """One event per person created or completed, one per commune for the import itself (the manager's journal)."""
    epcis = dict(
        Commune.objects.filter(insee_code__in={p.commune_id for p in created} | {p.commune_id for p, _ in merged}).values_list(
            "insee_code", "epci"
        )
    )
    label = truncated(actor_label(by), "actor_label")
    now = timezone.now()
    summary = truncated(f"import du fichier {item.public_id}", "summary")

    def event(person, action, text):
        return AuditEvent(
            at=now,
            actor=by,
            actor_label=label,
            action=action,
            object_type="followup.person",
            object_id=str(person.public_id),
            commune=person.commune_id,
            epci=epcis.get(person.commune_id) or "",
            summary=truncated(text, "summary"),
        )

    events = [event(person, AuditAction.CREATE, f"inscription par {summary}") for person in created]
    events += [
        event(person, AuditAction.UPDATE, f"fiche complétée par {summary} : " + (", ".join(changed) or "aucun champ"))
        for person, changed in merged
    ]
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    per_commune = {}
    for person in created:
        per_commune.setdefault(person.commune_id, [0, 0])[0] += 1
    for person, _ in merged:
        per_commune.setdefault(person.commune_id, [0, 0])[1] += 1
    for commune, (new, completed) in sorted(per_commune.items()):
        record_as(
            by,
            AuditAction.IMPORT,
            object_type="followup.registerimport",
            object_id=str(item.public_id),
            commune=commune,
            epci=epcis.get(commune) or "",
            summary=f"import d’un registre ({importing.FORMATS[item.file_format]}) : {new} inscription(s), {completed} fiche(s) complétée(s)",
            row_count=new + completed,
        )


def erase_stale(now=None):
    """Erase the files and reports of the imports left past IMPORT_KEPT_HOURS (abandoned if never written); how many."""
    now = now or timezone.now()
    stale = RegisterImport.objects.stale(now)
    unfinished = stale.filter(state__in=[ImportState.CHECKING, ImportState.READY]).update(
        content=None, report=None, state=ImportState.CANCELLED, finished_at=now, updated_at=now
    )
    return unfinished + stale.update(content=None, report=None, updated_at=now)


def mark_failed(public_id):
    """A check or a writing that failed every attempt: nothing was written (one transaction); the file is erased."""
    RegisterImport.objects.filter(public_id=public_id, state__in=[ImportState.CHECKING, ImportState.IMPORTING]).update(
        state=ImportState.FAILED, content=None, report=None, finished_at=timezone.now(), updated_at=timezone.now()
    )
