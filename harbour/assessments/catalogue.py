"""The indicator catalogue: versioned data files in ``catalogues/``, validated at start-up.

Each catalogue version is one JSON file, ``<key>.v<N>.json`` (``exploitation.v1.json``). A file
is never edited once an assessment has been completed against it: a change is a new version, and
every past assessment keeps rendering with the version it was answered on (``get_catalogue``).
``areas.json`` says which catalogue each area uses for new assessments (``catalogue_for_area``):
an area not listed uses the default, and an entry without a version uses the newest one.

Everything is checked strictly when Harbour starts (``AssessmentsConfig.ready`` calls
``all_catalogues``): unknown or missing keys, duplicate keys or ids, unknown domains, categories,
exploitation types or levels, rules naming indicators that do not exist, versions that do not
match the file name, thresholds out of order. A problem stops start-up with an
``ImproperlyConfigured`` naming the file, the line and the problem.

The directory is ``settings.HARBOUR_ASSESSMENT_CATALOGUE_DIR`` when set (tests point it at a
temporary directory), otherwise the ``catalogues`` folder beside this module.
"""

from __future__ import annotations

import bisect
import datetime
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

if TYPE_CHECKING:
    from harbour.accounts.models import Area

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogues"
AREAS_FILE = "areas.json"
_FILE_NAME = re.compile(r"^(?P<key>[a-z][a-z0-9_-]*)\.v(?P<version>[1-9][0-9]*)\.json$")
_INDICATOR_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")

VULNERABILITY = "vulnerability"
MODERATE = "moderate"
SIGNIFICANT = "significant"
PROTECTIVE = "protective"
#: The categories an indicator can have, with how they read on a page.
CATEGORIES: dict[str, str] = {
    VULNERABILITY: "Vulnerability",
    MODERATE: "Moderate indicator",
    SIGNIFICANT: "Significant indicator",
    PROTECTIVE: "Protective factor",
}


# The catalogue, as typed values --------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One step of the catalogue's scale. A score of at least ``min_score`` suggests it."""

    id: str
    label: str
    min_score: int
    review_days: int
    description: str = ""


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    hint: str = ""


@dataclass(frozen=True)
class Indicator:
    id: str
    wording: str
    domain: str
    category: str
    weight: int
    exploitation_types: tuple[str, ...]
    asks_recency: bool
    hint: str = ""

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]


@dataclass(frozen=True)
class Condition:
    """When a rule applies. Every condition given must hold (they are joined by "and")."""

    age_under: int | None = None
    indicator_yes: str | None = None
    any_yes_in_category: str | None = None

    @property
    def needs_age(self) -> bool:
        return self.age_under is not None


@dataclass(frozen=True)
class Rule:
    """A hard rule: when its condition holds, the suggestion is at least ``at_least``."""

    id: str
    description: str
    when: Condition
    at_least: str


@dataclass(frozen=True)
class Catalogue:
    key: str
    version: int
    title: str
    description: str
    effective_from: datetime.date
    levels: tuple[Level, ...]
    review_days_source: str
    domains: tuple[Domain, ...]
    indicators: tuple[Indicator, ...]
    rules: tuple[Rule, ...]
    source: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        """``exploitation.v1``: how the version is named in audit rows and on pages."""
        return f"{self.key}.v{self.version}"

    @cached_property
    def _levels_by_id(self) -> dict[str, tuple[int, Level]]:
        return {level.id: (rank, level) for rank, level in enumerate(self.levels)}

    @cached_property
    def _indicators_by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    @property
    def level_ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.levels)

    def level(self, level_id: str) -> Level:
        return self._levels_by_id[level_id][1]

    def rank(self, level_id: str) -> int:
        """The level's place on the scale, 0 for the lowest."""
        return self._levels_by_id[level_id][0]

    def has_level(self, level_id: str) -> bool:
        return level_id in self._levels_by_id

    def label_for(self, level_id: str) -> str:
        """The level's label, or the id itself for a level this version does not have."""
        found = self._levels_by_id.get(level_id)
        return found[1].label if found else level_id

    def level_for_score(self, score: int) -> Level:
        """The highest level whose threshold the score reaches (the lowest level below zero)."""
        chosen = self.levels[0]
        for level in self.levels:
            if score >= level.min_score:
                chosen = level
        return chosen

    def review_days(self, level_id: str) -> int:
        return self.level(level_id).review_days

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators_by_id[indicator_id]

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._indicators_by_id

    def indicators_in(self, domain_id: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.domain == domain_id)


@dataclass(frozen=True)
class CatalogueChoice:
    """An ``areas.json`` entry: a catalogue key and, optionally, a pinned version."""

    key: str
    version: int | None = None


@dataclass(frozen=True)
class AreaMap:
    version: int
    default: CatalogueChoice
    areas: Mapping[str, CatalogueChoice]


@dataclass(frozen=True)
class _Registry:
    directory: Path
    catalogues: Mapping[tuple[str, int], Catalogue]
    area_map: AreaMap

    def newest(self, key: str) -> Catalogue:
        versions = [version for k, version in self.catalogues if k == key]
        return self.catalogues[(key, max(versions))]

    def resolve(self, choice: CatalogueChoice) -> Catalogue:
        if choice.version is None:
            return self.newest(choice.key)
        return self.catalogues[(choice.key, choice.version)]


# Where each value is in the file -------------------------------------------------------------


@dataclass
class _Node:
    """Where one JSON value sits in the file: the line of its key (in an object) or of itself."""

    line: int
    fields: dict[str, _Node] = field(default_factory=dict)
    items: list[_Node] = field(default_factory=list)

    def at(self, key: str) -> _Node:
        return self.fields.get(key, self)

    def item(self, index: int) -> _Node:
        return self.items[index] if index < len(self.items) else self


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(
    r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null|NaN|-?Infinity"
)


class _Locator:
    """Records the line of every key and list item of a document ``json`` has already parsed,
    and the keys an object repeats (``json`` silently keeps the last)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]
        self.duplicates: list[tuple[str, int]] = []

    def line_at(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def _skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self.text, offset)
        return match.end() if match else offset

    def root(self) -> _Node:
        offset = self._skip(0)
        node, _end = self._value(offset, self.line_at(offset))
        return node

    def _value(self, offset: int, line: int) -> tuple[_Node, int]:
        char = self.text[offset]
        if char == "{":
            return self._object(offset, line)
        if char == "[":
            return self._array(offset, line)
        match = (_STRING if char == '"' else _SCALAR).match(self.text, offset)
        if match is None:  # pragma: no cover - json.loads accepted the text first
            raise ValueError(f"unexpected character at offset {offset}")
        return _Node(line), match.end()

    def _object(self, offset: int, line: int) -> tuple[_Node, int]:
        node = _Node(line)
        offset = self._skip(offset + 1)
        if self.text[offset] == "}":
            return node, offset + 1
        while True:
            match = _STRING.match(self.text, offset)
            assert match is not None
            key = json.loads(match.group())
            key_line = self.line_at(offset)
            offset = self._skip(match.end())
            offset = self._skip(offset + 1)  # the colon
            child, offset = self._value(offset, key_line)
            if key in node.fields:
                self.duplicates.append((key, key_line))
            node.fields[key] = child
            offset = self._skip(offset)
            if self.text[offset] == "}":
                return node, offset + 1
            offset = self._skip(offset + 1)  # the comma

    def _array(self, offset: int, line: int) -> tuple[_Node, int]:
        node = _Node(line)
        offset = self._skip(offset + 1)
        if self.text[offset] == "]":
            return node, offset + 1
        while True:
            child, offset = self._value(offset, self.line_at(offset))
            node.items.append(child)
            offset = self._skip(offset)
            if self.text[offset] == "]":
                return node, offset + 1
            offset = self._skip(offset + 1)


class _File:
    """One file being read: raises problems naming the file and the line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(
                f"Risk assessment catalogue {path}, line 1: cannot be read: {error}"
            ) from error
        try:
            self.data: Any = json.loads(self.text)
        except json.JSONDecodeError as error:
            self.fail(
                error.lineno, f"not valid JSON: {error.msg} (column {error.colno})", cause=error
            )
        locator = _Locator(self.text)
        self.root = locator.root()
        if locator.duplicates:
            key, line = locator.duplicates[0]
            self.fail(line, f"the key {key!r} appears twice in the same object")

    def fail(self, where: _Node | int, problem: str, cause: Exception | None = None) -> NoReturn:
        line = where if isinstance(where, int) else where.line
        raise ImproperlyConfigured(
            f"Risk assessment catalogue {self.path}, line {line}: {problem}"
        ) from cause

    # Shapes --------------------------------------------------------------------------------

    def object(
        self,
        value: Any,
        node: _Node,
        where: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(node, f"{where} must be an object")
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.fail(
                    node.at(key),
                    f"{where} has an unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if key not in value:
                self.fail(node, f"{where} is missing {key!r}")
        return value

    def text_value(
        self, parent: dict[str, Any], node: _Node, key: str, where: str, *, optional: bool = False
    ) -> str:
        value = parent.get(key, "" if optional else None)
        if not isinstance(value, str) or (not optional and not value.strip()):
            self.fail(node.at(key), f"{where}: {key!r} must be a non-empty string")
        return value.strip()

    def identifier(
        self, parent: dict[str, Any], node: _Node, key: str, where: str, pattern: re.Pattern[str]
    ) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(
                node.at(key),
                f"{where}: {key!r} must be lower-case letters, digits and underscores "
                f"(matching {pattern.pattern}), not {value!r}",
            )
        return value

    def integer(
        self,
        parent: dict[str, Any],
        node: _Node,
        key: str,
        where: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = parent.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(node.at(key), f"{where}: {key!r} must be a whole number, not {value!r}")
        if minimum is not None and value < minimum:
            self.fail(node.at(key), f"{where}: {key!r} must be at least {minimum}, not {value}")
        if maximum is not None and value > maximum:
            self.fail(node.at(key), f"{where}: {key!r} must be at most {maximum}, not {value}")
        return value

    def array(self, parent: dict[str, Any], node: _Node, key: str, where: str) -> list[Any]:
        value = parent.get(key)
        if not isinstance(value, list) or not value:
            self.fail(node.at(key), f"{where}: {key!r} must be a non-empty list")
        return value


# Reading a catalogue file ----------------------------------------------------------------------


_TOP_LEVEL = (
    "key",
    "version",
    "title",
    "description",
    "effective_from",
    "levels",
    "review_days_source",
    "domains",
    "indicators",
    "rules",
)


def _exploitation_types() -> frozenset[str]:
    from harbour.referrals.models import ConcernCategory

    return frozenset(ConcernCategory.values)


def parse_catalogue_file(path: Path) -> Catalogue:
    """Read and check one ``<key>.v<N>.json`` file, or raise naming its file, line and problem."""
    file = _File(path)
    root = file.root
    data = file.object(file.data, root, "the catalogue", required=_TOP_LEVEL)
    match = _FILE_NAME.match(path.name)
    if match is None:  # pragma: no cover - load_directory only passes matching names
        file.fail(1, "the file name must be <key>.v<version>.json")
    key = file.identifier(data, root, "key", "the catalogue", _SLUG)
    if key != match.group("key"):
        file.fail(
            root.at("key"),
            f"'key' is {key!r} but the file name says {match.group('key')!r}",
        )
    version = file.integer(data, root, "version", "the catalogue", minimum=1)
    if version != int(match.group("version")):
        file.fail(
            root.at("version"),
            f"'version' is {version} but the file name says {match.group('version')}",
        )
    title = file.text_value(data, root, "title", "the catalogue")
    description = file.text_value(data, root, "description", "the catalogue")
    review_days_source = file.text_value(data, root, "review_days_source", "the catalogue")
    effective_text = data["effective_from"]
    try:
        effective_from = datetime.date.fromisoformat(effective_text)
    except (TypeError, ValueError):
        file.fail(
            root.at("effective_from"),
            f"'effective_from' must be a date like 2026-11-23, not {effective_text!r}",
        )

    levels = _levels(file, data, root)
    level_ids = [level.id for level in levels]
    domains = _domains(file, data, root)
    indicators = _indicators(file, data, root, {domain.id for domain in domains})
    used_domains = {indicator.domain for indicator in indicators}
    for index, domain in enumerate(domains):
        if domain.id not in used_domains:
            file.fail(
                root.at("domains").item(index).at("id"),
                f"domain {domain.id!r} has no indicators",
            )
    rules = _rules(file, data, root, level_ids, {i.id: i for i in indicators})
    return Catalogue(
        key=key,
        version=version,
        title=title,
        description=description,
        effective_from=effective_from,
        levels=tuple(levels),
        review_days_source=review_days_source,
        domains=tuple(domains),
        indicators=tuple(indicators),
        rules=tuple(rules),
        source=str(path),
    )


def _levels(file: _File, data: dict[str, Any], root: _Node) -> list[Level]:
    node = root.at("levels")
    raw = file.array(data, root, "levels", "the catalogue")
    if len(raw) < 2:
        file.fail(node, "'levels' needs at least two levels (lowest first)")
    levels: list[Level] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        item_node = node.item(index)
        where = f"level {index + 1}"
        entry = file.object(
            item,
            item_node,
            where,
            required=("id", "label", "min_score", "review_days"),
            optional=("description",),
        )
        level_id = file.identifier(entry, item_node, "id", where, _INDICATOR_ID)
        where = f"level {level_id!r}"
        if level_id in seen:
            file.fail(item_node.at("id"), f"the level id {level_id!r} is used twice")
        seen.add(level_id)
        min_score = file.integer(entry, item_node, "min_score", where)
        review_days = file.integer(entry, item_node, "review_days", where, minimum=1, maximum=730)
        if index == 0 and min_score != 0:
            file.fail(
                item_node.at("min_score"), f"{where}: the lowest level's 'min_score' must be 0"
            )
        if levels and min_score <= levels[-1].min_score:
            file.fail(
                item_node.at("min_score"),
                f"{where}: 'min_score' must be higher than the level below's "
                f"({levels[-1].min_score}): list levels lowest first",
            )
        if levels and review_days > levels[-1].review_days:
            file.fail(
                item_node.at("review_days"),
                f"{where}: 'review_days' must not be longer than the level below's "
                f"({levels[-1].review_days}): higher risk is reviewed sooner",
            )
        levels.append(
            Level(
                id=level_id,
                label=file.text_value(entry, item_node, "label", where),
                min_score=min_score,
                review_days=review_days,
                description=file.text_value(entry, item_node, "description", where, optional=True),
            )
        )
    return levels


def _domains(file: _File, data: dict[str, Any], root: _Node) -> list[Domain]:
    node = root.at("domains")
    domains: list[Domain] = []
    seen: set[str] = set()
    for index, item in enumerate(file.array(data, root, "domains", "the catalogue")):
        item_node = node.item(index)
        where = f"domain {index + 1}"
        entry = file.object(item, item_node, where, required=("id", "title"), optional=("hint",))
        domain_id = file.identifier(entry, item_node, "id", where, _INDICATOR_ID)
        if domain_id in seen:
            file.fail(item_node.at("id"), f"the domain id {domain_id!r} is used twice")
        seen.add(domain_id)
        where = f"domain {domain_id!r}"
        domains.append(
            Domain(
                id=domain_id,
                title=file.text_value(entry, item_node, "title", where),
                hint=file.text_value(entry, item_node, "hint", where, optional=True),
            )
        )
    return domains


def _indicators(
    file: _File, data: dict[str, Any], root: _Node, domain_ids: set[str]
) -> list[Indicator]:
    node = root.at("indicators")
    types = _exploitation_types()
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for index, item in enumerate(file.array(data, root, "indicators", "the catalogue")):
        item_node = node.item(index)
        where = f"indicator {index + 1}"
        entry = file.object(
            item,
            item_node,
            where,
            required=(
                "id",
                "wording",
                "domain",
                "category",
                "weight",
                "exploitation_types",
                "asks_recency",
            ),
            optional=("hint",),
        )
        indicator_id = file.identifier(entry, item_node, "id", where, _INDICATOR_ID)
        if indicator_id in seen:
            file.fail(item_node.at("id"), f"the indicator id {indicator_id!r} is used twice")
        seen.add(indicator_id)
        where = f"indicator {indicator_id!r}"
        domain = entry["domain"]
        if domain not in domain_ids:
            file.fail(
                item_node.at("domain"),
                f"{where} has an unknown domain {domain!r} "
                f"(domains: {', '.join(sorted(domain_ids))})",
            )
        category = entry["category"]
        if category not in CATEGORIES:
            file.fail(
                item_node.at("category"),
                f"{where} has an unknown category {category!r} "
                f"(categories: {', '.join(CATEGORIES)})",
            )
        weight = file.integer(entry, item_node, "weight", where, minimum=-20, maximum=20)
        if category == PROTECTIVE and weight > 0:
            file.fail(
                item_node.at("weight"),
                f"{where} is a protective factor: its 'weight' must be 0 or less",
            )
        if category != PROTECTIVE and weight < 0:
            file.fail(
                item_node.at("weight"),
                f"{where}: only protective factors may have a negative 'weight'",
            )
        raw_types = file.array(entry, item_node, "exploitation_types", where)
        for type_index, exploitation_type in enumerate(raw_types):
            if exploitation_type not in types:
                file.fail(
                    item_node.at("exploitation_types").item(type_index),
                    f"{where} has an unknown exploitation type {exploitation_type!r} "
                    f"(types: {', '.join(sorted(types))})",
                )
        if len(set(raw_types)) != len(raw_types):
            file.fail(
                item_node.at("exploitation_types"),
                f"{where} lists an exploitation type twice",
            )
        asks_recency = entry["asks_recency"]
        if not isinstance(asks_recency, bool):
            file.fail(
                item_node.at("asks_recency"), f"{where}: 'asks_recency' must be true or false"
            )
        indicators.append(
            Indicator(
                id=indicator_id,
                wording=file.text_value(entry, item_node, "wording", where),
                domain=domain,
                category=category,
                weight=weight,
                exploitation_types=tuple(raw_types),
                asks_recency=asks_recency,
                hint=file.text_value(entry, item_node, "hint", where, optional=True),
            )
        )
    return indicators


_CONDITIONS = ("age_under", "indicator_yes", "any_yes_in_category")


def _rules(
    file: _File,
    data: dict[str, Any],
    root: _Node,
    level_ids: list[str],
    indicators: dict[str, Indicator],
) -> list[Rule]:
    node = root.at("rules")
    raw = data.get("rules")
    if not isinstance(raw, list):
        file.fail(node, "'rules' must be a list (it may be empty)")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        item_node = node.item(index)
        where = f"rule {index + 1}"
        entry = file.object(
            item, item_node, where, required=("id", "description", "when", "at_least")
        )
        rule_id = file.identifier(entry, item_node, "id", where, _SLUG)
        if rule_id in seen:
            file.fail(item_node.at("id"), f"the rule id {rule_id!r} is used twice")
        seen.add(rule_id)
        where = f"rule {rule_id!r}"
        when_node = item_node.at("when")
        when = file.object(
            entry["when"], when_node, f"{where}: 'when'", required=(), optional=_CONDITIONS
        )
        if not when:
            file.fail(when_node, f"{where}: 'when' needs a condition ({', '.join(_CONDITIONS)})")
        age_under = None
        if "age_under" in when:
            age_under = file.integer(when, when_node, "age_under", where, minimum=1, maximum=25)
        indicator_yes = when.get("indicator_yes")
        if "indicator_yes" in when and indicator_yes not in indicators:
            file.fail(
                when_node.at("indicator_yes"),
                f"{where} names an indicator that does not exist: {indicator_yes!r}",
            )
        category = when.get("any_yes_in_category")
        if "any_yes_in_category" in when and category not in CATEGORIES:
            file.fail(
                when_node.at("any_yes_in_category"),
                f"{where} names an unknown category {category!r} "
                f"(categories: {', '.join(CATEGORIES)})",
            )
        at_least = entry["at_least"]
        if at_least not in level_ids:
            file.fail(
                item_node.at("at_least"),
                f"{where}: 'at_least' is an unknown level {at_least!r} "
                f"(levels: {', '.join(level_ids)})",
            )
        rules.append(
            Rule(
                id=rule_id,
                description=file.text_value(entry, item_node, "description", where),
                when=Condition(
                    age_under=age_under,
                    indicator_yes=indicator_yes,
                    any_yes_in_category=category,
                ),
                at_least=at_least,
            )
        )
    return rules


# Reading areas.json -----------------------------------------------------------------------------


def _choice(
    file: _File,
    value: Any,
    node: _Node,
    where: str,
    catalogues: Mapping[tuple[str, int], Catalogue],
) -> CatalogueChoice:
    entry = file.object(value, node, where, required=("key",), optional=("version",))
    key = entry["key"]
    if not isinstance(key, str) or not any(k == key for k, _v in catalogues):
        known = sorted({k for k, _v in catalogues})
        file.fail(
            node.at("key"),
            f"{where} names a catalogue that does not exist: {key!r} (catalogues: "
            f"{', '.join(known)})",
        )
    version = None
    if "version" in entry:
        version = file.integer(entry, node, "version", where, minimum=1)
        if (key, version) not in catalogues:
            file.fail(
                node.at("version"),
                f"{where} names version {version} of {key!r}, and there is no "
                f"{key}.v{version}.json",
            )
    return CatalogueChoice(key=key, version=version)


def parse_areas_file(path: Path, catalogues: Mapping[tuple[str, int], Catalogue]) -> AreaMap:
    file = _File(path)
    root = file.root
    data = file.object(
        file.data,
        root,
        "areas.json",
        required=("version", "default", "areas"),
        optional=("description",),
    )
    version = file.integer(data, root, "version", "areas.json", minimum=1)
    default = _choice(file, data["default"], root.at("default"), "the default", catalogues)
    areas_node = root.at("areas")
    raw_areas = data["areas"]
    if not isinstance(raw_areas, dict):
        file.fail(areas_node, "'areas' must be an object of area code to catalogue")
    areas: dict[str, CatalogueChoice] = {}
    for code, value in raw_areas.items():
        if not _SLUG.match(code):
            file.fail(areas_node.at(code), f"{code!r} is not an area code (like 'northbrook')")
        areas[code] = _choice(file, value, areas_node.at(code), f"area {code!r}", catalogues)
    return AreaMap(version=version, default=default, areas=areas)


# The registry -----------------------------------------------------------------------------------


def catalogue_directory() -> Path:
    configured = getattr(settings, "HARBOUR_ASSESSMENT_CATALOGUE_DIR", None)
    return Path(configured) if configured else CATALOGUE_DIR


def load_directory(directory: Path) -> _Registry:
    """Read and check every catalogue file and ``areas.json`` in ``directory``."""
    if not directory.is_dir():
        raise ImproperlyConfigured(
            f"Risk assessment catalogue directory {directory} does not exist"
        )
    catalogues: dict[tuple[str, int], Catalogue] = {}
    for path in sorted(directory.glob("*.json")):
        if path.name == AREAS_FILE:
            continue
        if not _FILE_NAME.match(path.name):
            raise ImproperlyConfigured(
                f"Risk assessment catalogue {path}, line 1: the file name must be "
                "<key>.v<version>.json, like exploitation.v2.json"
            )
        catalogue = parse_catalogue_file(path)
        catalogues[(catalogue.key, catalogue.version)] = catalogue
    if not catalogues:
        raise ImproperlyConfigured(
            f"Risk assessment catalogue directory {directory} has no <key>.v<version>.json file"
        )
    areas_path = directory / AREAS_FILE
    if not areas_path.exists():
        raise ImproperlyConfigured(
            f"Risk assessment catalogue {areas_path}, line 1: the file is missing (it says "
            "which catalogue each area uses)"
        )
    return _Registry(directory, catalogues, parse_areas_file(areas_path, catalogues))


@cache
def _registry_for(directory: Path) -> _Registry:
    return load_directory(directory)


def _registry() -> _Registry:
    return _registry_for(catalogue_directory())


def clear_catalogue_cache() -> None:
    """Forget what was read (tests that write catalogue files call this)."""
    _registry_for.cache_clear()


@receiver(setting_changed)
def _forget_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting == "HARBOUR_ASSESSMENT_CATALOGUE_DIR":
        clear_catalogue_cache()


def all_catalogues() -> Mapping[tuple[str, int], Catalogue]:
    """Every catalogue version, by (key, version). Raises if any file is malformed."""
    return _registry().catalogues


def get_catalogue(key: str, version: int) -> Catalogue:
    """One catalogue version, for rendering the assessments answered on it."""
    try:
        return _registry().catalogues[(key, version)]
    except KeyError:
        raise ImproperlyConfigured(
            f"Risk assessment catalogue {key}.v{version}.json is missing from "
            f"{catalogue_directory()}: earlier versions must be kept for the assessments that "
            "used them"
        ) from None


def catalogue_for_area(area: Area | str | None) -> Catalogue:
    """The catalogue new assessments in ``area`` (an Area or its code) use."""
    registry = _registry()
    code = area if isinstance(area, str) or area is None else area.code
    choice = registry.area_map.areas.get(code or "", registry.area_map.default)
    return registry.resolve(choice)
