"""Panel actions for the action, tracker and escalation tests, created directly with the models.

``action_world`` adds to a ``PanelWorld`` a line manager for the lead professional (the usual
action owner), a police officer's manager, and a meeting with one child's item and one theme.
``panel_action`` creates one ``PanelAction`` on an item (the meeting record's ``action_create``
is built elsewhere; these tests need only the rows).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from harbour.accounts.models import Agency, Role, User
from harbour.accounts.tests.factories import user_with_role
from harbour.missing.tests.factories import london
from harbour.panels.models import (
    AgendaItem,
    AgendaReason,
    Meeting,
    Panel,
    PanelAction,
    PanelActionStatus,
)
from harbour.panels.tests.factories import PanelWorld

MEETING_AT = london(2027, 3, 4, 10, 0)
DUE = datetime.date(2027, 3, 10)


@dataclasses.dataclass
class ActionWorld:
    world: PanelWorld
    meeting: Meeting
    child_item: AgendaItem
    theme_item: AgendaItem
    manager: User

    @property
    def chair(self) -> User:
        return self.world.panel.chair

    @property
    def owner(self) -> User:
        return self.world.missing.lead

    @property
    def csc(self) -> Agency:
        return self.world.missing.csc

    def action(self, **fields: Any) -> PanelAction:
        values: dict[str, Any] = {"item": self.child_item, "owner": self.owner, "agency": self.csc}
        values.update(fields)
        return panel_action(**values)


def agenda_items(world: PanelWorld, meeting: Meeting) -> tuple[AgendaItem, AgendaItem]:
    child_item = AgendaItem.objects.create(
        meeting=meeting,
        person=world.child("Jade"),
        reasons=[AgendaReason.AGENCY_REQUEST],
        order=1,
    )
    theme_item = AgendaItem.objects.create(
        meeting=meeting, title="Taxi ranks near the bus station", order=2
    )
    return child_item, theme_item


def action_world(world: PanelWorld, starts_at: datetime.datetime = MEETING_AT) -> ActionWorld:
    manager = user_with_role(
        Role.LEAD_PROFESSIONAL, world.missing.csc, first_name="Mina", last_name="Manager"
    )
    owner = world.missing.lead
    owner.line_manager = manager
    owner.save(update_fields=["line_manager"])
    meeting = world.meeting(starts_at)
    child_item, theme_item = agenda_items(world, meeting)
    return ActionWorld(
        world=world,
        meeting=meeting,
        child_item=child_item,
        theme_item=theme_item,
        manager=manager,
    )


def panel_action(
    *,
    item: AgendaItem,
    owner: User,
    agency: Agency,
    due_on: datetime.date = DUE,
    status: str = PanelActionStatus.NOT_STARTED,
    description: str = "Arrange a joint visit with the police and share what is found.",
    created_by: User | None = None,
) -> PanelAction:
    meeting = item.meeting
    action: PanelAction = PanelAction.objects.create(
        item=item,
        meeting=meeting,
        panel=meeting.panel,
        description=description,
        owner=owner,
        owner_agency=agency,
        due_on=due_on,
        status=status,
        completed_at=meeting.starts_at if status == PanelActionStatus.DONE else None,
        created_by=created_by or meeting.panel.chair,
    )
    return action


def pan_area_panel(chair: User, name: str = "Partnership strategic MACE") -> Panel:
    panel: Panel = Panel.objects.create(
        type_key="strategic-mace",
        type_version=1,
        area=None,
        name=name,
        chair=chair,
        terms_of_reference="Themes, places and persons of interest across the partnership.",
    )
    return panel
