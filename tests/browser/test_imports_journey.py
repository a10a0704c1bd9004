"""An extract of children imported in Debian's Chromium, all through the pages.

Northbrook's front-door practitioner opens Imports from the navigation, sets up a source for her
children's services' weekly list of children and uploads a CSV file of four rows: two children
Harbour has never seen, one with a date of birth that cannot exist (31 February), and one who is
plainly Jay Known, a child Northbrook Police already hold (same names, date of birth, postcode
and NHS number). She confirms the column matches, reads the report (the row and column of the
bad date, in words), reads the preview (two to create, one held), imports, sees the import done,
then decides the held row is the child already known. axe-core checks every page visited; the
database is checked at the end: two children created, nobody duplicated, the held row linked.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import PASSWORD, AgencyFactory, AreaFactory, user_with_role
from harbour.imports.models import BatchStatus, ImportBatch, ImportedRecord, RowOutcome
from harbour.imports.tests.factories import PERSON_HEADERS, csv_bytes, nhs_number, person_row
from harbour.people.models import Identifier, Involvement, Person
from harbour.people.tests.factories import AddressFactory, IdentifierFactory, PersonFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings: Any) -> dict[str, Any]:
    # Validation and commit run at once, in the request (the live server reads these settings).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    area = AreaFactory(code="northbrook", name="Northbrook")
    csc = AgencyFactory(
        name="Northbrook Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    police = AgencyFactory(name="Northbrook Police", agency_type=AgencyType.POLICE, areas=[area])
    user_with_role(Role.FRONT_DOOR, csc, username="frontdoor", first_name="Fran", last_name="Door")
    known = PersonFactory(
        first_names="Jay",
        last_name="Known",
        date_of_birth=datetime.date(2010, 1, 2),
        home_area=area,
        created_by_agency=police,
    )
    AddressFactory(person=known, postcode="LU1 3AB")
    IdentifierFactory(person=known, kind="nhs_number", value=nhs_number(3))
    Involvement.objects.create(person=known, agency=police, kind="holds_record")
    return {"csc": csc, "police": police, "known": known}


def _extract(directory: Path) -> Path:
    rows = [
        person_row(1, Forename="Amara", Surname="Okafor", DOB="09/04/2011"),
        person_row(2, Forename="Ben", Surname="Adeyemi", DOB="15/10/2012", Gender="M"),
        person_row(3, Forename="Jay", Surname="Known", DOB="02/01/2010", Gender="M"),
        person_row(4, Forename="Cleo", Surname="Impossible", DOB="31/02/2012"),
    ]
    path = directory / "weekly-children.csv"
    path.write_bytes(csv_bytes(PERSON_HEADERS, rows))
    return path


def test_an_extract_is_checked_previewed_imported_and_a_held_row_decided(
    page: Any, live_server: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    base = live_server.url
    known: Person = world["known"]
    sign_in(page, base, "frontdoor", PASSWORD)
    assert_accessible(page)

    # Imports, from the navigation.
    page.get_by_role("navigation").get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()
    assert_accessible(page)

    # A new source: submitted empty first, the error summary says what is missing.
    page.get_by_role("link", name="Set up a new source").click()
    expect(page.get_by_role("heading", name="Set up a new import source")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a name for the source")
    expect(summary).to_contain_text("Select what the extract contains")
    assert_accessible(page)
    page.get_by_label("Name of the source").fill("Weekly list of children")
    page.get_by_label("Persons").check()
    page.get_by_role("button", name="Continue").click()

    # Upload: nothing chosen first, then the CSV file.
    expect(page.get_by_role("heading", name="Upload an extract")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file to upload")
    assert_accessible(page)
    page.get_by_label("Upload the extract").set_input_files(str(_extract(tmp_path)))
    page.get_by_role("button", name="Upload and continue").click()

    # The column matches, suggested from the headers.
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_label("Column 'DOB'")).to_have_value("date_of_birth")
    expect(page.get_by_label("Column 'NHS No'")).to_have_value("nhs_number")
    assert_accessible(page)
    page.get_by_role("button", name="Check the rows").click()

    # The preview: two to create, one held, one with a problem.
    page.wait_for_url(re.compile(r".*/imports/batches/[0-9a-f-]{36}/$"))
    batch_url = page.url
    expect(page.get_by_role("heading", name="What the import will do")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Will create a new record"))).to_contain_text(
        "2"
    )
    expect(page.get_by_role("row", name=re.compile("Will be held for review"))).to_contain_text("1")
    expect(page.get_by_role("row", name=re.compile("Has problems"))).to_contain_text("1")
    assert_accessible(page)
    assert Person.objects.count() == 1  # nothing written before the commit

    # While a worker checks the rows the page shows its progress, and the preview once done.
    # (The immediate backend finishes before the page loads, so the test plays the worker.)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.VALIDATING, progress_done=2, progress_total=4
    )
    page.goto(batch_url)
    expect(page.get_by_role("heading", name="Checking the rows")).to_be_visible()
    expect(page.get_by_label("50% done: 2 of 4 rows")).to_be_visible()
    assert_accessible(page)
    ImportBatch.objects.filter(pk=batch.pk).update(progress_done=3)
    expect(page.get_by_label("75% done: 3 of 4 rows")).to_be_visible(timeout=10_000)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.READY, progress_done=4)
    expect(page.get_by_role("heading", name="What the import will do")).to_be_visible(
        timeout=10_000
    )
    assert_accessible(page)

    # The report: the row and the column of the impossible date, in words.
    page.get_by_role("link", name="Read the report of 1 row with problems").click()
    expect(page.get_by_role("heading", name="Rows with problems")).to_be_visible()
    problem = page.locator("tbody .govuk-table__row")
    expect(problem).to_have_count(1)
    # Row 5 as a spreadsheet numbers it (the headers are row 1), column 'DOB' as the file has it.
    expect(problem.locator("td")).to_have_text(["5", "DOB", "'31/02/2012' is not a real date"])
    assert_accessible(page)
    page.get_by_role("link", name="Back to the import").click()

    # Import: the page shows the import done.
    page.get_by_role("button", name="Import 3 rows").click()
    page.wait_for_url(batch_url)
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Imported").first).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    assert_accessible(page)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.COMMITTED
    assert batch.counts == {RowOutcome.CREATED: 2, RowOutcome.HELD: 1, RowOutcome.REJECTED: 1}

    # The held row: first no choice (the error summary), then "the same child".
    page.get_by_role("link", name="Decide the 1 row held for review").click()
    expect(page.get_by_role("heading", name="Held for review")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Decide row 4").click()
    expect(
        page.get_by_role("heading", name="Is this a child Harbour already knows?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether this is a child Harbour already knows or a new child"
    )
    assert_accessible(page)
    page.get_by_label("Jay Known, born 2 January 2010").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Row 4 decided")).to_be_visible()
    expect(page.get_by_role("link", name="Decide row 4")).to_have_count(0)
    assert_accessible(page)

    # The database: two new children, Jay not duplicated, Northbrook's record linked to him.
    assert Person.objects.count() == 3
    assert set(Person.objects.exclude(pk=known.pk).values_list("last_name", flat=True)) == {
        "Okafor",
        "Adeyemi",
    }
    assert not Person.objects.filter(last_name="Impossible").exists()
    assert Person.objects.filter(last_name="Known").count() == 1
    held = batch.rows.get(row_number=4)
    assert held.outcome == RowOutcome.LINKED
    assert held.person_id == known.pk
    assert ImportedRecord.objects.get(record_key=held.record_key).person_id == known.pk
    assert Involvement.objects.filter(person=known, agency=world["csc"]).exists()
    assert Identifier.objects.filter(kind="nhs_number", value=nhs_number(3)).count() == 1
