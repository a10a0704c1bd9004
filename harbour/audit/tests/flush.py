"""Let the test runner empty the audit table on PostgreSQL, as a DBA would.

Transactional tests (``django_db(transaction=True)``, ``live_server``) end with Django's
``flush``, a single ``TRUNCATE`` of every table. On PostgreSQL the audit table refuses TRUNCATE
(a trigger, and the privilege revoked from its owner; migration ``audit.0002``), so the flush
fails. ``allow_test_flush_of_audit_log()`` wraps the flush so that, in the same transaction, it
disables the audit table's triggers and grants TRUNCATE back, truncates, then revokes and
re-enables them: exactly the deliberate, owner-only steps a DBA would take. Production code has
no such switch. Call it once per test session (the suite's conftest does); calling it again is
harmless.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"

_BEFORE = [
    f"ALTER TABLE {TABLE} DISABLE TRIGGER USER",
    f"GRANT TRUNCATE ON {TABLE} TO CURRENT_USER",
]
_AFTER = [
    f"REVOKE TRUNCATE ON {TABLE} FROM CURRENT_USER",
    f"ALTER TABLE {TABLE} ENABLE TRIGGER USER",
]


def allow_test_flush_of_audit_log() -> None:
    """Wrap PostgreSQL's ``execute_sql_flush`` as described above (tests only)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush
    if getattr(original, "harbour_allows_audit_flush", False):
        return

    def execute_sql_flush(self: DatabaseOperations, sql_list: list[str]) -> Any:
        if any(TABLE in sql for sql in sql_list):
            sql_list = [*_BEFORE, *sql_list, *_AFTER]
        return original(self, sql_list)

    execute_sql_flush.harbour_allows_audit_flush = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush
