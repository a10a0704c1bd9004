"""Fixtures for the assessment tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harbour.assessments.catalogue import clear_catalogue_cache
from harbour.assessments.tests.factories import Partnership, partnership


@pytest.fixture(autouse=True)
def _fresh_catalogues() -> Iterator[None]:
    clear_catalogue_cache()
    yield
    clear_catalogue_cache()


@pytest.fixture
def north(db: None) -> Partnership:
    return partnership("northbrook", "Northbrook")


@pytest.fixture
def south(db: None) -> Partnership:
    return partnership("southmere", "Southmere")
