"""The one entry point other apps use: "who already knows this child?"."""

from __future__ import annotations

from typing import Any

from harbour.access.policy import person_matchable_by
from harbour.audit.services import record_event
from harbour.matching.scorer import Candidate, ChildDetails, find_candidates


def match_child_for_viewer(
    *, viewer: Any, details: ChildDetails, request: Any = None, limit: int = 10
) -> list[Candidate]:
    """Candidates the viewer may be shown, scored and explained. Showing them is audited."""
    candidates = find_candidates(details=details, within=person_matchable_by(viewer), limit=limit)
    if candidates:
        record_event(
            actor=viewer,
            action="person.match_candidates_shown",
            subject_type="people.person",
            after={
                "person_ids": [str(c.person.pk) for c in candidates],
                "scores": [c.score for c in candidates],
            },
            request=request,
        )
    return candidates
