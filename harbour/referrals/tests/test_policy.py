"""The triage target-time policy: versioned data, validated, with clear errors."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from harbour.referrals.policy import load_triage_policy, parse_policy_file


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_policy_is_24_hours_standard_and_1_hour_urgent():
    policy = load_triage_policy()
    received = datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC)
    assert policy.decision_due_at(
        received_at=received, urgency="standard", area_code="x"
    ) == received + datetime.timedelta(hours=24)
    assert policy.decision_due_at(
        received_at=received, urgency="urgent", area_code="x"
    ) == received + datetime.timedelta(hours=1)


def test_an_area_override_applies_only_to_that_area(tmp_path):
    path = _write(
        tmp_path,
        "triage_targets.v2.toml",
        "version = 2\n[decision_due_hours]\nstandard = 24\nurgent = 1\n"
        "[areas.northbrook.decision_due_hours]\nstandard = 12\n",
    )
    policy = parse_policy_file(path)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    due = policy.decision_due_at(received_at=start, urgency="standard", area_code="northbrook")
    assert due == start + datetime.timedelta(hours=12)
    other = policy.decision_due_at(received_at=start, urgency="standard", area_code="southmere")
    assert other == start + datetime.timedelta(hours=24)
    urgent = policy.decision_due_at(received_at=start, urgency="urgent", area_code="northbrook")
    assert urgent == start + datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = 1\n[decision_due_hours\n", "triage_targets.v1.toml: not valid TOML"),
        (
            "version = 2\n[decision_due_hours]\nstandard = 24\nurgent = 1\n",
            "triage_targets.v1.toml: 'version' must match the file name's version",
        ),
        (
            "version = 1\n[decision_due_hours]\nstandard = 24\n",
            "triage_targets.v1.toml: decision_due_hours is missing urgent",
        ),
        (
            "version = 1\n[decision_due_hours]\nstandard = -3\nurgent = 1\n",
            "triage_targets.v1.toml: decision_due_hours.standard must be a positive number",
        ),
        (
            "version = 1\n[decision_due_hours]\nstandard = 24\nurgent = 1\nsoon = 2\n",
            "triage_targets.v1.toml: decision_due_hours has unknown urgency 'soon'",
        ),
    ],
)
def test_a_malformed_policy_file_names_the_file_and_the_problem(tmp_path, text, message):
    path = _write(tmp_path, "triage_targets.v1.toml", text)
    with pytest.raises(ImproperlyConfigured) as error:
        parse_policy_file(path)
    assert str(error.value).startswith(message)
