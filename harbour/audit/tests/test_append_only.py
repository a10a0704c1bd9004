"""Audit events can only be appended: the ORM refuses changes, and on PostgreSQL so does the DB."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from harbour.accounts.tests.factories import UserFactory
from harbour.audit.models import AuditEvent, AuditLogIsAppendOnly
from harbour.audit.services import record_event

TABLE = "audit_auditevent"


@pytest.fixture
def event():
    user = UserFactory()
    record_event(actor=user, action="auth.signed_in")
    return record_event(actor=user, action="auth.signed_out")


# The ORM, on any database ------------------------------------------------------------------


@pytest.mark.django_db
def test_queryset_update_is_refused(event):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.update(reason="changed")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_queryset_delete_is_refused(event):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_saving_an_existing_event_is_refused(event):
    loaded = AuditEvent.objects.get(pk=event.pk)
    loaded.reason = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        loaded.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_bulk_update_is_refused(event):
    event.reason = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["reason"])


# The database itself, on PostgreSQL ----------------------------------------------------------


def _raw(sql: str, params: list[object] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_raw_update_is_refused_by_postgresql(event):
    with pytest.raises(DatabaseError, match="audit events are append-only"):
        _raw(f"UPDATE {TABLE} SET reason = 'changed' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_raw_delete_is_refused_by_postgresql(event):
    with pytest.raises(DatabaseError, match="audit events are append-only"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_truncate_is_refused_by_postgresql(event):
    with pytest.raises(DatabaseError, match="audit events are append-only"):
        _raw(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_owner_keeps_only_select_and_insert(event):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT grantee, privilege_type FROM information_schema.table_privileges "
            "WHERE table_name = %s AND grantee IN (current_user, 'PUBLIC')",
            [TABLE],
        )
        privileges = {privilege for _grantee, privilege in cursor.fetchall()}
    assert {"SELECT", "INSERT"} <= privileges
    assert not privileges & {"UPDATE", "DELETE", "TRUNCATE"}


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_an_application_role_that_does_not_own_the_table_appends_but_cannot_change(event):
    """The production set-up ADR 0003 recommends: the app connects as a non-owner role."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE harbour_app_under_test NOLOGIN")  # rolled back after the test
        cursor.execute(f"GRANT SELECT, INSERT ON {TABLE} TO harbour_app_under_test")
        cursor.execute("GRANT SELECT ON accounts_user TO harbour_app_under_test")
        cursor.execute("SET ROLE harbour_app_under_test")
    try:
        appended = record_event(actor=None, action="auth.sign_in_failed")
        assert appended.previous_hash == event.hash
        for statement in (
            f"UPDATE {TABLE} SET reason = 'changed'",
            f"DELETE FROM {TABLE}",
            f"TRUNCATE {TABLE}",
            f"ALTER TABLE {TABLE} DISABLE TRIGGER USER",
        ):
            with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
                _raw(statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [TABLE],
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_and_reapplies():
    expected = {"audit_auditevent_no_update_or_delete", "audit_auditevent_no_truncate"}
    assert _triggers() == expected
    try:
        call_command("migrate", "audit", "0001", verbosity=0)
        assert _triggers() == set()
        event = record_event(actor=None, action="auth.sign_in_failed")
        # Without the triggers the ORM's own guard still applies.
        with pytest.raises(AuditLogIsAppendOnly):
            event.delete()
    finally:
        call_command("migrate", "audit", verbosity=0)
    assert _triggers() == expected


@pytest.mark.django_db
def test_the_triggers_exist_only_on_postgresql():
    if connection.vendor == "postgresql":
        assert _triggers() == {
            "audit_auditevent_no_update_or_delete",
            "audit_auditevent_no_truncate",
        }
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert cursor.fetchall() == []
