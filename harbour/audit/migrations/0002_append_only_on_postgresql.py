"""On PostgreSQL, make the audit table append-only in the database too (see docs/adr/0003).

- A row-level BEFORE UPDATE OR DELETE trigger and a statement-level BEFORE TRUNCATE trigger raise
  "audit events are append-only". Triggers bind every role, the table's owner included, until
  someone with owner rights disables them (which is itself a visible, deliberate act).
- UPDATE, DELETE and TRUNCATE are revoked from PUBLIC and from the role running the migration
  (normally the owner). INSERT and SELECT are kept, so the application still appends. An owner can
  always grant itself the rights back, which is why production runs the application as a role
  that does not own the table.

On SQLite (the laptop demo) this migration does nothing: the model's own guards apply.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_auditevent"

FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only'
        USING DETAIL = format('%s on %s refused', TG_OP, TG_TABLE_NAME),
              HINT = 'Audit events may only be inserted. See docs/adr/0003-audit-log.md.';
END;
$$;

CREATE TRIGGER audit_auditevent_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();

CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM CURRENT_USER;
"""

REVERSE = f"""
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON {TABLE};
DROP TRIGGER IF EXISTS audit_auditevent_no_update_or_delete ON {TABLE};
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
GRANT UPDATE, DELETE, TRUNCATE ON {TABLE} TO CURRENT_USER;
"""


def _run_on_postgresql(sql: str):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run_on_postgresql(FORWARD), _run_on_postgresql(REVERSE)),
    ]
