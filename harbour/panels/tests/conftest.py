"""Fixtures for the panel tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from harbour.assessments.catalogue import clear_catalogue_cache
from harbour.panels.tests.factories import PanelWorld, panel_world


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    """Catalogues and the referral form's cache start from nothing in every test."""
    clear_catalogue_cache()
    cache.clear()
    yield
    clear_catalogue_cache()
    cache.clear()


@pytest.fixture
def north(db: None) -> PanelWorld:
    return panel_world("northbrook", "Northbrook")


@pytest.fixture
def south(db: None) -> PanelWorld:
    return panel_world("southmere", "Southmere")
