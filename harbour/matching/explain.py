"""The match weight chart in words: each comparison's outcome for a pair, and how much it weighed.

Splink labels every pair with one level per comparison (its ``gamma_<comparison>`` value); the
trained model gives each level a match weight, log2(m / u). ``Weights`` turns a pair's levels into
``FieldEvidence`` a practitioner can read, and into the total match weight and probability, with
the same arithmetic as Splink (tested against it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from harbour.matching.model import TrainedModel
from harbour.matching.records import FieldEvidence

_IDENTIFIERS = {
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "police_ref": "Police reference",
    "council_ref": "Council reference",
}

#: (comparison, level label) -> the outcome in words.
_WORDS: dict[tuple[str, str], str] = {
    ("first_name", "exact"): "First name matches exactly",
    ("first_name", "swapped"): "First and last names match, written the other way round",
    ("first_name", "nickname"): "First name is a short form or nickname of the other",
    ("first_name", "similar"): "First name is spelt similarly",
    ("first_name", "other given name"): "First name matches another of their given names",
    ("first_name", "partly similar"): "First name is partly similar",
    ("first_name", "else"): "First name is different",
    ("surname", "exact"): "Last name matches exactly",
    ("surname", "swapped"): "Last name matches their first name (names the other way round)",
    ("surname", "part of double name"): "Last name matches one part of a double last name",
    ("surname", "similar"): "Last name is spelt similarly",
    ("surname", "partly similar"): "Last name is partly similar",
    ("surname", "else"): "Last name is different",
    ("dob", "exact"): "Date of birth matches exactly",
    ("dob", "partial agrees"): "Date of birth agrees as far as it is known (part of a date)",
    ("dob", "partial differs"): "Date of birth is different (part of a date)",
    ("dob", "day and month swapped"): "Date of birth matches with day and month swapped",
    ("dob", "one digit"): "Date of birth matches except one digit, or two digits swapped",
    ("dob", "same month"): "Date of birth is in the same month but a different day",
    ("dob", "same year"): "Date of birth is in the same year but otherwise different",
    ("dob", "else"): "Date of birth is different",
    ("sex", "exact"): "Recorded sex matches",
    ("sex", "else"): "Recorded sex is different",
    ("address", "exact"): "Postcode and address match",
    ("address", "postcode, similar address"): "Postcode matches and the address is spelt similarly",
    ("address", "postcode"): "Postcode matches but the address line is different",
    ("address", "similar address"): "Address is spelt similarly but the postcode is different",
    ("address", "address line"): "Address line matches but the postcode is different",
    ("address", "district"): "Postcode and address are different, in the same postcode district",
    ("address", "else"): "Postcode and address are different",
    ("twins", "probably twins"): (
        "Same date of birth and last name but an unrelated first name, as twins have"
    ),
    ("agency", "exact"): "Held by the same agency, which rarely holds one child twice",
    ("agency", "else"): "Held by different agencies",
}
for _column, _label in _IDENTIFIERS.items():
    _WORDS[(_column, "exact")] = f"{_label} matches"
    _WORDS[(_column, "one character")] = f"{_label} differs by one character (a typing slip?)"
    _WORDS[(_column, "else")] = f"{_label} is different"

#: Levels that say nothing worth a line (a comparison's "no evidence" level).
_SILENT = {("twins", "else")}
_FIELD_NAMES = {
    "first_name": "First name",
    "surname": "Last name",
    "dob": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "twins": "Household",
    "agency": "Agency",
    **_IDENTIFIERS,
}


@dataclass(frozen=True)
class _Level:
    label: str
    weight: float


class Weights:
    """A trained model's level weights, by comparison and Splink comparison-vector value."""

    def __init__(self, model: TrainedModel) -> None:
        self.prior = math.log2(model.lambda_() / (1 - model.lambda_()))
        self.comparisons: list[str] = []
        self.levels: dict[str, dict[int, _Level]] = {}
        for comparison in model.splink["comparisons"]:
            name = comparison["output_column_name"]
            self.comparisons.append(name)
            levels: dict[int, _Level] = {}
            non_null = [c for c in comparison["comparison_levels"] if not c.get("is_null_level")]
            for index, level in enumerate(non_null):
                gamma = len(non_null) - 1 - index
                weight = math.log2(level["m_probability"] / level["u_probability"])
                levels[gamma] = _Level(level["label_for_charts"], weight)
            levels[-1] = _Level("null", 0.0)
            self.levels[name] = levels

    def lookup(self, name: str) -> tuple[np.ndarray, int]:
        """Weights indexed by gamma + 1 (so -1, the null level, is index 0)."""
        levels = self.levels[name]
        table = np.zeros(max(levels) + 2)
        for gamma, level in levels.items():
            table[gamma + 1] = level.weight
        return table, 1

    def match_weight(self, gammas: Mapping[str, np.ndarray]) -> np.ndarray:
        total = np.full(len(next(iter(gammas.values()))), self.prior)
        for name in self.comparisons:
            table, offset = self.lookup(name)
            total = total + table[np.asarray(gammas[f"gamma_{name}"], dtype=int) + offset]
        return total

    def _level(self, name: str, row: Mapping[str, Any]) -> _Level:
        """The pair's level of one comparison, from its ``gamma_`` value or, as Splink's
        ``predict`` gives, its ``mw_`` weight (levels of one comparison weigh differently)."""
        if f"gamma_{name}" in row:
            return self.levels[name][int(row[f"gamma_{name}"])]
        weight = float(row[f"mw_{name}"])
        for gamma, level in self.levels[name].items():
            if gamma >= 0 and abs(level.weight - weight) < 1e-6:
                return level
        return self.levels[name][-1]

    def explanation(self, gammas: Mapping[str, Any]) -> tuple[FieldEvidence, ...]:
        """One pair's evidence, strongest first (either way), null levels left out."""
        evidence = []
        for name in self.comparisons:
            level = self._level(name, gammas)
            if level.label == "null" or (name, level.label) in _SILENT:
                continue
            evidence.append(
                FieldEvidence(
                    field=_FIELD_NAMES.get(name, name),
                    outcome=_WORDS.get((name, level.label), f"{name}: {level.label}"),
                    match_weight=round(level.weight, 2),
                )
            )
        evidence.sort(key=lambda item: -abs(item.match_weight))
        return tuple(evidence)


def probability(match_weight: float | np.ndarray) -> float | np.ndarray:
    """Splink's match probability from a match weight."""
    result: float | np.ndarray = 1.0 / (1.0 + np.power(2.0, -np.asarray(match_weight, dtype=float)))
    return result
