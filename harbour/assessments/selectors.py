"""Reads of risk assessments, always scoped by the viewer through the access policy."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils import timezone

from harbour.access import policy
from harbour.assessments.catalogue import Catalogue, Domain, Indicator, get_catalogue
from harbour.assessments.display import level_colour
from harbour.assessments.models import Answer, Assessment, AssessmentAnswer, OverrideDirection
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.people.models import Person

OVERDUE_PAGE_SIZE = 50


def _with_display_relations(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return assessments.select_related(
        "person", "area", "completed_by", "completed_by_agency", "referral", "case"
    )


def assessment_get(*, viewer: Any, assessment_id: Any, request: Any = None) -> Assessment:
    """One assessment the viewer may see, read audited. Forbidden and missing look alike."""
    assessment = (
        _with_display_relations(policy.assessment_visible_to(viewer))
        .prefetch_related("answers", "contributing_agencies")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        record_event(
            actor=viewer,
            action="assessment.view_refused",
            subject_type="assessments.assessment",
            subject_id=str(assessment_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(actor=viewer, action="assessment.viewed", subject=assessment, request=request)
    return assessment


def catalogue_of(assessment: Assessment) -> Catalogue:
    """The catalogue version the assessment was answered on (never the newest by default)."""
    return get_catalogue(assessment.catalogue_key, assessment.catalogue_version)


@dataclass(frozen=True)
class AnsweredIndicator:
    indicator: Indicator
    answer: AssessmentAnswer | None


@dataclass(frozen=True)
class AnsweredDomain:
    domain: Domain
    rows: tuple[AnsweredIndicator, ...]

    @property
    def yes_rows(self) -> tuple[AnsweredIndicator, ...]:
        return tuple(r for r in self.rows if r.answer and r.answer.answer == Answer.YES)


def answers_by_domain(assessment: Assessment, catalogue: Catalogue) -> list[AnsweredDomain]:
    """The assessment's answers laid out as its own catalogue version asked them."""
    answers = {answer.indicator_id: answer for answer in assessment.answers.all()}
    return [
        AnsweredDomain(
            domain=domain,
            rows=tuple(
                AnsweredIndicator(indicator, answers.get(indicator.id))
                for indicator in catalogue.indicators_in(domain.id)
            ),
        )
        for domain in catalogue.domains
    ]


# History ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangedIndicator:
    id: str
    wording: str


@dataclass(frozen=True)
class Changes:
    """What changed since the child's previous assessment."""

    previous: Assessment
    level_before: str
    level_after: str
    newly_yes: tuple[ChangedIndicator, ...]
    no_longer_yes: tuple[ChangedIndicator, ...]

    @property
    def level_changed(self) -> bool:
        return self.level_before != self.level_after


@dataclass(frozen=True)
class HistoryEntry:
    assessment: Assessment
    catalogue: Catalogue
    changes: Changes | None

    @property
    def level_label(self) -> str:
        return self.catalogue.label_for(self.assessment.level)

    @property
    def suggested_label(self) -> str:
        return self.catalogue.label_for(self.assessment.suggested_level)

    @property
    def level_colour(self) -> str:
        return level_colour(self.catalogue, self.assessment.level)


def _yes_ids(assessment: Assessment) -> set[str]:
    return {a.indicator_id for a in assessment.answers.all() if a.answer == Answer.YES}


def _wording(indicator_id: str, *catalogues: Catalogue) -> str:
    for catalogue in catalogues:
        if catalogue.has_indicator(indicator_id):
            return catalogue.indicator(indicator_id).wording
    return indicator_id  # pragma: no cover - every answer is to an indicator of its catalogue


def _changes(
    current: Assessment, current_catalogue: Catalogue, previous: Assessment, previous_cat: Catalogue
) -> Changes:
    now_yes, before_yes = _yes_ids(current), _yes_ids(previous)
    order = [i.id for i in current_catalogue.indicators] + [i.id for i in previous_cat.indicators]

    def listed(ids: set[str]) -> tuple[ChangedIndicator, ...]:
        ordered = sorted(ids, key=lambda i: order.index(i) if i in order else len(order))
        return tuple(
            ChangedIndicator(i, _wording(i, current_catalogue, previous_cat)) for i in ordered
        )

    return Changes(
        previous=previous,
        level_before=previous_cat.label_for(previous.level),
        level_after=current_catalogue.label_for(current.level),
        newly_yes=listed(now_yes - before_yes),
        no_longer_yes=listed(before_yes - now_yes),
    )


def assessments_for_person(
    *, viewer: Any, person: Person, request: Any = None
) -> list[HistoryEntry]:
    """The child's assessments the viewer may see, newest first, each with what changed since
    the one before it (level, indicators newly "yes", indicators no longer "yes")."""
    assessments = list(
        _with_display_relations(policy.assessment_visible_to(viewer))
        .filter(person=person)
        .prefetch_related("answers")
        .order_by("-completed_at")
    )
    catalogues = [catalogue_of(assessment) for assessment in assessments]
    history = []
    for index, (assessment, catalogue) in enumerate(zip(assessments, catalogues, strict=True)):
        changes = None
        if index + 1 < len(assessments):
            changes = _changes(assessment, catalogue, assessments[index + 1], catalogues[index + 1])
        history.append(HistoryEntry(assessment, catalogue, changes))
    record_event(
        actor=viewer,
        action="assessment.list_viewed",
        subject=person,
        after={"assessment_ids": [str(a.pk) for a in assessments]},
        request=request,
    )
    return history


def current_assessment(person: Person) -> Assessment | None:
    """The child's current (latest) assessment, or None. For callers that have already checked
    the viewer may see the child (a case page, "my cases")."""
    return (
        Assessment.objects.filter(person=person, is_current=True)
        .select_related("completed_by", "completed_by_agency")
        .first()
    )


# Overdue reviews and reports -------------------------------------------------------------------


def assessments_overdue(
    *, viewer: Any, area_ids: Iterable[Any] | None = None, today: datetime.date | None = None
) -> QuerySet[Assessment]:
    """Current assessments the viewer may see whose review date has passed, the longest
    overdue first. ``area_ids`` narrows to assessments completed in those areas."""
    today = today or timezone.localdate()
    overdue = policy.assessment_visible_to(viewer).filter(is_current=True, review_due_on__lt=today)
    if area_ids is not None:
        overdue = overdue.filter(area_id__in=list(area_ids))
    return _with_display_relations(overdue).order_by("review_due_on", "completed_at")


def overdue_reviews_page(
    *,
    viewer: Any,
    area_ids: Iterable[Any] | None = None,
    page_number: Any = 1,
    request: Any = None,
) -> Page[Assessment]:
    """One page of ``assessments_overdue``, with the list read audited."""
    page = Paginator(
        assessments_overdue(viewer=viewer, area_ids=area_ids), OVERDUE_PAGE_SIZE
    ).get_page(page_number)
    record_event(
        actor=viewer,
        action="assessment.list_viewed",
        subject_type="assessments.assessment",
        after={
            "list": "overdue_reviews",
            "page": page.number,
            "assessment_ids": [str(a.pk) for a in page.object_list],
        },
        request=request,
    )
    return page


@dataclass(frozen=True)
class OverrideCounts:
    """Completed assessments by whether the practitioner's level differed from the suggestion."""

    up: int
    down: int
    agreed: int

    @property
    def total(self) -> int:
        return self.up + self.down + self.agreed

    @property
    def overrides(self) -> int:
        return self.up + self.down


def override_counts(
    *,
    area_ids: Iterable[Any] | None = None,
    completed_from: datetime.date | None = None,
    completed_to: datetime.date | None = None,
) -> OverrideCounts:
    """Counts of overrides up, down and none, for reports: numbers only, no named records
    (reporting suppresses small numbers before anything leaves for the board).

    ``completed_from`` and ``completed_to`` are inclusive local dates.
    """
    assessments = Assessment.objects.all()
    if area_ids is not None:
        assessments = assessments.filter(area_id__in=list(area_ids))
    if completed_from is not None:
        assessments = assessments.filter(completed_at__date__gte=completed_from)
    if completed_to is not None:
        assessments = assessments.filter(completed_at__date__lte=completed_to)
    counts = dict(
        assessments.order_by()
        .values_list("override_direction")
        .annotate(n=Count("pk"))
        .values_list("override_direction", "n")
    )
    return OverrideCounts(
        up=counts.get(OverrideDirection.UP, 0),
        down=counts.get(OverrideDirection.DOWN, 0),
        agreed=counts.get(OverrideDirection.NONE, 0),
    )
