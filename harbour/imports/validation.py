"""Checking a batch row by row and planning what each row will do.

Every problem is recorded as ``{"column": their header, "message": plain words}``; rows are
then planned: create, hold for review (a probable existing person), unchanged (imported before
with the same details), changed (imported before with different details: never overwritten) or
rejected. Referral and missing-episode rows are tried through the very services the pages use,
inside a savepoint that is always rolled back, so the preview says what the commit will do.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from harbour.access.policy import person_visible_to
from harbour.accounts.models import Agency, Area
from harbour.core.errors import ServiceValidationError
from harbour.imports import matching
from harbour.imports.fields import CellProblem, fields_for
from harbour.imports.models import ImportedRecord, ImportKind, ImportSource, RowOutcome
from harbour.matching.records import PersonRecord
from harbour.people import services as people_services
from harbour.people.models import Identifier, IdentifierKind, Person
from harbour.people.services import PersonDetails

_CHUNK = 1000
#: How many candidates a held row keeps.
MAX_CANDIDATES = 5

#: ``people.services`` error keys → our person fields.
_PERSON_ERROR_FIELDS = {
    "first_names": "first_names",
    "last_name": "last_name",
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
    IdentifierKind.NHS_NUMBER: "nhs_number",
    IdentifierKind.UPN: "upn",
    IdentifierKind.POLICE_REFERENCE: "police_ref",
    IdentifierKind.LA_REFERENCE: "council_ref",
}
#: Referral and missing-episode service error keys → our fields (others keep their name).
_SERVICE_ERROR_FIELDS = {
    "person": "child_record_id",
    "child_first_names": "child_record_id",
    "child_date_of_birth": "child_record_id",
    "child_postcode": "child_record_id",
    "area": "area",
}


@dataclass
class PlannedRow:
    row_number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    record_key: str = ""
    content_hash: str = ""
    outcome: str = RowOutcome.CREATE
    candidates: list[dict[str, Any]] = field(default_factory=list)
    person_id: Any = None

    def problem(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": message})


def describe(row_number: int, error: dict[str, str]) -> str:
    """ "Row 14, column 'DOB': '31/02/2012' is not a real date"."""
    if error.get("column"):
        return f"Row {row_number}, column '{error['column']}': {error['message']}"
    return f"Row {row_number}: {error['message']}"


def content_hash(values: dict[str, Any]) -> str:
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Columns:
    """Our field → their header (or our label in brackets when the field is not mapped)."""

    def __init__(self, kind: str, mapping: dict[str, str]) -> None:
        self.specs = fields_for(kind)
        self.header_of = {our: theirs for theirs, our in mapping.items() if our}

    def __call__(self, our_field: str) -> str:
        spec = self.specs.get(our_field)
        return self.header_of.get(our_field) or (f"({spec.label})" if spec else "")


def clean_row(
    *, kind: str, mapping: dict[str, str], row_number: int, raw: dict[str, Any]
) -> PlannedRow:
    specs = fields_for(kind)
    row = PlannedRow(row_number=row_number, raw=raw)
    for header, our_field in mapping.items():
        spec = specs.get(our_field)
        if spec is None or header not in raw:
            continue
        try:
            row.values[our_field] = spec.clean(raw[header])
        except CellProblem as problem:
            row.problem(header, str(problem))
    columns = Columns(kind, mapping)
    for spec in specs.values():
        if spec.required and spec.name in row.values and row.values[spec.name] in ("", None, []):
            row.problem(columns(spec.name), f"{spec.label} is empty: every row needs it")
    row.record_key = str(row.values.get("record_id") or "")
    return row


# Persons ----------------------------------------------------------------------------------


def person_details(values: dict[str, Any], *, home_area: Area | None = None) -> PersonDetails:
    """What ``people.services.person_create`` is given for a row (the same for bulk)."""
    born = values.get("date_of_birth")
    identifiers = tuple(
        (kind, values[key])
        for kind, key in (
            (IdentifierKind.NHS_NUMBER, "nhs_number"),
            (IdentifierKind.UPN, "upn"),
            (IdentifierKind.POLICE_REFERENCE, "police_ref"),
            (IdentifierKind.LA_REFERENCE, "council_ref"),
        )
        if values.get(key)
    )
    return PersonDetails(
        first_names=values.get("first_names", ""),
        last_name=values.get("last_name", ""),
        known_as=values.get("known_as", ""),
        date_of_birth=datetime.date.fromisoformat(born["date"]) if born else None,
        date_of_birth_precision=born["precision"] if born else "unknown",
        sex=values.get("sex") or "not_known",
        postcode=values.get("postcode", ""),
        address_line_1=values.get("address_line_1", ""),
        home_area=home_area,
        identifiers=identifiers,
    )


def _person_rules(row: PlannedRow, columns: Columns) -> None:
    if not (row.values.get("first_names") or row.values.get("last_name")):
        column = (
            columns("last_name") if "last_name" in columns.header_of else columns("first_names")
        )
        row.problem(column, "the child's first and last names are both empty: enter at least one")
        return
    if row.errors:
        return
    try:
        validate_person(person_details(row.values))
    except ServiceValidationError as error:
        for key, messages in error.message_dict.items():
            column = columns(_PERSON_ERROR_FIELDS.get(key, key))
            for message in messages:
                row.problem(column, message)


def validate_person(details: PersonDetails) -> None:
    """The checks ``people.services.person_create`` runs, so a bulk import checks the same."""
    people_services.validate_person_details(details)


def person_record(row: PlannedRow, agency: Agency) -> PersonRecord:
    values = row.values
    born = values.get("date_of_birth")
    return PersonRecord(
        record_id=row.record_key,
        first_names=values.get("first_names", ""),
        last_name=values.get("last_name", ""),
        date_of_birth=born["partial"] if born else "",
        sex=values.get("sex", "") if values.get("sex") in ("female", "male") else "",
        postcode=values.get("postcode", ""),
        address_line_1=values.get("address_line_1", ""),
        nhs_number=values.get("nhs_number", ""),
        upn=values.get("upn", ""),
        police_ref=values.get("police_ref", ""),
        council_ref=values.get("council_ref", ""),
        agency=agency.name,
    )


def _hold_probable_matches(rows: list[PlannedRow], agency: Agency) -> None:
    """One batched call to matching for every row that would create a person."""
    creating = [row for row in rows if row.outcome == RowOutcome.CREATE]
    found = matching.register_matches([person_record(row, agency) for row in creating])
    for row in creating:
        matches = found.get(row.record_key) or []
        if not matches:
            continue
        row.outcome = RowOutcome.HOLD
        row.candidates = [
            {
                "person_id": str(match.person_id),
                "match_probability": round(float(match.match_probability), 4),
                "match_weight": round(float(match.match_weight), 2),
                "explanation": [
                    {
                        "field": evidence.field,
                        "outcome": evidence.outcome,
                        "match_weight": round(float(evidence.match_weight), 2),
                    }
                    for evidence in match.explanation
                ],
            }
            for match in matches[:MAX_CANDIDATES]
        ]


# Referrals and missing episodes: the child ------------------------------------------------


def _resolve_children(
    rows: list[PlannedRow], *, source: ImportSource, actor: Any, columns: Columns
) -> None:
    """Find each row's child: by a record id from this agency's persons imports, or by NHS
    number among the children the importer may see."""
    by_key: dict[str, set[Any]] = defaultdict(set)
    held: set[str] = set()
    keys = sorted(
        {row.values["child_record_id"] for row in rows if row.values.get("child_record_id")}
    )
    for start in range(0, len(keys), _CHUNK):
        for key, person_id in ImportedRecord.objects.filter(
            source__agency=source.agency,
            source__kind=ImportKind.PERSONS,
            record_key__in=keys[start : start + _CHUNK],
        ).values_list("record_key", "person_id"):
            if person_id is None:
                held.add(key)
            else:
                by_key[key].add(person_id)
    by_nhs: dict[str, set[Any]] = defaultdict(set)
    numbers = sorted(
        {row.values["child_nhs_number"] for row in rows if row.values.get("child_nhs_number")}
    )
    visible = person_visible_to(actor)
    for start in range(0, len(numbers), _CHUNK):
        for value, person_id in Identifier.objects.filter(
            kind=IdentifierKind.NHS_NUMBER,
            value__in=numbers[start : start + _CHUNK],
            person__in=visible,
        ).values_list("value", "person_id"):
            by_nhs[value].add(person_id)
    agency = source.agency.name
    for row in rows:
        if row.errors:
            continue
        key = row.values.get("child_record_id", "")
        number = row.values.get("child_nhs_number", "")
        if not key and not number:
            row.problem(
                columns("child_record_id"),
                "the child is not given: enter the child's record id or NHS number",
            )
            continue
        people: set[Any] = set()
        if key:
            people = by_key.get(key, set())
            if not people:
                message = (
                    f"child '{key}' is held for review in an earlier import: decide that first"
                    if key in held
                    else f"no child with record id '{key}' has been imported from {agency}: "
                    "import the persons extract first"
                )
                row.problem(columns("child_record_id"), message)
                continue
        elif number:
            people = by_nhs.get(number, set())
            if not people:
                row.problem(
                    columns("child_nhs_number"),
                    f"no child with NHS number {number} that {agency} can see is in Harbour",
                )
                continue
        if len(people) > 1:
            row.problem(
                columns("child_record_id" if key else "child_nhs_number"),
                "more than one child in Harbour has this reference: record this one on screen",
            )
            continue
        row.person_id = next(iter(people))


class _Rollback(Exception):
    """Raised to undo a trial run of a row."""


def trial_run(
    apply: Callable[[], Any], row: PlannedRow, columns: Columns, mapped: set[str]
) -> None:
    """Run the row through the real service in a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            apply()
            raise _Rollback
    except _Rollback:
        return
    except PermissionDenied as error:
        row.problem("", str(error) or "You may not import this kind of record")
    except ServiceValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for key, texts in messages.items():
            our = _SERVICE_ERROR_FIELDS.get(key, key)
            column = columns(our) if our in mapped or our in columns.specs else ""
            for text in texts:
                row.problem(column, text)


# The whole batch --------------------------------------------------------------------------


def check_ledger(rows: Sequence[PlannedRow], source: ImportSource) -> None:
    """Rows imported before: unchanged with the same details, changed (never overwritten)."""
    pending = {row.record_key: row for row in rows if row.outcome == RowOutcome.CREATE}
    keys = sorted(pending)
    for start in range(0, len(keys), _CHUNK):
        for record in ImportedRecord.objects.filter(
            source=source, record_key__in=keys[start : start + _CHUNK]
        ).select_related("batch"):
            row = pending[record.record_key]
            if record.content_hash == row.content_hash:
                row.outcome = RowOutcome.UNCHANGED
                row.person_id = record.person_id
                continue
            changed = sorted(
                key
                for key in set(record.values) | set(row.values)
                if record.values.get(key) != row.values.get(key)
            )
            labels = ", ".join(
                str(spec.label).lower()
                for name, spec in fields_for(source.kind).items()
                if name in changed
            )
            row.outcome = RowOutcome.CHANGED
            row.problem(
                "",
                f"record '{row.record_key}' was imported before (row {record.row_number} of "
                f"'{record.batch.original_filename}') with different details ({labels}). "
                "Harbour does not overwrite: change the record on screen, or check the extract",
            )


def plan_rows(
    *,
    source: ImportSource,
    mapping: dict[str, str],
    raw_rows: Sequence[tuple[int, dict[str, Any]]],
    actor: Any,
    trial: Callable[[PlannedRow], Callable[[], Any]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[PlannedRow]:
    """Clean, check and plan every row. ``trial(row)`` gives the service call to try a row."""
    kind = source.kind
    columns = Columns(kind, mapping)
    rows: list[PlannedRow] = []
    first_row_of: dict[str, int] = {}
    for count, (number, raw) in enumerate(raw_rows, start=1):
        row = clean_row(kind=kind, mapping=mapping, row_number=number, raw=raw)
        if row.record_key:
            if row.record_key in first_row_of:
                row.problem(
                    columns("record_id"),
                    f"record id '{row.record_key}' is also on row {first_row_of[row.record_key]}: "
                    "each record may appear once in a file",
                )
            else:
                first_row_of[row.record_key] = number
        if kind == ImportKind.PERSONS:
            _person_rules(row, columns)
        row.content_hash = content_hash(row.values)
        rows.append(row)
        if progress is not None and count % _CHUNK == 0:
            progress(count)
    if kind != ImportKind.PERSONS:
        _resolve_children(rows, source=source, actor=actor, columns=columns)
    for row in rows:
        if row.errors:
            row.outcome = RowOutcome.REJECTED
    check_ledger(rows, source)
    if kind == ImportKind.PERSONS:
        _hold_probable_matches(rows, source.agency)
    elif trial is not None:
        mapped = set(mapping.values())
        for row in rows:
            if row.outcome == RowOutcome.CREATE:
                trial_run(trial(row), row, columns, mapped)
                if row.errors:
                    row.outcome = RowOutcome.REJECTED
    return rows


def looked_up_person(person_id: Any) -> Person:
    return Person.objects.get(pk=person_id)
