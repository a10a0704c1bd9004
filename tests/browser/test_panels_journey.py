"""Issue 6 end to end in Debian's Chromium: the chair prepares an agenda, members confirm
confidentiality, the meeting records decisions and actions, an owner updates an action.

Northbrook's MACE meets; its draft agenda has two children Harbour proposes (Mia, routed to the
panel at triage, and Kai, at high risk with his review due). Everything happens through the pages,
by link and button, with the keyboard where a person would use it (ticking the agreement,
choosing radios, following an error summary's link to the field):

1. The chair opens the meeting from Panels, is sent to the confidentiality agreement, confirms
   it, then adds the proposed children, moves Kai up, adds a theme and publishes.
2. Kai is reassessed after publication: the pre-read stays as it was published.
3. The health member, who knows neither child, forgets to tick the agreement, follows the error
   summary to the box, confirms, and reads the frozen pre-reads.
4. The chair records attendance, Kai's discussion and how his views were given, a decision and
   an action for the police officer (first without saying what it is), marks the meeting held
   and reads the minutes.
5. The officer finds the action in the tracker and updates it to "In progress" with a note.

axe-core checks every page visited; the database and the audit log are checked at the end.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from harbour.accounts.models import User
from harbour.accounts.tests.factories import PASSWORD
from harbour.audit.models import AuditEvent
from harbour.core.templatetags.govuk import govuk_date
from harbour.panels.models import (
    AgendaReason,
    Attendance,
    AttendanceStatus,
    ConfidentialityConfirmation,
    Decision,
    DecisionKind,
    Meeting,
    MeetingStatus,
    PanelAction,
    PanelActionStatus,
)
from harbour.panels.tests.factories import PanelWorld, assess, panel_world, route_to_panel
from harbour.people.models import Person
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREEMENT = "I confirm I will keep to this agreement for this meeting"
THEME = "The bus station after school"
DISCUSSION = (
    "Police link the car seen collecting Kai to a county line; his school attendance is down."
)
VIEWS = "His youth worker met Kai on Monday; he asked the panel to know he wants to stay at school."
DECISION = "Agreed high: the county line link outweighs the recent calmer weeks."
ACTION = "Visit Kai and his mother with the youth worker about the car and its driver."
UPDATE_NOTE = "Visit booked for Thursday afternoon with the youth worker."


@dataclasses.dataclass
class Journey:
    north: PanelWorld
    meeting: Meeting
    mia: Person
    kai: Person

    @property
    def chair(self) -> User:
        return self.north.missing.coordinator

    @property
    def health(self) -> User:
        return self.north.health_member

    @property
    def officer(self) -> User:
        return self.north.missing.officer

    @property
    def lead(self) -> User:
        return self.north.missing.lead


@pytest.fixture
def journey() -> Journey:
    """Northbrook's MACE, chaired by the coordinator, with the lead professional, the police
    exploitation officer and a health member who knows none of the children; a meeting that
    started an hour ago with its agenda still a draft. Mia was routed to the panel at triage three
    days ago; Kai was assessed at high risk 200 days ago and his review is overdue."""
    north = panel_world("northbrook", "Northbrook")
    now = timezone.now()
    for user, username in (
        (north.missing.coordinator, "chair"),
        (north.health_member, "health"),
        (north.missing.officer, "officer"),
        (north.missing.lead, "lead"),
    ):
        user.username = username
        user.save(update_fields=["username"])
    mia = north.missing.new_child(first_names="Mia", last_name="Thornton")
    kai = north.missing.new_child(first_names="Kai", last_name="Redfern")
    route_to_panel(north, mia, now - datetime.timedelta(days=3))
    assess(north, kai, now - datetime.timedelta(days=200), "high")
    meeting = north.meeting(starts_at=now - datetime.timedelta(hours=1))
    return Journey(north=north, meeting=meeting, mia=mia, kai=kai)


# Keyboard and page helpers ---------------------------------------------------------------------


def _press(control: Locator, key: str) -> None:
    """Move focus to ``control`` and press ``key`` there, as a keyboard user would."""
    control.focus()
    expect(control).to_be_focused()
    control.press(key)


def _tick(page: Page, label: str) -> None:
    box = page.get_by_role("checkbox", name=label)
    _press(box, "Space")
    expect(box).to_be_checked()


def _choose(page: Page, question: str | re.Pattern[str], answer: str) -> None:
    """Select ``answer`` in the radios whose legend is ``question``, with the Space key."""
    radio = page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True)
    _press(radio, "Space")
    expect(radio).to_be_checked()


def _submit(page: Page, button: str) -> None:
    """Press Enter on the button and check the page it leads to."""
    _press(page.get_by_role("button", name=button, exact=True), "Enter")
    assert_accessible(page)


def _follow(page: Page, link: str | re.Pattern[str]) -> None:
    page.get_by_role("link", name=link, exact=isinstance(link, str)).click()
    assert_accessible(page)


def _error_summary_leads_to(page: Page, message: str) -> None:
    """The GOV.UK error summary is shown with focus on it and ``message``; its link takes the
    keyboard to the field, which is then focused. The page has been checked with axe."""
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=message)
    target = (link.get_attribute("href") or "").removeprefix("#")
    _press(link, "Enter")
    expect(page.locator(":focus")).to_have_attribute("id", target)


def _open_meeting_from_panels(page: Page, journey: Journey) -> None:
    """Navigation → Panels → the panel → the meeting, in the panel's past meetings."""
    _follow(page, "Panels")
    _follow(page, journey.north.panel.name)
    past = page.get_by_role("table", name="Past meetings, newest first")
    past.get_by_role("link", name=govuk_date(journey.meeting.starts_at), exact=True).click()
    assert_accessible(page)


def _pre_read(page: Page, child: Person) -> Locator:
    heading = page.get_by_role("heading", name=re.compile(rf"^\d+\. {child.full_name}$"))
    return heading.locator("xpath=following-sibling::dl[1]").locator(
        ".govuk-summary-list__row", has_text="Pre-read"
    )


# The journey ------------------------------------------------------------------------------------


def test_chair_prepares_members_confirm_meeting_records_owner_updates_the_action(
    journey: Journey, live_server: Any, page: Page
) -> None:
    base = live_server.url
    meeting, mia, kai = journey.meeting, journey.mia, journey.kai
    due = timezone.localdate() + datetime.timedelta(days=14)

    # 1. The chair confirms the agreement, then prepares and publishes the agenda.
    sign_in(page, base, "chair", PASSWORD)
    _open_meeting_from_panels(page, journey)
    expect(page).to_have_url(re.compile(rf"/panels/meetings/{meeting.pk}/confidentiality/$"))
    expect(page.get_by_role("heading", name="Confidentiality agreement")).to_be_visible()
    _tick(page, AGREEMENT)
    _submit(page, "Continue to the agenda")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Meeting on {govuk_date(meeting.starts_at)}"
    )
    expect(page.get_by_text("The agenda has no items yet.")).to_be_visible()
    page.get_by_role("button", name="Edit the agenda").click()  # a link styled as a button
    assert_accessible(page)
    proposal = page.locator("ul.govuk-list", has_text=mia.full_name)
    expect(proposal).to_contain_text(f"{mia.full_name}: Routed to the panel at triage")
    expect(proposal).to_contain_text(f"{kai.full_name}: High risk: review due")
    _submit(page, "Add the proposed children")
    expect(page.get_by_text("The proposed children have been added to the agenda")).to_be_visible()
    _submit(page, f"Move up {kai.full_name}")
    page.get_by_label("Theme, place or person of interest").fill(THEME)
    _submit(page, "Add to the agenda")
    rows = page.get_by_role("table", name="Agenda items in order").locator("tbody tr")
    expect(rows).to_have_count(3)
    for row, name in zip(
        (rows.nth(0), rows.nth(1), rows.nth(2)), (kai.full_name, mia.full_name, THEME), strict=True
    ):
        expect(row).to_contain_text(name)
    _submit(page, "Publish the agenda")
    expect(
        page.get_by_text("The agenda has been published: members can now read it")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=f"1. {kai.full_name}")).to_be_visible()
    sign_out(page)

    # 2. Kai's record changes after publication; what members read must not.
    assess(journey.north, kai, timezone.now(), "medium")

    # 3. The health member, who knows neither child, confirms the agreement and reads.
    sign_in(page, base, "health", PASSWORD)
    _open_meeting_from_panels(page, journey)
    expect(page.get_by_role("heading", name="Confidentiality agreement")).to_be_visible()
    _submit(page, "Continue to the agenda")  # the agreement not ticked
    _error_summary_leads_to(page, "Confirm that you will keep to the confidentiality agreement")
    expect(page.get_by_role("checkbox", name=AGREEMENT)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=AGREEMENT)).to_be_checked()
    _submit(page, "Continue to the agenda")
    expect(_pre_read(page, kai)).to_contain_text("Current risk: High")
    expect(_pre_read(page, mia)).to_contain_text("Routed to the panel at triage")
    expect(page.get_by_role("heading", name=f"3. {THEME}")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Record the meeting"))).to_have_count(0)
    sign_out(page)

    # 4. The chair records the meeting, marks it held and reads the minutes.
    sign_in(page, base, "chair", PASSWORD)
    _open_meeting_from_panels(page, journey)  # confirmed already: straight to the agenda
    _follow(page, "Record the meeting: attendance, decisions and actions")
    _follow(page, "Record attendance")
    for user, status in (
        (journey.chair, "Present"),
        (journey.officer, "Present"),
        (journey.health, "Present"),
        (journey.lead, "Apologies"),
    ):
        _choose(page, re.compile(rf"^{re.escape(str(user))} — "), status)
    _submit(page, "Save attendance")
    expect(page.get_by_text("Attendance recorded")).to_be_visible()
    _follow(page, f"Record the discussion, decisions and actions for {kai.full_name}")
    page.get_by_label("Summary of the discussion").fill(DISCUSSION)
    page.get_by_label("How were the child's views given?").fill(VIEWS)
    _submit(page, "Save the discussion")
    expect(page.get_by_text(f"Discussion of {kai.full_name} recorded")).to_be_visible()

    _follow(page, "Record a decision")
    _choose(page, "What did the panel decide?", "Risk level agreed")
    page.get_by_role("combobox", name="Risk level agreed").select_option(label="High")
    page.get_by_label("Details of the decision").fill(DECISION)
    _submit(page, "Record the decision")
    expect(page.get_by_text("Decision recorded")).to_be_visible()

    _follow(page, "Agree an action")
    officer_choice = f"{journey.officer} — {journey.north.missing.police}"
    page.get_by_label("Owner", exact=True).select_option(label=officer_choice)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    _submit(page, "Agree the action")  # without saying what the action is
    _error_summary_leads_to(page, "Enter what the action is")
    page.keyboard.type(ACTION)
    _submit(page, "Agree the action")
    expect(page.get_by_text(f"Action agreed: {journey.officer} has been told")).to_be_visible()
    expect(page.get_by_role("link", name=ACTION)).to_be_visible()

    _follow(page, "Back to the meeting record")
    _submit(page, "Mark the meeting as held")
    expect(page.get_by_text("The meeting is marked as held")).to_be_visible()
    _follow(page, "Read the minutes (your copy)")
    expect(page.get_by_text(DECISION)).to_be_visible()
    sign_out(page)

    # 5. The owner updates the action from the tracker.
    sign_in(page, base, "officer", PASSWORD)
    _follow(page, "Panel actions")
    _follow(page, ACTION)
    _choose(page, "Status", "In progress")
    page.get_by_label("Note").fill(UPDATE_NOTE)
    _submit(page, "Save update")
    expect(page.get_by_text("Action updated.")).to_be_visible()
    expect(page.get_by_text(UPDATE_NOTE)).to_be_visible()

    # The database: what each step wrote.
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.agenda_published_at is not None
    items = list(meeting.items.order_by("order"))
    assert [(item.person, item.title) for item in items] == [(kai, ""), (mia, ""), (None, THEME)]
    kai_item, mia_item, theme_item = items
    assert kai_item.reasons == [AgendaReason.HIGH_RISK_REVIEW_DUE]
    assert mia_item.reasons == [AgendaReason.ROUTED_AT_TRIAGE]
    assert theme_item.reasons == []
    assert "Current risk: High" in kai_item.pre_read  # frozen: Kai is now assessed as medium
    assert kai.assessments.get(is_current=True).level == "medium"
    assert mia_item.pre_read.startswith(mia.full_name)
    assert "Routed to the panel at triage" in mia_item.pre_read
    assert (kai_item.discussion_summary, kai_item.views_given_how) == (DISCUSSION, VIEWS)

    confirmed = ConfidentialityConfirmation.objects.filter(meeting=meeting)
    assert sorted(confirmed.values_list("user__username", flat=True)) == ["chair", "health"]
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("user", "status")) == {
        journey.chair.pk: AttendanceStatus.PRESENT,
        journey.officer.pk: AttendanceStatus.PRESENT,
        journey.health.pk: AttendanceStatus.PRESENT,
        journey.lead.pk: AttendanceStatus.APOLOGIES,
    }
    decision = Decision.objects.get(item__meeting=meeting)
    assert (decision.item, decision.kind, decision.risk_level, decision.detail) == (
        kai_item,
        DecisionKind.RISK_LEVEL_AGREED,
        "high",
        DECISION,
    )
    assert decision.recorded_by == journey.chair
    action = PanelAction.objects.get(meeting=meeting)
    assert (action.item, action.description, action.owner, action.owner_agency, action.due_on) == (
        kai_item,
        ACTION,
        journey.officer,
        journey.north.missing.police,
        due,
    )
    assert action.status == PanelActionStatus.IN_PROGRESS
    update = action.updates.get()
    assert (update.from_status, update.to_status, update.note, update.changed_by) == (
        PanelActionStatus.NOT_STARTED,
        PanelActionStatus.IN_PROGRESS,
        UPDATE_NOTE,
        journey.officer,
    )

    # The audit log: who did what.
    for user, action_code in (
        (journey.chair, "panels.confidentiality_confirmed"),
        (journey.chair, "panels.agenda_proposal_adopted"),
        (journey.chair, "panels.agenda_reordered"),
        (journey.chair, "panels.agenda_item_added"),
        (journey.chair, "panels.agenda_published"),
        (journey.health, "panels.confidentiality_confirmed"),
        (journey.health, "panels.pre_read_viewed"),
        (journey.chair, "panels.attendance_recorded"),
        (journey.chair, "panels.item_recorded"),
        (journey.chair, "panels.decision_recorded"),
        (journey.chair, "panels.action_created"),
        (journey.chair, "panels.meeting_held"),
        (journey.chair, "panels.minutes_copy_produced"),
        (journey.officer, "panels.action_tracker_viewed"),
        (journey.officer, "panels.action_updated"),
    ):
        assert AuditEvent.objects.filter(actor=user, action=action_code).exists(), (
            user.username,
            action_code,
        )
