"""End to end in Debian's Chromium: a referral with a mistake, corrected, triaged, and the outcome
seen by the referrer. axe-core checks every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import PASSWORD, AgencyFactory, AreaFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.people.models import Person
from harbour.people.tests.factories import PersonFactory
from harbour.referrals.models import Referral
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    area = AreaFactory(name="Northbrook", code="northbrook")
    front_door_agency = AgencyFactory(
        name="Northbrook Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    school = AgencyFactory(
        name="Northbrook Academy", agency_type=AgencyType.EDUCATION, areas=[area]
    )
    teacher = user_with_role(Role.REFERRER, agency=school, username="teacher", first_name="Robin")
    front_door = user_with_role(
        Role.FRONT_DOOR, agency=front_door_agency, username="mash", first_name="Sam"
    )
    known_child = PersonFactory(
        first_names="Jessica", last_name="Fairweather", home_area=area, created_by_agency=school
    )
    return {"area": area, "teacher": teacher, "front_door": front_door, "known": known_child}


def test_referral_is_corrected_triaged_and_the_referrer_sees_the_outcome(
    page, live_server, partnership
):
    base = live_server.url
    known = partnership["known"]

    # The teacher makes a referral, leaving out what happened.
    sign_in(page, base, "teacher", PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Make a referral").first.click()
    assert_accessible(page)
    page.get_by_label("Which area does the child live in?").select_option(label="Northbrook")
    page.get_by_label("Child's first names").fill("Jessika")
    page.get_by_label("Child's last name").fill("Fairwether")
    page.get_by_role("button", name="Check who already knows this child").click()

    # Harbour suggests the child the school already knows, with the model's explanation: each
    # comparison in words with its match weight, for and against.
    expect(page.get_by_role("cell", name="Jessica Fairweather")).to_be_visible()
    expect(page.get_by_text("Why Jessica Fairweather may be this child")).to_be_visible()
    evidence = page.get_by_role("table", name="Evidence for and against")
    expect(evidence).to_be_visible()
    expect(evidence.get_by_text("Last name is spelt similarly").first).to_be_visible()
    expect(evidence.get_by_role("columnheader", name="Weight")).to_be_visible()
    assert evidence.locator("tbody tr").count() >= 2
    assert_accessible(page)
    page.get_by_label("Jessica Fairweather").check()
    page.get_by_label("Child criminal exploitation (county lines)").check()
    page.get_by_label("Standard").check()
    page.get_by_role("group", name="Does the child's family know").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_label("Public task (UK GDPR Article 6(1)(e))").check()
    page.get_by_label("Your phone number").fill("01632 960123")
    page.get_by_role("button", name="Send referral").click()

    # The error summary names the mistake and links to the field; nothing was saved.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Describe what happened" in summary.inner_text()
    assert Referral.objects.count() == 0
    assert_accessible(page)
    summary.get_by_role("link", name="Describe what happened").click()
    page.get_by_label("What happened?").fill(
        "Seen being collected from school by an older man in a grey car; has new trainers "
        "and two phones."
    )
    page.get_by_role("button", name="Send referral").click()
    if page.locator(".govuk-error-summary").count():
        raise AssertionError(page.locator(".govuk-error-summary").inner_text())
    page.wait_for_url(re.compile(r".*/referrals/[0-9a-f-]{36}/(#.*)?$"))
    referral = Referral.objects.get()
    assert referral.person_id == known.pk
    expect(
        page.get_by_text(f"Referral sent. Its reference is {referral.reference}.")
    ).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The front door sees it in the queue and decides.
    sign_in(page, base, "mash", PASSWORD)
    page.get_by_role("link", name="Front door queue").first.click()
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    assert_accessible(page)
    page.get_by_label("Exploitation screening").check()
    page.get_by_label("Reason for the decision").fill(
        "Indicators of criminal exploitation: older associate, gifts, two phones."
    )
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"{base}/referrals/queue/")
    expect(page.get_by_text(f"Decision recorded for {referral.reference}.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The teacher sees the outcome on "My referrals" and in their notifications.
    sign_in(page, base, "teacher", PASSWORD)
    page.get_by_role("link", name="My referrals").first.click()
    row = page.get_by_role("row").filter(has_text=referral.reference)
    assert "Exploitation screening" in row.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Notifications").first.click()
    expect(
        page.get_by_role("cell", name=f"Outcome of your referral {referral.reference}").first
    ).to_be_visible()
    assert_accessible(page)

    assert AuditEvent.objects.filter(action="referral.triaged").count() == 1
    assert Person.objects.count() == 1


def test_public_form_gives_a_reference_and_lands_in_the_queue(page, live_server, partnership):
    base = live_server.url
    page.goto(f"{base}/report/")
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A friend of the young person").check()
    page.get_by_label("Which area is the young person in?").select_option(label="Northbrook")
    page.get_by_label("Young person's first name").fill("Kay")
    page.get_by_label("Something is happening online").check()
    page.get_by_label("Tell us what is happening").fill(
        "An older man keeps messaging my friend and asking her to meet him."
    )
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Yes, do not ask for my name").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{base}/report/sent/")
    referral = Referral.objects.get()
    expect(page.get_by_text(referral.reference)).to_be_visible()
    assert referral.is_anonymous
    assert_accessible(page)

    sign_in(page, base, "mash", PASSWORD)
    page.get_by_role("link", name="Front door queue").first.click()
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()


def test_pages_work_with_the_keyboard_alone(page, live_server, partnership):
    """Sign in by keyboard: the skip link comes first, and the form submits with Enter."""
    base = live_server.url
    page.goto(f"{base}/accounts/sign-in/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    page.get_by_label("Username").focus()
    page.keyboard.type("teacher")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    assert_accessible(page)


def test_govuk_frontend_javascript_runs_under_the_content_security_policy(page, live_server):
    """The inline scripts carry the nonce: no CSP violation, and GOV.UK Frontend initialises."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/report/")
    page.wait_for_load_state("networkidle")
    assert violations == []
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    # initAll() ran: the skip link component marks itself initialised.
    assert page.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1
