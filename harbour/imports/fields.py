"""The Harbour fields an agency's columns can be mapped to, per kind of import, and how each
cell is read: every problem is a sentence a practitioner understands, naming the value.

``clean_cell`` returns the normalised value (JSON-safe: dates as ISO text) or raises
``CellProblem``. Whole-row rules (a name or the other, a child reference) live in
``validation``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from harbour.imports.models import ImportKind
from harbour.missing.models import EpisodeCategory, MissingFrom
from harbour.people import validators
from harbour.people.models import Sex
from harbour.referrals.models import ConcernCategory, LawfulBasis, Urgency

LONDON = ZoneInfo("Europe/London")


class CellProblem(Exception):
    """A cell's value cannot be used; the message says why, in words."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    clean: Callable[[Any], Any]
    required: bool = False
    hint: str = ""
    #: Header spellings recognised when a source has no saved mapping yet (lower case).
    aliases: tuple[str, ...] = ()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _quoted(value: Any) -> str:
    text = _text(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def clean_text(limit: int) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        text = _text(value)
        if len(text) > limit:
            raise CellProblem(f"is {len(text)} characters long: Harbour keeps at most {limit}")
        return text

    return clean


def clean_long_text(value: Any) -> str:
    """Narratives keep their line breaks."""
    return "" if value is None else str(value).strip()


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y")
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


def parse_date(value: Any) -> tuple[datetime.date, str] | None:
    """A date and its precision ("exact" or "approximate" for ``YYYY-MM`` / ``YYYY``)."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date(), "exact"
    if isinstance(value, datetime.date):
        return value, "exact"
    text = _text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date(), "exact"
        except ValueError:
            continue
    partial = _PARTIAL.match(text)
    if partial:
        year, month = int(partial.group(1)), int(partial.group(2) or 1)
        if 1 <= month <= 12:
            return datetime.date(year, month, 1), "approximate"
    if re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", text):
        raise CellProblem(f"{_quoted(value)} is not a real date")
    raise CellProblem(
        f"{_quoted(value)} is not a date Harbour can read: use 31/01/2012 or 2012-01-31"
    )


def clean_date_of_birth(value: Any) -> dict[str, str] | None:
    """``{"date": ISO date, "precision": "exact" or "approximate", "partial": as given}``."""
    parsed = parse_date(value)
    if parsed is None:
        return None
    day, precision = parsed
    partial = day.isoformat()
    if precision == "approximate":
        partial = partial[:4] if re.fullmatch(r"\d{4}", _text(value)) else partial[:7]
    if day > timezone.localdate():
        raise CellProblem(f"{_quoted(value)} is in the future: a date of birth must be in the past")
    if day.year < 1900:
        raise CellProblem(f"{_quoted(value)} is too long ago to be a date of birth")
    return {"date": day.isoformat(), "precision": precision, "partial": partial}


_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
)


def clean_moment(value: Any) -> str | None:
    """A date and time (UK wall clock unless the cell carries an offset), as ISO text in UTC."""
    if value is None or _text(value) == "":
        return None
    moment: datetime.datetime | None = None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = _text(value)
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            for pattern in _DATETIME_FORMATS:
                try:
                    moment = datetime.datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if moment is None:
            if re.fullmatch(r"[\d/:\-. T]+", text):
                raise CellProblem(f"{_quoted(value)} is not a real date and time")
            raise CellProblem(
                f"{_quoted(value)} is not a date and time Harbour can read: "
                "use 31/01/2026 21:30 or 2026-01-31 21:30"
            )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    if moment > timezone.now():
        raise CellProblem(f"{_quoted(value)} is in the future")
    return moment.astimezone(datetime.UTC).isoformat()


_SEXES = {
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "girl": Sex.FEMALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "boy": Sex.MALE,
    "u": Sex.NOT_KNOWN,
    "unknown": Sex.NOT_KNOWN,
    "not known": Sex.NOT_KNOWN,
    "not_known": Sex.NOT_KNOWN,
    # The person CSV layout allows "other"; Harbour records sex as known or not.
    "other": Sex.NOT_KNOWN,
    "not stated": Sex.NOT_STATED,
    "not_stated": Sex.NOT_STATED,
    "prefer not to say": Sex.NOT_STATED,
}


def clean_sex(value: Any) -> str:
    text = _text(value).lower()
    if not text:
        return str(Sex.NOT_KNOWN)
    try:
        return str(_SEXES[text])
    except KeyError:
        raise CellProblem(
            f"{_quoted(value)} is not a sex Harbour knows: use female, male, not known or "
            "not stated"
        ) from None


def clean_postcode(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    try:
        validators.validate_uk_postcode(text)
    except ValidationError:
        raise CellProblem(f"{_quoted(value)} is not a real UK postcode, like AB1 2CD") from None
    return validators.normalise_postcode(text)


def _identifier(
    validate: Callable[[str], None], normalise: Callable[[str], str]
) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        text = _text(value)
        if not text:
            return ""
        try:
            validate(text)
        except ValidationError as error:
            raise CellProblem(f"{_quoted(value)}: {error.messages[0]}") from None
        return normalise(text)

    return clean


clean_nhs_number = _identifier(validators.validate_nhs_number, validators.normalise_nhs_number)
clean_upn = _identifier(validators.validate_upn, lambda text: text.strip().upper())
clean_reference = _identifier(
    validators.validate_agency_reference, lambda text: " ".join(text.split()).upper()
)


def clean_record_id(value: Any) -> str:
    text = _text(value)
    if len(text) > 120:
        raise CellProblem("is longer than 120 characters: is this the record id column?")
    return text


def _choice(choices: type[Any], what: str) -> Callable[[Any], str]:
    """A value from ``choices``, by its code or its label (any case)."""
    lookup: dict[str, str] = {}
    for code, label in choices.choices:
        lookup[code.lower()] = code
        lookup[code.replace("_", " ").lower()] = code
        lookup[str(label).lower()] = code

    def clean(value: Any) -> str:
        text = _text(value).lower()
        if not text:
            return ""
        try:
            return lookup[text]
        except KeyError:
            known = ", ".join(code.replace("_", " ") for code in choices.values)
            raise CellProblem(
                f"{_quoted(value)} is not {what} Harbour knows: use {known}"
            ) from None

    return clean


def clean_categories(value: Any) -> list[str]:
    one = _choice(ConcernCategory, "a concern category")
    parts = [part for part in re.split(r"[;,|]", _text(value)) if part.strip()]
    return sorted({one(part) for part in parts})


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def clean_yes_no(value: Any) -> bool:
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellProblem(f"{_quoted(value)} is not yes or no")


_PERSON_FIELDS = (
    FieldSpec(
        "record_id",
        "Agency record id",
        clean_record_id,
        required=True,
        hint="The child's key in your system; it is how Harbour recognises them next time",
        aliases=("record_id", "id", "record id", "person id", "client id", "reference"),
    ),
    FieldSpec(
        "first_names",
        "First names",
        clean_text(120),
        aliases=("first_names", "first name", "forename", "forenames", "given name"),
    ),
    FieldSpec(
        "last_name",
        "Last name",
        clean_text(120),
        aliases=("last_name", "last name", "surname", "family name"),
    ),
    FieldSpec("known_as", "Known as", clean_text(120), aliases=("known_as", "known as")),
    FieldSpec(
        "date_of_birth",
        "Date of birth",
        clean_date_of_birth,
        hint="31/01/2012 or 2012-01-31; 2012-01 or 2012 when only roughly known",
        aliases=("date_of_birth", "dob", "date of birth", "birth date"),
    ),
    FieldSpec("sex", "Sex", clean_sex, aliases=("sex", "gender")),
    FieldSpec("postcode", "Postcode", clean_postcode, aliases=("postcode", "post code")),
    FieldSpec(
        "address_line_1",
        "Address line 1",
        clean_text(200),
        aliases=("address_line_1", "address", "address line 1", "address 1"),
    ),
    FieldSpec(
        "nhs_number",
        "NHS number",
        clean_nhs_number,
        aliases=("nhs_number", "nhs number", "nhs no", "nhs"),
    ),
    FieldSpec("upn", "Unique pupil number", clean_upn, aliases=("upn", "unique pupil number")),
    FieldSpec(
        "police_ref",
        "Police reference",
        clean_reference,
        aliases=("police_ref", "police reference", "police ref"),
    ),
    FieldSpec(
        "council_ref",
        "Council reference",
        clean_reference,
        aliases=("council_ref", "council reference", "la reference", "council ref"),
    ),
)

_CHILD_FIELDS = (
    FieldSpec(
        "child_record_id",
        "Child's record id",
        clean_record_id,
        hint="The child's record id in a persons import from your agency",
        aliases=("child_record_id", "child id", "child record id", "person id", "client id"),
    ),
    FieldSpec(
        "child_nhs_number",
        "Child's NHS number",
        clean_nhs_number,
        aliases=("child_nhs_number", "nhs number", "nhs_number", "nhs"),
    ),
)

_REFERRAL_FIELDS = (
    FieldSpec(
        "record_id",
        "Referral record id",
        clean_record_id,
        required=True,
        aliases=("record_id", "referral id", "id"),
    ),
    *_CHILD_FIELDS,
    FieldSpec(
        "area",
        "Area",
        clean_text(120),
        hint="The borough's name or code; empty means your agency's first area",
        aliases=("area", "borough"),
    ),
    FieldSpec(
        "categories",
        "Concern categories",
        clean_categories,
        required=True,
        hint="One or more, separated by ;",
        aliases=("categories", "category", "concern", "concern type"),
    ),
    FieldSpec(
        "narrative",
        "What happened",
        clean_long_text,
        required=True,
        aliases=("narrative", "details", "concern details", "description"),
    ),
    FieldSpec("urgency", "Urgency", _choice(Urgency, "an urgency"), aliases=("urgency",)),
    FieldSpec(
        "lawful_basis",
        "Lawful basis",
        _choice(LawfulBasis, "a lawful basis"),
        required=True,
        aliases=("lawful_basis", "lawful basis"),
    ),
    FieldSpec(
        "safeguarding_condition",
        "Safeguarding condition met",
        clean_yes_no,
        aliases=("safeguarding_condition", "safeguarding condition"),
    ),
    FieldSpec("consent_details", "Consent details", clean_text(500), aliases=("consent",)),
    FieldSpec("referrer_name", "Referrer name", clean_text(200), aliases=("referrer",)),
    FieldSpec("referrer_role", "Referrer role", clean_text(200), aliases=("referrer role",)),
    FieldSpec("referrer_phone", "Referrer phone", clean_text(40), aliases=("phone",)),
    FieldSpec("referrer_email", "Referrer e-mail", clean_text(200), aliases=("email", "e-mail")),
    FieldSpec("known_associates", "Known associates", clean_long_text, aliases=("associates",)),
    FieldSpec("places", "Places", clean_long_text, aliases=("places", "locations")),
)

_EPISODE_FIELDS = (
    FieldSpec(
        "record_id",
        "Episode record id",
        clean_record_id,
        required=True,
        aliases=("record_id", "episode id", "episode", "id"),
    ),
    *_CHILD_FIELDS,
    FieldSpec(
        "missing_from",
        "Missing from",
        _choice(MissingFrom, "a place a child goes missing from"),
        required=True,
        aliases=("missing_from", "missing from", "from"),
    ),
    FieldSpec(
        "category",
        "Category",
        _choice(EpisodeCategory, "a category of absence"),
        required=True,
        aliases=("category", "absence category"),
    ),
    FieldSpec(
        "last_seen_at",
        "Last seen (date and time)",
        clean_moment,
        required=True,
        aliases=("last_seen_at", "last seen", "date last seen"),
    ),
    FieldSpec(
        "last_seen_where",
        "Where last seen",
        clean_text(300),
        required=True,
        aliases=("last_seen_where", "where last seen", "where", "location last seen"),
    ),
    FieldSpec(
        "reported_at",
        "Reported (date and time)",
        clean_moment,
        hint="Empty: taken as the time the child was last seen",
        aliases=("reported_at", "reported"),
    ),
    FieldSpec(
        "police_reference",
        "Police reference",
        clean_text(40),
        aliases=("police_reference", "police reference", "police ref"),
    ),
    FieldSpec(
        "returned_at", "Returned (date and time)", clean_moment, aliases=("returned_at", "returned")
    ),
    FieldSpec(
        "returned_where",
        "Where found or returned to",
        clean_text(300),
        aliases=("returned_where", "returned to"),
    ),
    FieldSpec(
        "returned_how",
        "Found or returned by",
        clean_text(200),
        aliases=("returned_how", "by", "found by"),
    ),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    ImportKind.PERSONS: _PERSON_FIELDS,
    ImportKind.REFERRALS: _REFERRAL_FIELDS,
    ImportKind.MISSING_EPISODES: _EPISODE_FIELDS,
}


def fields_for(kind: str) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in FIELDS[kind]}


def suggest_mapping(kind: str, headers: list[str], saved: dict[str, str]) -> dict[str, str]:
    """Their header → our field: the source's saved mapping first, then recognised spellings."""
    specs = FIELDS[kind]
    result: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = saved.get(header, "")
        if field and field in {spec.name for spec in specs} and field not in taken:
            result[header] = field
            taken.add(field)
    for header in headers:
        if header in result:
            continue
        lowered = " ".join(header.lower().replace("_", " ").split())
        for spec in specs:
            spellings = {alias.replace("_", " ") for alias in spec.aliases} | {
                spec.name.replace("_", " ")
            }
            if spec.name not in taken and lowered in spellings:
                result[header] = spec.name
                taken.add(spec.name)
                break
    return result
