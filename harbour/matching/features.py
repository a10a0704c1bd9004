"""From rows of the person CSV layout to the matching model's input table.

Every value is normalised once here (names without accents or punctuation, the first given name
and its nickname family, both parts of a double surname, partial dates kept at their precision,
compact postcodes and references), so the model's comparisons are plain SQL on plain columns.
Vectorised over the distinct values of each column: a million rows take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd  # type: ignore[import-untyped]

from harbour.matching import keys
from harbour.matching.records import PERSON_COLUMNS, PersonRecord

#: The columns the model reads, in order (``unique_id`` first).
FEATURE_COLUMNS: tuple[str, ...] = (
    "unique_id",
    "first_name",
    "given_2",
    "first_name_canon",
    "first_sdx",
    "surname",
    "surname_1",
    "surname_2",
    "surname_sdx",
    "dob",
    "dob_year",
    "sex",
    "postcode",
    "postcode_district",
    "address",
    "nhs_number",
    "upn",
    "police_ref",
    "council_ref",
    "agency",
)

_SEXES = {"female": "female", "f": "female", "male": "male", "m": "male", "other": "other"}


def records_frame(records: Iterable[PersonRecord]) -> pd.DataFrame:
    """Person records as a frame of the layout's columns (text, ``''`` when empty)."""
    rows = [tuple(getattr(record, column) or "" for column in PERSON_COLUMNS) for record in records]
    return pd.DataFrame.from_records(rows, columns=list(PERSON_COLUMNS))


def _mapped(series: pd.Series, function: Callable[[str], object]) -> pd.Series:
    """``function`` applied once per distinct value."""
    values = series.fillna("").astype(str)
    lookup = {value: function(value) for value in values.unique()}
    return values.map(lookup)


def _or_none(value: str) -> str | None:
    return value or None


def _given(value: str, index: int) -> str | None:
    parts = keys.normalise_name(value).split()
    return parts[index] if len(parts) > index else None


def _surname_parts(value: str) -> tuple[str | None, str | None, str | None]:
    """The whole surname without spaces, its first part and (double names only) its last part."""
    parts = keys.normalise_name(value).split()
    if not parts:
        return None, None, None
    return "".join(parts), parts[0], (parts[-1] if len(parts) > 1 else None)


def _date(value: str) -> str | None:
    try:
        return keys.normalise_partial_date(value) or None
    except ValueError:
        return None


def features_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's input table from a frame of the person CSV layout's columns.

    Missing columns are treated as empty; unreadable dates become empty (``link_files`` reports
    them first). ``unique_id`` is the ``record_id``.
    """
    source = frame.copy()
    for column in PERSON_COLUMNS:
        if column not in source.columns:
            source[column] = ""
    out = pd.DataFrame(index=source.index)
    out["unique_id"] = source["record_id"].astype(str)
    out["first_name"] = _mapped(source["first_names"], lambda v: _given(v, 0))
    out["given_2"] = _mapped(source["first_names"], lambda v: _given(v, 1))
    out["first_name_canon"] = _mapped(
        out["first_name"], lambda v: keys.nickname_canon(v) if v else None
    )
    out["first_sdx"] = _mapped(source["first_names"], lambda v: keys.soundex(v) or None)
    surnames = _mapped(source["last_name"], _surname_parts)
    out["surname"] = surnames.map(lambda parts: parts[0])
    out["surname_1"] = surnames.map(lambda parts: parts[1])
    out["surname_2"] = surnames.map(lambda parts: parts[2])
    out["surname_sdx"] = _mapped(source["last_name"], lambda v: keys.soundex(v) or None)
    out["dob"] = _mapped(source["date_of_birth"], _date)
    out["dob_year"] = out["dob"].map(lambda v: v[:4] if isinstance(v, str) else None)
    out["sex"] = _mapped(source["sex"], lambda v: _SEXES.get(v.strip().lower()))
    out["postcode"] = _mapped(source["postcode"], lambda v: _or_none(keys.normalise_postcode(v)))
    out["postcode_district"] = _mapped(
        source["postcode"], lambda v: _or_none(keys.postcode_district(v))
    )
    out["address"] = _mapped(
        source["address_line_1"], lambda v: _or_none(keys.normalise_address(v))
    )
    for column in ("nhs_number", "upn", "police_ref", "council_ref"):
        out[column] = _mapped(source[column], lambda v: _or_none(keys.normalise_identifier(v)))
    out["agency"] = _mapped(source["agency"], lambda v: _or_none(" ".join(v.lower().split())))
    return out.astype(object).where(out.notna(), None).reset_index(drop=True)
