"""The catalogue files: the shipped one loads; malformed ones name the file, line and problem;
areas choose their catalogue; earlier versions stay readable."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from harbour.assessments.catalogue import (
    all_catalogues,
    catalogue_for_area,
    get_catalogue,
    load_directory,
)
from harbour.referrals.models import ConcernCategory

AREAS = {"version": 1, "default": {"key": "exploitation"}, "areas": {}}


def small_catalogue(version: int = 1) -> dict[str, Any]:
    """A small valid catalogue; tests break one thing at a time."""
    return {
        "key": "exploitation",
        "version": version,
        "title": "Test catalogue",
        "description": "For tests.",
        "effective_from": "2026-01-01",
        "levels": [
            {"id": "low", "label": "Low", "min_score": 0, "review_days": 180},
            {"id": "medium", "label": "Medium", "min_score": 3, "review_days": 90},
            {"id": "high", "label": "High", "min_score": 6, "review_days": 28},
        ],
        "review_days_source": "Local policy.",
        "domains": [
            {"id": "vulnerabilities", "title": "Vulnerabilities"},
            {"id": "criminal", "title": "Crime"},
        ],
        "indicators": [
            {
                "id": "learning_disability",
                "wording": "Has a learning disability",
                "domain": "vulnerabilities",
                "category": "vulnerability",
                "weight": 1,
                "exploitation_types": ["sexual_exploitation", "criminal_exploitation"],
                "asks_recency": False,
            },
            {
                "id": "county_lines",
                "wording": "Travels to sell drugs",
                "domain": "criminal",
                "category": "significant",
                "weight": 5,
                "exploitation_types": ["criminal_exploitation"],
                "asks_recency": True,
            },
        ],
        "rules": [
            {
                "id": "learning-disability-never-low",
                "description": "Never low with a learning disability.",
                "when": {"indicator_yes": "learning_disability"},
                "at_least": "medium",
            }
        ],
    }


def write(directory: Path, name: str, data: Any, areas: Any = AREAS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data, indent=2)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    if areas is not None:
        (directory / "areas.json").write_text(json.dumps(areas, indent=2), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def problem(directory: Path) -> str:
    with pytest.raises(ImproperlyConfigured) as error:
        load_directory(directory)
    return str(error.value)


# The shipped catalogue -----------------------------------------------------------------------


def test_the_shipped_catalogue_loads_with_the_domains_the_issue_asks_for():
    catalogue = get_catalogue("exploitation", 1)
    assert catalogue.level_ids == ("low", "medium", "high")
    assert [level.review_days for level in catalogue.levels] == [180, 90, 28]
    assert {domain.id for domain in catalogue.domains} >= {
        "vulnerabilities",
        "missing",
        "relationships",
        "gifts_money",
        "substances",
        "sexual_health",
        "phone_online",
        "education",
        "injuries",
        "criminal",
        "protective",
    }
    assert 40 <= len(catalogue.indicators) <= 60
    assert {"under-13-never-low", "learning-disability-never-low", "significant-means-high"} <= {
        rule.id for rule in catalogue.rules
    }
    types = set(ConcernCategory.values)
    assert all(set(i.exploitation_types) <= types for i in catalogue.indicators)
    assert "not statute" in catalogue.review_days_source


def test_start_up_loads_every_catalogue():
    assert ("exploitation", 1) in all_catalogues()


# Malformed files name the file, the line and the problem ----------------------------------------


def test_invalid_json_names_the_line(tmp_path):
    path = write(tmp_path, "exploitation.v1.json", '{\n  "key": "exploitation"\n  "version": 1\n}')
    message = problem(tmp_path)
    assert f"{path}, line 3: not valid JSON: Expecting ',' delimiter" in message


def _broken(tmp_path: Path, change: Any) -> tuple[Path, str]:
    data = small_catalogue()
    change(data)
    path = write(tmp_path, "exploitation.v1.json", data)
    return path, problem(tmp_path)


def test_an_unknown_top_level_key(tmp_path):
    path, message = _broken(tmp_path, lambda d: d.update(colour="blue"))
    assert message.endswith(
        f"{path}, line {line_of(path, '"colour"')}: the catalogue has an unknown key 'colour' "
        "(allowed: description, domains, effective_from, indicators, key, levels, "
        "review_days_source, rules, title, version)"
    )


def test_a_duplicate_indicator_id_names_the_second(tmp_path):
    def duplicate(data):
        twin = copy.deepcopy(data["indicators"][1])
        twin["id"] = "learning_disability"
        data["indicators"].append(twin)

    path, message = _broken(tmp_path, duplicate)
    line = line_of(path, '"id": "learning_disability"', occurrence=2)
    assert f"{path}, line {line}: the indicator id 'learning_disability' is used twice" in message


def test_an_unknown_domain(tmp_path):
    path, message = _broken(tmp_path, lambda d: d["indicators"][1].update(domain="crime"))
    assert message.endswith(
        f"{path}, line {line_of(path, '"domain": "crime"')}: indicator 'county_lines' has "
        "an unknown domain 'crime' (domains: criminal, vulnerabilities)"
    )


def test_an_unknown_category(tmp_path):
    path, message = _broken(tmp_path, lambda d: d["indicators"][0].update(category="severe"))
    line = line_of(path, '"category": "severe"')
    assert f"{path}, line {line}: indicator 'learning_disability' has an unknown category " in (
        message
    )


def test_an_unknown_exploitation_type_names_its_line_in_the_list(tmp_path):
    path, message = _broken(
        tmp_path, lambda d: d["indicators"][1]["exploitation_types"].append("drug_running")
    )
    line = line_of(path, '"drug_running"')
    assert message.endswith(
        f"{path}, line {line}: indicator 'county_lines' has an unknown exploitation type "
        "'drug_running' (types: criminal_exploitation, missing, online, other, "
        "sexual_exploitation, trafficking)"
    )


def test_a_rule_naming_an_unknown_indicator(tmp_path):
    path, message = _broken(
        tmp_path, lambda d: d["rules"][0]["when"].update(indicator_yes="learning_difficulty")
    )
    line = line_of(path, '"indicator_yes": "learning_difficulty"')
    assert message.endswith(
        f"{path}, line {line}: rule 'learning-disability-never-low' names an indicator that "
        "does not exist: 'learning_difficulty'"
    )


def test_a_rule_at_least_an_unknown_level(tmp_path):
    path, message = _broken(tmp_path, lambda d: d["rules"][0].update(at_least="severe"))
    assert f"{path}, line {line_of(path, '"at_least"')}: rule " in message
    assert "'at_least' is an unknown level 'severe' (levels: low, medium, high)" in message


def test_a_rule_with_an_unknown_condition(tmp_path):
    path, message = _broken(tmp_path, lambda d: d["rules"][0]["when"].update(age_over=16))
    assert f"{path}, line {line_of(path, '"age_over"')}: rule " in message
    assert "'when' has an unknown key 'age_over'" in message


def test_a_version_that_does_not_match_the_file_name(tmp_path):
    path, message = _broken(tmp_path, lambda d: d.update(version=2))
    assert message.endswith(
        f"{path}, line {line_of(path, '"version"')}: 'version' is 2 but the file name says 1"
    )


def test_a_key_that_does_not_match_the_file_name(tmp_path):
    path, message = _broken(tmp_path, lambda d: d.update(key="cse"))
    assert message.endswith(
        f"{path}, line {line_of(path, '"key"')}: 'key' is 'cse' but the file name says "
        "'exploitation'"
    )


def test_thresholds_out_of_order(tmp_path):
    path, message = _broken(tmp_path, lambda d: d["levels"][2].update(min_score=2))
    line = line_of(path, '"min_score": 2')
    assert f"{path}, line {line}: level 'high': 'min_score' must be higher than the level" in (
        message
    )


def test_review_days_longer_for_higher_risk(tmp_path):
    path, message = _broken(tmp_path, lambda d: d["levels"][2].update(review_days=365))
    assert f"line {line_of(path, '"review_days": 365')}: level 'high': 'review_days' must" in (
        message
    )


def test_a_positive_weight_on_a_protective_factor(tmp_path):
    def protective(data):
        data["indicators"][0].update(category="protective", weight=2)

    path, message = _broken(tmp_path, protective)
    assert f"line {line_of(path, '"weight": 2')}: indicator 'learning_disability' is a " in (
        message
    )


def test_a_missing_key_names_the_object(tmp_path):
    path, message = _broken(tmp_path, lambda d: d["indicators"][1].pop("asks_recency"))
    line = line_of(path, '"id": "county_lines"') - 1  # the object's opening brace
    assert message.endswith(f"{path}, line {line}: indicator 2 is missing 'asks_recency'")


def test_a_key_repeated_in_one_object(tmp_path):
    text = json.dumps(small_catalogue(), indent=2).replace(
        '"title": "Test catalogue",', '"title": "Test catalogue",\n  "title": "Again",'
    )
    path = write(tmp_path, "exploitation.v1.json", text)
    assert problem(tmp_path).endswith(
        f"{path}, line {line_of(path, '"title": "Again"')}: the key 'title' appears twice "
        "in the same object"
    )


def test_a_badly_named_file(tmp_path):
    write(tmp_path, "exploitation-v1.json", small_catalogue())
    assert "exploitation-v1.json, line 1: the file name must be <key>.v<version>.json" in (
        problem(tmp_path)
    )


def test_areas_naming_a_version_that_does_not_exist(tmp_path):
    areas = {"version": 1, "default": {"key": "exploitation"}, "areas": {}}
    areas["areas"] = {"northbrook": {"key": "exploitation", "version": 3}}
    write(tmp_path, "exploitation.v1.json", small_catalogue(), areas=areas)
    areas_path = tmp_path / "areas.json"
    assert problem(tmp_path).endswith(
        f"{areas_path}, line {line_of(areas_path, '"version": 3')}: area 'northbrook' names "
        "version 3 of 'exploitation', and there is no exploitation.v3.json"
    )


def test_a_missing_areas_file(tmp_path):
    write(tmp_path, "exploitation.v1.json", small_catalogue(), areas=None)
    assert f"{tmp_path / 'areas.json'}, line 1: the file is missing" in problem(tmp_path)


def test_a_malformed_catalogue_stops_start_up(tmp_path, settings):
    write(tmp_path, "exploitation.v1.json", '{"key": ')
    settings.HARBOUR_ASSESSMENT_CATALOGUE_DIR = str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match=r"exploitation\.v1\.json, line 1: not valid"):
        apps.get_app_config("assessments").ready()


# Choosing a catalogue, and keeping old versions ------------------------------------------------


def test_areas_use_the_newest_version_unless_pinned(tmp_path, settings):
    areas = {
        "version": 1,
        "default": {"key": "exploitation"},
        "areas": {"northbrook": {"key": "exploitation", "version": 1}},
    }
    write(tmp_path, "exploitation.v1.json", small_catalogue(1), areas=areas)
    write(tmp_path, "exploitation.v2.json", small_catalogue(2), areas=areas)
    settings.HARBOUR_ASSESSMENT_CATALOGUE_DIR = str(tmp_path)

    assert catalogue_for_area("northbrook").version == 1
    assert catalogue_for_area("southmere").version == 2
    assert catalogue_for_area(None).version == 2
    assert get_catalogue("exploitation", 1).version == 1


def test_a_version_that_is_no_longer_there_is_a_clear_error(tmp_path, settings):
    write(tmp_path, "exploitation.v2.json", small_catalogue(2))
    settings.HARBOUR_ASSESSMENT_CATALOGUE_DIR = str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match=r"exploitation\.v1\.json is missing from"):
        get_catalogue("exploitation", 1)
