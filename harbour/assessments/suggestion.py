"""Harbour's suggested level: a pure function of the catalogue, the answers and the child's age.

How a suggestion is made (the catalogue supplies every number):

1. The score is the sum of the weights of the indicators answered "yes". Protective factors have
   weights of zero or less, so a "yes" to one lowers the score. "No" and "not known" add nothing:
   not knowing is not reassurance, and the practitioner's judgement covers it.
2. The score's level is the highest level whose ``min_score`` the score reaches (a score below
   zero, where protective factors outweigh everything, is the lowest level).
3. Each hard rule whose condition holds raises the level to at least its ``at_least``. Rules
   only ever raise a level, never lower it, and nothing (protective factors included) can take
   the suggestion below a level a rule requires. A rule about age is not checked when the
   child's age is not known; the explanation says so.

The explanation lists exactly the indicators answered "yes" and the rules whose condition held
(with the level before and after each), in a JSON-safe form stored on the assessment, so the
assessment always reads as it was suggested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harbour.assessments.catalogue import Catalogue, Rule
from harbour.assessments.models import Answer


@dataclass(frozen=True)
class AnswerInput:
    """One indicator's answer as given: yes / no / not known, when (if asked), and what is known."""

    answer: str
    recency: str = ""
    narrative: str = ""

    @property
    def is_yes(self) -> bool:
        return self.answer == Answer.YES


@dataclass(frozen=True)
class Suggestion:
    level: str
    score: int
    explanation: dict[str, Any]


def _holds(
    rule: Rule,
    *,
    catalogue: Catalogue,
    yes_ids: set[str],
    age: int | None,
) -> bool:
    when = rule.when
    if when.age_under is not None and (age is None or age >= when.age_under):
        return False
    if when.indicator_yes is not None and when.indicator_yes not in yes_ids:
        return False
    if when.any_yes_in_category is None:
        return True
    return any(
        catalogue.indicator(indicator_id).category == when.any_yes_in_category
        for indicator_id in yes_ids
    )


def suggest(
    *, catalogue: Catalogue, answers: Mapping[str, AnswerInput], age: int | None
) -> Suggestion:
    """The suggested level for ``answers`` (by indicator id) to ``catalogue``'s indicators.

    Answers to ids the catalogue does not have are ignored (the services reject them first).
    """
    fired = [
        indicator
        for indicator in catalogue.indicators
        if indicator.id in answers and answers[indicator.id].is_yes
    ]
    yes_ids = {indicator.id for indicator in fired}
    score = sum(indicator.weight for indicator in fired)
    score_level = catalogue.level_for_score(score).id
    level = score_level
    applied: list[dict[str, Any]] = []
    not_checked: list[dict[str, str]] = []
    for rule in catalogue.rules:
        if rule.when.needs_age and age is None:
            not_checked.append(
                {
                    "id": rule.id,
                    "description": rule.description,
                    "reason": "The child's age is not known.",
                }
            )
            continue
        if not _holds(rule, catalogue=catalogue, yes_ids=yes_ids, age=age):
            continue
        before = level
        if catalogue.rank(rule.at_least) > catalogue.rank(level):
            level = rule.at_least
        applied.append(
            {
                "id": rule.id,
                "description": rule.description,
                "at_least": rule.at_least,
                "level_before": before,
                "level_after": level,
            }
        )
    explanation: dict[str, Any] = {
        "catalogue": {"key": catalogue.key, "version": catalogue.version},
        "age": age,
        "score": score,
        "score_level": score_level,
        "level": level,
        "indicators": [
            {
                "id": indicator.id,
                "wording": indicator.wording,
                "domain": indicator.domain,
                "category": indicator.category,
                "weight": indicator.weight,
            }
            for indicator in fired
        ],
        "rules": applied,
        "rules_not_checked": not_checked,
    }
    return Suggestion(level=level, score=score, explanation=explanation)
