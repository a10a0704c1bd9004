"""How a stored suggestion reads on a page: labels from the assessment's own catalogue version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harbour.assessments.catalogue import CATEGORIES, Catalogue


def level_colour(catalogue: Catalogue, level_id: str) -> str:
    """A GOV.UK tag colour for a level: the lowest green, the highest red, between yellow.
    (Always shown with the level's name, never colour alone.)"""
    if not catalogue.has_level(level_id):
        return "grey"
    rank = catalogue.rank(level_id)
    if rank == 0:
        return "green"
    if rank == len(catalogue.levels) - 1:
        return "red"
    return "yellow"


@dataclass(frozen=True)
class FiredIndicator:
    wording: str
    category: str
    weight: int


@dataclass(frozen=True)
class AppliedRule:
    description: str
    level_before: str
    level_after: str

    @property
    def raised(self) -> bool:
        return self.level_before != self.level_after


@dataclass(frozen=True)
class ExplanationView:
    score: int
    score_level: str
    level: str
    level_colour: str
    indicators: tuple[FiredIndicator, ...]
    rules: tuple[AppliedRule, ...]
    not_checked: tuple[str, ...]


def explanation_view(explanation: dict[str, Any], catalogue: Catalogue) -> ExplanationView:
    """The stored explanation (see ``suggestion.suggest``) with level and category labels."""
    label = catalogue.label_for
    return ExplanationView(
        score=int(explanation["score"]),
        score_level=label(explanation["score_level"]),
        level=label(explanation["level"]),
        level_colour=level_colour(catalogue, explanation["level"]),
        indicators=tuple(
            FiredIndicator(
                wording=item["wording"],
                category=CATEGORIES.get(item["category"], item["category"]),
                weight=int(item["weight"]),
            )
            for item in explanation["indicators"]
        ),
        rules=tuple(
            AppliedRule(
                description=item["description"],
                level_before=label(item["level_before"]),
                level_after=label(item["level_after"]),
            )
            for item in explanation["rules"]
        ),
        not_checked=tuple(
            f"{item['description']} {item['reason']}"
            for item in explanation.get("rules_not_checked", [])
        ),
    )
