"""Writing a validated batch. Called by ``services.batch_commit`` inside its one transaction.

Persons are written in bulk, a chunk at a time, with exactly what ``people.services
.person_create`` writes for one person (the person with search keys, the address, the
identifiers, the agency's "holds a record" involvement) and one ``person.created`` audit event
per person naming the file, batch and row. Referrals and missing episodes go one row at a time
through the services the pages use (``referral_create_staff``, ``episode_report``,
``episode_record_return``), which audit themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from harbour.accounts.models import Area
from harbour.audit.services import EventSpec, record_events
from harbour.core.bulk import insert_rows
from harbour.core.errors import ServiceValidationError
from harbour.imports.models import ImportBatch, ImportedRecord, ImportRow, RowOutcome
from harbour.imports.validation import person_details
from harbour.missing import services as missing_services
from harbour.missing.models import MissingEpisode
from harbour.people import validators
from harbour.people.models import (
    Address,
    Identifier,
    Involvement,
    InvolvementKind,
    Person,
    normalise_identifier,
)
from harbour.referrals import services as referral_services
from harbour.referrals.models import Referral
from harbour.referrals.services import ChildAsDescribed, ConcernDetails, StaffReferrerDetails

#: Rows written per bulk statement (and between progress reports).
CHUNK_SIZE = 1000

Progress = Callable[[int], None]


class RowFailed(Exception):
    """A row the services refused at commit time: the whole commit is undone."""


def _home_area(batch: ImportBatch) -> Area | None:
    """The agency's area when it serves exactly one (a borough's council); otherwise none."""
    areas = list(batch.source.agency.areas.all()[:2])
    return areas[0] if len(areas) == 1 else None


def write_person_chunk(
    *, batch: ImportBatch, actor: Any, rows: Sequence[ImportRow], home_area: Area | None
) -> list[ImportedRecord]:
    """Create one chunk of persons; returns their ledger entries (not yet saved)."""
    agency = batch.source.agency
    now = timezone.now()
    persons: list[Person] = []
    addresses: list[Address] = []
    identifiers: list[Identifier] = []
    involvements: list[Involvement] = []
    events: list[EventSpec] = []
    ledger: list[ImportedRecord] = []
    for row in rows:
        details = person_details(row.values, home_area=home_area)
        person = Person(
            kind=details.kind,
            first_names=details.first_names.strip(),
            last_name=details.last_name.strip(),
            known_as=details.known_as.strip(),
            date_of_birth=details.date_of_birth,
            date_of_birth_precision=details.date_of_birth_precision,
            sex=details.sex,
            home_area=home_area,
            created_by_agency=agency,
        )
        person.refresh_search_keys()
        persons.append(person)
        after: dict[str, Any] = {
            "first_names": person.first_names,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "date_of_birth_precision": person.date_of_birth_precision,
            "sex": person.sex,
            "created_by_agency_id": str(agency.pk),
            "home_area_id": str(home_area.pk) if home_area else None,
            "import_batch_id": str(batch.pk),
            "import_row": row.row_number,
            "record_id": row.record_key,
        }
        if details.postcode:
            address = Address(
                person=person,
                line_1=details.address_line_1.strip() or "Address not given",
                postcode=validators.normalise_postcode(details.postcode),
                area=home_area,
            )
            addresses.append(address)
            after["address"] = {"address_id": str(address.pk), "postcode": address.postcode}
        after_identifiers = []
        for kind, value in details.identifiers:
            normalised = normalise_identifier(kind, value)
            identifiers.append(
                Identifier(person=person, kind=kind, value=normalised, issued_by=agency)
            )
            after_identifiers.append({"kind": kind, "value": normalised})
        after["identifiers"] = after_identifiers
        involvements.append(
            Involvement(
                person=person,
                agency=agency,
                kind=InvolvementKind.HOLDS_RECORD,
                source_type="people.person",
                source_id=str(person.pk),
                description=f"Created the record (imported from {batch.source.name})",
            )
        )
        after["involvement"] = {"agency": str(agency.pk), "kind": InvolvementKind.HOLDS_RECORD}
        events.append(
            EventSpec(
                action="person.created",
                subject_type="people.person",
                subject_id=str(person.pk),
                after=after,
                reason=(
                    f"Imported from '{batch.original_filename}' (import {batch.pk}), "
                    f"row {row.row_number}"
                ),
            )
        )
        ledger.append(
            ImportedRecord(
                source=batch.source,
                record_key=row.record_key,
                content_hash=row.content_hash,
                values=row.values,
                batch=batch,
                row_number=row.row_number,
                person=person,
                object_type="people.person",
                object_id=str(person.pk),
                imported_at=now,
            )
        )
    insert_rows(Person, persons)
    _tell_matching([person.pk for person in persons])
    insert_rows(Address, addresses)
    insert_rows(Identifier, identifiers)
    insert_rows(Involvement, involvements)
    record_events(actor=actor, events=events)
    return ledger


def _tell_matching(person_ids: list[Any]) -> None:
    """Bulk inserts send no ``post_save`` signals: tell this process's matching register."""
    from harbour.matching.sources import mark_changed

    def tell() -> None:
        for pk in person_ids:
            mark_changed(pk)

    transaction.on_commit(tell)


def commit_persons(
    *, batch: ImportBatch, actor: Any, rows: Sequence[ImportRow], progress: Progress
) -> None:
    home_area = _home_area(batch)
    now = timezone.now()
    creating = [row for row in rows if row.outcome == RowOutcome.CREATE]
    done = 0
    for start in range(0, len(creating), CHUNK_SIZE):
        chunk = creating[start : start + CHUNK_SIZE]
        ledger = write_person_chunk(batch=batch, actor=actor, rows=chunk, home_area=home_area)
        insert_rows(ImportedRecord, ledger)
        done += len(chunk)
        progress(done)
    held = [row for row in rows if row.outcome == RowOutcome.HOLD]
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(
                source=batch.source,
                record_key=row.record_key,
                content_hash=row.content_hash,
                values=row.values,
                batch=batch,
                row_number=row.row_number,
                imported_at=now,
            )
            for row in held
        ],
        batch_size=CHUNK_SIZE,
    )
    progress(done + len(held))
    created = ImportedRecord.objects.filter(batch=batch, row_number=OuterRef("row_number"))
    batch.rows.filter(outcome=RowOutcome.CREATE).update(
        outcome=RowOutcome.CREATED,
        person_id=Subquery(created.values("person_id")[:1]),
        object_type="people.person",
        object_id=Subquery(created.values("object_id")[:1]),
    )
    batch.rows.filter(outcome=RowOutcome.HOLD).update(outcome=RowOutcome.HELD)


# Referrals and missing episodes, one row at a time through their services -----------------


def _aware(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def _area(batch: ImportBatch, text: str) -> Area | None:
    agency_areas = batch.source.agency.areas.order_by("name")
    if not text:
        return agency_areas.first()
    lowered = text.lower()
    for area in Area.objects.all():
        if lowered in (area.name.lower(), area.code.lower()):
            return area
    return None


def apply_referral(
    *, batch: ImportBatch, actor: Any, values: dict[str, Any], person: Person
) -> Referral:
    area = _area(batch, values.get("area", ""))
    if area is None:
        raise ServiceValidationError(
            {"area": [f"'{values.get('area')}' is not an area of the partnership"]}
        )
    return referral_services.referral_create_staff(
        actor=actor,
        agency=batch.source.agency,
        area=area,
        child=ChildAsDescribed(
            first_names=person.first_names,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
            sex=person.sex,
        ),
        concern=ConcernDetails(
            categories=tuple(values.get("categories") or ()),
            narrative=values.get("narrative", ""),
            known_associates=values.get("known_associates", ""),
            places=values.get("places", ""),
            urgency=values.get("urgency") or "standard",
        ),
        referrer=StaffReferrerDetails(
            lawful_basis=values.get("lawful_basis", ""),
            safeguarding_condition=bool(values.get("safeguarding_condition")),
            consent_details=values.get("consent_details", ""),
            name=values.get("referrer_name", ""),
            role=values.get("referrer_role", ""),
            phone=values.get("referrer_phone", ""),
            email=values.get("referrer_email", ""),
        ),
        person=person,
    )


def apply_episode(
    *, batch: ImportBatch, actor: Any, values: dict[str, Any], person: Person
) -> MissingEpisode:
    last_seen_at = _aware(values.get("last_seen_at"))
    if last_seen_at is None:
        raise ServiceValidationError({"last_seen_at": ["Enter when the child was last seen"]})
    episode, _created = missing_services.episode_report(
        actor=actor,
        person=person,
        missing_from=values.get("missing_from", ""),
        category=values.get("category", ""),
        last_seen_at=last_seen_at,
        last_seen_where=values.get("last_seen_where", ""),
        police_reference=values.get("police_reference", ""),
        # An extract's episode without a report time is taken as reported when last seen
        # (the service's default, "now", would make every historical return impossible).
        reported_at=_aware(values.get("reported_at")) or last_seen_at,
        note=f"Imported from '{batch.original_filename}'",
    )
    returned_at = _aware(values.get("returned_at"))
    if returned_at is not None:
        episode = missing_services.episode_record_return(
            actor=actor,
            episode=episode,
            returned_at=returned_at,
            returned_where=values.get("returned_where", ""),
            returned_how=values.get("returned_how", ""),
        )
    return episode


def commit_one_by_one(
    *,
    batch: ImportBatch,
    actor: Any,
    rows: Sequence[ImportRow],
    progress: Progress,
    apply: Callable[..., Any],
    object_type: str,
) -> None:
    now = timezone.now()
    persons = Person.objects.in_bulk([row.person_id for row in rows if row.person_id])
    for done, row in enumerate(rows, start=1):
        if row.outcome != RowOutcome.CREATE:
            continue
        try:
            record = apply(
                batch=batch, actor=actor, values=row.values, person=persons[row.person_id]
            )
        except (ServiceValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ServiceValidationError) else [str(error)]
            raise RowFailed(
                "; ".join(f"Row {row.row_number}: {message}" for message in messages)
            ) from error
        ImportedRecord.objects.create(
            source=batch.source,
            record_key=row.record_key,
            content_hash=row.content_hash,
            values=row.values,
            batch=batch,
            row_number=row.row_number,
            person_id=row.person_id,
            object_type=object_type,
            object_id=str(record.pk),
            imported_at=now,
        )
        row.outcome = RowOutcome.CREATED
        row.object_type = object_type
        row.object_id = str(record.pk)
        row.save(update_fields=["outcome", "object_type", "object_id"])
        if done % 50 == 0:
            progress(done)
    progress(len(rows))
