"""Meetings ready to record, for the meeting-record tests.

``ready_meeting`` is a Northbrook MACE meeting on 11 February 2027 at 10am with one child on the
agenda (and, if asked, a theme), its agenda published a week before, and the chair's
confidentiality agreement confirmed.
"""

from __future__ import annotations

import dataclasses
import datetime

from harbour.accounts.models import Agency, User
from harbour.missing.tests.factories import london
from harbour.panels import services
from harbour.panels.models import (
    AgencyDiscussionRequest,
    AgendaItem,
    AgendaReason,
    Meeting,
    PanelMember,
)
from harbour.panels.tests.factories import PanelWorld, published

MEETING_STARTS = london(2027, 2, 11, 10, 0)
PUBLISHED_AT = london(2027, 2, 4, 12, 0)
#: During the meeting: it has started, so it can be marked held.
DURING = london(2027, 2, 11, 11, 30)


@dataclasses.dataclass
class ReadyMeeting:
    meeting: Meeting
    child_item: AgendaItem
    theme_item: AgendaItem | None
    request: AgencyDiscussionRequest


def ready_meeting(
    world: PanelWorld, *, confirm: bool = True, with_theme: bool = False
) -> ReadyMeeting:
    meeting = world.meeting(MEETING_STARTS)
    child = world.child("Jade")
    request = AgencyDiscussionRequest.objects.create(
        person=child,
        area=world.area,
        agency=world.missing.school,
        requested_by=world.missing.referrer,
        reason="Seen getting into cars with older men after school.",
        requested_at=PUBLISHED_AT - datetime.timedelta(days=10),
    )
    child_item = AgendaItem.objects.create(
        meeting=meeting,
        person=child,
        reasons=[AgendaReason.AGENCY_REQUEST],
        pre_read="Jade Example. On the agenda: an agency asked to discuss.",
        order=1,
    )
    child_item.discussion_requests.add(request)
    theme_item = None
    if with_theme:
        theme_item = AgendaItem.objects.create(
            meeting=meeting, title="Takeaways on the high street", order=2
        )
    published(meeting, PUBLISHED_AT)
    if confirm:
        confirm_for(world.missing.coordinator, meeting)
    return ReadyMeeting(
        meeting=meeting, child_item=child_item, theme_item=theme_item, request=request
    )


def confirm_for(user: User, meeting: Meeting) -> None:
    services.confidentiality_confirm(actor=user, meeting=meeting, now=PUBLISHED_AT)


def join_panel(world: PanelWorld, user: User, agency: Agency) -> None:
    PanelMember.objects.create(panel=world.panel, user=user, agency=agency)
