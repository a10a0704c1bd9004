"""Held meetings with a record, for the minutes tests (rows made directly with the models).

``minutes_world`` takes a ``panel_world`` and holds a meeting on 5 March 2026 with three items:

1. Amara Brightwell, a child the health agency is involved with (so the health member may see
   her), and whom children's services and the police know too;
2. Bethany Hollowmere, whom only the police (who made the record) and children's services know:
   the health member may not see her. The school referrer owns an action on her item, so is a
   possible recipient who may see that one item (and not Amara's);
3. a theme, "Hotspot: the Riverside car park", which every copy shows.

Children's services, the police and the school are present (a quorum for the child MACE); health
sent apologies. The chair is the area's coordinator, who may see every child in the area.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from harbour.accounts.models import User
from harbour.missing.tests.factories import london
from harbour.panels.models import (
    AgendaItem,
    AgendaReason,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionKind,
    Meeting,
    MeetingStatus,
    PanelAction,
    PanelActionStatus,
)
from harbour.panels.tests.factories import PanelWorld
from harbour.people.models import InvolvementKind, Person
from harbour.people.services import involvement_record

MEETING_AT = london(2026, 3, 5, 14, 0)
PUBLISHED_AT = london(2026, 2, 26, 9, 0)
AFTER_MEETING = london(2026, 3, 6, 10, 0)

SEEN_SUMMARY = (
    "Amara has started attending the youth club again and her school reports better days."
)
UNSEEN_SUMMARY = "Bethany was seen near the Quayside takeaway with two older men on three nights."
UNSEEN_PRE_READ = "Bethany Hollowmere\nBorn 3 February 2011\nMissing 4 times in the last 90 days."
UNSEEN_DOB = datetime.date(2011, 2, 3)
UNSEEN_DECISION = "Refer Bethany for a strategy discussion about the Quayside takeaway."
UNSEEN_ACTION = "Visit Bethany's school with the exploitation officer."
THEME_TITLE = "Hotspot: the Riverside car park"


@dataclasses.dataclass
class MinutesWorld:
    world: PanelWorld
    meeting: Meeting
    seen: Person
    unseen: Person
    seen_item: AgendaItem
    unseen_item: AgendaItem
    theme_item: AgendaItem
    action_owner: User  # owns an action on the unseen child's item; not a panel member

    @property
    def chair(self) -> User:
        return self.world.missing.coordinator

    @property
    def health_member(self) -> User:
        return self.world.health_member


def meeting_held(
    world: PanelWorld,
    starts_at: datetime.datetime = MEETING_AT,
    status: str = MeetingStatus.HELD,
    **fields: Any,
) -> Meeting:
    """A meeting of ``world``'s panel in ``status`` (published a week before unless a draft)."""
    published_at = None if status == MeetingStatus.DRAFT else starts_at - datetime.timedelta(days=7)
    return world.meeting(starts_at, status=status, agenda_published_at=published_at, **fields)


def add_item(
    meeting: Meeting, order: int, *, person: Person | None = None, title: str = "", **fields: Any
) -> AgendaItem:
    values: dict[str, Any] = {
        "meeting": meeting,
        "order": order,
        "person": person,
        "title": title,
        "reasons": [AgendaReason.ROUTED_AT_TRIAGE] if person is not None else [],
    }
    values.update(fields)
    item: AgendaItem = AgendaItem.objects.create(**values)
    return item


def add_decision(
    item: AgendaItem, *, kind: str, detail: str, by: User, risk_level: str = ""
) -> Decision:
    decision: Decision = Decision.objects.create(
        item=item,
        kind=kind,
        risk_level=risk_level,
        detail=detail,
        recorded_by=by,
        recorded_at=item.meeting.starts_at + datetime.timedelta(minutes=30),
    )
    return decision


def add_action(
    item: AgendaItem,
    *,
    description: str,
    owner: User,
    owner_agency: Any,
    created_by: User,
    due_on: datetime.date = datetime.date(2026, 3, 19),
    status: str = PanelActionStatus.NOT_STARTED,
) -> PanelAction:
    action: PanelAction = PanelAction.objects.create(
        item=item,
        meeting=item.meeting,
        panel=item.meeting.panel,
        description=description,
        owner=owner,
        owner_agency=owner_agency,
        due_on=due_on,
        status=status,
        created_by=created_by,
    )
    return action


def minutes_world(world: PanelWorld, *, status: str = MeetingStatus.HELD) -> MinutesWorld:
    missing = world.missing
    chair = missing.coordinator
    meeting = meeting_held(world, status=status, call_details="Teams: code 555 0101")

    seen = missing.new_child(first_names="Amara", last_name="Brightwell")
    involvement_record(
        actor=missing.officer, person=seen, agency=world.health, kind=InvolvementKind.HOLDS_RECORD
    )
    unseen = missing.new_child(
        first_names="Bethany", last_name="Hollowmere", date_of_birth=UNSEEN_DOB
    )

    seen_item = add_item(
        meeting,
        1,
        person=seen,
        pre_read="Amara Brightwell\nBorn 17 May 2010",
        discussion_summary=SEEN_SUMMARY,
        child_attended=True,
        views_given_how="Amara spoke to the panel for ten minutes with her social worker.",
    )
    unseen_item = add_item(
        meeting,
        2,
        person=unseen,
        reasons=[AgendaReason.REPEAT_MISSING],
        pre_read=UNSEEN_PRE_READ,
        discussion_summary=UNSEEN_SUMMARY,
        carers_attended=True,
        views_given_how="Her foster carer passed on Bethany's views in writing.",
    )
    theme_item = add_item(
        meeting, 3, title=THEME_TITLE, discussion_summary="Three reports this month."
    )

    add_decision(
        seen_item,
        kind=DecisionKind.RISK_LEVEL_AGREED,
        risk_level="medium",
        detail="Risk reduced to medium: keep the plan as agreed.",
        by=chair,
    )
    add_action(
        seen_item,
        description="Book Amara's next review with the youth club worker.",
        owner=world.health_member,
        owner_agency=world.health,
        created_by=chair,
    )
    add_decision(
        unseen_item, kind=DecisionKind.STRATEGY_DISCUSSION, detail=UNSEEN_DECISION, by=chair
    )
    action_owner = missing.referrer
    add_action(
        unseen_item,
        description=UNSEEN_ACTION,
        owner=action_owner,
        owner_agency=missing.school,
        created_by=chair,
        due_on=datetime.date(2026, 3, 12),
    )

    for agency, user, attendance in (
        (missing.csc, chair, AttendanceStatus.PRESENT),
        (missing.police, missing.officer, AttendanceStatus.PRESENT),
        (missing.school, None, AttendanceStatus.PRESENT),
        (world.health, world.health_member, AttendanceStatus.APOLOGIES),
    ):
        Attendance.objects.create(meeting=meeting, agency=agency, user=user, status=attendance)

    return MinutesWorld(
        world=world,
        meeting=meeting,
        seen=seen,
        unseen=unseen,
        seen_item=seen_item,
        unseen_item=unseen_item,
        theme_item=theme_item,
        action_owner=action_owner,
    )


def many_items_meeting(world: PanelWorld, count: int = 20) -> Meeting:
    """A held meeting with ``count`` children, each with a summary, a decision and an action."""
    missing = world.missing
    meeting = meeting_held(world, starts_at=MEETING_AT + datetime.timedelta(days=28))
    for number in range(1, count + 1):
        child = missing.new_child(first_names=f"Child{number:02d}", last_name="Longlist")
        item = add_item(
            meeting,
            number,
            person=child,
            discussion_summary=(
                f"Discussion of child {number}: missing episodes, school attendance, the plan and "
                "what the child said about it. " * 4
            ),
            views_given_how="Views gathered by the lead professional before the meeting.",
        )
        add_decision(
            item, kind=DecisionKind.PLAN_CHANGES, detail="Add a weekly check-in.", by=missing.lead
        )
        add_action(
            item,
            description="Arrange the weekly check-in and tell the school.",
            owner=missing.lead,
            owner_agency=missing.csc,
            created_by=missing.coordinator,
        )
    return meeting
