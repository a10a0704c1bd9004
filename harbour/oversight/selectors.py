"""The coordinator's figures and lists for missing episodes and return home interviews.

Each list is scoped by the viewer's areas (area-wide roles) and the access policy; each figure
is defined in its docstring.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Area, Role
from harbour.missing.models import EpisodeStatus, MissingEpisode, RepeatMissingAlert

LIST_LIMIT = 100


def may_oversee_missing(user: Any) -> bool:
    return policy.viewer_for(user).has_role(Role.COORDINATOR)


def _episodes(viewer: Any, area_ids: frozenset[Any]) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(area_id__in=area_ids).filter(
        Exists(policy.person_visible_to(viewer).filter(pk=OuterRef("person_id")))
    )


def open_episodes(*, viewer: Any, area_ids: frozenset[Any]) -> list[MissingEpisode]:
    """Children missing now, longest missing first."""
    return list(
        _episodes(viewer, area_ids)
        .filter(status=EpisodeStatus.OPEN)
        .select_related("person", "area")
        .order_by("last_seen_at")[:LIST_LIMIT]
    )


def interviews_awaiting_offer(
    *, viewer: Any, area_ids: frozenset[Any], now: datetime.datetime | None = None
) -> tuple[list[MissingEpisode], list[MissingEpisode]]:
    """Returned children with no return home interview offered yet: (due, overdue), each
    ordered by the 72-hour deadline."""
    now = now or timezone.now()
    waiting = (
        _episodes(viewer, area_ids)
        .filter(returned_at__isnull=False, interview_offered_at__isnull=True)
        .select_related("person", "area")
        .order_by("interview_due_at")
    )
    return (
        list(waiting.filter(interview_due_at__gte=now)[:LIST_LIMIT]),
        list(waiting.filter(interview_due_at__lt=now)[:LIST_LIMIT]),
    )


@dataclass(frozen=True)
class MonthShare:
    area: str
    month: datetime.date
    returned: int
    offered_in_time: int

    @property
    def percent(self) -> int | None:
        if not self.returned:
            return None
        return round(100 * self.offered_in_time / self.returned)


def interview_offered_in_time_by_area_and_month(
    *, area_ids: frozenset[Any], months: int = 12, now: datetime.datetime | None = None
) -> list[MonthShare]:
    """Of the children who returned in each month, how many were offered a return home
    interview within the clock (offered at or before ``interview_due_at``), by borough.

    Counts episodes, not children; a month is the month of the return, in UK time. Aggregate
    only: no child is named, so no per-record access check is needed beyond the viewer's areas.
    """
    now = now or timezone.now()
    since = (now - datetime.timedelta(days=31 * months)).replace(day=1)
    rows = (
        MissingEpisode.objects.filter(area_id__in=area_ids, returned_at__gte=since)
        .annotate(month=TruncMonth("returned_at"))
        .values("area__name", "month")
        .annotate(
            returned=Count("id"),
            in_time=Count(
                "id",
                filter=Q(
                    interview_offered_at__isnull=False,
                    interview_offered_at__lte=F("interview_due_at"),
                ),
            ),
        )
        .order_by("area__name", "-month")
    )
    return [
        MonthShare(
            area=row["area__name"],
            month=row["month"].date()
            if isinstance(row["month"], datetime.datetime)
            else row["month"],
            returned=row["returned"],
            offered_in_time=row["in_time"],
        )
        for row in rows
    ]


def children_with_repeat_episodes(
    *, viewer: Any, area_ids: frozenset[Any], days: int = 90
) -> list[RepeatMissingAlert]:
    """Repeat-missing triggers that fired in the last ``days`` days, newest first."""
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        RepeatMissingAlert.objects.filter(area_id__in=area_ids, fired_at__gte=since)
        .filter(Exists(policy.person_visible_to(viewer).filter(pk=OuterRef("person_id"))))
        .select_related("person", "area")
        .order_by("-fired_at")[:LIST_LIMIT]
    )


def out_of_area_placements(*, viewer: Any, area_ids: frozenset[Any]) -> list[MissingEpisode]:
    """Children placed out of area who are missing now or returned in the last 90 days."""
    since = timezone.now() - datetime.timedelta(days=90)
    return list(
        _episodes(viewer, area_ids)
        .filter(placed_out_of_area=True)
        .filter(Q(status=EpisodeStatus.OPEN) | Q(returned_at__gte=since))
        .select_related("person", "area")
        .order_by("-reported_at")[:LIST_LIMIT]
    )


def viewer_areas(viewer: Any) -> frozenset[Any]:
    return policy.viewer_for(viewer).area_wide_area_ids


def area_names(area_ids: frozenset[Any]) -> list[str]:
    return list(Area.objects.filter(pk__in=area_ids).values_list("name", flat=True))
