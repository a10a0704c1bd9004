"""The partnership's register, read from the database into the matching layout.

A person becomes one ``PersonRecord`` per way they may be written down: their name; their
"known as" name; each alias; each older address. Their identifiers (first of each kind), sex,
date of birth (an approximate one kept as its year only) and the agency holding the record come
with every row. Persons merged into another (``merged_into`` set, once that field exists) are
left out.

``current_register()`` keeps one ``Register`` per process, loaded once and brought up to date
before each use: persons changed since the last look (their own row, or an alias, address,
identifier or involvement of theirs, by ``updated_at``), and persons saved or deleted in this
process (signals), are reloaded. Rolled-back, deleted and forbidden persons may linger in memory
for a moment; callers always filter the final candidates through the viewer's queryset.
"""

from __future__ import annotations

import datetime
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from harbour.matching.features import features_frame, records_frame
from harbour.matching.model import load_current
from harbour.matching.records import PersonRecord
from harbour.matching.register import Register

#: Changes are looked for in the database at most this often (seconds); signals cover this
#: process's own writes at once.
DEFAULT_REFRESH_SECONDS = 2.0
#: Reloading persons changed up to this long before the last look catches transactions that
#: committed late with an older ``updated_at``.
OVERLAP = datetime.timedelta(seconds=30)
_BATCH = 2000

_IDENTIFIER_COLUMNS = {
    "nhs_number": "nhs_number",
    "upn": "upn",
    "police_reference": "police_ref",
    "la_reference": "council_ref",
}


def _persons() -> QuerySet[Any]:
    from harbour.people.models import Person

    persons = Person.objects.all()
    if any(f.name == "merged_into" for f in Person._meta.get_fields()):
        persons = persons.filter(merged_into__isnull=True)
    return persons


def existing_person_ids(person_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these persons are held (not deleted, rolled back or merged away)."""
    ids = list(person_ids)
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), _BATCH):
        found |= set(
            _persons().filter(pk__in=ids[start : start + _BATCH]).values_list("pk", flat=True)
        )
    return found


def _dob(person: Any) -> str:
    if person.date_of_birth is None:
        return ""
    if person.date_of_birth_precision == "approximate":
        return f"{person.date_of_birth.year:04d}"
    return str(person.date_of_birth.isoformat())


def records_for(person: Any) -> list[PersonRecord]:
    """The ways one person (with aliases, addresses, identifiers prefetched) may be written."""
    identifiers: dict[str, str] = {}
    for identifier in sorted(person.identifiers.all(), key=lambda i: (i.kind, i.value)):
        column = _IDENTIFIER_COLUMNS.get(identifier.kind)
        if column and column not in identifiers:
            identifiers[column] = identifier.value
    addresses = sorted(
        person.addresses.all(), key=lambda a: (not a.is_current, -a.created_at.timestamp())
    )
    current = addresses[0] if addresses else None
    agency = person.created_by_agency.name if person.created_by_agency_id else ""
    base = PersonRecord(
        record_id=f"{person.pk}#0",
        first_names=person.first_names,
        last_name=person.last_name,
        date_of_birth=_dob(person),
        sex=person.sex if person.sex in ("female", "male") else "",
        postcode=current.postcode if current else "",
        address_line_1=current.line_1 if current else "",
        agency=agency,
        **identifiers,
    )
    names = [(person.first_names, person.last_name)]
    if person.known_as:
        names.append((person.known_as, person.last_name))
    names += [
        (alias.first_names or person.first_names, alias.last_name or person.last_name)
        for alias in person.aliases.all()
    ]
    rows = [
        replace(base, record_id=f"{person.pk}#{index}", first_names=first, last_name=last)
        for index, (first, last) in enumerate(names)
    ]
    for number, address in enumerate(addresses[1:], start=len(rows)):
        rows.append(
            replace(
                base,
                record_id=f"{person.pk}#{number}",
                postcode=address.postcode,
                address_line_1=address.line_1,
            )
        )
    return rows


def register_frame(person_ids: Iterable[Any] | None = None) -> pd.DataFrame:
    """Features (plus ``person_id``) for these persons, or for the whole register."""
    persons = (
        _persons()
        .select_related("created_by_agency")
        .prefetch_related("aliases", "addresses", "identifiers")
    )
    records: list[PersonRecord] = []
    if person_ids is None:
        for person in persons.order_by("pk").iterator(chunk_size=_BATCH):
            records += records_for(person)
    else:
        ids = list(person_ids)
        for start in range(0, len(ids), _BATCH):
            for person in persons.filter(pk__in=ids[start : start + _BATCH]):
                records += records_for(person)
    frame = features_frame(records_frame(records))
    frame["person_id"] = [record.record_id.split("#", 1)[0] for record in records]
    return frame


def changed_person_ids(since: datetime.datetime) -> set[str]:
    """Persons whose own row, aliases, addresses, identifiers or involvements changed since."""
    from harbour.people.models import Address, Alias, Identifier, Involvement, Person

    ids = {
        str(pk) for pk in Person.objects.filter(updated_at__gt=since).values_list("pk", flat=True)
    }
    for model in (Alias, Address, Identifier, Involvement):
        ids |= {
            str(pk)
            for pk in model.objects.filter(Q(updated_at__gt=since)).values_list(
                "person_id", flat=True
            )
        }
    return ids


class LiveRegister:
    """The process's register and how fresh it is."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.register: Register | None = None
        self._seen_at: datetime.datetime | None = None
        self._polled = 0.0
        self._pending: set[str] = set()

    def mark_changed(self, person_id: Any) -> None:
        with self._lock:
            self._pending.add(str(person_id))

    def reset(self) -> None:
        with self._lock:
            self.register, self._seen_at, self._pending = None, None, set()

    def get(self) -> Register:
        refresh = float(settings.HARBOUR_MATCHING.get("REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS))
        with self._lock:
            now = timezone.now()
            if self.register is None:
                self.register = Register(load_current(), register_frame())
                self._seen_at, self._polled, self._pending = now, time.monotonic(), set()
                return self.register
            changed, self._pending = self._pending, set()
            if time.monotonic() - self._polled >= refresh and self._seen_at is not None:
                changed |= changed_person_ids(self._seen_at - OVERLAP)
                self._seen_at, self._polled = now, time.monotonic()
            if changed:
                frame = register_frame(changed)
                self.register.drop(changed)
                self.register.put(frame)
            return self.register


_LIVE = LiveRegister()


def current_register() -> Register:
    return _LIVE.get()


def mark_changed(person_id: Any) -> None:
    _LIVE.mark_changed(person_id)


def reset_register() -> None:
    """Forget the loaded register (after retraining, and in tests)."""
    _LIVE.reset()
