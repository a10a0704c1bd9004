"""The meeting record's pages through Django's test client: the record, attendance, an item's
discussion, decisions, actions and marking the meeting held."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.missing.tests.factories import frozen
from harbour.notifications.models import Notification
from harbour.panels import record
from harbour.panels.models import (
    Attendance,
    AttendanceStatus,
    Decision,
    MeetingStatus,
    PanelAction,
)
from harbour.panels.record import AttendanceEntry
from harbour.panels.tests.factories import PanelWorld
from harbour.panels.tests.record_factories import DURING, ReadyMeeting, ready_meeting

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def _assert_clean_page(body: str) -> None:
    """No inline styles or scripts without the nonce (the CSP refuses them)."""
    assert ' style="' not in body
    assert re.search(r"<script(?![^>]*nonce=)", body) is None


def _chair(world: PanelWorld) -> Client:
    return _client(world.missing.coordinator)


def _row_key(user: Any, agency: Any) -> str:
    return f"user_{user.pk.hex}_{agency.pk.hex}"


# The record page ----------------------------------------------------------------------------


def test_the_record_page_shows_items_attendance_and_quorum(north: PanelWorld) -> None:
    ready = ready_meeting(north, with_theme=True)
    chair = north.missing.coordinator
    record.attendance_record(
        actor=chair,
        meeting=ready.meeting,
        entries=[AttendanceEntry(agency=north.missing.csc, user=chair, status="present")],
        now=DURING,
    )
    with frozen(DURING):
        response = _chair(north).get(reverse("panels:record", args=[ready.meeting.pk]))
    assert response.status_code == 200
    body = _text(response)
    _assert_clean_page(body)
    assert "Jade Example" in body
    assert "Takeaways on the high street" in body
    assert "Not met" in body
    assert "Police not present" in body
    assert "Mark the meeting as held" in body
    assert reverse("panels:item_record", args=[ready.child_item.pk]) in body
    assert AuditEvent.objects.filter(
        action="panels.meeting_viewed", subject_id=str(ready.meeting.pk)
    ).exists()


def test_the_record_page_is_a_404_for_anyone_who_may_not_record(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    url = reverse("panels:record", args=[ready.meeting.pk])
    assert _client(north.missing.lead).get(url).status_code == 404
    assert _client(north.health_member).get(url).status_code == 404
    admin = user_with_role(Role.ADMINISTRATOR, north.missing.csc)
    assert _client(admin).get(url).status_code == 404
    refusals = AuditEvent.objects.filter(
        action="panels.meeting_change_refused", subject_id=str(ready.meeting.pk)
    )
    assert refusals.count() == 3


def test_an_unconfirmed_chair_gets_a_404(north: PanelWorld) -> None:
    ready = ready_meeting(north, confirm=False)
    response = _chair(north).get(reverse("panels:record", args=[ready.meeting.pk]))
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    response = Client().get(reverse("panels:record", args=[ready.meeting.pk]))
    assert response.status_code == 302


# Attendance ---------------------------------------------------------------------------------


def _attendance_post(world: PanelWorld, **overrides: str) -> dict[str, str]:
    missing = world.missing
    data = {
        _row_key(missing.coordinator, missing.csc): "present",
        _row_key(missing.lead, missing.csc): "apologies",
        _row_key(missing.officer, missing.police): "present",
        _row_key(world.health_member, world.health): "present",
        f"agency_{missing.school.pk.hex}": "present",
    }
    data.update(overrides)
    return data


def test_attendance_form_lists_members_and_agencies_without_one(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    response = _chair(north).get(reverse("panels:attendance", args=[ready.meeting.pk]))
    assert response.status_code == 200
    body = _text(response)
    _assert_clean_page(body)
    assert escape(f"{north.missing.officer} — {north.missing.police}") in body
    assert "govuk-radios--inline" in body
    assert escape(str(north.missing.school)) in body  # no member: an agency row
    assert "Not expected" in body


def test_attendance_is_saved_and_shown_on_the_record(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    client = _chair(north)
    response = client.post(
        reverse("panels:attendance", args=[ready.meeting.pk]), _attendance_post(north)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:record", args=[ready.meeting.pk])
    rows = Attendance.objects.filter(meeting=ready.meeting)
    assert rows.count() == 5
    assert rows.get(user__isnull=True).agency_id == north.missing.school.pk
    assert rows.get(user=north.missing.lead).status == AttendanceStatus.APOLOGIES
    body = _text(client.get(reverse("panels:record", args=[ready.meeting.pk])))
    assert 'govuk-tag--green">Met</strong>' in body
    assert "Not met" not in body


def test_a_member_left_without_a_choice_is_an_error(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    data = _attendance_post(north)
    del data[_row_key(north.missing.officer, north.missing.police)]
    response = _chair(north).post(reverse("panels:attendance", args=[ready.meeting.pk]), data)
    assert response.status_code == 200
    body = _text(response)
    assert "There is a problem" in body
    assert "<title>Error: " in body
    assert (
        escape(f"Select whether {north.missing.officer} was present, sent apologies or was absent")
        in body
    )
    assert not Attendance.objects.exists()


# An item's discussion -----------------------------------------------------------------------


def test_the_item_page_prompts_for_the_childs_voice(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    response = _chair(north).get(reverse("panels:item_record", args=[ready.child_item.pk]))
    assert response.status_code == 200
    body = _text(response)
    _assert_clean_page(body)
    assert escape("Say how the child's views were sought, or why they were not") in body
    assert reverse("panels:decision_add", args=[ready.child_item.pk]) in body
    assert reverse("panels:action_add", args=[ready.child_item.pk]) in body


def test_the_discussion_is_saved(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    url = reverse("panels:item_record", args=[ready.child_item.pk])
    response = _chair(north).post(
        url,
        {
            "discussion_summary": "The school and police shared what they know.",
            "child_attended": "on",
            "views_given_how": "Jade came for the first part.",
        },
    )
    assert response.status_code == 302
    ready.child_item.refresh_from_db()
    assert ready.child_item.child_attended is True
    assert ready.child_item.carers_attended is False
    assert ready.child_item.views_given_how == "Jade came for the first part."


def test_an_empty_discussion_is_an_error(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    url = reverse("panels:item_record", args=[ready.child_item.pk])
    response = _chair(north).post(url, {"discussion_summary": ""})
    assert response.status_code == 200
    assert "Enter a summary of what the panel discussed" in _text(response)


def test_item_pages_are_a_404_for_a_member_who_may_not_record(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    client = _client(north.missing.officer)
    item_id = ready.child_item.pk
    for name in ("panels:item_record", "panels:decision_add", "panels:action_add"):
        assert client.get(reverse(name, args=[item_id])).status_code == 404


# Decisions ----------------------------------------------------------------------------------


def test_a_decision_is_recorded_through_the_form(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    client = _chair(north)
    url = reverse("panels:decision_add", args=[ready.child_item.pk])
    page = _text(client.get(url))
    _assert_clean_page(page)
    assert escape("Only for 'Risk level agreed'.") in page
    response = client.post(
        url, {"kind": "risk_level_agreed", "risk_level": "high", "detail": "Agreed: high."}
    )
    assert response.status_code == 302
    decision = Decision.objects.get(item=ready.child_item)
    assert decision.risk_level == "high"
    item_page = _text(client.get(reverse("panels:item_record", args=[ready.child_item.pk])))
    assert "Risk level agreed: High" in item_page


def test_a_decision_missing_its_risk_level_shows_the_services_message(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    url = reverse("panels:decision_add", args=[ready.child_item.pk])
    response = _chair(north).post(url, {"kind": "risk_level_agreed", "detail": "Agreed."})
    assert response.status_code == 200
    body = _text(response)
    assert "There is a problem" in body
    assert 'href="#id_risk_level"' in body
    assert "Select the risk level the panel agreed" in body
    assert not Decision.objects.exists()


# Actions ------------------------------------------------------------------------------------


def _owner_value(user: Any, agency: Any) -> str:
    return f"{user.pk}:{agency.pk}"


def test_the_owner_list_puts_panel_members_first(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    body = _text(_chair(north).get(reverse("panels:action_add", args=[ready.child_item.pk])))
    _assert_clean_page(body)
    members_at = body.index('<optgroup label="Panel members">')
    others_at = body.index('<optgroup label="Others in the agencies serving the area">')
    officer = body.index(f'value="{_owner_value(north.missing.officer, north.missing.police)}"')
    front_door = body.index(f'value="{_owner_value(north.front_door, north.missing.csc)}"')
    assert members_at < officer < others_at < front_door


def test_an_action_is_agreed_and_its_owner_told(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    url = reverse("panels:action_add", args=[ready.child_item.pk])
    due = datetime.date(2027, 2, 25)
    response = _chair(north).post(
        url,
        {
            "description": "Visit the takeaway with licensing.",
            "owner": _owner_value(north.missing.officer, north.missing.police),
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
        },
    )
    assert response.status_code == 302
    action = PanelAction.objects.get()
    assert (action.owner_id, action.owner_agency_id, action.due_on) == (
        north.missing.officer.pk,
        north.missing.police.pk,
        due,
    )
    assert Notification.objects.filter(recipient=north.missing.officer).count() == 1


def test_an_action_form_with_problems_shows_them(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    url = reverse("panels:action_add", args=[ready.child_item.pk])
    response = _chair(north).post(
        url,
        {
            "description": "",
            "owner": "not-a-choice",
            "due_on_day": "10",
            "due_on_month": "2",
            "due_on_year": "2027",
        },
    )
    assert response.status_code == 200
    body = _text(response)
    assert "Enter what the action is" in body
    assert "Choose an owner from the list" in body
    assert not PanelAction.objects.exists()


# Marking the meeting held -------------------------------------------------------------------


def test_marking_held_without_quorum_warns_on_the_record(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    with frozen(DURING):  # sign in under the frozen clock too, or the session has expired
        client = _chair(north)
        response = client.post(reverse("panels:mark_held", args=[ready.meeting.pk]))
        assert response.status_code == 302
        body = _text(client.get(reverse("panels:record", args=[ready.meeting.pk])))
    ready.meeting.refresh_from_db()
    assert ready.meeting.status == MeetingStatus.HELD
    assert "Decisions at this meeting were made without quorum" in body
    assert "Police not present" in body
    assert "Mark the meeting as held" not in body


def test_marking_held_before_the_meeting_shows_why_not(north: PanelWorld) -> None:
    ready = ready_meeting(north)
    before = ready.meeting.starts_at - datetime.timedelta(hours=1)
    with frozen(before):
        response = _chair(north).post(reverse("panels:mark_held", args=[ready.meeting.pk]))
    assert response.status_code == 200
    body = _text(response)
    assert "There is a problem" in body
    assert "The meeting has not started yet" in body
    ready.meeting.refresh_from_db()
    assert ready.meeting.status == MeetingStatus.PUBLISHED


def test_mark_held_only_accepts_post(north: PanelWorld) -> None:
    ready: ReadyMeeting = ready_meeting(north)
    response = _chair(north).get(reverse("panels:mark_held", args=[ready.meeting.pk]))
    assert response.status_code == 405
