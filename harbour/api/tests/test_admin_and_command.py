"""Administrators issue and revoke credentials (the token shown once); nobody else sees the
pages; the command issues and revokes too."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import PASSWORD, user_with_role
from harbour.api import services
from harbour.api.models import PartnerCredential, Scope
from harbour.audit.models import AuditEvent

NEW = "/accounts/manage/partner-credentials/new/"


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def admin(world):
    return _signed_in(user_with_role(Role.ADMINISTRATOR, world.csc))


def test_administrator_issues_sees_token_once_and_revokes(world, admin):
    assert admin.get(NEW).status_code == 200
    response = admin.post(
        NEW,
        {
            "name": "Northbrook Police RMS",
            "agency": str(world.police.pk),
            "role": Role.POLICE_EXPLOITATION,
            "scopes": [Scope.CHILDREN_QUERY, Scope.MISSING_WRITE],
            "expires": "90",
        },
    )
    assert response.status_code == 200
    credential = PartnerCredential.objects.get()
    token = response.context["token"]
    assert token.startswith(f"hbr_{credential.prefix}_")
    assert token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert credential.expires_at is not None
    detail = admin.get(f"/accounts/manage/partner-credentials/{credential.pk}/")
    assert detail.status_code == 200
    assert token not in detail.content.decode()
    assert (
        "Northbrook Police RMS"
        in admin.get("/accounts/manage/partner-credentials/").content.decode()
    )

    revoked = admin.post(
        f"/accounts/manage/partner-credentials/{credential.pk}/revoke/", {"reason": "Replaced"}
    )
    assert revoked.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert credential.revoked_reason == "Replaced"
    with pytest.raises(services.CredentialRefused):
        services.credential_authenticate(token=token)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"partner_api.credential_issued", "partner_api.credential_revoked"} <= actions


def test_issue_form_errors_are_in_plain_words(world, admin):
    response = admin.post(NEW, {"name": "", "expires": "never"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert escape(services.MSG_NAME) in page
    assert escape(services.MSG_SCOPES) in page
    assert not PartnerCredential.objects.exists()


def test_pages_do_not_exist_for_non_administrators(world):
    client = _signed_in(world.officer)
    for path in (NEW, "/accounts/manage/partner-credentials/"):
        assert client.get(path).status_code == 404


def test_command_issues_and_revokes(world):
    out = io.StringIO()
    call_command(
        "issue_partner_credential",
        "--name=Police RMS",
        f"--agency={world.police.name}",
        "--role=police_exploitation",
        "--scope=children:query",
        "--scope=missing:write",
        stdout=out,
    )
    token = out.getvalue().strip().splitlines()[-1]
    credential = services.credential_authenticate(token=token)
    assert credential.scopes == ["children:query", "missing:write"]
    call_command("issue_partner_credential", f"--revoke={credential.prefix}", stdout=io.StringIO())
    with pytest.raises(services.CredentialRefused):
        services.credential_authenticate(token=token)
    with pytest.raises(CommandError, match="No agency"):
        call_command(
            "issue_partner_credential",
            "--name=X",
            "--agency=Nowhere",
            "--role=referrer",
            "--scope=children:query",
        )
