"""Fixtures for the imports tests: tasks run at once (Django's immediate backend)."""

from __future__ import annotations

from typing import Any

import pytest

from harbour.imports.tests.factories import ImportWorld, import_world


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db: None) -> ImportWorld:
    return import_world()
