"""Break-glass and information governance pages in a real browser, checked with axe-core."""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Found at a house party at 3am, police need to know her safety plan"


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_emergency_search_grant_and_review(page, live_server):
    officer = user_with_role(Role.POLICE_EXPLOITATION)
    child = PersonFactory(
        first_names="Kayleigh",
        last_name="Marsh",
        date_of_birth=datetime.date(2011, 4, 9),
        created_by_agency=AgencyFactory(),
    )
    _sign_in(page, live_server, officer)

    page.goto(f"{live_server.url}/access/emergency/")
    _assert_accessible(page)

    page.get_by_role("button", name="Search").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Enter their last name" in summary.inner_text()
    _assert_accessible(page)

    page.get_by_label("Last name").fill("Marsh")
    page.get_by_label("Day").fill("9")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2011")
    page.get_by_label("Why do you need emergency access?").fill(REASON)
    page.get_by_role("button", name="Search").click()
    _assert_accessible(page)

    page.get_by_role("button", name="Get emergency access to this person").click()
    assert page.url.endswith(f"/people/{child.pk}/")
    assert "You have emergency access to Kayleigh Marsh" in page.content()

    governance = user_with_role(Role.INFORMATION_GOVERNANCE)
    page.context.clear_cookies()
    _sign_in(page, live_server, governance)
    for path in (
        "/audit/",
        "/access/emergency/review/",
        f"/audit/people/{child.pk}/",
        "/audit/log/",
    ):
        page.goto(f"{live_server.url}{path}")
        _assert_accessible(page)

    page.goto(f"{live_server.url}/access/emergency/review/")
    page.get_by_role("link", name="Review").first.click()
    page.get_by_role("button", name="Save review").click()
    assert "Select whether the emergency access was appropriate" in page.content()
    _assert_accessible(page)
    page.get_by_label("Not appropriate – follow up with the user's manager").check()
    page.get_by_label("Review notes").fill("Not an emergency: raised with her manager")
    page.get_by_role("button", name="Save review").click()
    assert page.url.endswith("/access/emergency/review/")
    assert "Not appropriate" in page.content()
