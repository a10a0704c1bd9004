"""Break-glass pages: the emergency search, the grant button and information governance's review."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from harbour.access.forms import PERSON_MISSING
from harbour.access.models import BreakGlassGrant, ReviewOutcome
from harbour.access.services import (
    NOTES_MISSING,
    OUTCOME_MISSING,
    OWN_GRANT,
    REASON_TOO_SHORT,
    break_glass_grant,
)
from harbour.access.views import SEARCH_RESULTS_SESSION_KEY
from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.people.models import Involvement, InvolvementKind
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("access:emergency_search")
GRANT_URL = reverse("access:emergency_grant")
REVIEW_LIST_URL = reverse("access:review_list")
REASON = "Found at a house party at 3am, police need to know her safety plan"


def _search_data(**overrides: str) -> dict[str, str]:
    data = {
        "first_names": "Kayleigh",
        "last_name": "Marsh",
        "date_of_birth_day": "9",
        "date_of_birth_month": "4",
        "date_of_birth_year": "2011",
        "reason": REASON,
    }
    data.update(overrides)
    return data


@pytest.fixture
def practitioner():
    return user_with_role(Role.POLICE_EXPLOITATION)


@pytest.fixture
def child():
    return PersonFactory(
        first_names="Kayleigh",
        last_name="Marsh",
        date_of_birth=datetime.date(2011, 4, 9),
        created_by_agency=AgencyFactory(),
    )


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


# The search page -------------------------------------------------------------------------------


def test_the_search_page_warns_that_access_is_logged_limited_and_reviewed(signed_in, settings):
    settings.HARBOUR_BREAK_GLASS_HOURS = 24
    page = signed_in.get(SEARCH_URL).content.decode()
    assert "govuk-warning-text" in page
    assert "Emergency access is logged with your name and reason" in page
    assert "lasts 24 hours" in page
    assert "reviewed by information governance" in page


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.ADMINISTRATOR])
def test_roles_without_emergency_access_get_404(client, role):
    client.force_login(user_with_role(role))
    assert client.get(SEARCH_URL).status_code == 404
    assert client.post(GRANT_URL, {"reason": REASON}).status_code == 404


def test_an_empty_search_explains_each_problem(signed_in):
    response = signed_in.post(SEARCH_URL, {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error: " in page
    for message in ("Enter their last name", "Enter date of birth", REASON_TOO_SHORT):
        assert message in page
    assert not AuditEvent.objects.filter(action="access.break_glass_searched").exists()


def test_a_short_reason_is_explained(signed_in):
    page = signed_in.post(SEARCH_URL, _search_data(reason="urgent")).content.decode()
    assert "Give a reason of at least 20 characters – say why this is an emergency" in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2011", "Date of birth must be a real date"),
        ("9", "", "2011", "Date of birth must include a month"),
        ("9", "4", "11", "Year must include 4 numbers"),
        ("9", "4", "2999", "Date of birth must be today or in the past"),
    ],
)
def test_a_wrong_date_of_birth_is_explained(signed_in, day, month, year, message):
    data = _search_data(date_of_birth_day=day, date_of_birth_month=month, date_of_birth_year=year)
    assert message in signed_in.post(SEARCH_URL, data).content.decode()


def test_results_offer_emergency_access_carrying_the_reason(signed_in, child):
    response = signed_in.post(SEARCH_URL, _search_data())
    page = response.content.decode()
    assert "Kayleigh Marsh" in page
    assert "9 April 2011" in page
    assert "Get emergency access to this person" in page
    assert f'name="person" value="{child.pk}"' in page
    assert f'name="reason" value="{REASON}"' in page
    assert signed_in.session[SEARCH_RESULTS_SESSION_KEY] == [str(child.pk)]
    event = AuditEvent.objects.get(action="access.break_glass_searched")
    assert event.reason == REASON
    assert event.after["result_ids"] == [str(child.pk)]


def test_no_results_are_said_plainly(signed_in):
    page = signed_in.post(SEARCH_URL, _search_data(last_name="Nobody")).content.decode()
    assert "No one with that date of birth and a similar last name" in page


def test_a_person_the_user_can_already_see_gets_a_link_not_a_button(signed_in, practitioner):
    agency = practitioner.memberships.get().agency
    known = PersonFactory(
        first_names="Kayleigh", last_name="Marsh", date_of_birth=datetime.date(2011, 4, 9)
    )
    Involvement.objects.create(person=known, agency=agency, kind=InvolvementKind.HOLDS_RECORD)
    page = signed_in.post(SEARCH_URL, _search_data()).content.decode()
    assert reverse("people:detail", args=[known.pk]) in page
    assert "You can already see this record" in page
    assert "Get emergency access to this person" not in page


# The grant -------------------------------------------------------------------------------------


def test_the_button_grants_access_and_opens_the_record(signed_in, practitioner, child):
    signed_in.post(SEARCH_URL, _search_data())
    response = signed_in.post(GRANT_URL, {"person": child.pk, "reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.person, grant.reason) == (practitioner, child, REASON)
    assert SEARCH_RESULTS_SESSION_KEY not in signed_in.session
    record = signed_in.get(response["Location"])
    assert record.status_code == 200
    assert "You have emergency access to Kayleigh Marsh until" in record.content.decode()


def test_only_a_person_from_the_last_search_can_be_granted(signed_in, child):
    elsewhere = PersonFactory(created_by_agency=AgencyFactory())
    signed_in.post(SEARCH_URL, _search_data())
    response = signed_in.post(GRANT_URL, {"person": elsewhere.pk, "reason": REASON})
    assert response.status_code == 404
    assert not BreakGlassGrant.objects.exists()


def test_a_grant_without_a_search_is_not_found(signed_in, child):
    assert signed_in.post(GRANT_URL, {"person": child.pk, "reason": REASON}).status_code == 404


def test_a_tampered_reason_on_the_button_is_refused(signed_in, child):
    signed_in.post(SEARCH_URL, _search_data())
    response = signed_in.post(GRANT_URL, {"person": child.pk, "reason": "x"})
    assert response.status_code == 400
    assert REASON_TOO_SHORT in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_a_button_without_a_person_is_refused(signed_in):
    response = signed_in.post(GRANT_URL, {"person": "not-an-id", "reason": REASON})
    assert response.status_code == 400
    assert PERSON_MISSING in response.content.decode()
    assert PERSON_MISSING == "Choose the person you need emergency access to"


def test_granting_is_post_only(signed_in):
    assert signed_in.get(GRANT_URL).status_code == 405


# The review ------------------------------------------------------------------------------------


@pytest.fixture
def governance(client):
    user = user_with_role(Role.INFORMATION_GOVERNANCE)
    client.force_login(user)
    return user


@pytest.fixture
def grant(practitioner, child):
    return break_glass_grant(actor=practitioner, person=child, reason=REASON)


def _review_url(grant: BreakGlassGrant) -> str:
    return reverse("access:review_grant", args=[grant.pk])


def test_governance_sees_grants_to_review(client, governance, grant):
    page = client.get(REVIEW_LIST_URL).content.decode()
    assert "1 use of emergency access to review" in page
    assert "Kayleigh Marsh" in page
    assert REASON in page
    assert _review_url(grant) in page


@pytest.mark.parametrize(
    "role", [Role.POLICE_EXPLOITATION, Role.FRONT_DOOR, Role.BOARD_MEMBER, Role.ADMINISTRATOR]
)
def test_everyone_else_gets_404_for_reviews(client, role, grant):
    client.force_login(user_with_role(role))
    assert client.get(REVIEW_LIST_URL).status_code == 404
    assert client.get(_review_url(grant)).status_code == 404
    assert client.post(_review_url(grant), {"outcome": "appropriate"}).status_code == 404


def test_a_review_is_saved(client, governance, grant):
    response = client.post(_review_url(grant), {"outcome": ReviewOutcome.APPROPRIATE, "notes": ""})
    assert response.status_code == 302
    assert response["Location"] == REVIEW_LIST_URL
    grant.refresh_from_db()
    assert grant.review_outcome == ReviewOutcome.APPROPRIATE
    assert grant.reviewed_by == governance
    page = client.get(REVIEW_LIST_URL).content.decode()
    assert "Review of" in page
    assert "0 uses of emergency access to review" in page


def test_a_review_without_an_outcome_is_explained(client, governance, grant):
    page = client.post(_review_url(grant), {"notes": ""}).content.decode()
    assert OUTCOME_MISSING in page
    assert "Select whether the emergency access was appropriate" in page


def test_an_inappropriate_review_without_notes_is_explained(client, governance, grant):
    page = client.post(
        _review_url(grant), {"outcome": ReviewOutcome.INAPPROPRIATE, "notes": "  "}
    ).content.decode()
    assert NOTES_MISSING in page
    assert (
        "Enter review notes – say why the access was not appropriate and what will happen next"
        in page
    )
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_governance_cannot_review_their_own_grant(client, governance, child):
    own = break_glass_grant(actor=governance, person=child, reason=REASON)
    page = client.get(_review_url(own)).content.decode()
    assert "Another information governance officer must review it" in page
    response = client.post(_review_url(own), {"outcome": ReviewOutcome.APPROPRIATE})
    assert OWN_GRANT in response.content.decode()
    own.refresh_from_db()
    assert own.reviewed_at is None


def test_a_reviewed_grant_shows_its_review_and_no_form(client, governance, grant):
    client.post(
        _review_url(grant),
        {"outcome": ReviewOutcome.INAPPROPRIATE, "notes": "Spoke to her manager"},
    )
    page = client.get(_review_url(grant)).content.decode()
    assert "Spoke to her manager" in page
    assert "This use of emergency access has been reviewed" in page
    assert "Save review" not in page


@pytest.mark.django_db
def test_a_refused_emergency_request_is_audited(client):
    from harbour.accounts.models import Role
    from harbour.accounts.tests.factories import user_with_role
    from harbour.audit.models import AuditEvent

    board = user_with_role(Role.BOARD_MEMBER)
    client.force_login(board)
    response = client.get("/access/emergency/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.break_glass_refused")
    assert event.actor_id == board.pk
