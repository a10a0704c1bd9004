"""The triage target-time policy: versioned data in ``triage_targets.v<N>.toml``.

The newest version is used for new referrals (or ``HARBOUR_TRIAGE_POLICY_VERSION``); each referral
stores the version that timed it. A malformed file stops start-up with the file name and problem.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

POLICY_DIR = Path(__file__).resolve().parent
_FILE_NAME = re.compile(r"^triage_targets\.v(\d+)\.toml$")
URGENCIES = ("standard", "urgent")


@dataclass(frozen=True)
class TriagePolicy:
    version: int
    description: str
    decision_due_hours: dict[str, float]
    area_overrides: dict[str, dict[str, float]] = field(default_factory=dict)

    def decision_due_at(
        self, *, received_at: datetime.datetime, urgency: str, area_code: str
    ) -> datetime.datetime:
        hours = self.area_overrides.get(area_code, {}).get(urgency)
        if hours is None:
            hours = self.decision_due_hours[urgency]
        return received_at + datetime.timedelta(hours=hours)


def _hours_table(path: Path, table: object, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ImproperlyConfigured(f"{path.name}: {where} must be a table of hours by urgency")
    hours: dict[str, float] = {}
    for urgency, value in table.items():
        if urgency not in URGENCIES:
            raise ImproperlyConfigured(
                f"{path.name}: {where} has unknown urgency {urgency!r} (use {', '.join(URGENCIES)})"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ImproperlyConfigured(
                f"{path.name}: {where}.{urgency} must be a positive number of hours"
            )
        hours[urgency] = float(value)
    return hours


def parse_policy_file(path: Path) -> TriagePolicy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ImproperlyConfigured(f"{path.name}: not valid TOML: {error}") from error
    match = _FILE_NAME.match(path.name)
    version = data.get("version")
    if not match or version != int(match.group(1)):
        raise ImproperlyConfigured(f"{path.name}: 'version' must match the file name's version")
    defaults = _hours_table(path, data.get("decision_due_hours"), "decision_due_hours")
    missing = [urgency for urgency in URGENCIES if urgency not in defaults]
    if missing:
        raise ImproperlyConfigured(
            f"{path.name}: decision_due_hours is missing {', '.join(missing)}"
        )
    overrides = {
        code: _hours_table(
            path, table.get("decision_due_hours"), f"areas.{code}.decision_due_hours"
        )
        for code, table in data.get("areas", {}).items()
    }
    return TriagePolicy(
        version=version,
        description=str(data.get("description", "")),
        decision_due_hours=defaults,
        area_overrides=overrides,
    )


@cache
def all_triage_policies() -> dict[int, TriagePolicy]:
    policies = {}
    for path in sorted(POLICY_DIR.glob("triage_targets.v*.toml")):
        policy = parse_policy_file(path)
        policies[policy.version] = policy
    if not policies:
        raise ImproperlyConfigured(f"No triage_targets.v<N>.toml file in {POLICY_DIR}")
    return policies


def load_triage_policy(version: int | None = None) -> TriagePolicy:
    policies = all_triage_policies()
    wanted = version or getattr(settings, "HARBOUR_TRIAGE_POLICY_VERSION", None) or max(policies)
    try:
        return policies[int(wanted)]
    except KeyError:
        raise ImproperlyConfigured(f"Triage policy version {wanted} does not exist") from None
