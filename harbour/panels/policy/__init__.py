"""The panel types: versioned data in ``panel_types.v<N>.toml``.

Each type says whether a panel serves one area or the whole partnership, whether its agenda is
children or themes, how often it meets, its quorum (how many agencies, and which kinds must be
present), its confidentiality agreement (text and version) and how many days after a meeting a
member not otherwise involved with a child keeps access to that child's pre-read. The newest
version is used (or ``HARBOUR_PANEL_TYPES_VERSION``). A malformed file stops start-up with the
file name, the key and the problem.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from harbour.accounts.models import AgencyType

POLICY_DIR = Path(__file__).resolve().parent
_FILE_NAME = re.compile(r"^panel_types\.v(\d+)\.toml$")
_TYPE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

SCOPE_AREA = "area"
SCOPE_PAN_AREA = "pan_area"
FOCUS_CHILDREN = "children"
FOCUS_THEMES = "themes"

_TYPE_KEYS = {
    "name",
    "scope",
    "focus",
    "meeting_interval_days",
    "pre_read_access_days_after_meeting",
    "quorum",
    "confidentiality",
}
_QUORUM_KEYS = {"min_agencies", "required_agency_types"}
_CONFIDENTIALITY_KEYS = {"version", "text"}


@dataclass(frozen=True)
class Quorum:
    """At least ``min_agencies`` agencies present, including one of each required type."""

    min_agencies: int
    required_agency_types: tuple[str, ...]

    def is_met(self, present_agency_types: Mapping[Any, str]) -> bool:
        """``present_agency_types`` maps each agency present to its type."""
        types = set(present_agency_types.values())
        return len(present_agency_types) >= self.min_agencies and all(
            required in types for required in self.required_agency_types
        )


@dataclass(frozen=True)
class ConfidentialityAgreement:
    version: int
    text: str


@dataclass(frozen=True)
class PanelType:
    key: str
    name: str
    scope: str
    focus: str
    meeting_interval_days: int
    pre_read_access_days_after_meeting: int
    quorum: Quorum
    confidentiality: ConfidentialityAgreement

    @property
    def is_pan_area(self) -> bool:
        return self.scope == SCOPE_PAN_AREA


@dataclass(frozen=True)
class PanelTypes:
    version: int
    description: str
    types: dict[str, PanelType]

    def get(self, key: str) -> PanelType:
        try:
            return self.types[key]
        except KeyError:
            raise ImproperlyConfigured(
                f"Panel type {key!r} is not defined in panel types version {self.version}"
            ) from None


def _problem(path: Path, where: str, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{path.name}: {where} {message}")


def _table(path: Path, value: object, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _problem(path, where, "must be a table")
    unknown = set(value) - allowed
    if unknown:
        raise _problem(path, where, f"has unknown key(s) {', '.join(sorted(unknown))}")
    missing = allowed - set(value)
    if missing:
        raise _problem(path, where, f"is missing {', '.join(sorted(missing))}")
    return value


def _whole(path: Path, value: object, where: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _problem(path, where, f"must be a whole number of at least {minimum}")
    return value


def _text(path: Path, value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _problem(path, where, "must be some text")
    return value.strip()


def _choice(path: Path, value: object, where: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise _problem(path, where, f"must be one of {', '.join(choices)}")
    assert isinstance(value, str)
    return value


def _quorum(path: Path, value: object, where: str) -> Quorum:
    table = _table(path, value, where, _QUORUM_KEYS)
    required = table["required_agency_types"]
    if not isinstance(required, list):
        raise _problem(path, f"{where}.required_agency_types", "must be a list of agency types")
    for index, agency_type in enumerate(required):
        if agency_type not in AgencyType.values:
            raise _problem(
                path,
                f"{where}.required_agency_types[{index}]",
                f"is {agency_type!r}, not an agency type ({', '.join(AgencyType.values)})",
            )
    if len(set(required)) != len(required):
        raise _problem(path, f"{where}.required_agency_types", "names an agency type twice")
    min_agencies = _whole(path, table["min_agencies"], f"{where}.min_agencies", minimum=1)
    if min_agencies < len(required):
        raise _problem(
            path,
            f"{where}.min_agencies",
            "must be at least the number of required agency types",
        )
    return Quorum(min_agencies=min_agencies, required_agency_types=tuple(required))


def _panel_type(path: Path, key: str, value: object) -> PanelType:
    where = f"types.{key}"
    if not _TYPE_KEY.match(key):
        raise _problem(path, where, "must be named in lower-case letters, digits and hyphens")
    table = _table(path, value, where, _TYPE_KEYS)
    agreement = _table(
        path, table["confidentiality"], f"{where}.confidentiality", _CONFIDENTIALITY_KEYS
    )
    return PanelType(
        key=key,
        name=_text(path, table["name"], f"{where}.name"),
        scope=_choice(path, table["scope"], f"{where}.scope", (SCOPE_AREA, SCOPE_PAN_AREA)),
        focus=_choice(path, table["focus"], f"{where}.focus", (FOCUS_CHILDREN, FOCUS_THEMES)),
        meeting_interval_days=_whole(
            path, table["meeting_interval_days"], f"{where}.meeting_interval_days", minimum=1
        ),
        pre_read_access_days_after_meeting=_whole(
            path,
            table["pre_read_access_days_after_meeting"],
            f"{where}.pre_read_access_days_after_meeting",
            minimum=0,
        ),
        quorum=_quorum(path, table["quorum"], f"{where}.quorum"),
        confidentiality=ConfidentialityAgreement(
            version=_whole(
                path, agreement["version"], f"{where}.confidentiality.version", minimum=1
            ),
            text=_text(path, agreement["text"], f"{where}.confidentiality.text"),
        ),
    )


def parse_panel_types_file(path: Path) -> PanelTypes:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ImproperlyConfigured(f"{path.name}: not valid TOML: {error}") from error
    match = _FILE_NAME.match(path.name)
    version = data.get("version")
    if not match or version != int(match.group(1)):
        raise _problem(path, "version", "must match the file name's version")
    unknown = set(data) - {"version", "description", "types"}
    if unknown:
        raise _problem(path, "the file", f"has unknown key(s) {', '.join(sorted(unknown))}")
    types = data.get("types")
    if not isinstance(types, dict) or not types:
        raise _problem(path, "types", "must define at least one [types.<key>] table")
    return PanelTypes(
        version=version,
        description=str(data.get("description", "")),
        types={key: _panel_type(path, key, table) for key, table in types.items()},
    )


@cache
def all_panel_types() -> dict[int, PanelTypes]:
    versions = {}
    for path in sorted(POLICY_DIR.glob("panel_types.v*.toml")):
        parsed = parse_panel_types_file(path)
        versions[parsed.version] = parsed
    if not versions:
        raise ImproperlyConfigured(f"No panel_types.v<N>.toml file in {POLICY_DIR}")
    return versions


def load_panel_types(version: int | None = None) -> PanelTypes:
    versions = all_panel_types()
    wanted = version or getattr(settings, "HARBOUR_PANEL_TYPES_VERSION", None) or max(versions)
    try:
        return versions[int(wanted)]
    except KeyError:
        raise ImproperlyConfigured(f"Panel types version {wanted} does not exist") from None
