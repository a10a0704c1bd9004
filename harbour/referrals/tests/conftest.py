"""Fixtures for the referral tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from harbour.referrals.tests.factories import FrontDoorSetup, front_door_setup


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """The public form's rate limit counts in the cache: every test starts from nothing."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def north(db: None) -> FrontDoorSetup:
    """Northbrook: its front door (children's social care), a school, and a user at each."""
    return front_door_setup("northbrook", "Northbrook")


@pytest.fixture
def south(db: None) -> FrontDoorSetup:
    """Southmere: a second area with its own front door and school."""
    return front_door_setup("southmere", "Southmere")
