"""Fixtures for the return interview tests: two boroughs, a charity and a child with a case."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from harbour.return_interviews.tests.factories import RhiWorld, rhi_world


@pytest.fixture(autouse=True)
def _rhi_urls() -> Iterator[None]:
    """Serve the pages (and let services reverse their URLs) in every test."""
    with override_settings(ROOT_URLCONF="harbour.return_interviews.tests.urls"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: None) -> RhiWorld:
    return rhi_world()
