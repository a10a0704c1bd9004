"""Reads of missing episodes, always scoped by the viewer through the access policy.

An episode is part of the child's record: whoever may see the child may see their episodes
(the same rule as assessments). ``episode_visible_to`` is that one queryset, used for lists and
single fetches alike.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from harbour.access import policy
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.missing.models import EpisodeStatus, MissingEpisode

PAGE_SIZE = 50


episode_visible_to = policy.episode_visible_to


def open_episodes(
    *, viewer: Any, page_number: Any = 1, request: Any = None
) -> Page[MissingEpisode]:
    """Episodes still open (the child is missing) or awaiting their interview, that the viewer
    may see: the children still missing first, then the interview due soonest."""
    episodes = (
        episode_visible_to(viewer)
        .filter(status__in=(EpisodeStatus.OPEN, EpisodeStatus.RETURNED))
        .select_related("person", "area", "reported_by_agency")
        .order_by("-status", "interview_due_at", "-reported_at")
    )
    page = Paginator(episodes, PAGE_SIZE).get_page(page_number)
    record_event(
        actor=viewer,
        action="missing.open_list_viewed",
        subject_type="missing.missingepisode",
        after={"page": page.number, "episode_ids": [str(e.pk) for e in page.object_list]},
        request=request,
    )
    return page


def episode_get(*, viewer: Any, episode_id: Any, request: Any = None) -> MissingEpisode:
    """One episode the viewer may see, read audited. Forbidden and missing look alike."""
    episode = (
        episode_visible_to(viewer)
        .select_related("person", "area", "reported_by", "reported_by_agency", "closed_by")
        .prefetch_related(
            "reports__reported_by", "reports__reported_by_agency", "gradings__graded_by", "alerts"
        )
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        record_event(
            actor=viewer,
            action="missing.episode_view_refused",
            subject_type="missing.missingepisode",
            subject_id=str(episode_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(actor=viewer, action="missing.episode_viewed", subject=episode, request=request)
    return episode


def episode_for_action(*, viewer: Any, episode_id: Any) -> MissingEpisode:
    """An episode the viewer may see, for a write (the write's own event audits it)."""
    episode = (
        episode_visible_to(viewer).select_related("person", "area").filter(pk=episode_id).first()
    )
    if episode is None:
        raise NotFoundOrForbidden
    return episode


def person_episodes(*, viewer: Any, person_id: Any) -> QuerySet[MissingEpisode]:
    """A child's episodes, newest first (empty when the viewer may not see the child)."""
    return episode_visible_to(viewer).filter(person_id=person_id).order_by("-reported_at")
