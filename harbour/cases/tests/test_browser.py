"""A case opened from a triage decision and given a plan, in Debian's Chromium; axe-core checks
every case page (with and without errors)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from harbour.cases.models import Case
from harbour.cases.tests.factories import CaseWorld, in_days
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _fill_date(page: Any, group: str, day: Any) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_open_a_case_with_a_plan(page: Any, live_server: Any, world: CaseWorld) -> None:
    base = live_server.url

    # The front door opens the case from its decision, first forgetting the lead professional.
    _sign_in(page, live_server, world.north.front_door)
    page.goto(f"{base}/cases/new/?referral={world.referral.pk}")
    assert_accessible(page)
    page.get_by_label("Northbrook Police").check()
    page.get_by_role("button", name="Open case").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Choose a lead professional" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("Lead professional").select_option(label=f"{world.lead}, {world.north.csc}")
    _fill_date(page, "Date of the first plan review", in_days(28))
    page.get_by_role("button", name="Open case").click()
    page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.get()
    expect(page.get_by_text("No assessment yet")).to_be_visible()
    assert_accessible(page)

    # The lead professional adds a goal in the child's words, and an action for the police.
    _sign_in(page, live_server, world.lead)
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Goal", exact=True).fill("Stop going to the flat on Mill Road.")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Add goal").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The child's words").fill("I don't want to go there any more.")
    page.get_by_role("button", name="Add goal").click()
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    expect(page.get_by_text("Agreed with the child")).to_be_visible()

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Disruption visit to the flat.")
    page.get_by_label("Owner").select_option(label=f"{world.officer}, {world.police}")
    _fill_date(page, "Due date", in_days(7))
    page.get_by_role("button", name="Add action").click()
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    expect(page.get_by_text("Disruption visit to the flat.")).to_be_visible()
    assert_accessible(page)

    # Every other form page, empty and then with its errors.
    forms = {
        "Add an agency": "Add agency",
        "Record a review": "Record review",
        "Step down to monitoring": "Step down",
        "Close the case": "Close case",
    }
    for link, button in forms.items():
        page.goto(f"{base}/cases/{case.pk}/")
        page.get_by_role("link", name=link).click()
        assert_accessible(page)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(page)
    page.goto(f"{base}/cases/{case.pk}/lead/")
    assert_accessible(page)
    page.goto(f"{base}/cases/{case.pk}/agencies/{world.police.pk}/leave/")
    assert_accessible(page)

    # "My cases" shows the missing assessment as overdue, in words as well as colour.
    page.goto(f"{base}/cases/mine/")
    expect(page.locator(".app-tag--overdue").first).to_have_text("No assessment yet")
    assert_accessible(page)

    # The officer updates the action they own.
    _sign_in(page, live_server, world.officer)
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="Update this action").click()
    assert_accessible(page)
    page.get_by_label("Done").check()
    page.get_by_label("Note").fill("Visited with the landlord; nobody there.")
    page.get_by_role("button", name="Update action").click()
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    assert case.actions.get().status == "done"
