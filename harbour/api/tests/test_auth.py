"""Credentials: missing, malformed, unknown, revoked and expired tokens are 401 problems; a
missing scope is a 403 problem; each refusal is audited."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.api import services
from harbour.api.models import PartnerCredential, Scope
from harbour.api.tests.conftest import ApiClient, referral_body
from harbour.audit.models import AuditEvent

KNOWN = "/api/v1/children/known/"
QUERY = {"first_names": "Nobody", "last_name": "Atall"}


def _assert_401(response, detail: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["type"] == "urn:harbour:problem:not-authenticated"
    assert body["detail"] == detail


def test_no_token_is_401(world):
    response = ApiClient().post(KNOWN, QUERY)
    _assert_401(response, "Authentication credentials were not provided.")


def test_malformed_header_is_401(world):
    response = ApiClient().post(KNOWN, QUERY, headers={"Authorization": "Token abc"})
    _assert_401(response, "Send the credential as: Authorization: Bearer <token>")


@pytest.mark.parametrize(
    "token",
    ["nonsense", "hbr_0000000000000000_secret", "hbr__x", "hbr_abc", ""],
)
def test_unknown_token_is_401(world, token):
    response = ApiClient().post(KNOWN, QUERY, headers={"Authorization": f"Bearer {token}x"})
    _assert_401(response, services.MSG_CREDENTIAL_UNKNOWN)


def test_right_prefix_wrong_secret_is_401(issue):
    _credential, token = issue()
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    _assert_401(ApiClient(forged).post(KNOWN, QUERY), services.MSG_CREDENTIAL_UNKNOWN)


def test_valid_token_is_let_in_and_last_use_recorded(issue):
    credential, token = issue()
    assert credential.last_used_at is None
    response = ApiClient(token).post(KNOWN, QUERY)
    assert response.status_code == 200
    credential.refresh_from_db()
    assert credential.last_used_at is not None


def test_revoked_token_is_401_and_service_user_deactivated(issue, world):
    credential, token = issue()
    assert ApiClient(token).post(KNOWN, QUERY).status_code == 200
    services.credential_revoke(actor=None, credential=credential, reason="Leaked")
    credential.refresh_from_db()
    assert not credential.service_user.is_active
    _assert_401(ApiClient(token).post(KNOWN, QUERY), services.MSG_CREDENTIAL_REVOKED)


def test_expired_token_is_401(issue):
    credential, token = issue(expires_at=timezone.now() + datetime.timedelta(days=1))
    assert ApiClient(token).post(KNOWN, QUERY).status_code == 200
    PartnerCredential.objects.filter(pk=credential.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    _assert_401(ApiClient(token).post(KNOWN, QUERY), services.MSG_CREDENTIAL_EXPIRED)


def test_missing_scope_is_403_problem(issue):
    _credential, token = issue(scopes=(Scope.REFERRALS_READ,))
    response = ApiClient(token).post("/api/v1/referrals/", referral_body())
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:harbour:problem:forbidden"
    assert "referrals:write" in body["detail"]


def test_refusals_are_audited_with_the_credential(issue):
    credential, token = issue()
    services.credential_revoke(actor=None, credential=credential)
    ApiClient(token).post(KNOWN, QUERY)
    ApiClient().post(KNOWN, QUERY)
    refusals = list(AuditEvent.objects.filter(action="partner_api.call_refused").order_by("id"))
    assert len(refusals) == 2
    assert refusals[0].subject_id == str(credential.pk)
    assert refusals[0].after["status"] == 401
    assert refusals[0].actor_id is None
    assert refusals[1].subject_id == ""
    assert refusals[1].actor_label == "partner API: no credential"


def test_token_is_stored_only_as_a_hash(issue):
    credential, token = issue()
    assert token.startswith(f"hbr_{credential.prefix}_")
    assert credential.token_hash == services.token_hash(token)
    assert token not in str(PartnerCredential.objects.filter(pk=credential.pk).values().get())


def test_service_user_cannot_sign_in_and_holds_one_membership(issue, world):
    credential, _token = issue(role=Role.REFERRER)
    user = credential.service_user
    assert not user.has_usable_password()
    memberships = list(user.memberships.all())
    assert [(m.agency_id, m.role) for m in memberships] == [(world.police.pk, Role.REFERRER)]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("name", {"name": " "}),
        ("role", {"role": Role.FRONT_DOOR}),
        ("role", {"role": Role.ADMINISTRATOR}),
        ("scopes", {"scopes": ()}),
        ("scopes", {"scopes": ("everything",)}),
        ("expires_at", {"expires_at": timezone.now() - datetime.timedelta(days=1)}),
    ],
)
def test_issue_refuses_bad_input(world, field, kwargs):
    from harbour.core.errors import ServiceValidationError

    values = {
        "actor": None,
        "name": "System",
        "agency": world.police,
        "role": Role.POLICE_EXPLOITATION,
        "scopes": (Scope.CHILDREN_QUERY,),
    }
    values.update(kwargs)
    with pytest.raises(ServiceValidationError) as raised:
        services.credential_issue(**values)
    assert field in raised.value.message_dict
    assert not PartnerCredential.objects.exists()
