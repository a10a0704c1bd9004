"""A panel meeting end to end in Debian's Chromium, all through the pages: the chair confirms the
confidentiality agreement and prepares the agenda from Harbour's proposal; a health member, who
knows none of the children, confirms the agreement (after first forgetting to tick it) and reads
the pre-reads; the chair records attendance, the discussion, a decision and an action owned by
the police officer, and marks the meeting held; the officer updates the action from the tracker.
axe-core checks every page visited; the database is checked at the end."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from harbour.accounts.tests.factories import PASSWORD
from harbour.audit.models import AuditEvent
from harbour.panels.models import (
    AgendaReason,
    Attendance,
    AttendanceStatus,
    ConfidentialityConfirmation,
    Decision,
    Meeting,
    MeetingStatus,
    PanelAction,
    PanelActionStatus,
)
from harbour.panels.tests.factories import PanelWorld, assess, panel_world, route_to_panel
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Police link the older male seen with Ruby to a county line; school reports absences."
VIEWS = "Ruby met her social worker before the panel and asked for her words to be read out."
ACTION = "Joint visit with the social worker to talk to Ruby and her carer about the older male."


@pytest.fixture
def world() -> dict[str, Any]:
    """Northbrook's MACE (chaired by the coordinator) and a meeting that began an hour ago with a
    draft agenda; Ruby was routed to the panel at triage, Tom is at high risk with his review
    overdue."""
    north: PanelWorld = panel_world("northbrook", "Northbrook")
    now = timezone.now()
    for user, username in (
        (north.missing.coordinator, "chair"),
        (north.health_member, "health"),
        (north.missing.officer, "officer"),
    ):
        user.username = username
        user.save()
    ruby = north.missing.new_child(first_names="Ruby", last_name="Hartley")
    tom = north.missing.new_child(first_names="Tom", last_name="Ashby")
    route_to_panel(north, ruby, now - datetime.timedelta(days=3))
    assess(north, tom, now - datetime.timedelta(days=200), "high")
    meeting = north.meeting(now - datetime.timedelta(hours=1))
    return {"north": north, "meeting": meeting, "ruby": ruby, "tom": tom}


def _tick(page: Any, label: str) -> None:
    box = page.get_by_label(label)
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def test_chair_prepares_members_confirm_meeting_records_owner_updates(
    world: dict[str, Any], live_server: Any, page: Any
) -> None:
    base = live_server.url
    meeting: Meeting = world["meeting"]
    north: PanelWorld = world["north"]

    # The chair prepares the agenda.
    sign_in(page, base, "chair", PASSWORD)
    page.get_by_role("link", name="Panels", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Northbrook MACE").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Edit the agenda")).first.click()
    assert_accessible(page)
    expect(page.get_by_text("Ruby Hartley")).to_be_visible()
    page.get_by_role("button", name="Add the proposed children").click()
    assert_accessible(page)
    page.get_by_role("button", name="Move up Tom Ashby").click()
    assert_accessible(page)
    page.get_by_label("Theme, place or person of interest").fill("The retail park after dark")
    page.get_by_role("button", name="Add to the agenda").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the agenda").click()
    page.wait_for_load_state("load")
    page.goto(f"{base}/panels/meetings/{meeting.pk}/")
    assert_accessible(page)  # the confidentiality agreement
    _tick(page, "I confirm I will keep to this agreement for this meeting")
    page.get_by_role("button", name="Continue to the agenda").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", name=re.compile("Tom Ashby"))).to_be_visible()
    sign_out(page)

    # A member who knows none of the children confirms the agreement, then reads the pre-reads.
    sign_in(page, base, "health", PASSWORD)
    page.goto(f"{base}/panels/meetings/{meeting.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Continue to the agenda").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    _tick(page, "I confirm I will keep to this agreement for this meeting")
    page.get_by_role("button", name="Continue to the agenda").click()
    assert_accessible(page)
    expect(page.get_by_text("Routed to the panel at triage").first).to_be_visible()
    expect(page.get_by_text("Current risk: High").first).to_be_visible()
    sign_out(page)

    # The chair records the meeting.
    sign_in(page, base, "chair", PASSWORD)
    page.goto(f"{base}/panels/meetings/{meeting.pk}/")
    page.get_by_role("link", name=re.compile("Record the meeting")).click()
    assert_accessible(page)
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page)
    for person, status in (
        ("Cara", "Present"),
        ("Hana", "Present"),
        (north.missing.officer.first_name, "Present"),
        ("Lee", "Apologies"),
    ):
        page.get_by_role("group", name=re.compile(person)).get_by_label(status).check()
    page.get_by_role("button", name="Save attendance").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("for Ruby Hartley")).click()
    assert_accessible(page)
    page.get_by_label("Summary of the discussion").fill(SUMMARY)
    page.get_by_label("How were the child's views given?").fill(VIEWS)
    page.get_by_role("button", name="Save the discussion").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record a decision").click()
    assert_accessible(page)
    page.get_by_role("radio", name="Risk level agreed").check()
    page.get_by_role("combobox", name=re.compile("Risk level")).select_option(label="High")
    page.get_by_label("Details of the decision").fill("Agreed high: the county line link.")
    page.get_by_role("button", name=re.compile("decision")).click()
    assert_accessible(page)
    page.get_by_role("link", name="Agree an action").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("action", re.IGNORECASE)).last.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    due = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("What is the action?").fill(ACTION)
    officer = north.missing.officer
    page.get_by_label("Owner").select_option(f"{officer.pk}:{north.missing.police.pk}")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name=re.compile("action", re.IGNORECASE)).last.click()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the meeting record").click()
    page.get_by_role("button", name="Mark the meeting as held").click()
    assert_accessible(page)
    expect(page.get_by_text("Held").first).to_be_visible()
    sign_out(page)

    # The owner updates the action from the tracker.
    sign_in(page, base, "officer", PASSWORD)
    page.get_by_role("link", name="Panel actions").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Joint visit")).click()
    assert_accessible(page)
    page.get_by_label("In progress").check()
    page.get_by_label("Note").fill("Visit booked for Thursday with the social worker.")
    page.get_by_role("button", name="Save update").click()
    assert_accessible(page)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    items = list(meeting.items.order_by("order"))
    assert [item.person or item.title for item in items] == [
        world["tom"],
        world["ruby"],
        "The retail park after dark",
    ]
    assert items[1].reasons == [AgendaReason.ROUTED_AT_TRIAGE]
    assert items[0].reasons == [AgendaReason.HIGH_RISK_REVIEW_DUE]
    assert "Ruby Hartley" in items[1].pre_read
    assert items[1].discussion_summary == SUMMARY
    assert set(
        ConfidentialityConfirmation.objects.filter(meeting=meeting).values_list(
            "user__username", flat=True
        )
    ) == {"chair", "health"}
    assert Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).count() >= 3
    assert Decision.objects.get(item=items[1]).risk_level == "high"
    action = PanelAction.objects.get(item=items[1])
    assert (action.owner, action.due_on, action.status) == (
        officer,
        due,
        PanelActionStatus.IN_PROGRESS,
    )
    assert action.updates.get().note.startswith("Visit booked")
    for code in (
        "panels.agenda_published",
        "panels.confidentiality_confirmed",
        "panels.pre_read_viewed",
        "panels.action_created",
        "panels.meeting_held",
        "panels.action_updated",
    ):
        assert AuditEvent.objects.filter(action=code).exists(), code
