"""The audit log refuses changes on the database itself, not only in Python.

PostgreSQL refuses UPDATE and DELETE of a row (TRUNCATE, which only a test run's flush
uses, is a separate statement). SQLite, the embedded development set-up, refuses UPDATE;
it keeps row DELETE because its flush between tests is a DELETE.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION moderation_audit_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log cannot be changed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_auditentry_immutable
    BEFORE UPDATE OR DELETE ON moderation_auditentry
    FOR EACH ROW EXECUTE FUNCTION moderation_audit_immutable();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS moderation_auditentry_immutable ON moderation_auditentry;
DROP FUNCTION IF EXISTS moderation_audit_immutable();
"""
SQLITE_UP = [
    """CREATE TRIGGER moderation_auditentry_no_update BEFORE UPDATE ON moderation_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS moderation_auditentry_no_update;",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [POSTGRES_UP], "sqlite": SQLITE_UP}),
            _run({"postgresql": [POSTGRES_DOWN], "sqlite": SQLITE_DOWN}),
        ),
    ]
