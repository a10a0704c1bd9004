"""The partner API's human pages in Debian's Chromium.

An administrator issues a partner credential through Administration → Partner credentials (the
empty form first, whose error summary links to the fields), sees the credential once, and the
test calls the API with it over HTTP; the administrator revokes it with a reason, and the same
call is then refused (401, an RFC 9457 problem). axe-core checks every Harbour page visited.

The API reference (``/api/docs/``, generated from the schema) shows the operations and their
fields and passes axe; Swagger UI (``/api/docs/swagger/``, third-party markup: no axe run)
renders the operations from local static files with no Content Security Policy violation.
"""

from __future__ import annotations

import datetime
import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import PASSWORD, AgencyFactory, user_with_role
from harbour.api.models import PartnerCredential, Scope
from harbour.audit.models import AuditEvent
from harbour.audit.tests.flush import allow_test_flush_of_audit_log
from harbour.matching.sources import reset_register
from harbour.missing.tests.factories import MissingWorld, missing_world
from harbour.people.models import InvolvementKind, Person
from harbour.people.services import involvement_record
from harbour.people.tests.factories import PersonFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = {"first_names": "Kayden", "last_name": "Rivers", "date_of_birth": "2010-08-09"}
REASON = "The police records system is being replaced"


@pytest.fixture(autouse=True, scope="module")
def _audit_log_flushable() -> None:
    """On PostgreSQL the end-of-test flush must be allowed to empty the audit table."""
    allow_test_flush_of_audit_log()


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_register() -> None:
    """Throttle counts live in the cache, and the matching register in the process."""
    cache.clear()
    reset_register()


@pytest.fixture
def world() -> MissingWorld:
    return missing_world()


@pytest.fixture
def known_child(world: MissingWorld) -> Person:
    """A child the police hold a record on."""
    child: Person = PersonFactory(
        first_names="Kayden",
        last_name="Rivers",
        date_of_birth=datetime.date(2010, 8, 9),
        home_area=world.area,
        created_by_agency=world.police,
    )
    involvement_record(
        actor=world.officer, person=child, agency=world.police, kind=InvolvementKind.HOLDS_RECORD
    )
    return child


def _ask_whether_known(base: str, token: str) -> tuple[int, str, dict[str, Any]]:
    """``POST /api/v1/children/known/`` over HTTP: status, content type and JSON body."""
    assert base.startswith("http://"), base  # the live server, never a file: or other scheme
    request = urllib.request.Request(  # noqa: S310
        f"{base}/api/v1/children/known/",
        data=json.dumps(QUESTION).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.load(error)


def test_an_administrator_issues_and_revokes_a_partner_credential(
    page, live_server, world, known_child
):
    unit = AgencyFactory(name="Partnership Unit", agency_type=AgencyType.OTHER, areas=[world.area])
    user_with_role(
        Role.ADMINISTRATOR,
        agency=unit,
        username="admin",
        first_name="Ada",
        last_name="Min",
    )
    base = live_server.url
    sign_in(page, base, "admin", PASSWORD)
    page.goto(f"{base}/accounts/manage/")
    assert_accessible(page)
    page.get_by_role("link", name="Partner credentials").click()
    page.wait_for_url(f"{base}/accounts/manage/partner-credentials/")
    expect(page.get_by_role("heading", name="Partner credentials", level=1)).to_be_visible()
    expect(page.get_by_text("No partner credentials have been issued yet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Issue a credential").click()
    page.wait_for_url(f"{base}/accounts/manage/partner-credentials/new/")
    assert_accessible(page)

    # Nothing filled in: the error summary says what is missing and links to each field.
    page.get_by_role("button", name="Issue credential").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.locator("a")
    messages = [text.strip() for text in links.all_inner_texts()]
    assert messages == [
        "Enter the partner system's name",
        "Select an agency",
        "Select the role the partner system acts in",
        "Select at least one thing the partner system may do",
    ]
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href")
        assert href is not None
        assert href.startswith("#"), href
        target = page.locator(href)
        expect(target).to_have_count(1)
        assert target.evaluate("element => element.tagName") in ("INPUT", "SELECT")
    # Following a link focuses its field (GOV.UK Frontend's error summary behaviour).
    links.nth(1).click()
    expect(page.get_by_label("Agency", exact=True)).to_be_focused()
    assert_accessible(page)

    page.get_by_label("Name of the partner system").fill("Northbrook Police records system")
    page.get_by_label("Agency", exact=True).select_option(label="Northbrook Police")
    page.get_by_label("Role the system acts in").select_option(label="Police exploitation officer")
    page.get_by_label(Scope.CHILDREN_QUERY.label).check()
    page.get_by_label(Scope.MISSING_WRITE.label).check()
    page.get_by_label("In a year").check()
    page.get_by_role("button", name="Issue credential").click()

    # The credential, once.
    expect(page.get_by_role("heading", name="Credential issued", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="The credential", level=2)).to_be_visible()
    expect(page.get_by_text("You will not see it again")).to_be_visible()
    token = page.locator("#partner-token").inner_text().strip()
    assert re.fullmatch(r"hbr_[A-Za-z0-9]+_\S+", token), token
    assert_accessible(page)
    credential = PartnerCredential.objects.get()
    assert credential.agency == world.police
    assert sorted(credential.scopes) == sorted([Scope.CHILDREN_QUERY, Scope.MISSING_WRITE])
    assert token not in json.dumps(
        list(PartnerCredential.objects.values_list("name", "prefix", "token_hash"))
    )

    # The partner system uses it.
    status, content_type, body = _ask_whether_known(base, token)
    assert status == 200, body
    assert content_type.startswith("application/json")
    assert body["known"] is True
    assert [c["person_id"] for c in body["candidates"]] == [str(known_child.pk)]

    page.get_by_role("link", name="Go to the credential's details").click()
    page.wait_for_url(f"{base}/accounts/manage/partner-credentials/{credential.pk}/")
    expect(page.get_by_role("heading", name="Northbrook Police records system")).to_be_visible()
    # The token never appears again.
    assert token not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Revoke credential").click()
    page.wait_for_url(f"{base}/accounts/manage/partner-credentials/{credential.pk}/revoke/")
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you revoking it? (optional)").fill(REASON)
    page.get_by_role("button", name="Revoke credential").click()
    page.wait_for_url(f"{base}/accounts/manage/partner-credentials/{credential.pk}/")
    expect(page.get_by_text("has been revoked. It no longer works.")).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()
    expect(page.get_by_role("button", name="Revoke credential")).to_have_count(0)
    assert_accessible(page)
    # Its revoke address now says so, with no form.
    page.goto(f"{base}/accounts/manage/partner-credentials/{credential.pk}/revoke/")
    expect(
        page.get_by_role(
            "heading", name="Northbrook Police records system has already been revoked"
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Revoke credential")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Partner credentials").click()
    page.wait_for_url(f"{base}/accounts/manage/partner-credentials/")
    expect(page.get_by_role("cell", name="Revoked")).to_be_visible()
    assert_accessible(page)

    # The same call is now refused, as a problem.
    status, content_type, body = _ask_whether_known(base, token)
    assert status == 401, body
    assert content_type.startswith("application/problem+json")
    assert body["type"].endswith("not-authenticated")
    assert body["status"] == 401

    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert credential.revoked_reason == REASON
    for action in ("partner_api.credential_issued", "partner_api.credential_revoked"):
        assert AuditEvent.objects.filter(action=action, subject_id=str(credential.pk)).count() == 1


def test_the_api_reference_shows_the_operations_and_their_fields(page, live_server):
    """Public (no sign-in), generated from the schema, and accessible."""
    base = live_server.url
    page.goto(f"{base}/api/docs/")
    expect(page.get_by_role("heading", name="API reference", level=1)).to_be_visible()
    contents = page.get_by_role("navigation", name="Contents")
    for operation in (
        "POST /api/v1/referrals/",
        "GET /api/v1/referrals/{referral_id}/",
        "POST /api/v1/children/known/",
        "POST /api/v1/missing-episodes/{episode_id}/return/",
    ):
        expect(page.get_by_role("heading", name=operation, level=3)).to_have_count(1)
        expect(contents.get_by_role("link", name=operation, exact=True)).to_be_visible()
    assert_accessible(page)

    # The contents link goes to the operation; its request fields are a table.
    contents.get_by_role("link", name="POST /api/v1/referrals/", exact=True).click()
    page.wait_for_url(f"{base}/api/docs/#referral-submit")
    submit = page.locator("section", has=page.locator("#referral-submit"))
    expect(submit.get_by_text("referrals:write", exact=True)).to_be_visible()
    fields = submit.get_by_role("table", name="Request body fields of POST /api/v1/referrals/")
    row = fields.get_by_role("row", name=re.compile(r"^concern\.narrative\b"))
    expect(row.get_by_role("cell", name="string", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="Yes", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="What happened")).to_be_visible()
    expect(fields.get_by_role("rowheader", name="referrer.lawful_basis")).to_be_visible()
    responses = submit.get_by_role("table", name="Responses of POST /api/v1/referrals/")
    expect(responses.get_by_role("rowheader", name="422")).to_be_visible()

    # A success response's fields are behind a details element.
    submit.get_by_text("Fields of the 201 response", exact=True).click()
    expect(
        submit.get_by_role(
            "table", name="Fields of the 201 response of POST /api/v1/referrals/"
        ).get_by_role("rowheader", name="reference", exact=True)
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role(
        "link", name="interactive explorer (third-party; not fully accessible)"
    ).click()
    page.wait_for_url(f"{base}/api/docs/swagger/")


def test_swagger_ui_renders_under_its_content_security_policy(page, live_server):
    """Swagger UI (local static files) lists the operations; the browser reports no CSP
    violation. Third-party markup: axe is not run here."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/swagger/")
    expect(page.get_by_text("/api/v1/referrals/", exact=True).first).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/children/known/", exact=True).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations == []
