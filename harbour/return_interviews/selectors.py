"""Reads of return home interviews, always scoped by the viewer.

Visibility rule: an interview is part of the child's record, so a viewer sees an interview when
they may see the child (``policy.person_visible_to``). Sharing a completed interview records the
area's police and coordinator agencies as holding a record about the child, and the lead
professional's agency is in the child's case, so everyone it is shared with can open it.

Queues: a return interview worker sees the returned episodes of the areas their agency serves
(they are commissioned to interview every child returning there); front-door practitioners and
coordinators see those of their areas. Nobody else has a queue.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Area
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.missing.models import MissingEpisode
from harbour.return_interviews.clock import due_at_expression
from harbour.return_interviews.models import InterviewOutcome, ReturnInterview
from harbour.return_interviews.rules import worker_area_ids

#: How many episodes or interviews each queue list shows at most (the counts are exact).
QUEUE_LIMIT = 200


interview_visible_to = policy.interview_visible_to


def _with_display_relations(interviews: QuerySet[ReturnInterview]) -> QuerySet[ReturnInterview]:
    return interviews.select_related(
        "person",
        "episode",
        "episode__area",
        "offered_by",
        "offered_by_agency",
        "conducted_by",
        "conducted_by_agency",
        "outcome_recorded_by",
    )


def interview_get(*, viewer: Any, interview_id: Any, request: Any = None) -> ReturnInterview:
    """One interview the viewer may see, with the read audited. Forbidden and missing look
    alike (404)."""
    interview = (
        _with_display_relations(interview_visible_to(viewer))
        .prefetch_related("factors", "intelligence_items")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None:
        record_event(
            actor=viewer,
            action="return_interview.view_refused",
            subject_type="return_interviews.returninterview",
            subject_id=str(interview_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(actor=viewer, action="return_interview.viewed", subject=interview, request=request)
    return interview


def interview_for_episode(*, viewer: Any, episode: MissingEpisode) -> ReturnInterview | None:
    """The episode's interview if the viewer may see it (for the episode page, whose own read
    is audited)."""
    return _with_display_relations(interview_visible_to(viewer)).filter(episode=episode).first()


def queue_area_ids(viewer: Any) -> set[Any]:
    """The areas whose returned episodes appear in the viewer's queue."""
    return worker_area_ids(viewer) | set(policy.viewer_for(viewer).area_wide_area_ids)


def may_see_queue(viewer: Any) -> bool:
    return bool(queue_area_ids(viewer))


def episode_for_worker(*, viewer: Any, episode_id: Any, request: Any = None) -> MissingEpisode:
    """A returned or open episode in an area the viewer interviews for, to offer an interview
    or record why none was offered (audited). Anything else is a 404."""
    episode = (
        MissingEpisode.objects.filter(pk=episode_id, area_id__in=worker_area_ids(viewer))
        .select_related("person", "area")
        .first()
    )
    if episode is None:
        record_event(
            actor=viewer,
            action="return_interview.episode_refused",
            subject_type="missing.missingepisode",
            subject_id=str(episode_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(
        actor=viewer, action="return_interview.episode_viewed", subject=episode, request=request
    )
    return episode


@dataclass(frozen=True)
class InterviewQueue:
    """The return interview worker's (or coordinator's) queue, oldest due first."""

    overdue: list[MissingEpisode]
    due: list[MissingEpisode]
    awaiting: list[ReturnInterview]
    refused: list[ReturnInterview]
    overdue_count: int
    due_count: int
    awaiting_count: int
    refused_count: int
    now: datetime.datetime


def _episodes_without_interview(
    area_ids: Iterable[Any], *, now: datetime.datetime, overdue: bool
) -> QuerySet[MissingEpisode]:
    due_filter = Q(due_at__lte=now) if overdue else Q(due_at__gt=now)
    return (
        MissingEpisode.objects.filter(
            area_id__in=list(area_ids),
            returned_at__isnull=False,
            interview_offered_at__isnull=True,
            return_interview__isnull=True,
        )
        .annotate(due_at=due_at_expression())
        .filter(due_filter)
        .select_related("person", "area")
        .order_by("due_at", "returned_at")
    )


def episodes_overdue(
    *, viewer: Any, now: datetime.datetime | None = None
) -> QuerySet[MissingEpisode]:
    """Returned episodes of the viewer's queue areas with no interview offered (or recorded as
    not offered) whose offer was due by ``now`` (the due moment itself is overdue)."""
    return _episodes_without_interview(
        queue_area_ids(viewer), now=now or timezone.now(), overdue=True
    )


def episodes_due(*, viewer: Any, now: datetime.datetime | None = None) -> QuerySet[MissingEpisode]:
    """Returned episodes of the viewer's queue areas with no interview yet, still in time."""
    return _episodes_without_interview(
        queue_area_ids(viewer), now=now or timezone.now(), overdue=False
    )


def interviews_awaiting_outcome(*, viewer: Any) -> QuerySet[ReturnInterview]:
    """Offered interviews of the viewer's queue areas, neither completed nor refused."""
    return _with_display_relations(
        ReturnInterview.objects.filter(
            episode__area_id__in=list(queue_area_ids(viewer)), outcome=""
        )
    ).order_by("offered_at")


def interviews_refused(*, viewer: Any) -> QuerySet[ReturnInterview]:
    """Refused interviews of the viewer's queue areas, newest first."""
    return _with_display_relations(
        ReturnInterview.objects.filter(
            episode__area_id__in=list(queue_area_ids(viewer)), outcome=InterviewOutcome.REFUSED
        )
    ).order_by("-outcome_recorded_at")


def interview_queue(
    *, viewer: Any, now: datetime.datetime | None = None, request: Any = None
) -> InterviewQueue:
    """Overdue and due episodes, offered interviews awaiting an outcome, and refusals, for the
    viewer's areas. The list read is audited with the ids shown."""
    now = now or timezone.now()
    overdue_qs = episodes_overdue(viewer=viewer, now=now)
    due_qs = episodes_due(viewer=viewer, now=now)
    awaiting_qs = interviews_awaiting_outcome(viewer=viewer)
    refused_qs = interviews_refused(viewer=viewer)
    queue = InterviewQueue(
        overdue=list(overdue_qs[:QUEUE_LIMIT]),
        due=list(due_qs[:QUEUE_LIMIT]),
        awaiting=list(awaiting_qs[:QUEUE_LIMIT]),
        refused=list(refused_qs[:QUEUE_LIMIT]),
        overdue_count=overdue_qs.count(),
        due_count=due_qs.count(),
        awaiting_count=awaiting_qs.count(),
        refused_count=refused_qs.count(),
        now=now,
    )
    record_event(
        actor=viewer,
        action="return_interview.queue_viewed",
        subject_type="missing.missingepisode",
        after={
            "episode_ids": [str(e.pk) for e in [*queue.overdue, *queue.due]],
            "interview_ids": [str(i.pk) for i in [*queue.awaiting, *queue.refused]],
        },
        request=request,
    )
    return queue


# The 72-hour measure ----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaMonthShare:
    """Returned episodes of one borough in one month (of return, UK time) and how many had an
    interview offered within 72 hours of the return.

    ``decided`` leaves out episodes whose clock is still running (no offer yet, not yet due):
    they can still go either way. ``share`` is ``met / decided`` (None when nothing is decided).
    """

    area_id: Any
    area_name: str
    month: datetime.date
    returned: int
    met: int
    pending: int

    @property
    def decided(self) -> int:
        return self.returned - self.pending

    @property
    def breached(self) -> int:
        return self.decided - self.met

    @property
    def share(self) -> float | None:
        return self.met / self.decided if self.decided else None


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def measure_area_ids(viewer: Any) -> set[Any]:
    """The boroughs whose 72-hour figures the viewer may see: those they cover area-wide
    (front door, coordinator) or interview for."""
    return queue_area_ids(viewer)


def share_within_72h_by_area_month(
    *,
    viewer: Any,
    area_ids: Iterable[Any],
    months: Iterable[datetime.date],
    now: datetime.datetime | None = None,
) -> list[AreaMonthShare]:
    """The share of returned episodes whose interview was OFFERED within 72 hours of the
    return (the statutory requirement; see ``clock``), by borough and month of return.

    ``months`` are any days in the months wanted (the first of each month, say). Areas the
    viewer may not see figures for are left out. One row for every (area, month) asked for, in
    area name then month order, zeros included. One aggregate query on the episodes table alone
    (the offer time is the episode's ``interview_offered_at``, set when the interview is
    offered), grouped in the database and read through the (area, returned_at) index.
    """
    now = now or timezone.now()
    wanted_months = sorted({_month_start(month) for month in months})
    allowed = measure_area_ids(viewer)
    areas = list(Area.objects.filter(pk__in=[a for a in area_ids if a in allowed]).order_by("name"))
    if not wanted_months or not areas:
        return []
    london = ZoneInfo(settings.TIME_ZONE)

    def _at_midnight(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=london)

    start, end = _at_midnight(wanted_months[0]), _at_midnight(_next_month(wanted_months[-1]))
    rows = (
        MissingEpisode.objects.filter(
            area_id__in=[area.pk for area in areas], returned_at__gte=start, returned_at__lt=end
        )
        .alias(due_at=due_at_expression())
        .annotate(month=TruncMonth("returned_at", tzinfo=london))
        .order_by()
        .values("area_id", "month")
        .annotate(
            returned=Count("pk"),
            met=Count(
                "pk",
                filter=Q(interview_offered_at__isnull=False)
                & Q(interview_offered_at__lte=F("due_at")),
            ),
            pending=Count("pk", filter=Q(interview_offered_at__isnull=True, due_at__gt=now)),
        )
    )
    found: dict[tuple[Any, datetime.date], dict[str, Any]] = {}
    for row in rows:
        month: Any = row["month"]
        if isinstance(month, datetime.datetime):
            local = timezone.localtime(month, london) if timezone.is_aware(month) else month
            month = local.date()
        found[(row["area_id"], month)] = dict(row)
    result: list[AreaMonthShare] = []
    for area in areas:
        for month in wanted_months:
            counts = found.get((area.pk, month), {})
            result.append(
                AreaMonthShare(
                    area_id=area.pk,
                    area_name=area.name,
                    month=month,
                    returned=counts.get("returned", 0),
                    met=counts.get("met", 0),
                    pending=counts.get("pending", 0),
                )
            )
    return result
