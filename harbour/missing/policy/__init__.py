"""The missing-episode clock policy: versioned data in ``clocks.v<N>.toml``.

It holds how long after a return the return home interview is due (72 hours) and the
repeat-missing triggers (e.g. 3 episodes in 30 days), with per-area overrides. The newest version
is used (or ``HARBOUR_MISSING_CLOCK_POLICY_VERSION``); each episode stores the version that timed
its interview. A malformed file stops start-up with the file name and the problem.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

POLICY_DIR = Path(__file__).resolve().parent
_FILE_NAME = re.compile(r"^clocks\.v(\d+)\.toml$")
_TRIGGER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


@dataclass(frozen=True)
class RepeatTrigger:
    """Fires when ``episodes`` episodes were reported within ``window_days`` days."""

    id: str
    episodes: int
    window_days: int

    @property
    def window(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.window_days)

    @property
    def description(self) -> str:
        return f"{self.episodes} episodes in {self.window_days} days"


@dataclass(frozen=True)
class AreaClocks:
    return_interview_due_hours: float | None = None
    triggers: tuple[RepeatTrigger, ...] | None = None


@dataclass(frozen=True)
class ClockPolicy:
    version: int
    description: str
    return_interview_due_hours: float
    triggers: tuple[RepeatTrigger, ...]
    areas: dict[str, AreaClocks] = field(default_factory=dict)

    def interview_due_hours(self, area_code: str) -> float:
        override = self.areas.get(area_code)
        if override is not None and override.return_interview_due_hours is not None:
            return override.return_interview_due_hours
        return self.return_interview_due_hours

    def triggers_for(self, area_code: str) -> tuple[RepeatTrigger, ...]:
        override = self.areas.get(area_code)
        if override is not None and override.triggers is not None:
            return override.triggers
        return self.triggers


def _positive_number(path: Path, value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ImproperlyConfigured(f"{path.name}: {where} must be a positive number of hours")
    return float(value)


def _positive_int(path: Path, value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ImproperlyConfigured(f"{path.name}: {where} must be a positive whole number")
    return value


def _triggers(path: Path, value: object, where: str) -> tuple[RepeatTrigger, ...]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ImproperlyConfigured(f"{path.name}: {where} must be a list of [[triggers]] tables")
    triggers: list[RepeatTrigger] = []
    for index, item in enumerate(value):
        here = f"{where}[{index}]"
        trigger_id = item.get("id")
        if not isinstance(trigger_id, str) or not _TRIGGER_ID.match(trigger_id):
            raise ImproperlyConfigured(
                f"{path.name}: {here}.id must be lower-case letters, digits and hyphens"
            )
        unknown = set(item) - {"id", "episodes", "window_days"}
        if unknown:
            raise ImproperlyConfigured(
                f"{path.name}: {here} has unknown key(s) {', '.join(sorted(unknown))}"
            )
        episodes = _positive_int(path, item.get("episodes"), f"{here}.episodes")
        if episodes < 2:
            raise ImproperlyConfigured(f"{path.name}: {here}.episodes must be at least 2")
        triggers.append(
            RepeatTrigger(
                id=trigger_id,
                episodes=episodes,
                window_days=_positive_int(path, item.get("window_days"), f"{here}.window_days"),
            )
        )
    ids = [trigger.id for trigger in triggers]
    if len(ids) != len(set(ids)):
        raise ImproperlyConfigured(f"{path.name}: {where} has two triggers with the same id")
    return tuple(triggers)


def _area(path: Path, code: str, table: Any) -> AreaClocks:
    where = f"areas.{code}"
    if not isinstance(table, dict):
        raise ImproperlyConfigured(f"{path.name}: {where} must be a table")
    unknown = set(table) - {"return_interview_due_hours", "triggers"}
    if unknown:
        raise ImproperlyConfigured(
            f"{path.name}: {where} has unknown key(s) {', '.join(sorted(unknown))}"
        )
    hours = table.get("return_interview_due_hours")
    triggers = table.get("triggers")
    return AreaClocks(
        return_interview_due_hours=None
        if hours is None
        else _positive_number(path, hours, f"{where}.return_interview_due_hours"),
        triggers=None if triggers is None else _triggers(path, triggers, f"{where}.triggers"),
    )


def parse_policy_file(path: Path) -> ClockPolicy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ImproperlyConfigured(f"{path.name}: not valid TOML: {error}") from error
    match = _FILE_NAME.match(path.name)
    version = data.get("version")
    if not match or version != int(match.group(1)):
        raise ImproperlyConfigured(f"{path.name}: 'version' must match the file name's version")
    if "return_interview_due_hours" not in data:
        raise ImproperlyConfigured(f"{path.name}: return_interview_due_hours is missing")
    if "triggers" not in data:
        raise ImproperlyConfigured(f"{path.name}: no [[triggers]] are defined")
    areas = data.get("areas", {})
    if not isinstance(areas, dict):
        raise ImproperlyConfigured(f"{path.name}: areas must be a table of areas by code")
    return ClockPolicy(
        version=version,
        description=str(data.get("description", "")),
        return_interview_due_hours=_positive_number(
            path, data["return_interview_due_hours"], "return_interview_due_hours"
        ),
        triggers=_triggers(path, data["triggers"], "triggers"),
        areas={code: _area(path, code, table) for code, table in areas.items()},
    )


@cache
def all_clock_policies() -> dict[int, ClockPolicy]:
    policies = {}
    for path in sorted(POLICY_DIR.glob("clocks.v*.toml")):
        policy = parse_policy_file(path)
        policies[policy.version] = policy
    if not policies:
        raise ImproperlyConfigured(f"No clocks.v<N>.toml file in {POLICY_DIR}")
    return policies


def load_clock_policy(version: int | None = None) -> ClockPolicy:
    policies = all_clock_policies()
    wanted = (
        version or getattr(settings, "HARBOUR_MISSING_CLOCK_POLICY_VERSION", None) or max(policies)
    )
    try:
        return policies[int(wanted)]
    except KeyError:
        raise ImproperlyConfigured(
            f"Missing clock policy version {wanted} does not exist"
        ) from None
