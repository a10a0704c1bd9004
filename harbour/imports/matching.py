"""The one place imports ask "who already knows these children?".

``register_matches`` calls ``harbour.matching.services.match_records_to_register`` once per
import (batched), the matching app's contract. If no trained model is installed (one ships with
the code, so only on a broken install), an interim exact rule stands in and the log says so:
the same NHS number or unique pupil number, or the same sounded-out first and last names and
the same exact date of birth. The rest of the imports app only sees ``RegisterMatch`` lists
keyed by record id.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from harbour.matching.keys import soundex
from harbour.matching.records import FieldEvidence, PersonRecord, RegisterMatch

logger = logging.getLogger(__name__)

_CHUNK = 1000


def register_matches(records: Sequence[PersonRecord]) -> dict[str, list[RegisterMatch]]:
    """Probable existing persons for each record (record id → matches, best first)."""
    if not records:
        return {}
    from harbour.matching.services import match_records_to_register

    try:
        return match_records_to_register(records=records)
    except FileNotFoundError:
        # No trained model installed (a broken install: one ships with the code): exact rules
        # still keep obvious duplicates out, and the log says why matching was weaker.
        logger.warning("No trained matching model: imports use exact matching rules")
    return _interim_matches(records)


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


def _interim_matches(records: Sequence[PersonRecord]) -> dict[str, list[RegisterMatch]]:
    from harbour.people.models import Identifier, IdentifierKind, Person

    found: dict[str, dict[uuid.UUID, list[FieldEvidence]]] = defaultdict(dict)

    for kind, attribute, label in (
        (IdentifierKind.NHS_NUMBER, "nhs_number", "NHS number"),
        (IdentifierKind.UPN, "upn", "Unique pupil number"),
    ):
        by_value: dict[str, list[str]] = defaultdict(list)
        for record in records:
            value = getattr(record, attribute)
            if value:
                by_value[value].append(record.record_id)
        for chunk in _chunks(list(by_value)):
            for person_id, value in Identifier.objects.filter(
                kind=kind, value__in=chunk
            ).values_list("person_id", "value"):
                for record_id in by_value[value]:
                    found[record_id].setdefault(person_id, []).append(
                        FieldEvidence(label, "exactly the same", 15.0)
                    )

    by_birth: dict[datetime.date, list[PersonRecord]] = defaultdict(list)
    for record in records:
        if len(record.date_of_birth) == 10:
            by_birth[datetime.date.fromisoformat(record.date_of_birth)].append(record)
    for chunk in _chunks(list(by_birth)):
        for person_id, born, first_key, last_key in Person.objects.filter(
            date_of_birth__in=chunk, date_of_birth_precision="exact"
        ).values_list("pk", "date_of_birth", "first_name_key", "last_name_key"):
            for record in by_birth.get(born, []) if born is not None else []:
                if (
                    first_key
                    and soundex(record.first_names) == first_key
                    and soundex(record.last_name) == last_key
                ):
                    evidence = found[record.record_id].setdefault(person_id, [])
                    evidence.append(FieldEvidence("Names", "sound the same", 8.0))
                    evidence.append(FieldEvidence("Date of birth", "exactly the same", 10.0))

    return {
        record_id: sorted(
            (
                RegisterMatch(
                    person_id=person_id,
                    match_probability=_probability(sum(e.match_weight for e in evidence)),
                    match_weight=sum(e.match_weight for e in evidence),
                    explanation=tuple(evidence),
                )
                for person_id, evidence in people.items()
            ),
            key=lambda match: -match.match_weight,
        )
        for record_id, people in found.items()
    }


def _probability(weight: float) -> float:
    odds = float(2.0**weight)
    return odds / (1.0 + odds)
