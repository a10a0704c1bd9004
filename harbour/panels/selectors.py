"""Reads of panel agendas, scoped by the viewer and audited.

A meeting's agenda detail opens only to the chair and active members who have confirmed the
panel's confidentiality agreement for that meeting; anyone else gets "not found". Within it, a
child's pre-read shows to a member not otherwise involved with the child only from the agenda's
publication until the end of the Nth day after the meeting's day (N from the panel type, days in
UK local time); someone who may see the child's record anyway sees it from publication on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from harbour.access.policy import person_visible_to
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.panels.models import (
    AgendaItem,
    ConfidentialityConfirmation,
    Meeting,
    MeetingStatus,
)
from harbour.panels.services import is_chair, is_member, panel_type_for


@dataclass(frozen=True)
class AgendaEntry:
    item: AgendaItem
    pre_read: str | None  # None: the viewer may not (or may no longer) see it


@dataclass(frozen=True)
class AgendaDetail:
    meeting: Meeting
    entries: tuple[AgendaEntry, ...]
    pre_read_access_ends_at: datetime.datetime


def pre_read_access_ends_at(meeting: Meeting) -> datetime.datetime:
    """The first moment a member not otherwise involved can no longer see the pre-reads:
    midnight (UK time) at the end of the Nth day after the meeting's day."""
    days = panel_type_for(meeting.panel).pre_read_access_days_after_meeting
    last_day = timezone.localdate(meeting.starts_at) + datetime.timedelta(days=days)
    after = last_day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime(after.year, after.month, after.day))


def pre_read_visible(*, viewer: Any, item: AgendaItem, now: datetime.datetime) -> bool:
    """Whether ``viewer`` may see ``item``'s pre-read at ``now``.

    Nothing shows before the agenda is published (there is no pre-read yet). After that, someone
    who may see the child's record anyway sees it; a panel member not otherwise involved sees it
    until ``pre_read_access_ends_at``; nobody else sees it.
    """
    meeting = item.meeting
    published_at = meeting.agenda_published_at
    if meeting.status == MeetingStatus.DRAFT or published_at is None or now < published_at:
        return False
    if item.person_id is not None and (
        person_visible_to(viewer).filter(pk=item.person_id).exists()
    ):
        return True
    if not is_member(viewer, meeting.panel):
        return False
    return now < pre_read_access_ends_at(meeting)


def has_confirmed(viewer: Any, meeting: Meeting) -> bool:
    user_id = getattr(viewer, "pk", None)
    return user_id is not None and (
        ConfidentialityConfirmation.objects.filter(meeting=meeting, user_id=user_id).exists()
    )


def agenda_detail_for(
    *, viewer: Any, meeting: Meeting, now: datetime.datetime, request: Any = None
) -> AgendaDetail:
    """The agenda of ``meeting`` with the pre-reads ``viewer`` may see at ``now``.

    Refused ("not found", audited) unless the viewer chairs the panel or is an active member,
    and has confirmed the confidentiality agreement for this meeting; a draft agenda opens only
    to the chair. The view and each pre-read shown are audited.
    """
    panel = meeting.panel
    allowed = (
        is_member(viewer, panel)
        and has_confirmed(viewer, meeting)
        and (meeting.status != MeetingStatus.DRAFT or is_chair(viewer, panel))
    )
    if not allowed:
        record_event(
            actor=viewer, action="panels.agenda_view_refused", subject=meeting, request=request
        )
        raise NotFoundOrForbidden()
    items = list(
        meeting.items.select_related("person", "requested_by_agency", "meeting__panel").order_by(
            "order"
        )
    )
    entries = []
    with transaction.atomic():
        record_event(actor=viewer, action="panels.agenda_viewed", subject=meeting, request=request)
        for item in items:
            visible = pre_read_visible(viewer=viewer, item=item, now=now)
            if visible and item.person is not None:
                record_event(
                    actor=viewer,
                    action="panels.pre_read_viewed",
                    subject=item.person,
                    after={"meeting": str(meeting.pk), "item": str(item.pk)},
                    request=request,
                )
            entries.append(AgendaEntry(item=item, pre_read=item.pre_read if visible else None))
    return AgendaDetail(
        meeting=meeting,
        entries=tuple(entries),
        pre_read_access_ends_at=pre_read_access_ends_at(meeting),
    )
