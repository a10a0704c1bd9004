"""What intake matching takes and gives: a child's details in, scored and explained candidates out.

(The interim hand-weighted scorer that lived here is replaced by the trained model; see
``services.match_child_for_viewer`` and ADR 0010. These two shapes stay here because the
referral views import them from this module.)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from harbour.matching import keys
from harbour.matching.records import FieldEvidence, PersonRecord

_IDENTIFIER_COLUMNS = {
    "nhs_number": "nhs_number",
    "upn": "upn",
    "police_reference": "police_ref",
    "police_ref": "police_ref",
    "la_reference": "council_ref",
    "council_ref": "council_ref",
}


@dataclass(frozen=True)
class ChildDetails:
    """A child's details as someone entered them."""

    first_names: str = ""
    last_name: str = ""
    date_of_birth: datetime.date | None = None
    postcode: str = ""
    sex: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()
    address_line_1: str = ""

    def is_searchable(self) -> bool:
        has_name = bool(
            keys.normalise_name(self.last_name) or keys.normalise_name(self.first_names)
        )
        return has_name or bool(self.identifiers)

    def as_record(self) -> PersonRecord:
        """The details in the person CSV layout (identifiers of unknown kinds are ignored)."""
        identifiers: dict[str, str] = {}
        for kind, value in self.identifiers:
            column = _IDENTIFIER_COLUMNS.get(kind)
            if column and value:
                identifiers.setdefault(column, value)
        return PersonRecord(
            record_id="intake",
            first_names=self.first_names,
            last_name=self.last_name,
            date_of_birth=self.date_of_birth.isoformat() if self.date_of_birth else "",
            sex=self.sex if self.sex in ("female", "male") else "",
            postcode=self.postcode,
            address_line_1=self.address_line_1,
            **identifiers,
        )


@dataclass
class Candidate:
    """A person who may be the child: how likely, and why (the match weight chart in words)."""

    person: Any
    score: int
    reasons: list[str] = field(default_factory=list)
    match_probability: float = 0.0
    match_weight: float = 0.0
    explanation: tuple[FieldEvidence, ...] = ()

    @property
    def strength(self) -> str:
        if self.score >= 80:
            return "Strong match"
        if self.score >= 55:
            return "Possible match"
        return "Weak match"

    @property
    def evidence_for(self) -> tuple[FieldEvidence, ...]:
        return tuple(e for e in self.explanation if e.match_weight > 0)

    @property
    def evidence_against(self) -> tuple[FieldEvidence, ...]:
        return tuple(e for e in self.explanation if e.match_weight < 0)
