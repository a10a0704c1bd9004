"""The merge policy: versioned data in ``merge.v<N>.toml``.

It says whether a merge carries access from the merged-away record to the survivor, and how rows
that would break a uniqueness rule on the survivor are handled. The newest version is used (or
``HARBOUR_MERGE_POLICY_VERSION``); each merge stores the version it ran under. A malformed file
stops start-up with the file name and the problem.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

POLICY_DIR = Path(__file__).resolve().parent
_FILE_NAME = re.compile(r"^merge\.v(\d+)\.toml$")

KEEP_WITH_MERGED = "keep_with_merged"
DEMOTE_OLDER = "demote_older"
ACTIONS = frozenset({KEEP_WITH_MERGED, DEMOTE_OLDER})


@dataclass(frozen=True)
class ConflictRule:
    """What to do when a row of the merged-away record collides with one of the survivor's."""

    action: str
    flag: str = ""
    latest_by: str = ""


@dataclass(frozen=True)
class MergePolicy:
    version: int
    description: str
    carry_access: bool
    conflicts: dict[str, ConflictRule] = field(default_factory=dict)
    refusals: dict[str, str] = field(default_factory=dict)


def _parse(path: Path) -> MergePolicy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ImproperlyConfigured(f"{path.name}: not valid TOML ({error})") from error
    version = data.get("version")
    match = _FILE_NAME.match(path.name)
    if not isinstance(version, int) or match is None or int(match.group(1)) != version:
        raise ImproperlyConfigured(f"{path.name}: version must be a whole number matching the name")
    carry = data.get("carry_access")
    if not isinstance(carry, bool):
        raise ImproperlyConfigured(f"{path.name}: carry_access must be true or false")
    conflicts: dict[str, ConflictRule] = {}
    for name, rule in (data.get("conflicts") or {}).items():
        if not isinstance(rule, dict) or rule.get("action") not in ACTIONS:
            raise ImproperlyConfigured(
                f"{path.name}: conflicts.{name}.action must be one of {', '.join(sorted(ACTIONS))}"
            )
        flag, latest_by = str(rule.get("flag", "")), str(rule.get("latest_by", ""))
        if rule["action"] == DEMOTE_OLDER and not (flag and latest_by):
            raise ImproperlyConfigured(
                f"{path.name}: conflicts.{name} (demote_older) needs flag and latest_by"
            )
        conflicts[name] = ConflictRule(action=rule["action"], flag=flag, latest_by=latest_by)
    refusals = data.get("refusals") or {}
    if not all(isinstance(text, str) and text for text in refusals.values()):
        raise ImproperlyConfigured(f"{path.name}: each refusals entry must be a message")
    return MergePolicy(
        version=version,
        description=str(data.get("description", "")),
        carry_access=carry,
        conflicts=conflicts,
        refusals=dict(refusals),
    )


def available_versions(directory: Path = POLICY_DIR) -> dict[int, Path]:
    versions: dict[int, Path] = {}
    for path in directory.iterdir():
        match = _FILE_NAME.match(path.name)
        if match:
            versions[int(match.group(1))] = path
    return versions


@cache
def load_merge_policy(version: int | None = None, directory: Path = POLICY_DIR) -> MergePolicy:
    """The policy of ``version`` (default: the setting, else the newest file)."""
    versions = available_versions(directory)
    if not versions:
        raise ImproperlyConfigured(f"no merge policy (merge.v<N>.toml) in {directory}")
    chosen = version or getattr(settings, "HARBOUR_MERGE_POLICY_VERSION", None) or max(versions)
    if chosen not in versions:
        raise ImproperlyConfigured(f"merge policy version {chosen} does not exist")
    return _parse(versions[chosen])
