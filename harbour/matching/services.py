"""The entry points other apps use: "who already knows this child?", and matching in bulk.

- ``match_child_for_viewer``: intake. One child's details against the register held in
  process, scored by the trained model, filtered through what the viewer may be shown, audited.
- ``find_probable_duplicates``: the whole register de-duplicated (one Splink run).
- ``match_records_to_register``: many incoming records (an import) against the register at once
  (one Splink run, not a loop).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from harbour.access.policy import person_matchable_by
from harbour.audit.services import record_event
from harbour.matching import batch
from harbour.matching.features import features_frame, records_frame
from harbour.matching.records import PersonRecord, ProbableDuplicate, RegisterMatch
from harbour.matching.scorer import Candidate, ChildDetails
from harbour.matching.sources import current_register, existing_person_ids

#: Intake shows candidates at or above this match probability (weak ones included: a person
#: looks; nothing is linked without their choice).
INTAKE_MINIMUM_PROBABILITY = 0.05
#: Intake scores at most this many persons before the viewer filter (the limit is applied after).
_INTAKE_POOL = 50


def match_child_for_viewer(
    *, viewer: Any, details: ChildDetails, request: Any = None, limit: int = 10
) -> list[Candidate]:
    """Candidates the viewer may be shown, best first, scored and explained. Showing is audited."""
    if not details.is_searchable():
        return []
    query = features_frame(records_frame([details.as_record()])).iloc[0].to_dict()
    scored = current_register().match(
        query, minimum_probability=INTAKE_MINIMUM_PROBABILITY, limit=max(limit, _INTAKE_POOL)
    )
    if not scored:
        return []
    persons = {
        str(person.pk): person
        for person in person_matchable_by(viewer)
        .filter(pk__in=[uuid.UUID(s.person_id) for s in scored])
        .select_related("home_area")
    }
    candidates = [
        Candidate(
            person=persons[s.person_id],
            score=round(100 * s.match_probability),
            reasons=[evidence.outcome for evidence in s.explanation],
            match_probability=s.match_probability,
            match_weight=round(s.match_weight, 2),
            explanation=s.explanation,
        )
        for s in scored
        if s.person_id in persons
    ][:limit]
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


def find_probable_duplicates(*, threshold: float | None = None) -> list[ProbableDuplicate]:
    """Pairs of persons held who are probably one child, most probable first."""
    register = current_register()
    pairs = batch.probable_duplicates(
        register.live_frame(),
        model=register.model,
        threshold=register.model.default_threshold if threshold is None else threshold,
    )
    held = existing_person_ids({p.person_id_l for p in pairs} | {p.person_id_r for p in pairs})
    return [p for p in pairs if p.person_id_l in held and p.person_id_r in held]


def match_records_to_register(
    *, records: Sequence[PersonRecord], threshold: float | None = None
) -> dict[str, list[RegisterMatch]]:
    """For each incoming record (by ``record_id``), the persons held it probably is, best first.

    Records with no probable person are absent from the result.
    """
    if not records:
        return {}
    register = current_register()
    found = batch.register_matches(
        features_frame(records_frame(records)),
        register.live_frame(),
        model=register.model,
        threshold=register.model.default_threshold if threshold is None else threshold,
    )
    held = existing_person_ids({m.person_id for matches in found.values() for m in matches})
    kept = {
        record_id: [m for m in matches if m.person_id in held]
        for record_id, matches in found.items()
    }
    return {record_id: matches for record_id, matches in kept.items() if matches}
