"""Fixtures for the case tests: a partnership with a decided referral ready to become a case."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from harbour.cases.tests.factories import CaseWorld, case_world


@pytest.fixture(autouse=True)
def _cases_urls() -> Iterator[None]:
    """Serve the cases pages (and let services reverse their URLs) in every case test."""
    with override_settings(ROOT_URLCONF="harbour.cases.tests.urls"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: None) -> CaseWorld:
    return case_world()
