"""Panels for tests, on top of the missing, referral and assessment factories.

``panel_world`` is an area (from ``missing_world``) with a front door, a health agency whose
panel member knows none of the area's children, and the area's child-focused MACE chaired by the
coordinator. Records are created under ``frozen`` clocks through the owning apps' services;
``trigger_repeat_missing``, ``route_to_panel`` and ``assess`` make one child meet one agenda rule.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from harbour.accounts.models import Agency, AgencyType, Role, User
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.assessments.models import Assessment
from harbour.assessments.tests.factories import complete
from harbour.missing.models import RepeatMissingAlert
from harbour.missing.tests.factories import (
    MissingWorld,
    frozen,
    missing_world,
    record_return,
    report,
)
from harbour.panels.models import Meeting, MeetingStatus, Panel, PanelMember
from harbour.people.models import Person
from harbour.referrals import services as referral_services
from harbour.referrals.models import TriageRoute
from harbour.referrals.tests.factories import make_referral


@dataclasses.dataclass
class PanelWorld:
    missing: MissingWorld
    front_door: User
    health: Agency
    health_member: User
    panel: Panel

    @property
    def area(self) -> Any:
        return self.missing.area

    def child(self, name: str) -> Person:
        return self.missing.new_child(first_names=name, last_name="Example")

    def meeting(self, starts_at: datetime.datetime, **fields: Any) -> Meeting:
        values: dict[str, Any] = {"panel": self.panel, "starts_at": starts_at, "place": "Room 2"}
        values.update(fields)
        meeting: Meeting = Meeting.objects.create(**values)
        return meeting


def panel_world(code: str = "northbrook", name: str = "Northbrook") -> PanelWorld:
    missing = missing_world(code, name)
    health = AgencyFactory(
        name=f"{name} Health", agency_type=AgencyType.HEALTH, areas=[missing.area]
    )
    health_member = user_with_role(Role.PANEL_MEMBER, health, first_name="Hana", last_name="Health")
    panel = Panel.objects.create(
        type_key="child-mace",
        type_version=1,
        area=missing.area,
        name=f"{name} MACE",
        chair=missing.coordinator,
        terms_of_reference="Agree plans for children at risk of exploitation in the borough.",
    )
    for user, agency in (
        (missing.coordinator, missing.csc),
        (missing.lead, missing.csc),
        (missing.officer, missing.police),
        (health_member, health),
    ):
        PanelMember.objects.create(panel=panel, user=user, agency=agency)
    return PanelWorld(
        missing=missing,
        front_door=user_with_role(Role.FRONT_DOOR, missing.csc, first_name="Fran"),
        health=health,
        health_member=health_member,
        panel=panel,
    )


def route_to_panel(
    world: PanelWorld,
    person: Person,
    at: datetime.datetime,
    route: str = TriageRoute.PANEL_DISCUSSION,
) -> None:
    """A referral about ``person`` received and triaged to ``route`` at ``at``."""
    with frozen(at):
        referral = make_referral(actor=world.front_door, person=person)
        referral_services.referral_triage(
            actor=world.front_door,
            referral=referral,
            route=route,
            rationale="Several agencies hold pieces of the picture: the panel should meet.",
        )


def assess(world: PanelWorld, person: Person, at: datetime.datetime, level: str) -> Assessment:
    """An assessment of ``person`` completed at ``at`` at ``level`` (overriding if need be)."""
    with frozen(at):
        return complete(
            actor=world.missing.lead,
            person=person,
            level=level,
            override_reason="The practitioner knows more than the indicators show.",
        )


def trigger_repeat_missing(
    world: PanelWorld, person: Person, first: datetime.datetime
) -> RepeatMissingAlert:
    """Three missing episodes, a day apart from ``first``: the repeat-missing trigger fires."""
    for number in range(3):
        last_seen = first + datetime.timedelta(days=number)
        with frozen(last_seen + datetime.timedelta(hours=1)):
            episode, _ = report(world.missing, person=person, last_seen_at=last_seen)
        if number < 2:
            returned = last_seen + datetime.timedelta(hours=5)
            with frozen(returned):
                record_return(world.missing, episode, returned_at=returned)
    alert = RepeatMissingAlert.objects.filter(person=person).order_by("-fired_at").first()
    assert alert is not None, "the repeat-missing trigger did not fire"
    return alert


def published(meeting: Meeting, at: datetime.datetime) -> Meeting:
    """``meeting`` marked published at ``at`` (without going through the chair's service)."""
    meeting.status = MeetingStatus.PUBLISHED
    meeting.agenda_published_at = at
    meeting.save()
    return meeting
