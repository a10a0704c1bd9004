"""Setting up panels, their members and meetings, and editing a draft agenda: who may, what is
checked, what is audited, and that the agenda stays numbered 1, 2, 3 …"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from harbour.accounts.models import Membership, Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.missing.tests.factories import london
from harbour.panels import selectors, services
from harbour.panels.models import AgendaItem, Meeting, MeetingStatus, Panel, PanelMember
from harbour.panels.tests.factories import PanelWorld, published
from harbour.panels.tests.meetings_factories import (
    MEETING_AT,
    NOW,
    administrator,
    agenda_titles,
    draft_with_themes,
)

pytestmark = pytest.mark.django_db

TERMS = "Agree plans for children at risk of exploitation."


def _messages(error: pytest.ExceptionInfo[ServiceValidationError]) -> dict[str, list[str]]:
    return dict(error.value.message_dict)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _create(world: PanelWorld, **overrides: Any) -> Panel:
    values: dict[str, Any] = {
        "actor": world.missing.coordinator,
        "type_key": "child-mace",
        "area": world.area,
        "name": "Northbrook Missing Panel",
        "chair": world.missing.lead,
        "terms_of_reference": TERMS,
        "now": NOW,
    }
    values.update(overrides)
    return services.panel_create(**values)


# Setting up a panel ---------------------------------------------------------------------------


def test_a_coordinator_sets_up_a_panel_for_their_area(north: PanelWorld) -> None:
    panel = _create(north, name="  Northbrook Missing Panel ")

    assert panel.name == "Northbrook Missing Panel"
    assert (panel.type_key, panel.type_version, panel.area) == ("child-mace", 1, north.area)
    assert panel.chair == north.missing.lead
    [event] = _events("panels.panel_created")
    assert event.actor == north.missing.coordinator
    assert event.subject_id == str(panel.pk)
    assert event.after["type_version"] == 1


def test_a_coordinator_may_not_set_up_a_panel_for_another_area(
    north: PanelWorld, south: PanelWorld
) -> None:
    with pytest.raises(NotFoundOrForbidden):
        _create(north, area=south.area)
    assert not Panel.objects.filter(name="Northbrook Missing Panel").exists()
    [refusal] = _events("panels.panel_change_refused")
    assert refusal.actor == north.missing.coordinator


def test_a_coordinator_may_set_up_a_pan_area_panel(north: PanelWorld) -> None:
    panel = _create(north, type_key="strategic-mace", area=None, name="Strategic MACE")
    assert panel.area is None


def test_only_administrators_and_coordinators_set_up_panels(north: PanelWorld) -> None:
    with pytest.raises(NotFoundOrForbidden):
        _create(north, actor=north.missing.lead)
    with pytest.raises(NotFoundOrForbidden):
        _create(north, actor=north.health_member)
    assert len(_events("panels.panel_change_refused")) == 2

    panel = _create(north, actor=administrator())
    assert panel.area == north.area


def test_a_panel_type_must_be_in_the_current_policy_and_fit_the_area(north: PanelWorld) -> None:
    with pytest.raises(ServiceValidationError) as unknown:
        _create(north, type_key="csep")
    assert _messages(unknown) == {"type_key": ["Select the type of panel"]}

    with pytest.raises(ServiceValidationError) as no_area:
        _create(north, area=None)
    assert _messages(no_area) == {"area": ["Select the area this Child-focused MACE serves"]}

    with pytest.raises(ServiceValidationError) as with_area:
        _create(north, type_key="strategic-mace")
    assert "serves every area" in _messages(with_area)["area"][0]


def test_a_panel_name_is_unique_and_everything_is_required(north: PanelWorld) -> None:
    with pytest.raises(ServiceValidationError) as taken:
        _create(north, name="northbrook mace")
    assert _messages(taken) == {
        "name": ["There is already a panel called northbrook mace: choose another name"]
    }

    with pytest.raises(ServiceValidationError) as empty:
        _create(north, name=" ", chair=None, terms_of_reference="")
    assert _messages(empty) == {
        "name": ["Enter the panel's name"],
        "chair": ["Choose the panel's chair"],
        "terms_of_reference": ["Enter the panel's terms of reference"],
    }


def test_a_chair_must_be_active_and_see_childrens_records(north: PanelWorld) -> None:
    with pytest.raises(ServiceValidationError) as no_case_content:
        _create(north, chair=administrator())
    assert "working with children's records" in _messages(no_case_content)["chair"][0]

    north.missing.officer.is_active = False
    north.missing.officer.save()
    with pytest.raises(ServiceValidationError) as inactive:
        _create(north, chair=north.missing.officer)
    assert "chair" in _messages(inactive)


# Changing a panel ----------------------------------------------------------------------------


def test_the_chair_changes_the_panel_and_the_change_is_audited(north: PanelWorld) -> None:
    panel = services.panel_update(
        actor=north.missing.coordinator,
        panel=north.panel,
        name="Northbrook exploitation panel",
        chair=north.missing.officer,
        terms_of_reference=north.panel.terms_of_reference,
        now=NOW,
    )
    panel.refresh_from_db()
    assert (panel.name, panel.chair) == ("Northbrook exploitation panel", north.missing.officer)
    [event] = _events("panels.panel_changed")
    assert event.before == {"chair": str(north.missing.coordinator.pk), "name": "Northbrook MACE"}
    assert event.after["name"] == "Northbrook exploitation panel"
    assert "terms_of_reference" not in (event.after or {})


def test_a_member_who_does_not_manage_the_panel_may_not_change_it(north: PanelWorld) -> None:
    with pytest.raises(NotFoundOrForbidden):
        services.panel_update(
            actor=north.health_member,
            panel=north.panel,
            name="Renamed",
            chair=north.health_member,
            terms_of_reference=TERMS,
            now=NOW,
        )
    north.panel.refresh_from_db()
    assert north.panel.name == "Northbrook MACE"
    assert len(_events("panels.panel_change_refused")) == 1


def test_a_renamed_panel_keeps_names_unique(north: PanelWorld, south: PanelWorld) -> None:
    with pytest.raises(ServiceValidationError) as taken:
        services.panel_update(
            actor=north.missing.coordinator,
            panel=north.panel,
            name="Southmere MACE",
            chair=north.missing.coordinator,
            terms_of_reference=TERMS,
            now=NOW,
        )
    assert "already a panel called Southmere MACE" in _messages(taken)["name"][0]


# Members -------------------------------------------------------------------------------------


def test_members_are_added_once_removed_and_added_again(north: PanelWorld) -> None:
    coordinator = north.missing.coordinator
    referrer = north.missing.referrer
    member = services.panel_member_add(
        actor=coordinator, panel=north.panel, user=referrer, agency=north.missing.school, now=NOW
    )
    assert member.is_active
    assert member.agency == north.missing.school

    with pytest.raises(ServiceValidationError) as twice:
        services.panel_member_add(
            actor=coordinator,
            panel=north.panel,
            user=referrer,
            agency=north.missing.school,
            now=NOW,
        )
    assert _messages(twice) == {"member": ["Sam School is already a member of this panel"]}

    services.panel_member_remove(actor=coordinator, member=member, now=NOW)
    member.refresh_from_db()
    assert not member.is_active

    again = services.panel_member_add(
        actor=coordinator, panel=north.panel, user=referrer, agency=north.missing.school, now=NOW
    )
    assert again.pk == member.pk
    assert again.is_active
    assert PanelMember.objects.filter(panel=north.panel, user=referrer).count() == 1
    events = _events("panels.panel_changed")
    assert [("member_added" in e.after, e.after.get("reactivated")) for e in events] == [
        (True, False),
        (False, None),
        (True, True),
    ]


def test_a_member_must_work_for_the_agency_they_sit_for(north: PanelWorld) -> None:
    with pytest.raises(ServiceValidationError) as wrong_agency:
        services.panel_member_add(
            actor=north.missing.coordinator,
            panel=north.panel,
            user=north.missing.referrer,
            agency=north.missing.police,
            now=NOW,
        )
    assert _messages(wrong_agency) == {
        "member": ["Sam School does not work for Northbrook Police in Harbour: choose someone else"]
    }

    Membership.objects.filter(user=north.missing.referrer).update(is_active=False)
    with pytest.raises(ServiceValidationError):
        services.panel_member_add(
            actor=north.missing.coordinator,
            panel=north.panel,
            user=north.missing.referrer,
            agency=north.missing.school,
            now=NOW,
        )


def test_only_managers_add_and_remove_members(north: PanelWorld) -> None:
    member = PanelMember.objects.get(panel=north.panel, user=north.missing.officer)
    with pytest.raises(NotFoundOrForbidden):
        services.panel_member_remove(actor=north.health_member, member=member, now=NOW)
    with pytest.raises(NotFoundOrForbidden):
        services.panel_member_add(
            actor=north.missing.officer,
            panel=north.panel,
            user=north.missing.referrer,
            agency=north.missing.school,
            now=NOW,
        )
    member.refresh_from_db()
    assert member.is_active
    assert len(_events("panels.panel_change_refused")) == 2


def test_a_coordinator_of_the_area_manages_a_panel_they_do_not_chair(north: PanelWorld) -> None:
    other_coordinator = user_with_role(Role.COORDINATOR, north.missing.police)
    member = PanelMember.objects.get(panel=north.panel, user=north.missing.officer)
    services.panel_member_remove(actor=other_coordinator, member=member, now=NOW)
    member.refresh_from_db()
    assert not member.is_active


# Scheduling meetings -------------------------------------------------------------------------


def test_the_chair_schedules_a_meeting(north: PanelWorld) -> None:
    meeting = services.meeting_schedule(
        actor=north.missing.coordinator,
        panel=north.panel,
        starts_at=MEETING_AT,
        place="",
        call_details="  Teams: link in the invitation ",
        now=NOW,
    )
    assert meeting.status == MeetingStatus.DRAFT
    assert (meeting.place, meeting.call_details) == ("", "Teams: link in the invitation")
    [event] = _events("panels.meeting_scheduled")
    assert event.subject_id == str(meeting.pk)
    assert event.after["starts_at"] == MEETING_AT.isoformat()


def test_a_meeting_needs_a_place_or_call_and_a_time_in_the_future(north: PanelWorld) -> None:
    with pytest.raises(ServiceValidationError) as error:
        services.meeting_schedule(
            actor=north.missing.coordinator,
            panel=north.panel,
            starts_at=NOW - datetime.timedelta(minutes=1),
            place=" ",
            call_details="",
            now=NOW,
        )
    assert _messages(error) == {
        "starts_at": ["The meeting must start in the future"],
        "place": ["Enter where the meeting is held, or the details of the call, or both"],
    }
    with pytest.raises(ServiceValidationError) as at_now:
        services.meeting_schedule(
            actor=north.missing.coordinator,
            panel=north.panel,
            starts_at=NOW,
            place="Room 1",
            call_details="",
            now=NOW,
        )
    assert list(_messages(at_now)) == ["starts_at"]
    assert not Meeting.objects.exists()


def test_a_member_who_does_not_manage_the_panel_may_not_schedule(north: PanelWorld) -> None:
    with pytest.raises(NotFoundOrForbidden):
        services.meeting_schedule(
            actor=north.missing.lead,
            panel=north.panel,
            starts_at=MEETING_AT,
            place="Room 1",
            call_details="",
            now=NOW,
        )
    assert not Meeting.objects.exists()
    assert len(_events("panels.panel_change_refused")) == 1


def test_the_next_meeting_date_is_suggested_from_the_panel_type(north: PanelWorld) -> None:
    assert selectors.suggested_meeting_date(panel=north.panel, now=NOW) is None
    north.meeting(london(2027, 1, 28, 10, 0))
    # Every 14 days for a child-focused MACE.
    assert selectors.suggested_meeting_date(panel=north.panel, now=NOW) == datetime.date(
        2027, 2, 11
    )
    # Long after the last meeting: the next date on the same rhythm after today.
    later = london(2027, 3, 1, 9, 0)
    assert selectors.suggested_meeting_date(panel=north.panel, now=later) == datetime.date(
        2027, 3, 11
    )


# Editing the draft agenda --------------------------------------------------------------------


def test_the_chair_adds_themes_to_the_end_of_the_agenda(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "Takeaways on the high street", "Taxi rank at night")
    assert agenda_titles(meeting) == [
        (1, "Takeaways on the high street"),
        (2, "Taxi rank at night"),
    ]
    events = _events("panels.agenda_item_added")
    assert [event.after["order"] for event in events] == [1, 2]

    with pytest.raises(ServiceValidationError) as empty:
        services.agenda_item_add_theme(
            actor=north.missing.coordinator, meeting=meeting, title="  ", now=NOW
        )
    assert _messages(empty) == {
        "title": ["Enter the theme, place or person of interest to discuss"]
    }


def test_only_the_chair_edits_the_agenda_and_only_while_it_is_a_draft(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "Parks")
    item = AgendaItem.objects.get(meeting=meeting)
    for attempt in (
        lambda: services.agenda_item_add_theme(
            actor=north.missing.lead, meeting=meeting, title="Hotels", now=NOW
        ),
        lambda: services.agenda_item_remove(actor=north.missing.lead, item=item, now=NOW),
        lambda: services.agenda_item_move(
            actor=north.missing.lead, item=item, direction="down", now=NOW
        ),
    ):
        with pytest.raises(NotFoundOrForbidden):
            attempt()
    assert len(_events("panels.agenda_change_refused")) == 3

    published(meeting, NOW)
    with pytest.raises(ServiceValidationError) as after_publication:
        services.agenda_item_add_theme(
            actor=north.missing.coordinator, meeting=meeting, title="Hotels", now=NOW
        )
    assert _messages(after_publication) == {
        "agenda": ["The agenda has been published: it can no longer be changed"]
    }
    with pytest.raises(ServiceValidationError):
        services.agenda_item_remove(actor=north.missing.coordinator, item=item, now=NOW)
    assert agenda_titles(meeting) == [(1, "Parks")]


def test_removing_an_item_numbers_the_rest_from_one(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "A", "B", "C", "D")
    second = AgendaItem.objects.get(meeting=meeting, title="B")
    services.agenda_item_remove(actor=north.missing.coordinator, item=second, now=NOW)
    assert agenda_titles(meeting) == [(1, "A"), (2, "C"), (3, "D")]

    first = AgendaItem.objects.get(meeting=meeting, title="A")
    services.agenda_item_remove(actor=north.missing.coordinator, item=first, now=NOW)
    assert agenda_titles(meeting) == [(1, "C"), (2, "D")]
    events = _events("panels.agenda_item_removed")
    assert [(event.before["title"], event.before["order"]) for event in events] == [
        ("B", 2),
        ("A", 1),
    ]


def test_moving_an_item_swaps_it_with_its_neighbour(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "A", "B", "C")
    chair = north.missing.coordinator

    def move(title: str, direction: str) -> None:
        item = AgendaItem.objects.get(meeting=meeting, title=title)
        services.agenda_item_move(actor=chair, item=item, direction=direction, now=NOW)

    move("C", "up")
    assert agenda_titles(meeting) == [(1, "A"), (2, "C"), (3, "B")]
    move("A", "down")
    assert agenda_titles(meeting) == [(1, "C"), (2, "A"), (3, "B")]
    # The first cannot go higher, the last no lower: nothing changes and nothing is audited.
    move("C", "up")
    move("B", "down")
    assert agenda_titles(meeting) == [(1, "C"), (2, "A"), (3, "B")]
    events = _events("panels.agenda_reordered")
    assert [(event.before["order"], event.after["order"]) for event in events] == [
        (3, 2),
        (1, 2),
    ]

    with pytest.raises(ServiceValidationError):
        move("A", "sideways")


def test_moving_works_across_gaps_left_by_children_and_themes(north: PanelWorld) -> None:
    meeting = draft_with_themes(north, "Theme")
    child = north.child("Jade")
    AgendaItem.objects.create(meeting=meeting, person=child, reasons=["agency_request"], order=5)
    item = AgendaItem.objects.get(meeting=meeting, person=child)
    services.agenda_item_move(actor=north.missing.coordinator, item=item, direction="up", now=NOW)
    assert agenda_titles(meeting) == [(1, "Jade"), (5, "Theme")]
