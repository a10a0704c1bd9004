"""Information governance pages: the landing page, "who has seen this person" and the audit log."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from harbour.access.models import ReviewOutcome
from harbour.access.services import break_glass_grant, break_glass_review
from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.audit.forms import (
    ACTION_INVALID,
    END_BEFORE_START,
    PERSON_ID_INVALID,
    PERSON_ID_MISSING,
    PERSON_NOT_FOUND,
)
from harbour.audit.models import AuditEvent
from harbour.audit.selectors import PAGE_SIZE
from harbour.audit.services import record_event
from harbour.people.tests.factories import PersonFactory
from harbour.referrals.models import Referral, ReferralSource

pytestmark = pytest.mark.django_db

GOVERNANCE_URL = reverse("audit:governance")
LOG_URL = reverse("audit:log")
NARRATIVE = "Seen getting into cars with older men near the station after school"
REASON = "Missing overnight, police need her known associates straight away"


def _access_url(person) -> str:
    return reverse("audit:person_access", args=[person.pk])


def _referral_for(person) -> Referral:
    area = AreaFactory()
    now = timezone.now()
    return Referral.objects.create(
        reference=f"R-{person.pk.hex[:8]}",
        source=ReferralSource.STAFF,
        area=area,
        receiving_agency=AgencyFactory(areas=[area]),
        person=person,
        narrative=NARRATIVE,
        received_at=now,
        decision_due_at=now + datetime.timedelta(days=1),
        triage_policy_version=1,
    )


@pytest.fixture
def governance(client):
    user = user_with_role(Role.INFORMATION_GOVERNANCE, username="ig.officer")
    client.force_login(user)
    return user


@pytest.fixture
def police_officer():
    agency = AgencyFactory(name="Northbrook Police")
    return user_with_role(
        Role.POLICE_EXPLOITATION,
        agency=agency,
        first_name="Dana",
        last_name="Reyes",
        username="d.reyes",
    )


@pytest.fixture
def child():
    return PersonFactory(
        first_names="Kayleigh",
        last_name="Marsh",
        date_of_birth=datetime.date(2011, 4, 9),
        first_language="Tigrinya",
    )


NON_GOVERNANCE_ROLES = [role for role in Role if role != Role.INFORMATION_GOVERNANCE]


@pytest.mark.parametrize("role", NON_GOVERNANCE_ROLES)
def test_every_other_role_gets_404(client, role, child):
    client.force_login(user_with_role(role))
    for url in (GOVERNANCE_URL, _access_url(child), LOG_URL):
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()


# The landing page ------------------------------------------------------------------------------


def test_the_landing_page_links_to_the_pages_and_counts_unreviewed_grants(
    client, governance, police_officer, child
):
    first = break_glass_grant(actor=police_officer, person=child, reason=REASON)
    break_glass_grant(actor=police_officer, person=PersonFactory(), reason=REASON)
    break_glass_review(actor=governance, grant=first, outcome=ReviewOutcome.APPROPRIATE, notes="")

    page = client.get(GOVERNANCE_URL).content.decode()
    assert "1 use of emergency access" in page
    assert reverse("access:review_list") in page
    assert LOG_URL in page
    assert 'name="person_id"' in page


def test_looking_up_a_person_by_id_opens_their_access_history(client, governance, child):
    response = client.get(GOVERNANCE_URL, {"person_id": str(child.pk)})
    assert response.status_code == 302
    assert response["Location"] == _access_url(child)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", PERSON_ID_MISSING),
        ("Kayleigh Marsh", PERSON_ID_INVALID),
        ("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", PERSON_NOT_FOUND),
    ],
)
def test_a_wrong_person_id_is_explained(client, governance, value, message):
    page = client.get(GOVERNANCE_URL, {"person_id": value}).content.decode()
    assert "There is a problem" in page
    assert escape(message) in page


def test_the_person_id_messages_are_plain():
    assert PERSON_ID_MISSING == "Enter the person's ID"
    assert PERSON_ID_INVALID == (
        "Enter the person's ID in the correct format, like 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
    )
    assert PERSON_NOT_FOUND == "No person has this ID – check it and try again"


# Who has seen this person ----------------------------------------------------------------------


def test_who_has_seen_a_person_lists_events_about_them_and_their_referrals(
    client, governance, police_officer, child
):
    referral = _referral_for(child)
    record_event(actor=police_officer, action="person.viewed", subject=child)
    record_event(actor=police_officer, action="referral.viewed", subject=referral)
    break_glass_grant(actor=police_officer, person=child, reason=REASON)
    someone_else = PersonFactory()
    record_event(actor=police_officer, action="person.viewed", subject=someone_else)

    response = client.get(_access_url(child))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Who has seen this person" in page
    assert "Kayleigh Marsh" in page
    assert str(child.pk) in page
    assert "Dana Reyes" in page
    assert "Northbrook Police" in page
    assert escape("Viewed a person's record") in page
    assert "Viewed a referral" in page
    assert "Was granted emergency (break-glass) access to a person" in page
    assert REASON in page
    assert f"Referral {referral.pk}" in page
    assert str(someone_else.pk) not in page


def test_the_newest_event_comes_first(client, governance, police_officer, child):
    record_event(actor=police_officer, action="person.viewed", subject=child, reason="first look")
    record_event(actor=police_officer, action="person.updated", subject=child, reason="then edit")
    page = client.get(_access_url(child)).content.decode()
    assert page.index("then edit") < page.index("first look")


def test_a_reviewed_emergency_access_appears_in_the_history(
    client, governance, police_officer, child
):
    grant = break_glass_grant(actor=police_officer, person=child, reason=REASON)
    other_reviewer = user_with_role(Role.INFORMATION_GOVERNANCE)
    break_glass_review(
        actor=other_reviewer, grant=grant, outcome=ReviewOutcome.APPROPRIATE, notes="Justified"
    )
    page = client.get(_access_url(child)).content.decode()
    assert "Reviewed a use of emergency access" in page


def test_no_case_content_is_shown(client, governance, police_officer, child):
    referral = _referral_for(child)
    record_event(
        actor=police_officer,
        action="person.updated",
        subject=child,
        before={"first_language": "English"},
        after={"first_language": "Tigrinya"},
    )
    record_event(
        actor=police_officer,
        action="referral.created",
        subject=referral,
        after={"narrative": NARRATIVE},
    )
    page = client.get(_access_url(child)).content.decode()
    assert "Tigrinya" not in page
    assert NARRATIVE not in page
    assert "9 April 2011" not in page
    assert "2011-04-09" not in page


def test_viewing_the_history_is_itself_recorded(client, governance, child):
    client.get(_access_url(child))
    event = AuditEvent.objects.get(action="audit.person_access_viewed")
    assert event.actor_id == governance.pk
    assert event.subject_type == "people.person"
    assert event.subject_id == str(child.pk)


def test_an_unknown_person_is_not_found(client, governance):
    url = reverse("audit:person_access", args=["1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.person_access_viewed").exists()


def test_the_history_is_paginated(client, governance, police_officer, child):
    for n in range(PAGE_SIZE + 5):
        record_event(actor=police_officer, action="person.viewed", subject=child, reason=f"r{n}")
    first = client.get(_access_url(child)).content.decode()
    assert "Page 1 of 2" in first
    assert "?page=2" in first
    second = client.get(_access_url(child), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


# The audit log ---------------------------------------------------------------------------------


def test_the_log_lists_events_newest_first_and_is_recorded(client, governance, police_officer):
    record_event(actor=police_officer, action="auth.signed_in", reason="older")
    record_event(actor=police_officer, action="auth.signed_out", reason="newer")
    page = client.get(LOG_URL).content.decode()
    assert page.index("newer") < page.index("older")
    assert "Signed out" in page
    assert "Northbrook Police" in page
    assert AuditEvent.objects.filter(action="audit.log_viewed", actor=governance).exists()


def test_the_log_filters_by_action(client, governance, police_officer):
    record_event(actor=police_officer, action="auth.signed_in", reason="signed in event")
    record_event(actor=police_officer, action="auth.signed_out", reason="signed out event")
    page = client.get(LOG_URL, {"action": "auth.signed_out"}).content.decode()
    assert "signed out event" in page
    assert "signed in event" not in page


def test_the_log_filters_by_user(client, governance, police_officer):
    someone = user_with_role(Role.REFERRER, username="someone.else")
    record_event(actor=police_officer, action="auth.signed_in", reason="by dana")
    record_event(actor=someone, action="auth.signed_in", reason="by someone")
    page = client.get(LOG_URL, {"user": "D.Reyes"}).content.decode()
    assert "by dana" in page
    assert "by someone" not in page
    logged = AuditEvent.objects.get(action="audit.log_viewed")
    assert logged.after["user"] == "d.reyes"


def test_the_log_filters_by_date_range(client, governance, police_officer):
    record_event(actor=police_officer, action="auth.signed_in", reason="today's event")
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)

    def dates(start: datetime.date, end: datetime.date) -> dict[str, int]:
        return {
            "date_from_day": start.day,
            "date_from_month": start.month,
            "date_from_year": start.year,
            "date_to_day": end.day,
            "date_to_month": end.month,
            "date_to_year": end.year,
        }

    assert escape("today's event") in client.get(LOG_URL, dates(today, today)).content.decode()
    assert (
        escape("today's event")
        not in client.get(LOG_URL, dates(tomorrow, tomorrow)).content.decode()
    )


def test_an_unknown_username_is_explained(client, governance):
    page = client.get(LOG_URL, {"user": "nobody.here"}).content.decode()
    assert "There is a problem" in page
    assert escape("No user has the username ‘nobody.here’ – check the spelling") in page


def test_an_unknown_action_is_explained(client, governance):
    page = client.get(LOG_URL, {"action": "person.teleported"}).content.decode()
    assert ACTION_INVALID in page
    assert ACTION_INVALID == "Select an action from the list"


def test_an_end_date_before_the_start_is_explained(client, governance):
    data = {
        "date_from_day": "10",
        "date_from_month": "3",
        "date_from_year": "2026",
        "date_to_day": "1",
        "date_to_month": "3",
        "date_to_year": "2026",
    }
    page = client.get(LOG_URL, data).content.decode()
    assert END_BEFORE_START in page
    assert END_BEFORE_START == "End date must be the same as or after the start date"
    assert not AuditEvent.objects.filter(action="audit.log_viewed").exists()


def test_a_wrong_date_is_explained(client, governance):
    data = {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}
    assert "Start date must be a real date" in client.get(LOG_URL, data).content.decode()


def test_log_pages_keep_their_filters(client, governance, police_officer):
    for _ in range(PAGE_SIZE + 1):
        record_event(actor=police_officer, action="auth.signed_in")
    page = client.get(LOG_URL, {"action": "auth.signed_in"}).content.decode()
    assert "Page 1 of 2" in page
    assert "?action=auth.signed_in&amp;page=2" in page
