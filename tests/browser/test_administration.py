"""End to end in Debian's Chromium: an administrator adds a user with a role, sees their
one-time set-password link, and the new user sets a password and signs in. Then the agency and
area pages. axe-core checks every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harbour.accounts.models import Agency, AgencyType, Area, Role, User
from harbour.accounts.tests.factories import PASSWORD, AgencyFactory, AreaFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.audit.tests.flush import allow_test_flush_of_audit_log
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "lighthouse-keeper-2026"


@pytest.fixture(autouse=True, scope="module")
def _audit_log_flushable() -> None:
    """On PostgreSQL the end-of-test flush must be allowed to empty the audit table."""
    allow_test_flush_of_audit_log()


@pytest.fixture
def partnership() -> dict[str, object]:
    area = AreaFactory(name="Northbrook", code="northbrook")
    school = AgencyFactory(
        name="Northbrook Academy", agency_type=AgencyType.EDUCATION, areas=[area]
    )
    unit = AgencyFactory(name="Partnership Unit", agency_type=AgencyType.OTHER, areas=[area])
    admin = user_with_role(
        Role.ADMINISTRATOR, agency=unit, username="admin", first_name="Ada", last_name="Min"
    )
    return {"area": area, "school": school, "admin": admin}


def test_an_administrator_adds_a_user_who_sets_a_password_and_signs_in(
    page, live_server, partnership
):
    base = live_server.url
    sign_in(page, base, "admin", PASSWORD)
    page.goto(f"{base}/accounts/manage/")
    assert_accessible(page)
    page.get_by_role("link", name="Users", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a user").click()
    page.wait_for_url(f"{base}/accounts/manage/users/new/")
    assert_accessible(page)

    # Nothing filled in: the error summary says what is missing.
    page.get_by_role("button", name="Add user").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter a username" in summary.inner_text()
    assert "Select a role" in summary.inner_text()
    assert_accessible(page)

    page.get_by_label("Username").fill("sam.new")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Job title (optional)").fill("Pastoral lead")
    page.get_by_label("Agency", exact=True).select_option(label="Northbrook Academy")
    page.get_by_label("Role", exact=True).select_option(label="Referrer")
    page.get_by_role("button", name="Add user").click()
    page.wait_for_url(re.compile(r".*/accounts/manage/users/[0-9a-f-]{36}/$"))

    expect(page.get_by_text("Sam Newcomer has been added")).to_be_visible()
    expect(page.get_by_role("heading", name="Their set-password link")).to_be_visible()
    link = page.locator("#set-password-link").inner_text().strip()
    assert link.startswith(f"{base}/accounts/set-password/")
    expect(page.get_by_role("cell", name="Northbrook Academy", exact=True)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The new user follows the link; a too-short password is refused in plain words.
    page.goto(link)
    page.wait_for_url(re.compile(r".*/accounts/set-password/[^/]+/set-password/$"))
    expect(page.get_by_text("Your username is sam.new")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Create a password").fill("too-short")
    page.get_by_label("Type the password again").fill("too-short")
    page.get_by_role("button", name="Set password").click()
    assert (
        "Password must be 12 characters or more"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(f"{base}/accounts/sign-in/")
    expect(page.get_by_text("Your password has been set")).to_be_visible()
    assert_accessible(page)

    sign_in(page, base, "sam.new", NEW_PASSWORD)
    expect(page.get_by_text("Referrer, Northbrook Academy")).to_be_visible()
    assert_accessible(page)

    # The link has done its job.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert_accessible(page)

    user = User.objects.get(username="sam.new")
    membership = user.memberships.get()
    assert membership.role == Role.REFERRER
    for action, subject in (
        ("accounts.user_created", user),
        ("accounts.membership_added", membership),
        ("accounts.password_set", user),
    ):
        assert AuditEvent.objects.filter(action=action, subject_id=str(subject.pk)).count() == 1


def test_an_administrator_manages_roles_agencies_and_areas(page, live_server, partnership):
    base = live_server.url
    teacher = user_with_role(
        Role.REFERRER,
        agency=partnership["school"],
        username="robin",
        first_name="Robin",
        last_name="Teacher",
    )
    sign_in(page, base, "admin", PASSWORD)

    # An area, with a mistake first.
    page.goto(f"{base}/accounts/manage/areas/")
    assert_accessible(page)
    page.get_by_role("button", name="Add an area").click()
    assert_accessible(page)
    page.get_by_label("Area name").fill("Southmere")
    page.get_by_label("Short code").fill("northbrook")
    page.get_by_role("button", name="Add area").click()
    assert (
        "An area with that short code already exists"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Short code").fill("southmere")
    page.get_by_role("button", name="Add area").click()
    page.wait_for_url(f"{base}/accounts/manage/areas/")
    expect(page.get_by_role("cell", name="Southmere", exact=True)).to_be_visible()
    assert_accessible(page)

    # An agency serving it.
    page.goto(f"{base}/accounts/manage/agencies/")
    assert_accessible(page)
    page.get_by_role("button", name="Add an agency").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add agency").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Agency name").fill("Southmere Police")
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("Southmere").check()
    page.get_by_role("button", name="Add agency").click()
    page.wait_for_url(f"{base}/accounts/manage/agencies/")
    expect(page.get_by_role("cell", name="Southmere Police", exact=True)).to_be_visible()
    assert_accessible(page)
    police = Agency.objects.get(name="Southmere Police")

    # It serves Northbrook too.
    page.get_by_role("link", name="Change areas served by Southmere Police").click()
    assert_accessible(page)
    page.get_by_label("Northbrook").check()
    page.get_by_role("button", name="Save areas").click()
    page.wait_for_url(f"{base}/accounts/manage/agencies/")
    assert set(police.areas.values_list("code", flat=True)) == {"northbrook", "southmere"}

    # Robin gets a second role, loses the first, and is deactivated.
    page.goto(f"{base}/accounts/manage/users/?q=robin")
    assert_accessible(page)
    page.get_by_role("link", name="Robin Teacher").click()
    assert_accessible(page)
    page.get_by_label("Agency", exact=True).select_option(label="Southmere Police")
    page.get_by_label("Role", exact=True).select_option(label="Police exploitation officer")
    page.get_by_role("button", name="Add role").click()
    expect(
        page.get_by_text("Robin Teacher now has the role Police exploitation officer")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="End this role as Referrer at Northbrook Academy").click()
    expect(page.get_by_text("Robin Teacher no longer has the role Referrer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate user").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to deactivate Robin Teacher?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate user").click()
    expect(page.get_by_text("Robin Teacher has been deactivated")).to_be_visible()
    assert_accessible(page)

    teacher.refresh_from_db()
    assert not teacher.is_active
    assert set(teacher.memberships.filter(is_active=True).values_list("role", flat=True)) == {
        Role.POLICE_EXPLOITATION
    }
    assert Area.objects.filter(code="southmere").exists()
