"""``manage.py audit_verify``: check that the audit log's hash chain is unbroken.

Walks every event in id order, a chunk at a time (a million rows fit in little memory), and checks
that each event's hash still matches its contents and that its ``previous_hash`` is the hash of the
event before it (the first event's is ``GENESIS_HASH``). Exits 0 with "Audit chain intact: N
events", or non-zero naming the first broken event and what is wrong with it.

``--anchor ID:HASH`` (repeatable) also checks hashes written down elsewhere earlier (a previous
run's "Latest event" line kept outside the database): that catches the tail of the log being
removed, or the chain being rewritten from some point on, which the chain alone cannot show.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from contextlib import closing
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.audit.models import GENESIS_HASH, AuditEvent

#: Rows fetched from the database at a time.
CHUNK_SIZE = 2000
#: How many recent events are remembered to tell an inserted run of events from a removed one.
DIAGNOSIS_WINDOW = 1000


def _parse_anchor(value: str) -> tuple[int, str]:
    event_id, separator, expected_hash = value.partition(":")
    if not separator or not event_id.strip().isdigit() or len(expected_hash.strip()) != 64:
        raise CommandError(
            f"--anchor {value!r} is not in the form EVENT_ID:HASH (a 64-character hash), "
            "as printed on the 'Latest event' line of an earlier run"
        )
    return int(event_id), expected_hash.strip().lower()


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit non-zero naming the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="EVENT_ID:HASH",
            help="An event id and hash recorded outside the database earlier; it must still be "
            "in the chain unchanged. May be given more than once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = dict(_parse_anchor(value) for value in options["anchor"])
        count, last = verify_chain(anchors)
        if count == 0:
            self.stdout.write("Audit chain intact: 0 events")
            return
        assert last is not None
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events"))
        self.stdout.write(
            f"Latest event: {last.id}:{last.hash} at {last.occurred_at.isoformat()} "
            "(keep this line somewhere outside the database and pass it to --anchor later)"
        )


def verify_chain(anchors: dict[int, str] | None = None) -> tuple[int, AuditEvent | None]:
    """Check the whole chain; return (number of events, the latest event) or raise CommandError."""
    anchors = dict(anchors or {})
    # (id, hash) of recent events, oldest first; the genesis sentinel has no id.
    recent: deque[tuple[int | None, str]] = deque([(None, GENESIS_HASH)], maxlen=DIAGNOSIS_WINDOW)
    previous: AuditEvent | None = None
    count = 0
    # Closed explicitly, even when the chain is broken: an abandoned server-side cursor closed
    # later by the garbage collector, while the connection is busy, can deadlock psycopg.
    rows = AuditEvent.objects.order_by("id").iterator(chunk_size=CHUNK_SIZE)
    with closing(cast(Generator[AuditEvent], rows)) as events:
        for event in events:
            if event.compute_hash() != event.hash:
                raise CommandError(
                    f"Audit chain broken at event {event.id}: it has been altered (its contents no "
                    "longer match its hash: hash mismatch)"
                )
            if event.previous_hash != recent[-1][1]:
                raise CommandError(_link_problem(event, previous, recent))
            expected_anchor = anchors.pop(event.id, None)
            if expected_anchor is not None and expected_anchor != event.hash:
                raise CommandError(
                    f"Audit chain broken at event {event.id}: its hash differs from the anchor "
                    "recorded earlier, so the chain has been rewritten from this event or before it"
                )
            recent.append((event.id, event.hash))
            previous = event
            count += 1
    if anchors:
        missing = ", ".join(str(event_id) for event_id in sorted(anchors))
        raise CommandError(
            f"Audit chain broken: anchored event {missing} is no longer in the log, so events "
            "have been removed (the end of the log, perhaps)"
        )
    return count, previous


def _link_problem(
    event: AuditEvent, previous: AuditEvent | None, recent: deque[tuple[int | None, str]]
) -> str:
    """Say why ``event.previous_hash`` is not the hash of the event before it."""
    if previous is None:
        return (
            f"Audit chain broken at event {event.id}: it is the first event but does not start "
            "the chain (previous_hash is not the genesis hash), so earlier events have been "
            "removed"
        )
    # Does the event link to an earlier event than the one before it? Then the events between
    # were inserted out of band.
    remembered = list(recent)
    for index in range(len(remembered) - 2, -1, -1):
        linked_id, linked_hash = remembered[index]
        if linked_hash == event.previous_hash:
            first_inserted = remembered[index + 1][0]
            linked = "the start of the chain" if linked_id is None else f"event {linked_id}"
            inserted = (
                f"event {previous.id} is"
                if first_inserted == previous.id
                else f"events {first_inserted} to {previous.id} are"
            )
            return (
                f"Audit chain broken at event {first_inserted}: it was inserted out of band "
                f"(event {event.id}'s previous_hash links to {linked}, so {inserted} not part "
                "of the chain)"
            )
    return (
        f"Audit chain broken at event {event.id}: its previous_hash does not match the hash of "
        f"event {previous.id}, the event before it, so events between them have been removed "
        f"(or event {previous.id} was inserted out of band or rewritten)"
    )
