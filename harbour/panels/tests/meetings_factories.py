"""Builders for the meetings and agendas tests: a draft meeting with theme items, and users in
roles the panel world does not have (an administrator, another area's coordinator)."""

from __future__ import annotations

import datetime

from harbour.accounts.models import Role, User
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.missing.tests.factories import london
from harbour.panels import services
from harbour.panels.models import AgendaItem, Meeting
from harbour.panels.tests.factories import PanelWorld

#: "Now" in these tests: a week and a half before the meeting.
NOW = london(2027, 2, 1, 9, 0)
MEETING_AT = london(2027, 2, 11, 10, 0)


def administrator() -> User:
    return user_with_role(
        Role.ADMINISTRATOR, AgencyFactory(name="Partnership support"), first_name="Ada"
    )


def draft_with_themes(
    world: PanelWorld, *titles: str, at: datetime.datetime = MEETING_AT
) -> Meeting:
    """A draft meeting of the world's panel with one theme item per title, in order."""
    meeting = world.meeting(at)
    for title in titles:
        services.agenda_item_add_theme(
            actor=world.missing.coordinator, meeting=meeting, title=title, now=NOW
        )
    return meeting


def agenda_titles(meeting: Meeting) -> list[tuple[int, str]]:
    """``(order, title or child's first names)`` for each item of ``meeting``, in order."""
    return [
        (item.order, item.title or (item.person.first_names if item.person else ""))
        for item in AgendaItem.objects.filter(meeting=meeting)
        .select_related("person")
        .order_by("order")
    ]
