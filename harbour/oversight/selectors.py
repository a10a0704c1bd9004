"""The coordinator's figures and lists for missing episodes and return home interviews.

Each list is scoped by the viewer's areas (area-wide roles) and the access policy; each figure
is defined in its docstring.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Area, Role
from harbour.missing.models import EpisodeStatus, MissingEpisode, RepeatMissingAlert
from harbour.return_interviews import selectors as return_interview_selectors
from harbour.return_interviews.models import ReturnInterview
from harbour.return_interviews.selectors import AreaMonthShare, share_within_72h_by_area_month

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


def last_months(*, months: int, now: datetime.datetime | None = None) -> list[datetime.date]:
    """The first day of each of the last ``months`` months (this month included), newest first."""
    today = timezone.localdate(now or timezone.now())
    first = today.replace(day=1)
    result = []
    for _ in range(months):
        result.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return result


def interviews_offered_in_time(
    *, viewer: Any, area_ids: frozenset[Any], months: int = 12, now: datetime.datetime | None = None
) -> list[AreaMonthShare]:
    """The 72-hour measure by borough and month: defined once, in
    ``return_interviews.selectors.share_within_72h_by_area_month`` (offered within 72 hours of
    the return; clocks still running are left out of the share)."""
    return share_within_72h_by_area_month(
        viewer=viewer, area_ids=area_ids, months=last_months(months=months, now=now), now=now
    )


def interviews_refused(*, viewer: Any) -> list[ReturnInterview]:
    """Interviews the child refused, in the viewer's areas, newest first."""
    return list(return_interview_selectors.interviews_refused(viewer=viewer)[:LIST_LIMIT])


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
