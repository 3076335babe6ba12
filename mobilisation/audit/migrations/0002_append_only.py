"""The database refuses to change or empty the access log: no UPDATE, no TRUNCATE, no DELETE of an event younger
than 183 days (the shortest retention of access logs), on SQLite and PostgreSQL alike.

SQLite drops a table's triggers with the table: a later migration that makes Django rebuild audit_auditevent on
SQLite (most field changes do) must create these triggers again. tests/test_audit_triggers.py fails if they are gone.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: they cannot be changed');
    END
    """,
    # Django stores a datetime on SQLite as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]", the format of datetime():
    # the two compare as text, in time order.
    """
    CREATE TRIGGER audit_auditevent_no_young_delete BEFORE DELETE ON audit_auditevent
    WHEN OLD.at > datetime('now', '-183 days')
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: an event younger than 183 days cannot be deleted');
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_young_delete",
]

# SQLSTATE 23000 (integrity constraint violation): Django raises IntegrityError, as it does for SQLite's RAISE(ABORT).
POSTGRESQL = [
    """
    CREATE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.at > now() - interval '183 days' THEN
                RAISE EXCEPTION 'audit events are append-only: an event younger than 183 days cannot be deleted'
                    USING ERRCODE = '23000';
            END IF;
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: no %', TG_OP USING ERRCODE = '23000';
    END;
    $$
    """,
    "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()",
    "CREATE TRIGGER audit_auditevent_no_young_delete BEFORE DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()",
    "CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_young_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
]


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"no append-only triggers for the {vendor} database")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
