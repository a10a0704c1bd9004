"""The suggestion: score, thresholds, hard rules that always hold, and an exact explanation."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from harbour.assessments.catalogue import SIGNIFICANT, get_catalogue
from harbour.assessments.suggestion import AnswerInput, suggest
from harbour.assessments.tests.factories import answers_for, yes

CATALOGUE = get_catalogue("exploitation", 1)
INDICATOR_IDS = [indicator.id for indicator in CATALOGUE.indicators]
SIGNIFICANT_IDS = {i.id for i in CATALOGUE.indicators if i.category == SIGNIFICANT}

answer_values = st.sampled_from(["yes", "no", "not_known"])
answer_sets = st.fixed_dictionaries(
    {indicator_id: answer_values.map(lambda a: AnswerInput(a)) for indicator_id in INDICATOR_IDS}
)
ages = st.none() | st.integers(min_value=0, max_value=25)


def _yes_ids(answers: dict[str, AnswerInput]) -> set[str]:
    return {indicator_id for indicator_id, given in answers.items() if given.is_yes}


def _rule_holds(rule_id: str, answers: dict[str, AnswerInput], age: int | None) -> bool:
    rule = next(r for r in CATALOGUE.rules if r.id == rule_id)
    when, yes_ids = rule.when, _yes_ids(answers)
    return (
        (when.age_under is None or (age is not None and age < when.age_under))
        and (when.indicator_yes is None or when.indicator_yes in yes_ids)
        and (
            when.any_yes_in_category is None
            or any(CATALOGUE.indicator(i).category == when.any_yes_in_category for i in yes_ids)
        )
    )


# The hard rules always hold ------------------------------------------------------------------


@settings(max_examples=300)
@given(answers=answer_sets, age=ages)
def test_a_child_under_13_is_never_suggested_low(answers, age):
    suggestion = suggest(catalogue=CATALOGUE, answers=answers, age=age)
    if age is not None and age < 13:
        assert suggestion.level != "low"


@settings(max_examples=300)
@given(answers=answer_sets, age=ages)
def test_a_child_with_a_learning_disability_is_never_suggested_low(answers, age):
    suggestion = suggest(catalogue=CATALOGUE, answers=answers, age=age)
    if answers["learning_disability"].is_yes:
        assert suggestion.level != "low"


@settings(max_examples=300)
@given(answers=answer_sets, age=ages)
def test_any_significant_indicator_suggests_at_least_high(answers, age):
    suggestion = suggest(catalogue=CATALOGUE, answers=answers, age=age)
    if _yes_ids(answers) & SIGNIFICANT_IDS:
        assert CATALOGUE.rank(suggestion.level) >= CATALOGUE.rank("high")


@settings(max_examples=300)
@given(answers=answer_sets, age=ages)
def test_rules_only_raise_and_the_level_is_exactly_score_level_or_the_rules_floor(answers, age):
    suggestion = suggest(catalogue=CATALOGUE, answers=answers, age=age)
    score_level = CATALOGUE.level_for_score(suggestion.score).id
    floors = [
        CATALOGUE.rank(rule.at_least)
        for rule in CATALOGUE.rules
        if _rule_holds(rule.id, answers, age)
    ]
    assert CATALOGUE.rank(suggestion.level) == max([CATALOGUE.rank(score_level), *floors])


# The explanation names exactly what fired ------------------------------------------------


@settings(max_examples=300)
@given(answers=answer_sets, age=ages)
def test_the_explanation_names_exactly_the_indicators_and_rules_that_fired(answers, age):
    suggestion = suggest(catalogue=CATALOGUE, answers=answers, age=age)
    explanation = suggestion.explanation
    named = [item["id"] for item in explanation["indicators"]]
    assert named == [i for i in INDICATOR_IDS if answers[i].is_yes]
    for item in explanation["indicators"]:
        indicator = CATALOGUE.indicator(item["id"])
        assert item == {
            "id": indicator.id,
            "wording": indicator.wording,
            "domain": indicator.domain,
            "category": indicator.category,
            "weight": indicator.weight,
        }
    assert suggestion.score == sum(item["weight"] for item in explanation["indicators"])
    applied = [rule["id"] for rule in explanation["rules"]]
    assert applied == [r.id for r in CATALOGUE.rules if _rule_holds(r.id, answers, age)]
    assert explanation["level"] == suggestion.level
    assert json.loads(json.dumps(explanation)) == explanation


# Worked examples -------------------------------------------------------------------------------


def test_no_yes_answers_at_16_is_low_with_nothing_fired():
    suggestion = suggest(catalogue=CATALOGUE, answers=answers_for(CATALOGUE), age=16)
    assert (suggestion.level, suggestion.score) == ("low", 0)
    assert suggestion.explanation["indicators"] == []
    assert suggestion.explanation["rules"] == []


def test_the_score_reaches_medium_and_high_by_thresholds():
    medium = answers_for(
        CATALOGUE, missing_from_home=yes(), unexplained_gifts=yes(), several_phones=yes()
    )
    assert suggest(catalogue=CATALOGUE, answers=medium, age=15).level == "medium"
    high = answers_for(
        CATALOGUE,
        missing_from_home=yes(),
        repeatedly_missing=yes(),
        unexplained_gifts=yes(),
        several_phones=yes(),
        older_partner=yes(),
        given_drugs_or_alcohol=yes(),
    )
    suggestion = suggest(catalogue=CATALOGUE, answers=high, age=15)
    assert (suggestion.level, suggestion.score) == ("high", 15)


def test_a_rule_records_the_level_before_and_after():
    answers = answers_for(CATALOGUE, county_lines=yes())
    suggestion = suggest(catalogue=CATALOGUE, answers=answers, age=12)
    assert suggestion.level == "high"
    assert suggestion.explanation["score_level"] == "low"
    assert [
        (r["id"], r["level_before"], r["level_after"]) for r in suggestion.explanation["rules"]
    ] == [
        ("under-13-never-low", "low", "medium"),
        ("significant-means-high", "medium", "high"),
    ]


def test_protective_factors_lower_the_score_but_never_below_a_rule():
    answers = answers_for(
        CATALOGUE,
        sexual_images=yes(),
        trusted_adult=yes(),
        carers_protective=yes(),
        engages_with_support=yes(),
        in_education=yes(),
        positive_activities=yes(),
    )
    suggestion = suggest(catalogue=CATALOGUE, answers=answers, age=15)
    assert suggestion.score == 5 - 6
    assert suggestion.explanation["score_level"] == "low"
    assert suggestion.level == "high"


def test_an_unknown_age_leaves_age_rules_unchecked_and_says_so():
    suggestion = suggest(catalogue=CATALOGUE, answers=answers_for(CATALOGUE), age=None)
    assert suggestion.level == "low"
    assert [r["id"] for r in suggestion.explanation["rules_not_checked"]] == ["under-13-never-low"]
    assert suggestion.explanation["rules_not_checked"][0]["reason"] == (
        "The child's age is not known."
    )


def test_not_known_answers_add_nothing():
    answers = answers_for(CATALOGUE, default="not_known")
    assert suggest(catalogue=CATALOGUE, answers=answers, age=16).score == 0
