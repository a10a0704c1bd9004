"""The meeting record's services: who may record, attendance and quorum, each item's discussion,
decisions, actions (with the owner told), and marking the meeting held (clock passed in)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.assessments.tests.factories import complete
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.missing.tests.factories import frozen
from harbour.notifications.models import Notification
from harbour.panels import record
from harbour.panels.models import (
    AgencyDiscussionRequest,
    Attendance,
    AttendanceStatus,
    DecisionKind,
    MeetingStatus,
    PanelAction,
)
from harbour.panels.record import AttendanceEntry
from harbour.panels.tests.factories import PanelWorld
from harbour.panels.tests.record_factories import (
    DURING,
    MEETING_STARTS,
    PUBLISHED_AT,
    confirm_for,
    join_panel,
    ready_meeting,
)

pytestmark = pytest.mark.django_db

PRESENT = AttendanceStatus.PRESENT
APOLOGIES = AttendanceStatus.APOLOGIES


def _events(action: str, subject_id: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, subject_id=str(subject_id)))


def _quorate(world: PanelWorld) -> list[AttendanceEntry]:
    missing = world.missing
    return [
        AttendanceEntry(agency=missing.csc, user=missing.coordinator, status=PRESENT),
        AttendanceEntry(agency=missing.police, user=missing.officer, status=PRESENT),
        AttendanceEntry(agency=world.health, user=world.health_member, status=PRESENT),
        AttendanceEntry(agency=missing.csc, user=missing.lead, status=APOLOGIES),
    ]


def _messages(error: pytest.ExceptionInfo[ServiceValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# Who may record -----------------------------------------------------------------------------


def test_the_confirmed_chair_may_record_a_published_meeting(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    assert record.may_record(north.missing.coordinator, ready.meeting)


def test_an_unconfirmed_chair_is_refused_and_the_refusal_audited(north: PanelWorld) -> None:
    ready = ready_meeting(north, confirm=False)
    chair = north.missing.coordinator
    assert not record.may_record(chair, ready.meeting)
    with pytest.raises(NotFoundOrForbidden):
        record.attendance_record(
            actor=chair, meeting=ready.meeting, entries=_quorate(north), now=DURING
        )
    assert not Attendance.objects.exists()
    refusals = _events("panels.meeting_change_refused", ready.meeting.pk)
    assert [event.actor_id for event in refusals] == [chair.pk]


def test_a_draft_meeting_has_no_record_yet(north: PanelWorld) -> None:
    meeting = north.meeting(MEETING_STARTS)
    # Confirmation is possible for a draft too; recording is not.
    confirm_for(north.missing.coordinator, meeting)
    assert not record.may_record(north.missing.coordinator, meeting)


def test_a_coordinator_managing_the_panel_may_record_once_confirmed(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    other = user_with_role(Role.COORDINATOR, north.missing.csc, first_name="Kit")
    join_panel(north, other, north.missing.csc)
    assert not record.may_record(other, ready.meeting)
    confirm_for(other, ready.meeting)
    assert record.may_record(other, ready.meeting)


def test_members_who_do_not_run_the_panel_and_administrators_may_not(
    north: PanelWorld,
) -> None:
    ready = ready_meeting(north)
    lead = north.missing.lead  # an active member, not a coordinator
    confirm_for(lead, ready.meeting)
    admin = user_with_role(Role.ADMINISTRATOR, north.missing.csc, first_name="Ada")
    join_panel(north, admin, north.missing.csc)
    confirm_for(admin, ready.meeting)
    assert not record.may_record(lead, ready.meeting)
    assert not record.may_record(admin, ready.meeting)  # no case content, though may manage


def test_a_coordinator_from_another_area_may_not(north: PanelWorld, south: PanelWorld) -> None:
    ready = ready_meeting(north)
    outsider = south.missing.coordinator
    join_panel(north, outsider, south.missing.csc)
    confirm_for(outsider, ready.meeting)
    assert not record.may_record(outsider, ready.meeting)


# Attendance and quorum ----------------------------------------------------------------------


def test_attendance_is_recorded_with_quorum_in_the_audit(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    rows = record.attendance_record(
        actor=north.missing.coordinator, meeting=ready.meeting, entries=_quorate(north), now=DURING
    )
    assert len(rows) == 4
    assert record.quorum_shortfall(ready.meeting) == []
    (event,) = _events("panels.attendance_recorded", ready.meeting.pk)
    assert event.after["present"] == 3
    assert event.after["apologies"] == 1
    assert event.after["absent"] == 0
    assert event.after["quorum_met"] is True


def test_attendance_replaces_what_was_recorded(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    chair = north.missing.coordinator
    record.attendance_record(
        actor=chair, meeting=ready.meeting, entries=_quorate(north), now=DURING
    )
    only_school = [AttendanceEntry(agency=north.missing.school, user=None, status=PRESENT)]
    record.attendance_record(actor=chair, meeting=ready.meeting, entries=only_school, now=DURING)
    rows = list(Attendance.objects.filter(meeting=ready.meeting))
    assert [(row.agency_id, row.user_id) for row in rows] == [(north.missing.school.pk, None)]
    latest = AuditEvent.objects.filter(action="panels.attendance_recorded").order_by("-id")[0]
    assert latest.after["quorum_met"] is False


def test_attendance_replacement_is_all_or_nothing(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    chair = north.missing.coordinator
    record.attendance_record(
        actor=chair, meeting=ready.meeting, entries=_quorate(north), now=DURING
    )
    only_school = [AttendanceEntry(agency=north.missing.school, user=None, status=PRESENT)]
    with (
        mock.patch("harbour.panels.record.record_event", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        record.attendance_record(
            actor=chair, meeting=ready.meeting, entries=only_school, now=DURING
        )
    assert Attendance.objects.filter(meeting=ready.meeting).count() == 4


def test_a_named_person_must_work_for_the_agency_they_attend_for(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    wrong = [AttendanceEntry(agency=north.missing.police, user=north.missing.lead, status=PRESENT)]
    with pytest.raises(ServiceValidationError) as error:
        record.attendance_record(
            actor=north.missing.coordinator, meeting=ready.meeting, entries=wrong, now=DURING
        )
    assert _messages(error) == {
        "attendance": [f"{north.missing.lead} does not work for {north.missing.police}"]
    }
    assert not Attendance.objects.exists()


def test_an_agency_without_a_named_person_is_listed_once(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    twice = [
        AttendanceEntry(agency=north.missing.school, user=None, status=PRESENT),
        AttendanceEntry(agency=north.missing.school, user=None, status=APOLOGIES),
    ]
    with pytest.raises(ServiceValidationError) as error:
        record.attendance_record(
            actor=north.missing.coordinator, meeting=ready.meeting, entries=twice, now=DURING
        )
    assert _messages(error)["attendance"] == [
        f"{north.missing.school} is listed twice without a named person"
    ]


def test_the_quorum_shortfall_names_what_is_missing(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    chair = north.missing.coordinator
    entries = [
        AttendanceEntry(agency=north.missing.csc, user=chair, status=PRESENT),
        AttendanceEntry(agency=north.missing.police, user=north.missing.officer, status=APOLOGIES),
    ]
    record.attendance_record(actor=chair, meeting=ready.meeting, entries=entries, now=DURING)
    assert record.quorum_shortfall(ready.meeting) == [
        "Police not present",
        "1 agency present: at least 3 needed",
    ]


# An item's discussion -----------------------------------------------------------------------


def test_an_item_discussion_is_recorded_and_audited(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    item = record.item_record(
        actor=north.missing.coordinator,
        item=ready.child_item,
        discussion_summary="  Jade has been seen with older men near the station.  ",
        child_attended=False,
        carers_attended=True,
        views_given_how="",
        now=DURING,
    )
    item.refresh_from_db()
    assert item.discussion_summary == "Jade has been seen with older men near the station."
    assert (item.child_attended, item.carers_attended) == (False, True)
    assert not record.needs_child_voice_prompt(item)
    (event,) = _events("panels.item_recorded", item.pk)
    assert event.after["carers_attended"] is True
    assert event.after["discussion_recorded"] is True


def test_no_child_voice_is_allowed_but_prompted(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    item = record.item_record(
        actor=north.missing.coordinator,
        item=ready.child_item,
        discussion_summary="Discussed the school's concerns.",
        child_attended=False,
        carers_attended=False,
        views_given_how=" ",
        now=DURING,
    )
    assert record.needs_child_voice_prompt(item)


def test_an_item_needs_a_summary_and_a_theme_has_no_child(north: PanelWorld) -> None:
    ready = ready_meeting(north, with_theme=True)
    chair = north.missing.coordinator
    with pytest.raises(ServiceValidationError) as error:
        record.item_record(
            actor=chair,
            item=ready.child_item,
            discussion_summary="   ",
            child_attended=True,
            carers_attended=False,
            views_given_how="",
            now=DURING,
        )
    assert _messages(error) == {
        "discussion_summary": ["Enter a summary of what the panel discussed"]
    }
    assert ready.theme_item is not None
    with pytest.raises(ServiceValidationError) as error:
        record.item_record(
            actor=chair,
            item=ready.theme_item,
            discussion_summary="Three takeaways flagged.",
            child_attended=True,
            carers_attended=False,
            views_given_how="",
            now=DURING,
        )
    assert list(_messages(error)) == ["child_attended"]


# Decisions ----------------------------------------------------------------------------------


def test_a_decision_is_recorded_and_audited(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    decision = record.decision_record(
        actor=north.missing.coordinator,
        item=ready.child_item,
        kind=DecisionKind.RISK_LEVEL_AGREED,
        detail="The panel agreed the risk is high.",
        risk_level="high",
        now=DURING,
    )
    assert (decision.risk_level, decision.recorded_at) == ("high", DURING)
    (event,) = _events("panels.decision_recorded", decision.pk)
    assert event.after["kind"] == "risk_level_agreed"
    assert event.after["risk_level"] == "high"
    assert [row.risk_level_label for row in record.decision_rows(ready.child_item)] == ["High"]


@pytest.mark.parametrize(
    ("kind", "detail", "risk_level", "expected"),
    [
        ("other", " ", "", {"detail": ["Enter what the panel decided"]}),
        (
            "risk_level_agreed",
            "Agreed.",
            "",
            {"risk_level": ["Select the risk level the panel agreed"]},
        ),
        (
            "risk_level_agreed",
            "Agreed.",
            "extreme",
            {"risk_level": ["Select a risk level from the list"]},
        ),
        (
            "plan_changes",
            "Add a safety plan.",
            "high",
            {
                "risk_level": [
                    "Leave the risk level empty unless the decision is 'Risk level agreed'"
                ]
            },
        ),
        ("shrug", "Agreed.", "", {"kind": ["Select what kind of decision the panel made"]}),
    ],
)
def test_decision_validation(
    north: PanelWorld, kind: str, detail: str, risk_level: str, expected: dict[str, list[str]]
) -> None:
    ready = ready_meeting(north)
    with pytest.raises(ServiceValidationError) as error:
        record.decision_record(
            actor=north.missing.coordinator,
            item=ready.child_item,
            kind=kind,
            detail=detail,
            risk_level=risk_level,
            now=DURING,
        )
    assert _messages(error) == expected


def test_risk_levels_come_from_the_childs_current_assessment_catalogue(
    north: PanelWorld,
) -> None:
    ready = ready_meeting(north)
    person = ready.child_item.person
    assert person is not None
    with frozen(PUBLISHED_AT):
        complete(
            actor=north.missing.lead,
            person=person,
            level="medium",
            override_reason="The practitioner knows more than the indicators show.",
        )
    catalogue = record.decision_catalogue(ready.child_item)
    assert catalogue.label == "exploitation.v1"
    assert catalogue.level_ids == ("low", "medium", "high")


# Actions ------------------------------------------------------------------------------------


def test_an_action_is_created_audited_and_its_owner_told(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    owner = north.missing.officer
    due = datetime.date(2027, 2, 25)
    action = record.action_create(
        actor=north.missing.coordinator,
        item=ready.child_item,
        description="Visit the takeaway with licensing.",
        owner=owner,
        owner_agency=north.missing.police,
        due_on=due,
        now=DURING,
    )
    assert (action.meeting_id, action.panel_id) == (ready.meeting.pk, north.panel.pk)
    assert action.created_by_id == north.missing.coordinator.pk
    (event,) = _events("panels.action_created", action.pk)
    assert event.after["owner"] == str(owner.pk)
    assert event.after["owner_agency"] == str(north.missing.police.pk)
    assert event.after["due_on"] == "2027-02-25"
    notification = Notification.objects.get(recipient=owner)
    assert notification.link_url == f"/panels/actions/{action.pk}/"
    assert notification.subject_id == str(action.pk)
    assert "Jade" not in notification.body  # it is e-mailed: no child's name


def test_an_owner_must_work_for_the_agency(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    with pytest.raises(ServiceValidationError) as error:
        record.action_create(
            actor=north.missing.coordinator,
            item=ready.child_item,
            description="Share the intelligence.",
            owner=north.missing.lead,
            owner_agency=north.missing.police,
            due_on=datetime.date(2027, 2, 25),
            now=DURING,
        )
    assert _messages(error) == {
        "owner": [
            f"{north.missing.lead} does not hold an active role at {north.missing.police}: "
            "choose someone who works there"
        ]
    }
    assert not PanelAction.objects.exists()
    assert not Notification.objects.exists()


def test_an_action_needs_a_description_and_a_due_date_from_the_meeting_day(
    north: PanelWorld,
) -> None:
    ready = ready_meeting(north)
    with pytest.raises(ServiceValidationError) as error:
        record.action_create(
            actor=north.missing.coordinator,
            item=ready.child_item,
            description=" ",
            owner=north.missing.officer,
            owner_agency=north.missing.police,
            due_on=datetime.date(2027, 2, 10),
            now=DURING,
        )
    assert _messages(error) == {
        "description": ["Enter what the action is"],
        "due_on": ["The due date must be on or after the meeting's day, 11 February 2027"],
    }
    # The meeting's own day is allowed.
    record.action_create(
        actor=north.missing.coordinator,
        item=ready.child_item,
        description="Call the school today.",
        owner=north.missing.officer,
        owner_agency=north.missing.police,
        due_on=datetime.date(2027, 2, 11),
        now=DURING,
    )


def test_an_owner_from_an_agency_outside_the_area_is_refused(
    north: PanelWorld, south: PanelWorld
) -> None:
    ready = ready_meeting(north)
    with pytest.raises(ServiceValidationError) as error:
        record.action_create(
            actor=north.missing.coordinator,
            item=ready.child_item,
            description="Check the southern address.",
            owner=south.missing.officer,
            owner_agency=south.missing.police,
            due_on=datetime.date(2027, 2, 25),
            now=DURING,
        )
    assert _messages(error) == {"owner": ["Choose an owner from an agency that serves Northbrook"]}


# Marking the meeting held -------------------------------------------------------------------


def test_a_meeting_is_held_only_once_it_has_started(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    with pytest.raises(ServiceValidationError) as error:
        record.meeting_mark_held(
            actor=north.missing.coordinator,
            meeting=ready.meeting,
            now=MEETING_STARTS - datetime.timedelta(minutes=1),
        )
    assert list(_messages(error)) == ["meeting"]
    ready.meeting.refresh_from_db()
    assert ready.meeting.status == MeetingStatus.PUBLISHED


def test_marking_held_closes_the_items_requests_and_audits_quorum(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    chair = north.missing.coordinator
    unrelated = AgencyDiscussionRequest.objects.create(
        person=north.child("Mia"),
        area=north.area,
        agency=north.missing.school,
        requested_by=north.missing.referrer,
        reason="Not on this agenda: stays open.",
        requested_at=PUBLISHED_AT,
    )
    meeting = record.meeting_mark_held(actor=chair, meeting=ready.meeting, now=DURING)
    assert meeting.status == MeetingStatus.HELD
    ready.request.refresh_from_db()
    unrelated.refresh_from_db()
    assert ready.request.closed_at == DURING
    assert unrelated.closed_at is None
    (event,) = _events("panels.meeting_held", meeting.pk)
    assert event.after["quorum_met"] is False
    assert "Police not present" in event.after["quorum_missing"]
    assert event.after["requests_closed"] == [str(ready.request.pk)]

    with pytest.raises(ServiceValidationError):
        record.meeting_mark_held(actor=chair, meeting=meeting, now=DURING)


def test_a_held_meetings_record_can_still_be_corrected(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    chair = north.missing.coordinator
    record.meeting_mark_held(actor=chair, meeting=ready.meeting, now=DURING)
    ready.meeting.refresh_from_db()
    assert record.may_record(chair, ready.meeting)
    record.attendance_record(
        actor=chair, meeting=ready.meeting, entries=_quorate(north), now=DURING
    )
    (event,) = _events("panels.attendance_recorded", ready.meeting.pk)
    assert event.after["meeting_held"] is True
