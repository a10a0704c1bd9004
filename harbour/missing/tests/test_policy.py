"""The clock policy: versioned data, validated, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from harbour.missing.policy import RepeatTrigger, load_clock_policy, parse_policy_file

VALID = (
    "version = 2\nreturn_interview_due_hours = 72\n"
    '[[triggers]]\nid = "3-in-30-days"\nepisodes = 3\nwindow_days = 30\n'
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_policy_is_72_hours_and_3_in_30_and_90_days():
    policy = load_clock_policy()
    assert policy.version == 1
    assert policy.interview_due_hours("anywhere") == 72
    assert policy.triggers_for("anywhere") == (
        RepeatTrigger("3-in-30-days", 3, 30),
        RepeatTrigger("3-in-90-days", 3, 90),
    )


def test_an_area_override_replaces_that_areas_triggers_only(tmp_path):
    text = (
        VALID + "[areas.northbrook]\nreturn_interview_due_hours = 48\n"
        '[[areas.northbrook.triggers]]\nid = "2-in-30-days"\nepisodes = 2\nwindow_days = 30\n'
    )
    policy = parse_policy_file(_write(tmp_path, "clocks.v2.toml", text))
    assert policy.triggers_for("northbrook") == (RepeatTrigger("2-in-30-days", 2, 30),)
    assert policy.interview_due_hours("northbrook") == 48
    assert policy.triggers_for("southmere") == (RepeatTrigger("3-in-30-days", 3, 30),)
    assert policy.interview_due_hours("southmere") == 72


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("clocks.v2.toml", "version = [", "clocks.v2.toml: not valid TOML"),
        ("clocks.v2.toml", VALID.replace("version = 2", "version = 3"), "must match the file"),
        (
            "clocks.v2.toml",
            VALID.replace("return_interview_due_hours = 72\n", ""),
            "return_interview_due_hours is missing",
        ),
        (
            "clocks.v2.toml",
            VALID.replace("= 72", "= 0"),
            "return_interview_due_hours must be a positive number of hours",
        ),
        ("clocks.v2.toml", VALID.split("[[triggers]]")[0], "no [[triggers]] are defined"),
        (
            "clocks.v2.toml",
            VALID.replace("episodes = 3", "episodes = 1"),
            "triggers[0].episodes must be at least 2",
        ),
        (
            "clocks.v2.toml",
            VALID.replace("window_days = 30", 'window_days = "30"'),
            "triggers[0].window_days must be a positive whole number",
        ),
        (
            "clocks.v2.toml",
            VALID.replace('"3-in-30-days"', '"Three in 30"'),
            "triggers[0].id must be lower-case",
        ),
        ("clocks.v2.toml", VALID + "weeks = 3\n", "triggers[0] has unknown key(s) weeks"),
        (
            "clocks.v2.toml",
            VALID + '[[triggers]]\nid = "3-in-30-days"\nepisodes = 4\nwindow_days = 30\n',
            "two triggers with the same id",
        ),
        (
            "clocks.v2.toml",
            VALID + "[areas.northbrook]\nhours = 4\n",
            "areas.northbrook has unknown key(s) hours",
        ),
    ],
)
def test_a_malformed_file_names_itself_and_the_problem(tmp_path, name, text, message):
    with pytest.raises(ImproperlyConfigured, match=r"^clocks\.v2\.toml: ") as error:
        parse_policy_file(_write(tmp_path, name, text))
    assert message in str(error.value)


def test_an_unknown_version_is_refused():
    with pytest.raises(ImproperlyConfigured, match="version 99 does not exist"):
        load_clock_policy(99)


def test_start_up_checks_the_policy(monkeypatch, tmp_path):
    """``MissingConfig.ready`` loads the policy, so a malformed file stops start-up."""
    from django.apps import apps

    from harbour.missing import policy as policy_module

    _write(tmp_path, "clocks.v1.toml", "version = 1\n")
    monkeypatch.setattr(policy_module, "POLICY_DIR", tmp_path)
    policy_module.all_clock_policies.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=r"clocks\.v1\.toml"):
            apps.get_app_config("missing").ready()
    finally:
        policy_module.all_clock_policies.cache_clear()
