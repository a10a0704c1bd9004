"""The panel types loader: the shipped file, and errors naming the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from harbour.panels.policy import (
    POLICY_DIR,
    SCOPE_AREA,
    SCOPE_PAN_AREA,
    load_panel_types,
    parse_panel_types_file,
)

SHIPPED = (POLICY_DIR / "panel_types.v1.toml").read_text(encoding="utf-8")


def test_the_shipped_panel_types_load() -> None:
    types = load_panel_types()
    child = types.get("child-mace")
    assert (child.scope, child.meeting_interval_days, child.pre_read_access_days_after_meeting) == (
        SCOPE_AREA,
        14,
        7,
    )
    assert child.quorum.required_agency_types == ("childrens_social_care", "police")
    assert child.confidentiality.version == 1
    assert child.confidentiality.text.startswith("I will use what is shared")
    strategic = types.get("strategic-mace")
    assert (strategic.scope, strategic.meeting_interval_days) == (SCOPE_PAN_AREA, 91)


def test_quorum_needs_enough_agencies_including_each_required_type() -> None:
    quorum = load_panel_types().get("child-mace").quorum
    assert quorum.is_met({1: "childrens_social_care", 2: "police", 3: "health"})
    assert not quorum.is_met({1: "childrens_social_care", 2: "police"})
    assert not quorum.is_met({1: "childrens_social_care", 2: "health", 3: "education"})


def test_an_unknown_panel_type_is_named() -> None:
    with pytest.raises(ImproperlyConfigured, match="'no-such-panel' is not defined"):
        load_panel_types().get("no-such-panel")


def write(tmp_path: Path, text: str, name: str = "panel_types.v1.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("version = 1", "version = 2", "panel_types.v1.toml: version must match"),
        (
            "meeting_interval_days = 14",
            "meeting_interval_days = 0",
            "types.child-mace.meeting_interval_days must be a whole number of at least 1",
        ),
        (
            "pre_read_access_days_after_meeting = 7",
            'pre_read_access_days_after_meeting = "a week"',
            "types.child-mace.pre_read_access_days_after_meeting must be a whole number",
        ),
        (
            'required_agency_types = ["childrens_social_care", "police"]',
            'required_agency_types = ["childrens_social_care", "the police"]',
            "types.child-mace.quorum.required_agency_types[1] is 'the police', not an agency type",
        ),
        (
            "min_agencies = 3",
            "min_agencies = 1",
            "types.child-mace.quorum.min_agencies must be at least the number of required",
        ),
        (
            'scope = "area" ',
            'scope = "borough" ',
            "types.child-mace.scope must be one of area, pan_area",
        ),
        (
            "meeting_interval_days = 14",
            "meeting_interval_days = 14\nchair = 'x'",
            "types.child-mace has unknown key(s) chair",
        ),
        (
            "[types.strategic-mace.confidentiality]\nversion = 1",
            "[types.strategic-mace.confidentiality]",
            "types.strategic-mace.confidentiality is missing version",
        ),
        ("[types.child-mace]", "[types.Child_MACE]", "types.Child_MACE must be named"),
        ("version = 1\n", "version = 1\nvresion = 2\n", "has unknown key(s) vresion"),
        ("[types.child-mace]", "[types.child-mace", "panel_types.v1.toml: not valid TOML"),
    ],
)
def test_a_malformed_file_names_the_file_the_key_and_the_problem(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in SHIPPED
    path = write(tmp_path, SHIPPED.replace(old, new, 1))
    with pytest.raises(ImproperlyConfigured) as raised:
        parse_panel_types_file(path)
    assert message in str(raised.value)
    assert str(raised.value).startswith("panel_types.v1.toml: ")


def test_a_file_without_types_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'version = 1\ndescription = "nothing"\n')
    with pytest.raises(ImproperlyConfigured, match="types must define at least one"):
        parse_panel_types_file(path)
