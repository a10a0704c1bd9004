"""Referral pages, signed in and not, through Django's test client."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.people.services import PersonDetails, person_create
from harbour.referrals import services
from harbour.referrals.forms import NEW_CHILD
from harbour.referrals.models import Referral, ReferralStatus
from harbour.referrals.tests.factories import (
    FrontDoorSetup,
    concern_details,
    make_public_referral,
    make_referral,
    public_form_data,
    staff_form_data,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


# Making a referral -----------------------------------------------------------------------


def test_referral_form_shows_for_a_referrer(north: FrontDoorSetup) -> None:
    response = _client(north.referrer).get(reverse("referrals:create"))
    assert response.status_code == 200
    assert "Check who already knows this child" in _text(response)
    assert response.context["form"].initial["referrer_email"] == north.referrer.email


def test_submit_with_a_mistake_shows_the_error_summary(north: FrontDoorSetup) -> None:
    data = staff_form_data(north, narrative="", child_postcode="NB1", action="submit")
    response = _client(north.referrer).post(reverse("referrals:create"), data)

    assert response.status_code == 200
    body = _text(response)
    assert "govuk-error-summary" in body
    assert "There is a problem" in body
    assert '<a href="#id_narrative">Describe what happened</a>' in body
    assert "Enter a real UK postcode, like AB1 2CD" in body
    assert "<title>Error: " in body
    # What was typed is kept.
    assert 'value="Ashdown"' in body
    assert 'value="NB1"' in body
    assert 'value="01632 960001"' in body
    assert not Referral.objects.exists()


def test_service_errors_reach_the_error_summary(north: FrontDoorSetup) -> None:
    """A mistake only the service catches (no contact details) is shown like a form error."""
    data = staff_form_data(north, referrer_phone="", referrer_email="", action="submit")
    response = _client(north.referrer).post(reverse("referrals:create"), data)
    assert response.status_code == 200
    assert "Enter a phone number or e-mail address the front door can use" in _text(response)
    assert "govuk-error-summary" in _text(response)
    assert not Referral.objects.exists()


def test_check_who_already_knows_this_child(north: FrontDoorSetup) -> None:
    person = person_create(
        actor=north.referrer,
        agency=north.school,
        details=PersonDetails(
            first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2011, 3, 27)
        ),
    )
    # Only the match fields are filled in: the rest of the form is not checked yet.
    data = staff_form_data(north, narrative="", categories=None, child_last_name="Ashdwon")
    data["action"] = "match"
    audit_before = AuditEvent.objects.exclude(action="person.match_candidates_shown").count()

    response = _client(north.referrer).post(reverse("referrals:create"), data)

    assert response.status_code == 200
    body = _text(response)
    assert "govuk-error-summary" not in body
    assert "Harbour found 1 possible match among the children you can see" in body
    assert "Amelia Ashdown" in body
    assert "Last name is spelt similarly" in body
    assert "First name matches exactly" in body
    assert "Date of birth matches exactly" in body
    assert f'value="{person.pk}"' in body  # offered as a choice
    assert 'value="Ashdwon"' in body  # what was typed is kept
    assert not Referral.objects.exists()
    assert AuditEvent.objects.exclude(action="person.match_candidates_shown").count() == (
        audit_before
    )
    shown = AuditEvent.objects.get(action="person.match_candidates_shown")
    assert shown.after["person_ids"] == [str(person.pk)]


def test_match_never_shows_a_child_the_referrer_cannot_see(
    north: FrontDoorSetup, south: FrontDoorSetup
) -> None:
    person_create(
        actor=south.referrer,
        agency=south.school,
        details=PersonDetails(
            first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2011, 3, 27)
        ),
    )
    data = {**staff_form_data(north), "action": "match"}
    response = _client(north.referrer).post(reverse("referrals:create"), data)
    assert response.status_code == 200
    assert "possible match" not in _text(response)
    assert not AuditEvent.objects.filter(action="person.match_candidates_shown").exists()


def test_successful_referral_redirects_to_its_page(north: FrontDoorSetup) -> None:
    client = _client(north.referrer)
    response = client.post(
        reverse("referrals:create"), {**staff_form_data(north), "action": "submit"}
    )

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = _text(page)
    assert f"Referral sent. Its reference is {referral.reference}." in body
    assert f"Referral {referral.reference}" in body
    assert referral.person is None
    assert referral.referrer == north.referrer


def test_referral_about_a_chosen_candidate(north: FrontDoorSetup) -> None:
    person = person_create(
        actor=north.referrer,
        agency=north.school,
        details=PersonDetails(
            first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2011, 3, 27)
        ),
    )
    data = {**staff_form_data(north, person_choice=str(person.pk)), "action": "submit"}
    response = _client(north.referrer).post(reverse("referrals:create"), data)
    assert response.status_code == 302
    assert Referral.objects.get().person == person


@pytest.mark.parametrize("url_name", ["referrals:create", "referrals:mine", "people:search"])
def test_no_case_content_roles_cannot_refer(north: FrontDoorSetup, url_name: str) -> None:
    board = user_with_role(Role.BOARD_MEMBER, north.csc)
    assert _client(board).get(reverse(url_name)).status_code == 404


# The front door queue --------------------------------------------------------------------


def _received_at(monkeypatch: pytest.MonkeyPatch, when: datetime.datetime, **kwargs: Any) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(services.timezone, "now", lambda: when)
        return make_referral(**kwargs)


def test_queue_urgent_first_then_oldest_and_overdue_marked(
    north: FrontDoorSetup, south: FrontDoorSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    old = _received_at(
        monkeypatch, now - datetime.timedelta(hours=30), actor=north.referrer, last_name="Old"
    )
    recent = _received_at(
        monkeypatch, now - datetime.timedelta(hours=2), actor=north.referrer, last_name="Recent"
    )
    urgent = _received_at(
        monkeypatch,
        now - datetime.timedelta(minutes=10),
        actor=north.referrer,
        last_name="Urgent",
        concern=concern_details(urgency="urgent"),
    )
    elsewhere = make_referral(actor=south.referrer, last_name="Elsewhere")
    decided = make_public_referral(area=north.area, first_names="", last_name="")
    services.referral_triage(
        actor=north.front_door,
        referral=decided,
        route="early_help",
        rationale="Early help offer via the school.",
    )

    response = _client(north.front_door).get(reverse("referrals:queue"))

    assert response.status_code == 200
    body = _text(response)
    positions = [body.index(referral.reference) for referral in (urgent, old, recent)]
    assert positions == sorted(positions)
    assert elsewhere.reference not in body
    assert decided.reference not in body
    assert "3 referrals awaiting a decision, <strong>1 overdue</strong>" in body
    rows = body.split('<tr class="govuk-table__row">')[2:]
    overdue = {row.split(">HBR-")[1][:9] for row in rows if "Overdue" in row}
    assert overdue == {old.reference[4:]}
    event = AuditEvent.objects.get(action="referral.queue_viewed")
    assert event.after["referral_ids"] == [str(urgent.pk), str(old.pk), str(recent.pk)]


def test_queue_is_only_for_the_front_door(north: FrontDoorSetup) -> None:
    assert _client(north.referrer).get(reverse("referrals:queue")).status_code == 404


# Deciding, and the referrer seeing the outcome -------------------------------------------


def test_decide_and_the_referrer_sees_the_outcome(north: FrontDoorSetup) -> None:
    referral = make_referral(actor=north.referrer)
    front_door = _client(north.front_door)

    detail = front_door.get(reverse("referrals:detail", args=[referral.pk]))
    assert detail.status_code == 200
    assert "Who already knows this child?" in _text(detail)

    linked = front_door.post(
        reverse("referrals:link", args=[referral.pk]), {"person_choice": NEW_CHILD}
    )
    assert linked.status_code == 302
    referral.refresh_from_db()
    assert referral.person is not None

    decided = front_door.post(
        reverse("referrals:decide", args=[referral.pk]),
        {"route": "exploitation_screening", "rationale": "Screening tool score meets threshold."},
    )
    assert decided.status_code == 302
    assert decided["Location"] == reverse("referrals:queue")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED

    referrer = _client(north.referrer)
    mine = _text(referrer.get(reverse("referrals:mine")))
    assert referral.reference in mine
    assert "Exploitation screening" in mine
    assert "Awaiting decision" not in mine
    page = _text(referrer.get(reverse("referrals:detail", args=[referral.pk])))
    assert "Outcome: Exploitation screening" in page
    assert "Record decision" not in page  # the referrer cannot triage


def test_decide_with_a_mistake_is_shown_on_the_referral(north: FrontDoorSetup) -> None:
    referral = make_referral(actor=north.referrer)
    services.referral_link_new_person(actor=north.front_door, referral=referral)
    response = _client(north.front_door).post(
        reverse("referrals:decide", args=[referral.pk]),
        {"route": "no_further_action", "rationale": "No concerns found on checks."},
    )
    assert response.status_code == 400
    body = _text(response)
    assert "govuk-error-summary" in body
    assert "Enter the advice given to the referrer" in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE


def test_decide_by_another_areas_front_door_is_404_and_audited(
    north: FrontDoorSetup, south: FrontDoorSetup
) -> None:
    referral = make_referral(actor=north.referrer)
    response = _client(south.front_door).post(
        reverse("referrals:decide", args=[referral.pk]),
        {"route": "early_help", "rationale": "Trying to decide another area's referral."},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE


def test_my_referrals_lists_only_mine(north: FrontDoorSetup) -> None:
    colleague = user_with_role(Role.REFERRER, north.school)
    mine = make_referral(actor=north.referrer)
    theirs = make_referral(actor=colleague, last_name="Colleague")
    body = _text(_client(north.referrer).get(reverse("referrals:mine")))
    assert mine.reference in body
    assert theirs.reference not in body
    assert "Awaiting decision" in body


# The public form -------------------------------------------------------------------------


def test_public_form_without_signing_in(north: FrontDoorSetup) -> None:
    client = Client()
    assert client.get(reverse("public_concern")).status_code == 200

    response = client.post(reverse("public_concern"), public_form_data(north))

    assert response.status_code == 302
    assert response["Location"] == reverse("public_concern_sent")
    referral = Referral.objects.get()
    assert referral.source == "public"
    assert referral.is_anonymous is True
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert referral.reference in _text(sent)
    assert "We have your message" in _text(sent)


def test_public_form_mistake(north: FrontDoorSetup) -> None:
    response = Client().post(
        reverse("public_concern"), public_form_data(north, narrative="", child_postcode="ZZ")
    )
    assert response.status_code == 200
    body = _text(response)
    assert "govuk-error-summary" in body
    assert "Tell us what is happening" in body
    assert "Enter a real UK postcode, like AB1 2CD" in body
    assert 'value="Quinn"' in body
    assert not Referral.objects.exists()


def test_public_sent_page_without_a_reference_goes_back_to_the_form(db: None) -> None:
    response = Client().get(reverse("public_concern_sent"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public_concern")


def test_sixth_public_submission_in_an_hour_is_refused(north: FrontDoorSetup) -> None:
    client = Client()
    for _ in range(5):
        assert client.post(reverse("public_concern"), public_form_data(north)).status_code == 302

    response = client.post(reverse("public_concern"), public_form_data(north))

    assert response.status_code == 429
    assert "You have sent a lot of messages" in _text(response)
    assert Referral.objects.count() == 5
    assert AuditEvent.objects.filter(action="referral.public_rate_limited").count() == 1


# Signing in ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/referrals/new/",
        "/referrals/mine/",
        "/referrals/queue/",
        f"/referrals/{uuid.uuid4()}/",
        "/people/",
        f"/people/{uuid.uuid4()}/",
        "/",
    ],
)
def test_staff_pages_redirect_to_sign_in(db: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={path}"


def test_posting_a_decision_signed_out_redirects(north: FrontDoorSetup) -> None:
    referral = make_referral(actor=north.referrer)
    response = Client().post(
        reverse("referrals:decide", args=[referral.pk]),
        {"route": "early_help", "rationale": "Not signed in at all."},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
