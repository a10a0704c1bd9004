"""``find_duplicates`` (on demand and enqueued) and the nightly task, with the matching model
stubbed; ``test_integration.py`` runs the real one."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from harbour.duplicates.models import DuplicateCandidate
from harbour.duplicates.tests import factories as f
from harbour.matching.records import ProbableDuplicate

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    world = f.dup_world()
    a, b = sorted((world.child(), world.child()), key=lambda p: p.pk)
    seen: list[Any] = []

    def fake(*, threshold: float | None = None) -> list[ProbableDuplicate]:
        seen.append(threshold)
        return [ProbableDuplicate(a.pk, b.pk, 0.98, 9.0)]

    import harbour.matching.services as matching_services

    monkeypatch.setattr(matching_services, "find_probable_duplicates", fake, raising=False)
    return seen


def test_the_command_refreshes_the_queue(pairs: list[Any]) -> None:
    out = StringIO()
    call_command("find_duplicates", "--threshold", "0.9", stdout=out)
    assert "1 new pairs proposed" in out.getvalue()
    assert pairs == [0.9]
    assert DuplicateCandidate.objects.count() == 1
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("find_duplicates", "--threshold", "7")


def test_the_task_runs_on_the_worker(pairs: list[Any], settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    out = StringIO()
    call_command("find_duplicates", "--enqueue", stdout=out)
    assert "Queued the duplicates run" in out.getvalue()
    assert pairs == [None]
    assert DuplicateCandidate.objects.count() == 1
