"""One casework journey end to end in Debian's Chromium, all through the pages: the front door
routes a school's referral to exploitation screening; the lead professional finds the child,
completes a risk assessment from the referral (mostly by keyboard), overrides Harbour's suggestion
with a reason, opens a case from the referral and gives it a plan agreed with the child. axe-core
checks every page visited; the database is checked at the end."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import PASSWORD, AgencyFactory, user_with_role
from harbour.assessments.catalogue import catalogue_for_area
from harbour.assessments.models import Assessment, OverrideDirection, StartedFrom
from harbour.assessments.tests.factories import born_years_ago
from harbour.cases.models import Case, CaseStatus
from harbour.people.models import ChronologyEntry
from harbour.people.tests.factories import PersonFactory
from harbour.referrals.models import Referral, ReferralStatus, TriageRoute
from harbour.referrals.tests.factories import front_door_setup, make_referral
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The two indicators answered "yes": 3 + 3 scores 6, which the catalogue suggests as Medium.
FIRED = {
    "older_partner": "Says her boyfriend is 24; he collects her from school in a grey car.",
    "given_drugs_or_alcohol": "Came home smelling of cannabis twice; says 'the boys' gave it her.",
}
OVERRIDE_REASON = "Police intelligence links the boyfriend to a county line running from the city."
CHILD_SAID = "She says he is kind to her and buys her things, and that she is not in trouble."
GOAL = "Jade stops meeting the man in the grey car."
CHILD_WORDS = "I want to be able to go to college without him turning up."
ACTION = "Weekly one-to-one sessions with Jade at school."


@pytest.fixture
def journey() -> dict[str, Any]:
    """Northbrook: children's social care (the front door) and a school; a front-door
    practitioner and a lead professional at children's social care, a teacher at the school;
    and the school's referral about a 15-year-old the school already knows, awaiting triage."""
    north = front_door_setup("northbrook", "Northbrook")
    police = AgencyFactory(
        name="Northbrook Police", agency_type=AgencyType.POLICE, areas=[north.area]
    )
    user_with_role(Role.FRONT_DOOR, north.csc, username="mash", first_name="Sam", last_name="Door")
    lead = user_with_role(
        Role.LEAD_PROFESSIONAL, north.csc, username="lead", first_name="Lee", last_name="Lead"
    )
    child = PersonFactory(
        first_names="Jade",
        last_name="Marsh",
        date_of_birth=born_years_ago(15),
        home_area=north.area,
        created_by_agency=north.school,
    )
    referral = make_referral(
        actor=north.referrer,
        agency=north.school,
        area=north.area,
        person=child,
        first_names="Jade",
        last_name="Marsh",
        date_of_birth=child.date_of_birth,
    )
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    return {"north": north, "police": police, "lead": lead, "child": child, "referral": referral}


def _press_space_on(page: Any, selector: str) -> None:
    page.locator(selector).focus()
    page.keyboard.press("Space")
    expect(page.locator(selector)).to_be_checked()


def _fill_date(page: Any, group: str, day: datetime.date) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def _no_errors(page: Any) -> None:
    """Fail with the error summary's text, not a timeout, if a form was rejected."""
    page.wait_for_load_state("load")
    summary = page.locator(".govuk-error-summary")
    if summary.count():
        raise AssertionError(summary.inner_text())


def test_front_door_to_assessment_with_override_to_case_with_plan(
    page: Any, live_server: Any, journey: dict[str, Any]
) -> None:
    base = live_server.url
    referral: Referral = journey["referral"]
    child = journey["child"]
    north = journey["north"]
    catalogue = catalogue_for_area(north.area)

    # 1. The front door finds the referral in its queue and routes it to exploitation screening.
    sign_in(page, base, "mash", PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Front door queue").first.click()
    expect(page.get_by_role("heading", name="Front door queue")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", name="Jade Marsh", exact=True)).to_be_visible()
    expect(page.get_by_text("Awaiting decision")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Exploitation screening").check()
    page.get_by_label("Reason for the decision").fill(
        "Older boyfriend and being given cannabis: indicators of exploitation to screen."
    )
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"{base}/referrals/queue/")
    expect(page.get_by_text(f"Decision recorded for {referral.reference}.")).to_be_visible()
    expect(page.get_by_text("There are no referrals awaiting a decision.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)
    page.wait_for_url(re.compile(r".*/accounts/sign-in/"))

    # 2. The lead professional finds the child, and the referral from the child's record.
    sign_in(page, base, "lead", PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="People").first.click()
    assert_accessible(page)
    page.get_by_label("Search by name or identifier").fill("Jade Marsh")
    page.get_by_label("Search by name or identifier").press("Enter")
    expect(page.get_by_role("heading", name="1 result")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Jade Marsh").click()
    page.wait_for_url(f"{base}/people/{child.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    page.wait_for_url(f"{base}/referrals/{referral.pk}/")
    expect(page.get_by_role("heading", name="Outcome: Exploitation screening")).to_be_visible()
    expect(page.get_by_role("heading", name="Next steps")).to_be_visible()
    assert_accessible(page)

    # 3. The risk assessment, started from the referral.
    page.get_by_role("link", name="Start a risk assessment").click()
    expect(page.get_by_role("heading", name="Risk assessment: Jade Marsh")).to_be_visible()
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    assert_accessible(page)
    # Every indicator "No", by keyboard: focus its "No" and press Space.
    for indicator in catalogue.indicators:
        _press_space_on(page, f"#id_answer_{indicator.id}_1")
    # Two "Yes", by keyboard too: the answer, when it was last true, and what is known.
    for indicator_id, narrative in FIRED.items():
        _press_space_on(page, f"#id_answer_{indicator_id}_0")
        _press_space_on(page, f"#id_recency_{indicator_id}_0")  # within the last 6 months
        page.locator(f"#id_narrative_{indicator_id}").focus()
        page.keyboard.type(narrative)
    page.get_by_role("button", name="Get a suggested level").click()
    _no_errors(page)
    expect(page.get_by_text("Harbour suggests Medium. Nothing is saved yet.")).to_be_visible()
    assert Assessment.objects.count() == 0

    # The explanation names exactly the indicators that fired.
    explanation = page.get_by_role("table", name="Indicators answered yes")
    expect(explanation).to_be_visible()
    rows = explanation.locator("tbody tr")
    expect(rows).to_have_count(len(FIRED))
    for indicator_id in FIRED:
        wording = catalogue.indicator(indicator_id).wording
        expect(explanation.get_by_role("cell", name=wording, exact=True)).to_be_visible()
    expect(page.get_by_text("The answers score 6")).to_be_visible()
    assert_accessible(page)

    # The practitioner judges the risk higher than suggested, and says why.
    level = page.get_by_role("group", name="What level of risk do you judge there to be?")
    expect(level.get_by_label("Medium (suggested)")).to_be_visible()
    level.get_by_label("High", exact=True).check()
    page.get_by_label("If your level differs from the suggested level, explain why").fill(
        OVERRIDE_REASON
    )
    page.get_by_label("Reasons for your judgement").fill(
        "An older partner supplying drugs, with police intelligence of a county line."
    )
    page.get_by_label("What the child said").fill(CHILD_SAID)
    page.get_by_role("group", name="Was the child seen alone?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("What the child wants to happen").fill("To go to college next year.")
    page.get_by_label("Northbrook Academy").check()
    page.get_by_role("button", name="Complete assessment").click()
    _no_errors(page)
    page.wait_for_url(re.compile(r".*/assessments/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("Assessment completed.")).to_be_visible()
    override = page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_text("Professional judgement override", exact=True)
    )
    expect(override).to_contain_text("Yes: higher than suggested")
    expect(override).to_contain_text(OVERRIDE_REASON)
    expect(page.get_by_role("heading", name="Why Harbour suggested Medium")).to_be_visible()
    expect(page.get_by_text(CHILD_SAID)).to_be_visible()
    assert_accessible(page)

    # 4. Back on the referral, the lead professional opens a case, leading it themselves.
    page.get_by_role("link", name=referral.reference).click()
    page.wait_for_url(f"{base}/referrals/{referral.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Open a case").click()
    expect(page.get_by_role("heading", name="Open a case for Jade Marsh")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Lead professional").select_option(label=f"Lee Lead, {north.csc}")
    page.get_by_label("Child criminal exploitation (county lines)").check()
    page.get_by_label("Child sexual exploitation").check()
    page.get_by_label("Northbrook Police").check()
    _fill_date(page, "Date of the first plan review", timezone.localdate() + datetime.timedelta(28))
    page.get_by_role("button", name="Open case").click()
    _no_errors(page)
    page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.get()
    case_url = f"{base}/cases/{case.pk}/"
    expect(page.get_by_role("heading", name="Jade Marsh", exact=True)).to_be_visible()
    current_risk = page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_text("Risk level", exact=True)
    )
    expect(current_risk).to_contain_text("High")
    expect(page.get_by_text("No assessment yet")).to_have_count(0)
    assert_accessible(page)

    # A goal agreed with the child, in the child's words.
    page.get_by_role("link", name="Add a goal").click()
    assert_accessible(page)
    page.get_by_label("Goal", exact=True).fill(GOAL)
    page.get_by_role("group", name="Was the goal agreed with the child?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("The child's words").fill(CHILD_WORDS)
    page.get_by_role("button", name="Add goal").click()
    _no_errors(page)
    page.wait_for_url(case_url)
    expect(page.get_by_text("Agreed with the child")).to_be_visible()
    expect(page.get_by_text(CHILD_WORDS)).to_be_visible()
    assert_accessible(page)

    # An action towards it, owned by the lead professional, with a due date.
    due = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_role("link", name="Add an action").click()
    assert_accessible(page)
    page.get_by_label("Action", exact=True).fill(ACTION)
    page.get_by_label("Goal it works towards").select_option(label=GOAL)
    page.get_by_label("Owner").select_option(label=f"Lee Lead, {north.csc}")
    _fill_date(page, "Due date", due)
    page.get_by_role("button", name="Add action").click()
    _no_errors(page)
    page.wait_for_url(case_url)
    action_row = (
        page.get_by_role("table", name="Plan actions").get_by_role("row").filter(has_text=ACTION)
    )
    expect(action_row).to_contain_text("Lee Lead")
    expect(action_row).to_contain_text("Not started")
    expect(page.get_by_text(GOAL).first).to_be_visible()
    expect(current_risk).to_contain_text("High")
    assert_accessible(page)

    # The child's chronology shows the decision, the assessment and the case.
    page.get_by_role("link", name="Jade Marsh").first.click()
    page.wait_for_url(f"{base}/people/{child.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="View the full chronology").click()
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
    timeline = page.get_by_role("table", name="Events, newest first")
    for summary in (
        f"Front door decision on {referral.reference}: Exploitation screening",
        "Risk assessment: High (suggested Medium), professional judgement override",
        f"Case opened from referral {referral.reference}",
    ):
        expect(timeline.get_by_role("cell", name=summary)).to_be_visible()
    assert_accessible(page)

    # 5. The database agrees.
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    assert referral.decision.route == TriageRoute.EXPLOITATION_SCREENING

    assessment = Assessment.objects.get()
    assert assessment.person_id == child.pk
    assert assessment.referral_id == referral.pk
    assert assessment.started_from == StartedFrom.TRIAGE
    assert (assessment.suggested_level, assessment.level) == ("medium", "high")
    assert assessment.override_direction == OverrideDirection.UP
    assert assessment.override_reason == OVERRIDE_REASON
    assert assessment.child_said == CHILD_SAID
    yes_answers = {a.indicator_id for a in assessment.answers.all() if a.answer == "yes"}
    assert yes_answers == set(FIRED)
    assert assessment.answers.count() == len(catalogue.indicators)

    assert case.person_id == child.pk
    assert case.referral_id == referral.pk
    assert case.status == CaseStatus.OPEN
    assert case.lead_professional == journey["lead"]
    assert case.lead_agency == north.csc
    assert set(case.exploitation_types.values_list("category", flat=True)) == {
        "criminal_exploitation",
        "sexual_exploitation",
    }
    assert set(
        case.agency_memberships.filter(left_at__isnull=True).values_list("agency", flat=True)
    ) == {north.csc.pk, journey["police"].pk}
    goal = case.goals.get()
    assert (goal.description, goal.agreed_with_child, goal.child_words) == (
        GOAL,
        "yes",
        CHILD_WORDS,
    )
    action = case.actions.get()
    assert (action.description, action.owner, action.due_on, action.goal) == (
        ACTION,
        journey["lead"],
        due,
        goal,
    )

    events = set(ChronologyEntry.objects.filter(person=child).values_list("event_type", flat=True))
    assert {
        "referral.triaged",
        "assessment.completed",
        "case.opened",
        "case.goal_added",
        "case.action_added",
    } <= events
