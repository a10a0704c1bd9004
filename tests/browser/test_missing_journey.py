"""One missing episode end to end in Debian's Chromium, all through the pages (issue 4): a police
exploitation officer reports a looked-after child missing from her care placement; her return is
recorded, which starts the 72-hour return home interview clock; the commissioned charity's
independent return interview worker offers the interview within the 72 hours and completes it
(a push and a pull factor, narrative, and a vehicle registration the child mentioned), which
shares it with the police and the coordinator; the coordinator's oversight page counts the return
as offered within 72 hours. axe-core checks every page visited; the database is checked at the
end.

"A carer records the return": a residential care worker of the children's home where she is
placed (the care-provider role) records it. The return interview worker is independent of the
carers, as the guidance requires.

Harbour's forms take times to the minute and refuse a return before the report or in the future,
so the journey runs on a controlled clock (``django.utils.timezone.now`` patched for the test and
the live server thread alike), moved on between the steps: reported at 08:00, returned 19:15 the
same day, interview offered 09:30 the next day and held at 15:00.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import PASSWORD, AgencyFactory, AreaFactory, user_with_role
from harbour.assessments.tests.factories import born_years_ago
from harbour.core.templatetags.govuk import govuk_date
from harbour.missing.clocks import format_duration
from harbour.missing.models import EpisodeStatus, MissingEpisode
from harbour.notifications.models import Notification
from harbour.people.models import ChronologyEntry, InvolvementKind
from harbour.people.services import involvement_record
from harbour.people.tests.factories import PersonFactory
from harbour.return_interviews.models import InterviewOutcome, ReturnInterview
from harbour.return_interviews.services import NOTIFICATION_SUBJECT
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
CHILD = "Mia Harper"
PUSH = "Unhappy in their placement"
PULL = "An older boyfriend or girlfriend"
PUSH_WORDS = "She says staff at the home shout at her and she has no one to talk to."
PULL_WORDS = "A man she calls 'T' picks her up and takes her to parties in the city."
REGISTRATION = "AB12 CDE"


class Clock:
    """Django's "now", set by the test and moved on between the steps of the journey."""

    def __init__(self, moment: datetime.datetime) -> None:
        self.moment = moment

    def now(self) -> datetime.datetime:
        return self.moment.astimezone(datetime.UTC)


def _day() -> datetime.date:
    """The day of the absence: three days ago, so the whole journey is in the past."""
    return timezone.localdate() - datetime.timedelta(days=3)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def clock() -> Iterator[Clock]:
    controlled = Clock(_at(_day(), 8))
    with mock.patch("django.utils.timezone.now", side_effect=controlled.now):
        yield controlled


@pytest.fixture
def world(clock: Clock) -> dict[str, Any]:
    """Northbrook: children's social care (a lead professional and the coordinator), the police
    (an exploitation officer) and the commissioned charity (a voluntary agency serving Northbrook,
    with a return interview worker); and a 14-year-old looked after by Northbrook whom the police
    and children's services both know."""
    area = AreaFactory(code="northbrook", name="Northbrook")
    csc = AgencyFactory(
        name="Northbrook Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    police = AgencyFactory(name="Northbrook Police", agency_type=AgencyType.POLICE, areas=[area])
    charity = AgencyFactory(
        name="Northbrook Young People's Charity", agency_type=AgencyType.VOLUNTARY, areas=[area]
    )
    officer = user_with_role(
        Role.POLICE_EXPLOITATION, police, username="officer", first_name="Pat", last_name="Officer"
    )
    lead = user_with_role(
        Role.LEAD_PROFESSIONAL, csc, username="social", first_name="Lee", last_name="Lead"
    )
    coordinator = user_with_role(
        Role.COORDINATOR, csc, username="coord", first_name="Cara", last_name="Coord"
    )
    worker = user_with_role(
        Role.RETURN_INTERVIEW, charity, username="rhi", first_name="Rae", last_name="Worker"
    )
    home = AgencyFactory(
        name="Northbrook Children's Home", agency_type=AgencyType.CARE_PROVIDER, areas=[area]
    )
    carer = user_with_role(
        Role.CARE_PROVIDER, home, username="carer", first_name="Cam", last_name="Carer"
    )
    first, last = CHILD.split()
    child = PersonFactory(
        first_names=first,
        last_name=last,
        date_of_birth=born_years_ago(14),
        home_area=area,
        created_by_agency=police,
    )
    involvement_record(actor=lead, person=child, agency=csc, kind=InvolvementKind.HOLDS_RECORD)
    involvement_record(actor=carer, person=child, agency=home, kind=InvolvementKind.HOLDS_RECORD)
    return {
        "area": area,
        "police": police,
        "charity": charity,
        "officer": officer,
        "lead": lead,
        "coordinator": coordinator,
        "worker": worker,
        "child": child,
    }


def _fill_moment(page: Any, date_group: str, time_label: str, moment: datetime.datetime) -> None:
    fieldset = page.get_by_role("group", name=date_group)
    fieldset.get_by_label("Day").fill(str(moment.day))
    fieldset.get_by_label("Month").fill(str(moment.month))
    fieldset.get_by_label("Year").fill(str(moment.year))
    # Not exact: the missing forms label their (mandatory) time "(optional)"; see the report.
    page.get_by_label(time_label).fill(moment.strftime("%H:%M"))


def _no_errors(page: Any) -> None:
    """Fail with the error summary's text, not a timeout, if a form was rejected."""
    page.wait_for_load_state("load")
    summary = page.locator(".govuk-error-summary")
    if summary.count():
        raise AssertionError(summary.inner_text())


def _row(page: Any, key: str) -> Any:
    return page.locator(".govuk-summary-list__row").filter(has=page.get_by_text(key, exact=True))


def test_police_report_to_return_to_interview_to_oversight_within_72_hours(
    page: Any, live_server: Any, world: dict[str, Any], clock: Clock
) -> None:
    base = live_server.url
    child = world["child"]
    day = _day()
    next_day = day + datetime.timedelta(days=1)
    last_seen = _at(day, 6, 30)
    returned = _at(day, 19, 15)
    offered = _at(next_day, 9, 30)
    conducted = _at(next_day, 15)

    # 1. 08:00: the police exploitation officer reports the child missing from care.
    clock.moment = _at(day, 8)
    sign_in(page, base, "officer", PASSWORD)
    assert_accessible(page)
    page.goto(f"{base}/missing/new/?person={child.pk}")
    expect(page.get_by_role("heading", name="Report a missing episode")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Care placement").check()
    page.get_by_label("Away from placement without authorisation").check()
    _fill_moment(page, "Date the child was last seen", "Time the child was last seen", last_seen)
    page.get_by_label("Where was the child last seen?").fill("Oak Lodge children's home")
    page.get_by_label("Police reference").fill("NB-2026-0417")
    page.get_by_label("Police risk grading").select_option(label="Medium")
    page.get_by_role("button", name="Report missing").click()
    _no_errors(page)
    page.wait_for_url(re.compile(r".*/missing/[0-9a-f-]{36}/$"))
    episode_url = page.url
    expect(page.get_by_text("Missing episode reported")).to_be_visible()
    expect(page.get_by_role("heading", name=CHILD)).to_be_visible()
    expect(page.get_by_text("Missing now")).to_be_visible()
    expect(page.get_by_text("Risk: Medium")).to_be_visible()
    expect(_row(page, "Clock")).to_contain_text("Not started")
    expect(_row(page, "Police reference")).to_contain_text("NB-2026-0417")
    assert_accessible(page)
    sign_out(page)
    page.wait_for_url(re.compile(r".*/accounts/sign-in/"))

    # 2. 20:00: her carer at the children's home records her return.
    clock.moment = _at(day, 20)
    sign_in(page, base, "carer", PASSWORD)
    assert_accessible(page)
    page.goto(f"{base}/missing/")
    expect(page.get_by_role("heading", name="Open missing episodes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=CHILD).click()
    page.wait_for_url(episode_url)
    assert_accessible(page)
    page.get_by_role("link", name="Record the return").click()
    expect(page.get_by_role("heading", name="Record the child's return")).to_be_visible()
    assert_accessible(page)
    _fill_moment(
        page,
        "Date the child was found or returned",
        "Time the child was found or returned",
        returned,
    )
    page.get_by_label("Where was the child found, or where did they return to?").fill(
        "Oak Lodge children's home"
    )
    page.get_by_label("Who found the child or brought them back?").fill(
        "Came back by taxi; met by the residential worker on shift"
    )
    page.get_by_label("Who was the child with?").fill("Alone in the taxi")
    page.get_by_role("button", name="Record return").click()
    _no_errors(page)
    page.wait_for_url(episode_url)
    expect(
        page.get_by_text("Return recorded: the return home interview clock started")
    ).to_be_visible()
    expect(page.get_by_text("Returned", exact=True)).to_be_visible()
    # Real hours (in UTC), so a journey across a clock change still expects the right times.
    due = returned.astimezone(datetime.UTC) + datetime.timedelta(hours=72)
    expect(_row(page, "Clock")).to_contain_text(f"Due by {govuk_date(due)}")
    expect(_row(page, "Due by")).to_contain_text(govuk_date(due))
    expect(_row(page, "Time left")).to_have_text(re.compile(r"Time left\s*2 days 23 hours\s*$"))
    expect(_row(page, "Duration")).to_contain_text(
        format_duration(returned.astimezone(datetime.UTC) - last_seen.astimezone(datetime.UTC))
    )
    assert_accessible(page)
    sign_out(page)
    page.wait_for_url(re.compile(r".*/accounts/sign-in/"))

    # 3. Next day, 10:00: the charity's worker finds the return in the queue and offers the
    # interview; at 16:00 she completes it.
    clock.moment = _at(next_day, 10)
    sign_in(page, base, "rhi", PASSWORD)
    assert_accessible(page)
    page.goto(f"{base}/return-interviews/")
    expect(page.get_by_role("heading", name="Return interviews")).to_be_visible()
    due_table = page.get_by_role("table", name="Due: the clock is running (1)")
    expect(due_table.get_by_role("row").filter(has_text=CHILD)).to_contain_text(govuk_date(due))
    assert_accessible(page)
    due_table.get_by_role("link", name=f"Record the offer for {CHILD}").click()
    expect(
        page.get_by_role("heading", name="Record the offer of a return interview")
    ).to_be_visible()
    assert_accessible(page)
    _fill_moment(page, "Date the interview was offered", "Time the interview was offered", offered)
    page.get_by_role("button", name="Record the offer").click()
    _no_errors(page)
    page.wait_for_url(re.compile(r".*/return-interviews/[0-9a-f-]{36}/$"))
    interview_url = page.url
    expect(page.get_by_text("The offer of a return interview is recorded.")).to_be_visible()
    expect(_row(page, "72-hour offer clock")).to_contain_text("Offered in time")
    assert_accessible(page)

    clock.moment = _at(next_day, 16)
    sign_out(page)
    page.wait_for_url(re.compile(r".*/accounts/sign-in/"))
    sign_in(page, base, "rhi", PASSWORD)
    page.goto(interview_url)
    assert_accessible(page)
    page.get_by_role("link", name="Complete the interview").click()
    expect(page.get_by_role("heading", name="Complete the return interview")).to_be_visible()
    assert_accessible(page)
    _fill_moment(page, "Date of the interview", "Time of the interview", conducted)
    page.get_by_label("Where did the interview take place?").fill("A café near her school")
    page.get_by_label(PUSH, exact=True).check()
    page.get_by_label("Push factors in the child's words").fill(PUSH_WORDS)
    page.get_by_label(PULL, exact=True).check()
    page.get_by_label("Pull factors in the child's words").fill(PULL_WORDS)
    page.get_by_label("Where was the child?").fill("A flat above a shop in the city centre.")
    page.get_by_label("Who was the child with?").fill("'T' and two older girls.")
    page.get_by_label("How did the child travel?").fill("In T's silver car.")
    page.get_by_label("Safety information and helplines given").fill(
        "Childline 0800 1111 and Runaway Helpline 116 000."
    )
    page.get_by_label("What does the child want to happen?").fill(
        "To move to a placement nearer her sister."
    )
    page.get_by_label("Recommendations").fill("Strategy discussion about the man called 'T'.")
    page.get_by_label("Item 1: what is it?").select_option(label="Vehicle registration")
    page.get_by_label("Item 1: name, place, registration, number or handle").fill(REGISTRATION)
    page.get_by_label("Item 1: detail").fill("Silver hatchback; T drives it.")
    page.get_by_role("button", name="Complete and share the interview").click()
    _no_errors(page)
    page.wait_for_url(interview_url)
    expect(page.get_by_text("The interview is complete and has been shared")).to_be_visible()
    expect(_row(page, "Outcome")).to_contain_text("Accepted: the interview took place")
    expect(_row(page, "Push factors")).to_contain_text(PUSH)
    expect(_row(page, "Push factors")).to_contain_text(PUSH_WORDS)
    expect(_row(page, "Pull factors")).to_contain_text(PULL)
    expect(_row(page, "Pull factors")).to_contain_text(PULL_WORDS)
    items = page.get_by_role("table", name="Intelligence items the child mentioned")
    expect(items.get_by_role("row").filter(has_text="Vehicle registration")).to_contain_text(
        "Silver hatchback"
    )
    assert_accessible(page)
    sign_out(page)
    page.wait_for_url(re.compile(r".*/accounts/sign-in/"))

    # 4. 17:00: the coordinator sees the return counted as offered within 72 hours.
    clock.moment = _at(next_day, 17)
    sign_in(page, base, "coord", PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Missing children").first.click()
    page.wait_for_url(f"{base}/oversight/missing/")
    expect(page.get_by_role("heading", name="Missing children", exact=True)).to_be_visible()
    expect(page.get_by_text("No child is missing now.")).to_be_visible()
    shares = page.get_by_role("table", name="Share of returns offered an interview within 72 hours")
    # One row per borough and month for the last 12 months; the return's month counts it.
    month = returned.strftime("%B %Y")
    row = shares.locator("tbody tr").filter(has=page.get_by_role("cell", name=month, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("100%")
    headers = [text.strip() for text in shares.locator("thead th").all_inner_texts()]
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    by_column = dict(zip(headers, cells, strict=True))
    assert by_column["Borough"] == "Northbrook"
    assert by_column["Returns"] == "1"
    assert by_column["Offered in time"] == "1"
    assert by_column["Share"] == "100%"
    assert by_column.get("Not in time", "0") == "0"
    assert by_column.get("Clock running", "0") == "0"
    assert_accessible(page)

    # 5. The database agrees.
    episode = MissingEpisode.objects.get()
    assert episode.person_id == child.pk
    assert episode.reported_by == world["officer"]
    assert episode.status == EpisodeStatus.RETURNED
    assert episode.returned_at == returned
    assert episode.interview_due_at == due
    assert episode.interview_offered_at == offered
    assert episode.interview_offered_at <= episode.interview_due_at

    interview = ReturnInterview.objects.get()
    assert interview.episode_id == episode.pk
    assert interview.outcome == InterviewOutcome.ACCEPTED
    assert interview.offered_by == world["worker"]
    assert interview.offered_by_agency == world["charity"]
    assert interview.conducted_at == conducted
    assert interview.shared_at is not None
    assert {(f.kind, f.code) for f in interview.factors.all()} == {
        ("push", "unhappy_in_placement"),
        ("pull", "older_boyfriend_girlfriend"),
    }
    assert interview.push_narrative == PUSH_WORDS
    assert interview.pull_narrative == PULL_WORDS
    item = interview.intelligence_items.get()
    assert item.kind == "vehicle"
    assert item.value.replace(" ", "") == REGISTRATION.replace(" ", "")

    shared_with = set(
        Notification.objects.filter(subject=NOTIFICATION_SUBJECT).values_list(
            "recipient__username", flat=True
        )
    )
    assert shared_with == {"officer", "coord"}

    events = set(ChronologyEntry.objects.filter(person=child).values_list("event_type", flat=True))
    assert {"missing.reported", "missing.interview_offered", "return_interview.offered"} <= events
