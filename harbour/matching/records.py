"""The shapes that cross the matching boundary: records in, scored candidates out.

``PersonRecord`` is one row of the documented person CSV layout (``docs/person-csv-layout.md``).
Other apps build these and read ``RegisterMatch`` / ``ProbableDuplicate`` back; only
``harbour.matching`` knows how they are scored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

#: The person CSV layout's columns, in their documented order.
PERSON_COLUMNS: tuple[str, ...] = (
    "record_id",
    "first_names",
    "last_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line_1",
    "nhs_number",
    "upn",
    "police_ref",
    "council_ref",
    "agency",
)


@dataclass(frozen=True)
class PersonRecord:
    """One person as one agency holds them. ``date_of_birth`` is ISO text, possibly partial."""

    record_id: str
    first_names: str = ""
    last_name: str = ""
    date_of_birth: str = ""
    sex: str = ""
    postcode: str = ""
    address_line_1: str = ""
    nhs_number: str = ""
    upn: str = ""
    police_ref: str = ""
    council_ref: str = ""
    agency: str = ""


@dataclass(frozen=True)
class FieldEvidence:
    """One comparison's outcome: which field, what was found (in words), and its match weight.

    A positive weight is evidence for the same person, a negative one against; this is one bar
    of Splink's match weight chart.
    """

    field: str
    outcome: str
    match_weight: float

    @property
    def direction(self) -> str:
        """``for`` or ``against`` the same person (``none`` for a zero weight)."""
        if self.match_weight > 0:
            return "for"
        return "against" if self.match_weight < 0 else "none"

    @property
    def bar_step(self) -> int:
        """The bar's length in the match weight chart, in steps of 10 (a weight of 16 or more,
        either way, is a full bar; any non-zero weight shows at least one step)."""
        size = min(abs(self.match_weight), 16.0) / 16.0
        return 0 if self.match_weight == 0 else max(10, round(size * 10) * 10)


@dataclass(frozen=True)
class RegisterMatch:
    """A person already held who may be the record's person."""

    person_id: uuid.UUID
    match_probability: float
    match_weight: float
    explanation: tuple[FieldEvidence, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProbableDuplicate:
    """Two persons held who are probably one child. ``person_id_l`` < ``person_id_r``."""

    person_id_l: uuid.UUID
    person_id_r: uuid.UUID
    match_probability: float
    match_weight: float
    explanation: tuple[FieldEvidence, ...] = field(default_factory=tuple)
