"""Reads for the duplicates pages, scoped by the viewer and audited.

A reviewer (``policy.may_review_duplicates``) sees only pairs where they may see both persons;
anything else is a 404 like a pair that does not exist. The queue is ordered by the higher
current risk of the two children (from their current assessments, read when the page is asked
for, so a child assessed high this morning is at the top now), then by match probability.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest

from harbour.access import policy
from harbour.assessments.catalogue import all_catalogues
from harbour.assessments.models import Assessment
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.duplicates.merging import live_record_id
from harbour.duplicates.models import QUEUE_STATUSES, DuplicateCandidate, PersonMerge
from harbour.people.models import Person

QUEUE_PAGE_SIZE = 25


def risk_ranks() -> dict[str, int]:
    """Each risk level's rank (1 = lowest), across every catalogue version."""
    ranks: dict[str, int] = {}
    for catalogue in all_catalogues().values():
        for level_id in catalogue.level_ids:
            ranks[level_id] = max(ranks.get(level_id, 0), catalogue.rank(level_id) + 1)
    return ranks


def risk_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for catalogue in all_catalogues().values():
        for level_id in catalogue.level_ids:
            labels.setdefault(level_id, catalogue.label_for(level_id))
    return labels


def reviewable_pairs(viewer: Any) -> QuerySet[DuplicateCandidate]:
    """Pairs in the queue that ``viewer`` may review: both persons visible to them (which also
    leaves out any pair with a merged-away record)."""
    if not policy.may_review_duplicates(viewer):
        return DuplicateCandidate.objects.none()
    visible = policy.person_visible_to(viewer)
    ranks = risk_ranks()

    def rank_of(field: str) -> Case:
        return Case(
            *[When(**{field: level_id}, then=Value(rank)) for level_id, rank in ranks.items()],
            default=Value(0),
            output_field=IntegerField(),
        )

    def current_level(person_ref: str) -> Subquery:
        return Subquery(
            Assessment.objects.filter(person_id=OuterRef(person_ref), is_current=True).values(
                "level"
            )[:1]
        )

    return (
        DuplicateCandidate.objects.filter(status__in=QUEUE_STATUSES)
        .filter(Exists(visible.filter(pk=OuterRef("person_l_id"))))
        .filter(Exists(visible.filter(pk=OuterRef("person_r_id"))))
        .annotate(
            level_l=current_level("person_l_id"),
            level_r=current_level("person_r_id"),
        )
        .annotate(risk_rank=Greatest(rank_of("level_l"), rank_of("level_r")))
        .select_related("person_l", "person_r")
        .order_by("-risk_rank", "-match_probability", "created_at", "pk")
    )


def queue_page(*, viewer: Any, page_number: Any = 1, request: Any = None) -> Page[Any]:
    """One page of the viewer's review queue (the viewing is audited)."""
    if not policy.may_review_duplicates(viewer):
        raise NotFoundOrForbidden
    page = Paginator(reviewable_pairs(viewer), QUEUE_PAGE_SIZE).get_page(page_number)
    record_event(
        actor=viewer,
        action="duplicates.queue_viewed",
        subject_type="duplicates.duplicatecandidate",
        after={"page": page.number, "pairs": [str(pair.pk) for pair in page.object_list]},
        request=request,
    )
    return page


def candidate_get(*, viewer: Any, candidate_id: Any, request: Any = None) -> DuplicateCandidate:
    """One pair the viewer may review (both persons visible), with each person's read audited."""
    candidate = reviewable_pairs(viewer).filter(pk=candidate_id).first()
    if candidate is None:
        record_event(
            actor=viewer,
            action="duplicates.pair_view_refused",
            subject_type="duplicates.duplicatecandidate",
            subject_id=str(candidate_id),
            request=request,
        )
        raise NotFoundOrForbidden
    for person in (candidate.person_l, candidate.person_r):
        record_event(
            actor=viewer,
            action="duplicates.pair_viewed",
            subject=person,
            after={"candidate": str(candidate.pk)},
            request=request,
        )
    return candidate


@dataclass(frozen=True)
class PersonSummary:
    """What the comparison page shows of one record."""

    person: Person
    aliases: list[str]
    addresses: list[str]
    identifiers: list[str]
    agencies: list[str]
    referrals: int
    cases: int
    missing_episodes: int
    risk: str


def person_summary(person: Person) -> PersonSummary:
    """One record's facts side by side with another (call after the viewer's access is checked)."""
    current = Assessment.objects.filter(person=person, is_current=True).first()
    labels = risk_labels()
    return PersonSummary(
        person=person,
        aliases=[str(alias) for alias in person.aliases.all()],
        addresses=[str(address) for address in person.addresses.all()],
        identifiers=[str(identifier) for identifier in person.identifiers.all()],
        agencies=sorted(
            set(
                person.involvements.filter(ended_on__isnull=True).values_list(
                    "agency__name", flat=True
                )
            )
        ),
        referrals=person.referrals.count(),
        cases=person.cases.count(),
        missing_episodes=person.missing_episodes.count(),
        risk=labels.get(current.level, current.level) if current else "No assessment",
    )


def merge_get(*, viewer: Any, merge_id: Any, request: Any = None) -> PersonMerge:
    """One merge whose survivor the reviewer may see (its viewing audited)."""
    merge = (
        PersonMerge.objects.select_related("survivor", "merged", "decided_by", "unmerged_by")
        .filter(pk=merge_id)
        .first()
        if policy.may_review_duplicates(viewer)
        else None
    )
    if merge is None or not (
        policy.person_visible_to(viewer).filter(pk=live_record_id(merge.survivor_id)).exists()
    ):
        raise NotFoundOrForbidden
    record_event(
        actor=viewer,
        action="duplicates.merge_viewed",
        subject=merge.survivor,
        after={"merge": str(merge.pk)},
        request=request,
    )
    return merge


def merges_into(*, viewer: Any, person_id: Any, request: Any = None) -> tuple[Person, list[Any]]:
    """A survivor and every merge into them, newest first (live and undone)."""
    if not policy.may_review_duplicates(viewer):
        raise NotFoundOrForbidden
    person = policy.person_visible_to(viewer).filter(pk=person_id).first()
    if person is None:
        raise NotFoundOrForbidden
    merges = list(
        PersonMerge.objects.filter(survivor=person)
        .select_related("merged", "decided_by", "unmerged_by")
        .order_by("-decided_at")
    )
    record_event(
        actor=viewer,
        action="duplicates.merge_viewed",
        subject=person,
        after={"merges": [str(merge.pk) for merge in merges]},
        request=request,
    )
    return person, merges
