"""A duplicate reviewed and merged in Debian's Chromium (issue 5), all through the pages.

Northbrook's front door practitioner opens the queue of possible duplicates: the pair with a
child assessed at high risk comes first. She opens it, sees both records side by side and the
model's evidence (in words and as a figure), first submits without choosing (the error summary
says what is missing), then decides they are one child, keeping Mia Harper's record. The
confirmation page says what will move and that Northbrook Police will see the merged record; she
merges. The merge page shows "merged from"; she undoes the merge, with a reason, and the record is
separate again. axe-core checks every page visited; the database is checked at the end.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import PASSWORD, AgencyFactory, AreaFactory, user_with_role
from harbour.assessments.models import Assessment
from harbour.duplicates.models import CandidateStatus, DuplicateCandidate, PersonMerge
from harbour.people.models import Involvement, Person
from harbour.people.tests.factories import IdentifierFactory, PersonFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pair(left: Person, right: Person, probability: float) -> DuplicateCandidate:
    first, second = sorted((left, right), key=lambda person: person.pk)
    return DuplicateCandidate.objects.create(
        person_l=first,
        person_r=second,
        match_probability=probability,
        match_weight=11.2,
        explanation=[
            {"field": "nhs_number", "outcome": "Exact match", "match_weight": 9.8},
            {"field": "first_names", "outcome": "Similar spelling", "match_weight": 3.1},
            {"field": "date_of_birth", "outcome": "Day and month swapped", "match_weight": 2.4},
            {"field": "postcode", "outcome": "Different", "match_weight": -1.6},
        ],
        last_scored_at=timezone.now(),
    )


@pytest.fixture
def world() -> dict[str, Any]:
    area = AreaFactory(code="northbrook", name="Northbrook")
    csc = AgencyFactory(
        name="Northbrook Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    police = AgencyFactory(name="Northbrook Police", agency_type=AgencyType.POLICE, areas=[area])
    front_door = user_with_role(
        Role.FRONT_DOOR, csc, username="frontdoor", first_name="Fran", last_name="Door"
    )
    lead = user_with_role(Role.LEAD_PROFESSIONAL, csc, username="lead")
    mia = PersonFactory(
        first_names="Mia",
        last_name="Harper",
        date_of_birth=datetime.date(2011, 3, 4),
        home_area=area,
        created_by_agency=csc,
    )
    maya = PersonFactory(
        first_names="Maya",
        last_name="Harper",
        date_of_birth=datetime.date(2011, 4, 3),
        home_area=area,
        created_by_agency=csc,
    )
    for child in (mia, maya):
        IdentifierFactory(person=child, value="9434765919")
    Involvement.objects.create(person=maya, agency=police, kind="holds_record")
    Assessment.objects.create(
        person=maya,
        area=area,
        catalogue_key="exploitation",
        catalogue_version=1,
        started_from="triage",
        suggested_level="high",
        explanation={"indicators": [], "rules": []},
        level="high",
        rationale="Seen repeatedly with older males; missing overnight twice.",
        seen_alone="yes",
        review_due_on=timezone.localdate() + datetime.timedelta(days=28),
        is_current=True,
        completed_at=timezone.now() - datetime.timedelta(days=3),
        completed_by=lead,
        completed_by_agency=csc,
    )
    likelier = _pair(
        PersonFactory(first_names="Sam", last_name="Jones", home_area=area),
        PersonFactory(first_names="Samuel", last_name="Jones", home_area=area),
        0.99,
    )
    return {
        "mia": mia,
        "maya": maya,
        "front_door": front_door,
        "likelier": likelier,
        "pair": _pair(mia, maya, 0.96),
        "police": police,
    }


def test_a_duplicate_is_reviewed_merged_and_unmerged(
    page: Any, live_server: Any, world: dict[str, Any]
) -> None:
    base = live_server.url
    mia, maya = world["mia"], world["maya"]
    sign_in(page, base, "frontdoor", PASSWORD)

    # The queue: the pair with a child at high risk first, though the other is more probable.
    page.goto(f"{base}/duplicates/")
    expect(page.get_by_role("heading", name="Possible duplicate records")).to_be_visible()
    rows = page.locator("tbody .govuk-table__row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("High")
    expect(rows.nth(1)).to_contain_text("Jones")
    assert_accessible(page)

    # The comparison and the evidence.
    rows.nth(0).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Are these records the same child?")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^NHS number Exact match"))).to_contain_text(
        "Strong evidence they are the same child"
    )
    expect(page.get_by_role("img", name="Match weight of each comparison")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether these records are the same child"
    )
    assert_accessible(page)

    page.get_by_label("Yes, the same child: keep Mia Harper's record").check()
    page.get_by_label("Why have you decided this?").fill(
        "Same NHS number; the police record has the day and month of birth swapped."
    )
    page.get_by_role("button", name="Continue").click()

    # Check before merging: what moves, and who will see the record.
    expect(page.get_by_role("heading", name="Check before you merge")).to_be_visible()
    expect(page.get_by_text("Northbrook Police", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Merge the records").click()

    page.wait_for_url(re.compile(r".*/duplicates/merges/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name="Records merged")).to_be_visible()
    expect(page.get_by_text("Records merged into Mia Harper's record.")).to_be_visible()
    assert_accessible(page)
    merge_url = page.url
    assert Person.objects.get(pk=maya.pk).merged_into_id == mia.pk
    assert Assessment.objects.get(is_current=True).person_id == mia.pk

    # "Merged from" on the kept record, and undoing the merge.
    page.goto(f"{base}/duplicates/people/{mia.pk}/")
    expect(page.get_by_role("heading", name="Merged from")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Undo this merge of Maya Harper's record").click()
    expect(
        page.get_by_role("heading", name="Undo the merge of Maya Harper's record")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the merge should be undone"
    )
    assert_accessible(page)
    page.get_by_label("Why should this merge be undone?").fill("Checked with health: twins.")
    page.get_by_role("button", name="Undo the merge").click()
    page.wait_for_url(merge_url)
    expect(page.get_by_role("heading", name="Merge undone")).to_be_visible()
    assert_accessible(page)

    merge = PersonMerge.objects.get()
    assert merge.unmerge_reason == "Checked with health: twins."
    assert Person.objects.get(pk=maya.pk).merged_into_id is None
    assert Assessment.objects.get(is_current=True).person_id == maya.pk
    assert DuplicateCandidate.objects.get(pk=world["pair"].pk).status == CandidateStatus.OPEN
