"""Referrals through the API: submitted as the agency's staff submit them, marked as from a
partner system; the outcome is readable by the submitting agency only."""

from __future__ import annotations

import pytest

from harbour.accounts.models import Role
from harbour.api.models import Scope
from harbour.api.tests.conftest import ApiClient, referral_body
from harbour.audit.models import AuditEvent
from harbour.referrals import services as referral_services
from harbour.referrals.models import Referral, ReferralSource, ReferralStatus

REFERRALS = "/api/v1/referrals/"


def test_submit_referral_creates_one_from_a_partner_system(world, police_api):
    response = police_api.post(REFERRALS, referral_body())
    assert response.status_code == 201, response.json()
    body = response.json()
    referral = Referral.objects.get(pk=body["id"])
    assert referral.source == ReferralSource.PARTNER_API
    assert referral.referrer_agency == world.police
    assert referral.receiving_agency == world.csc
    assert referral.subject_last_name == "Partnerton"
    assert body["reference"] == referral.reference
    assert body["status"] == ReferralStatus.AWAITING_TRIAGE
    assert body["decision"] is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"referral.created", "partner_api.referral_submitted", "partner_api.call"} <= actions


def test_submit_referral_about_a_known_child_links_them(world, police_api):
    response = police_api.post(REFERRALS, referral_body(person_id=str(world.child.pk)))
    assert response.status_code == 201
    assert Referral.objects.get(pk=response.json()["id"]).person == world.child


def test_submit_referral_about_an_invisible_child_is_a_field_error_not_a_leak(world, issue, health):
    _credential, token = issue(health, role=Role.REFERRER)
    response = ApiClient(token).post(REFERRALS, referral_body(person_id=str(world.child.pk)))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "person_id", "message": "Choose a child you can see in Harbour"}
    ]
    import uuid

    nobody = ApiClient(token).post(REFERRALS, referral_body(person_id=str(uuid.uuid4())))
    assert nobody.json()["errors"] == response.json()["errors"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"area": "nowhere"}, "area", "Enter the short code of an area in the partnership"),
        (
            {"child": {"date_of_birth": "2999-01-01", "last_name": "X"}},
            "child.date_of_birth",
            "Date of birth must be today or in the past",
        ),
        ({"child": {}}, "child.first_names", "Enter the child's first name or last name"),
        (
            {"child": {"last_name": "X", "postcode": "NOT A CODE"}},
            "child.postcode",
            None,
        ),
        (
            {"concern": {"categories": ["missing"], "narrative": "short"}},
            "concern.narrative",
            "Describe what happened, in at least a sentence",
        ),
        (
            {"referrer": {"lawful_basis": "consent", "phone": "01632 960000"}},
            "referrer.consent_details",
            "Say who gave consent and when",
        ),
        (
            {"referrer": {"lawful_basis": "public_task"}},
            "referrer.phone",
            "Enter a phone number or e-mail address the front door can use",
        ),
        ({"concern": {"categories": [], "narrative": "x" * 20}}, "concern.categories", None),
        (
            {"concern": {"categories": ["bogus"], "narrative": "x" * 20}},
            "concern.categories.0",
            None,
        ),
        ({"referrer": {"lawful_basis": "because", "phone": "1"}}, "referrer.lawful_basis", None),
        ({"child": {"last_name": "x" * 121}}, "child.last_name", None),
    ],
)
def test_bad_referral_is_400_with_field_errors_and_creates_nothing(
    world, police_api, change, field, message
):
    response = police_api.post(REFERRALS, referral_body(**change))
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert field in [error["field"] for error in errors], errors
    if message:
        assert any(e["field"] == field and e["message"].startswith(message) for e in errors), errors
    assert not Referral.objects.exists()


def test_a_role_that_cannot_refer_is_403(world, issue):
    from harbour.accounts.models import Membership

    credential, token = issue()
    # The agency's staff in that role can no longer refer: nor can the system.
    Membership.objects.filter(user=credential.service_user).update(role=Role.BOARD_MEMBER)
    response = ApiClient(token).post(REFERRALS, referral_body())
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot make referrals for that agency"


def _decide(world, referral: Referral) -> None:
    from harbour.accounts.tests.factories import user_with_role

    front_door = user_with_role(Role.FRONT_DOOR, world.csc)
    referral_services.referral_link_new_person(actor=front_door, referral=referral)
    referral_services.referral_triage(
        actor=front_door,
        referral=referral,
        route="early_help",
        rationale="Needs support from the early help team now.",
    )


def test_outcome_is_read_back_received_then_decided(world, police_api):
    created = police_api.post(REFERRALS, referral_body()).json()
    url = f"{REFERRALS}{created['id']}/"
    received = police_api.get(url)
    assert received.status_code == 200
    assert received.json()["status"] == "awaiting_triage"
    assert received.json()["decision"] is None
    _decide(world, Referral.objects.get(pk=created["id"]))
    decided = police_api.get(url).json()
    assert decided["status"] == "decided"
    assert decided["decision"]["route"] == "early_help"
    assert decided["decision"]["route_label"] == "Early help"
    assert "rationale" not in decided["decision"]
    assert (
        AuditEvent.objects.filter(
            action="partner_api.referral_outcome_viewed", subject_id=created["id"]
        ).count()
        == 2
    )


def test_another_agencys_referral_is_404_like_a_missing_one(world, police_api, issue, health):
    created = police_api.post(REFERRALS, referral_body()).json()
    _credential, token = issue(health, role=Role.REFERRER, scopes=(Scope.REFERRALS_READ,))
    other = ApiClient(token).get(f"{REFERRALS}{created['id']}/")
    missing = ApiClient(token).get(f"{REFERRALS}00000000-0000-0000-0000-000000000000/")
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"] == missing.json()["detail"]
    assert other.json()["type"] == "urn:harbour:problem:not-found"


def test_a_referral_the_agency_did_not_make_is_404_even_if_visible(world, issue):
    """The outcome endpoint answers only for the caller's agency's own referrals."""
    from harbour.referrals.services import (
        ChildAsDescribed,
        ConcernDetails,
        StaffReferrerDetails,
        referral_create_staff,
    )

    referral = referral_create_staff(
        actor=world.lead,
        agency=world.csc,
        area=world.area,
        child=ChildAsDescribed(last_name="Other"),
        concern=ConcernDetails(categories=("missing",), narrative="Missing from school often."),
        referrer=StaffReferrerDetails(
            lawful_basis="public_task", safeguarding_condition=True, phone="01632 960001"
        ),
        person=world.child,
    )
    from harbour.people.models import InvolvementKind
    from harbour.people.services import involvement_record

    involvement_record(
        actor=world.officer, person=world.child, agency=world.police, kind=InvolvementKind.CASE
    )
    credential, token = issue(scopes=(Scope.REFERRALS_READ,))  # police: involved with the child
    from harbour.access import policy

    assert policy.referral_visible_to(credential.service_user).filter(pk=referral.pk).exists()
    assert ApiClient(token).get(f"{REFERRALS}{referral.pk}/").status_code == 404
