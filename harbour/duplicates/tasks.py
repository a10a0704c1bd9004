"""Background task: the nightly de-duplication of the register (Django's tasks API)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from harbour.duplicates import services


@task
def refresh_duplicates_queue(threshold: float | None = None) -> dict[str, Any]:
    """Refresh the review queue from the matching model; returns the counts."""
    summary = services.refresh_queue(threshold=threshold)
    return {
        "proposed": summary.proposed,
        "rescored": summary.rescored,
        "skipped_decided": summary.skipped_decided,
        "skipped_merged_away": summary.skipped_merged_away,
    }
