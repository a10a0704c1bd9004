"""Reads of cases, always scoped by the viewer through the access policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case as SqlCase
from django.db.models import Count, DateField, F, Min, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from harbour.access import policy
from harbour.audit.services import record_event
from harbour.cases.models import LIVE_STATUSES, ActionStatus, Case, CaseStatus, PlanAction
from harbour.core.errors import NotFoundOrForbidden
from harbour.people.models import Person

if TYPE_CHECKING:
    from harbour.assessments.models import Assessment

#: Stands in for "nothing overdue" when finding a case's oldest overdue date in SQL (LEAST
#: treats NULLs differently on PostgreSQL and SQLite, so NULLs never reach it).
_NEVER = datetime.date(9999, 12, 31)
_FINISHED_ACTIONS = (ActionStatus.DONE, ActionStatus.CANCELLED)


def _with_display_relations(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related(
        "person", "area", "lead_professional", "lead_agency", "referral"
    ).prefetch_related("exploitation_types")


def case_get(*, viewer: Any, case_id: Any, request: Any = None) -> Case:
    """One case the viewer may see, with the read audited. Forbidden and missing look alike."""
    case = _with_display_relations(policy.case_visible_to(viewer)).filter(pk=case_id).first()
    if case is None:
        record_event(
            actor=viewer,
            action="case.view_refused",
            subject_type="cases.case",
            subject_id=str(case_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(actor=viewer, action="case.viewed", subject=case, request=request)
    return case


def current_assessment(person: Person) -> Assessment | None:
    """The child's latest completed assessment (from any route: triage, a case, a return
    interview), or None. Call only for a child the viewer may see."""
    from harbour.assessments.models import Assessment

    return Assessment.objects.filter(person=person).order_by("-completed_at").first()


def current_risk_level(case: Case) -> str | None:
    """The level of the child's latest assessment: the case's current risk level."""
    assessment = current_assessment(case.person)
    return assessment.level if assessment is not None else None


def cases_for_person(*, viewer: Any, person: Person) -> QuerySet[Case]:
    """The cases of a person that the viewer may see, newest first (for the person's page,
    whose own read is audited)."""
    return _with_display_relations(policy.case_visible_to(viewer).filter(person=person)).order_by(
        "-opened_at"
    )


def live_case_for_person(*, viewer: Any, person: Person) -> Case | None:
    """The child's open or stepped-down case, if the viewer may see it."""
    return (
        policy.case_visible_to(viewer)
        .filter(person=person, status__in=LIVE_STATUSES)
        .select_related("lead_professional")
        .first()
    )


@dataclass(frozen=True)
class MyCase:
    """One of the lead professional's cases and what is overdue on it."""

    case: Case
    risk_level: str | None
    assessment_review_due_on: datetime.date | None
    overdue_action_count: int
    overdue_since: datetime.date | None
    today: datetime.date

    @property
    def has_assessment(self) -> bool:
        return self.risk_level is not None

    @property
    def assessment_overdue(self) -> bool:
        """No assessment at all, or the latest one's review date has passed."""
        due = self.assessment_review_due_on
        return due is None or due < self.today

    @property
    def plan_review_overdue(self) -> bool:
        due = self.case.plan_review_due_on
        return due is not None and due < self.today

    @property
    def monitoring_ended(self) -> bool:
        until = self.case.monitoring_until
        return (
            self.case.status == CaseStatus.STEPPED_DOWN and until is not None and until < self.today
        )

    @property
    def has_overdue(self) -> bool:
        return self.overdue_since is not None

    @property
    def days_overdue(self) -> int:
        return (self.today - self.overdue_since).days if self.overdue_since is not None else 0


def my_cases(
    *, viewer: Any, today: datetime.date | None = None, request: Any = None
) -> list[MyCase]:
    """The viewer's open and stepped-down cases as lead professional, with what is overdue:
    the current assessment's review (or no assessment at all), plan actions past due and not
    done or cancelled, the plan review, and a finished monitoring period.

    Ordered with the longest overdue first (by the oldest date that has passed), then cases
    with nothing overdue, oldest first. One query for the cases and one for their exploitation
    types, whatever the number of cases.
    """
    from harbour.assessments.models import Assessment

    today = today or timezone.localdate()
    latest = Assessment.objects.filter(person_id=OuterRef("person_id")).order_by("-completed_at")
    overdue_actions = (
        PlanAction.objects.filter(case_id=OuterRef("pk"), due_on__lt=today)
        .exclude(status__in=_FINISHED_ACTIONS)
        .order_by()
        .values("case_id")
    )
    never = Value(_NEVER, output_field=DateField())
    cases = (
        policy.case_visible_to(viewer)
        .filter(lead_professional_id=getattr(viewer, "pk", None), status__in=LIVE_STATUSES)
        .annotate(
            risk_level=Subquery(latest.values("level")[:1]),
            assessment_review_due_on=Subquery(latest.values("review_due_on")[:1]),
            overdue_action_count=Coalesce(
                Subquery(overdue_actions.annotate(n=Count("pk")).values("n")), Value(0)
            ),
            oldest_overdue_action=Subquery(overdue_actions.annotate(m=Min("due_on")).values("m")),
        )
        .annotate(
            overdue_since=Least(
                SqlCase(
                    When(risk_level__isnull=True, then=TruncDate("opened_at")),
                    When(assessment_review_due_on__lt=today, then=F("assessment_review_due_on")),
                    default=never,
                    output_field=DateField(),
                ),
                Coalesce(F("oldest_overdue_action"), never, output_field=DateField()),
                SqlCase(
                    When(plan_review_due_on__lt=today, then=F("plan_review_due_on")),
                    default=never,
                    output_field=DateField(),
                ),
                SqlCase(
                    When(
                        status=CaseStatus.STEPPED_DOWN,
                        monitoring_until__lt=today,
                        then=F("monitoring_until"),
                    ),
                    default=never,
                    output_field=DateField(),
                ),
                output_field=DateField(),
            )
        )
        .order_by("overdue_since", "opened_at")
    )
    rows = [
        MyCase(
            case=case,
            risk_level=case.risk_level,  # type: ignore[attr-defined]
            assessment_review_due_on=case.assessment_review_due_on,  # type: ignore[attr-defined]
            overdue_action_count=case.overdue_action_count,  # type: ignore[attr-defined]
            overdue_since=None if case.overdue_since == _NEVER else case.overdue_since,  # type: ignore[attr-defined]
            today=today,
        )
        for case in _with_display_relations(cases)
    ]
    record_event(
        actor=viewer,
        action="case.list_viewed",
        subject_type="cases.case",
        after={"list": "my_cases", "case_ids": [str(row.case.pk) for row in rows]},
        request=request,
    )
    return rows


@dataclass(frozen=True)
class ChildMissing:
    """A child's missing episodes and return interviews, for the lead professional's list."""

    missing_now: bool
    episodes_90_days: int
    interview_awaiting_offer: bool
    latest_episode_id: Any


def missing_for_children(person_ids: list[Any]) -> dict[Any, ChildMissing]:
    """Per child: missing now, episodes in the last 90 days, and whether a return interview is
    still to be offered. Two queries for the whole list. The children are the lead
    professional's own cases, so no further access check is needed."""
    from harbour.missing.models import EpisodeStatus, MissingEpisode

    since = timezone.now() - datetime.timedelta(days=90)
    counts = dict(
        MissingEpisode.objects.filter(person_id__in=person_ids, reported_at__gte=since)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    result: dict[Any, ChildMissing] = {}
    latest = (
        MissingEpisode.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "-reported_at")
        .values_list("person_id", "pk", "status", "returned_at", "interview_offered_at")
    )
    for person_id, pk, status, returned_at, offered_at in latest:
        if person_id in result:
            continue
        result[person_id] = ChildMissing(
            missing_now=status == EpisodeStatus.OPEN,
            episodes_90_days=counts.get(person_id, 0),
            interview_awaiting_offer=returned_at is not None and offered_at is None,
            latest_episode_id=pk,
        )
    return result
