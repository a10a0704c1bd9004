"""Fixtures for the missing-episode tests."""

from __future__ import annotations

from typing import Any

import pytest

from harbour.missing.tests.factories import MissingWorld, missing_world


@pytest.fixture(autouse=True)
def _missing_urls(settings: Any) -> None:
    """The project's URLs with this app's at ``missing/`` (until config/urls.py includes them)."""
    settings.ROOT_URLCONF = "harbour.missing.tests.urls"


@pytest.fixture
def world(db: None) -> MissingWorld:
    return missing_world()
