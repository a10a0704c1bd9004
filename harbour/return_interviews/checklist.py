"""The push and pull factor checklist: versioned data files in ``checklists/``.

Each version is one JSON file, ``factors.v<N>.json``, never edited once an interview has been
completed against it: a change is a new version. New interviews use the newest version; each
completed interview records the version it was answered on (``ReturnInterview.checklist_version``)
and its factors are shown with that version's labels.

The files are checked when Harbour starts (``ReturnInterviewsConfig.ready``): a missing or
unknown key, a duplicate code, a version that does not match the file name, or an empty list
stops start-up with an ``ImproperlyConfigured`` naming the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

CHECKLIST_DIR = Path(__file__).resolve().parent / "checklists"
_FILE_NAME = re.compile(r"^factors\.v(?P<version>[1-9][0-9]*)\.json$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = frozenset({"key", "version", "title", "effective_from", "source", "push", "pull"})
PUSH = "push"
PULL = "pull"


@dataclass(frozen=True)
class Factor:
    code: str
    label: str


@dataclass(frozen=True)
class Checklist:
    version: int
    title: str
    push: tuple[Factor, ...]
    pull: tuple[Factor, ...]

    def factors(self, kind: str) -> tuple[Factor, ...]:
        return self.push if kind == PUSH else self.pull

    def codes(self, kind: str) -> frozenset[str]:
        return frozenset(factor.code for factor in self.factors(kind))

    def choices(self, kind: str) -> list[tuple[str, str]]:
        return [(factor.code, factor.label) for factor in self.factors(kind)]

    def label_for(self, kind: str, code: str) -> str:
        for factor in self.factors(kind):
            if factor.code == code:
                return factor.label
        return code


def _fail(path: Path, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{path.name}: {problem}")


def _factors(path: Path, raw: object, kind: str) -> tuple[Factor, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(path, f"'{kind}' must be a non-empty list")
    factors: list[Factor] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"code", "label"}:
            raise _fail(path, f"each '{kind}' factor has exactly a code and a label")
        code, label = item["code"], item["label"]
        if not isinstance(code, str) or not _CODE.match(code):
            raise _fail(path, f"factor code {code!r} must be lower case letters and underscores")
        if code in seen:
            raise _fail(path, f"factor code {code!r} appears twice in '{kind}'")
        if not isinstance(label, str) or not label.strip():
            raise _fail(path, f"factor {code!r} needs a label")
        seen.add(code)
        factors.append(Factor(code, label))
    return tuple(factors)


def _load(path: Path) -> Checklist:
    match = _FILE_NAME.match(path.name)
    if match is None:
        raise _fail(path, "a checklist file is named factors.v<N>.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise _fail(path, f"line {error.lineno}: {error.msg}") from error
    if not isinstance(data, dict) or set(data) != _KEYS:
        raise _fail(path, f"the keys must be exactly {sorted(_KEYS)}")
    if data["key"] != "factors" or data["version"] != int(match["version"]):
        raise _fail(path, "the key and version must match the file name")
    push, pull = _factors(path, data["push"], PUSH), _factors(path, data["pull"], PULL)
    if {f.code for f in push} & {f.code for f in pull}:
        raise _fail(path, "a code cannot be both a push and a pull factor")
    return Checklist(version=data["version"], title=data["title"], push=push, pull=pull)


@cache
def all_checklists() -> dict[int, Checklist]:
    """Every checklist version, checked, by version number."""
    checklists = {c.version: c for c in map(_load, sorted(CHECKLIST_DIR.glob("factors.v*.json")))}
    if not checklists:
        raise ImproperlyConfigured(f"No factor checklist in {CHECKLIST_DIR}")
    return checklists


def get_checklist(version: int) -> Checklist:
    """One version (the version a completed interview was answered on)."""
    try:
        return all_checklists()[version]
    except KeyError:
        raise ImproperlyConfigured(f"No factor checklist version {version}") from None


def current_checklist() -> Checklist:
    """The newest version: the one new interviews are completed against."""
    checklists = all_checklists()
    return checklists[max(checklists)]
