"""``manage.py audit_verify``: an intact chain passes; tampering out of band is found and named."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from harbour.accounts.tests.factories import UserFactory
from harbour.audit.management.commands import audit_verify
from harbour.audit.models import GENESIS_HASH, AuditEvent, chain_hash
from harbour.audit.services import record_event

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = "audit_auditevent"


def _verify(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _events(count: int) -> list[AuditEvent]:
    user = UserFactory()
    return [
        record_event(actor=user, action="person.viewed", subject_id=str(n), reason=f"visit {n}")
        for n in range(count)
    ]


@contextlib.contextmanager
def _as_dba() -> Iterator[None]:
    """Raw SQL with the append-only protections lifted, as a DBA with owner rights could."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(f"GRANT UPDATE, DELETE ON {TABLE} TO CURRENT_USER")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"REVOKE UPDATE, DELETE ON {TABLE} FROM CURRENT_USER")
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def _raw(sql: str, params: list[object]) -> None:
    with _as_dba(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _skip_ids(count: int) -> None:
    """Leave a gap in the id sequence (as rolled-back inserts do on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
                f"(SELECT max(id) FROM {TABLE}) + %s)",
                [count],
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [count, TABLE]
            )


def _insert_raw(*, event_id: int, previous_hash: str, valid_hash: bool = True) -> None:
    """Insert an event behind the application's back, with a correctly computed hash or not."""
    occurred_at = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.UTC)
    fields = {
        "previous_hash": previous_hash,
        "occurred_at": occurred_at.isoformat(),
        "actor_id": "",
        "actor_label": "intruder",
        "action": "person.viewed",
        "subject_type": "",
        "subject_id": "forged",
        "before": None,
        "after": None,
        "reason": "",
        "request_id": "",
        "ip_address": "",
    }
    digest = chain_hash(**fields) if valid_hash else "f" * 64
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, occurred_at, actor_label, action, subject_type, "
            "subject_id, reason, request_id, previous_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                event_id,
                occurred_at,
                "intruder",
                "person.viewed",
                "",
                "forged",
                "",
                "",
                previous_hash,
                digest,
            ],
        )


def test_an_intact_chain_passes():
    events = _events(5)
    output = _verify()
    assert "Audit chain intact: 5 events" in output
    assert f"Latest event: {events[-1].id}:{events[-1].hash}" in output


def test_an_empty_log_passes():
    assert "Audit chain intact: 0 events" in _verify()


def test_the_chain_is_read_in_chunks(monkeypatch):
    _events(7)
    monkeypatch.setattr(audit_verify, "CHUNK_SIZE", 2)
    assert "Audit chain intact: 7 events" in _verify()


def test_an_altered_event_is_named():
    events = _events(5)
    _raw(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["nothing to see", events[2].id])

    with pytest.raises(CommandError) as failure:
        _verify()
    message = str(failure.value)
    assert f"broken at event {events[2].id}:" in message
    assert "altered" in message
    assert "hash mismatch" in message


def test_an_altered_and_rehashed_event_breaks_the_link_to_the_next():
    events = _events(5)
    altered = AuditEvent.objects.get(pk=events[2].pk)
    altered.reason = "nothing to see"
    new_hash = altered.compute_hash()
    _raw(
        f"UPDATE {TABLE} SET reason = %s, hash = %s WHERE id = %s",
        ["nothing to see", new_hash, events[2].id],
    )

    with pytest.raises(CommandError) as failure:
        _verify()
    message = str(failure.value)
    assert f"broken at event {events[3].id}:" in message
    assert f"does not match the hash of event {events[2].id}" in message


def test_a_deleted_middle_event_is_found():
    events = _events(5)
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].id])

    with pytest.raises(CommandError) as failure:
        _verify()
    message = str(failure.value)
    assert f"broken at event {events[3].id}:" in message
    assert f"does not match the hash of event {events[1].id}" in message
    assert "removed" in message


def test_a_deleted_first_event_is_found():
    events = _events(3)
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[0].id])

    with pytest.raises(CommandError, match=f"broken at event {events[1].id}: it is the first"):
        _verify()


def test_an_event_inserted_in_the_middle_is_named():
    before = _events(2)
    _skip_ids(10)
    after = _events(2)
    inserted_id = before[-1].id + 5
    assert before[-1].id < inserted_id < after[0].id
    _insert_raw(event_id=inserted_id, previous_hash=before[-1].hash)

    with pytest.raises(CommandError) as failure:
        _verify()
    message = str(failure.value)
    assert f"broken at event {inserted_id}: it was inserted out of band" in message
    assert f"links to event {before[-1].id}" in message


def test_an_event_inserted_at_the_start_is_named():
    _skip_ids(10)
    events = _events(2)
    _insert_raw(event_id=events[0].id - 5, previous_hash=GENESIS_HASH)

    with pytest.raises(CommandError) as failure:
        _verify()
    message = str(failure.value)
    assert f"broken at event {events[0].id - 5}: it was inserted out of band" in message
    assert "links to the start of the chain" in message


def test_an_inserted_event_with_a_made_up_hash_is_named():
    before = _events(2)
    _skip_ids(10)
    _events(1)
    _insert_raw(event_id=before[-1].id + 3, previous_hash=before[-1].hash, valid_hash=False)

    with pytest.raises(CommandError, match=f"broken at event {before[-1].id + 3}: .*altered"):
        _verify()


def test_a_removed_tail_is_found_only_with_an_anchor():
    events = _events(4)
    anchor = f"{events[-1].id}:{events[-1].hash}"
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].id])

    assert "Audit chain intact: 3 events" in _verify()
    with pytest.raises(CommandError, match=f"anchored event {events[-1].id} is no longer"):
        _verify("--anchor", anchor)


def test_a_rewritten_chain_is_found_with_an_anchor():
    events = _events(3)
    anchor = f"{events[1].id}:{events[1].hash}"
    # Rewrite events 2 and 3 and recompute every hash from there, so the chain alone holds.
    previous_hash = events[0].hash
    for original in events[1:]:
        forged = AuditEvent.objects.get(pk=original.pk)
        forged.reason = "rewritten"
        forged.previous_hash = previous_hash
        forged_hash = forged.compute_hash()
        _raw(
            f"UPDATE {TABLE} SET reason = %s, previous_hash = %s, hash = %s WHERE id = %s",
            ["rewritten", previous_hash, forged_hash, original.id],
        )
        previous_hash = forged_hash

    assert "Audit chain intact: 3 events" in _verify()
    with pytest.raises(CommandError, match=f"broken at event {events[1].id}: .*anchor"):
        _verify("--anchor", anchor)


def test_a_malformed_anchor_is_explained():
    with pytest.raises(CommandError, match="not in the form EVENT_ID:HASH"):
        _verify("--anchor", "12")


def test_the_command_exits_non_zero_when_the_chain_is_broken(capsys):
    events = _events(3)
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].id])

    with pytest.raises(SystemExit) as exit_info:
        audit_verify.Command().run_from_argv(["manage.py", "audit_verify"])
    assert exit_info.value.code != 0
    assert f"broken at event {events[2].id}" in capsys.readouterr().err


def test_json_before_and_after_survive_the_database_for_verification():
    user = UserFactory()
    record_event(
        actor=user,
        action="person.updated",
        before={"names": ["Ana", "María"], "n": 3, "flag": True, "nothing": None},
        after={"text": 'quote " and ‘curly’', "nested": {"z": 1, "a": 2}},
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT after FROM {TABLE}")
        stored = cursor.fetchone()[0]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored["nested"] == {"z": 1, "a": 2}
    assert "Audit chain intact: 1 events" in _verify()
