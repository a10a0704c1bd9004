"""The health check, the Content Security Policy and the other security headers."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.core import views as core_views
from harbour.referrals.services import referral_link_new_person
from harbour.referrals.tests.factories import front_door_setup, make_referral

pytestmark = pytest.mark.django_db

_NONCE_IN_PAGE = re.compile(r'nonce="([^"]+)"')


# Health ----------------------------------------------------------------------------------


def test_healthz_ok() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


class _BrokenConnection:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def cursor(self) -> Any:
        raise self.error


def test_healthz_503_when_the_database_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = _BrokenConnection(OperationalError("server closed the connection unexpectedly"))
    monkeypatch.setattr(core_views, "connection", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "no-cache" in response["Cache-Control"]


# Security headers on every HTML page -------------------------------------------------------


def _pages() -> list[tuple[Client, str]]:
    """A signed-out visitor's pages and each signed-in role's pages, with real records."""
    north = front_door_setup()
    referral = make_referral(actor=north.referrer)
    person = referral_link_new_person(actor=north.front_door, referral=referral)
    governance = user_with_role(Role.INFORMATION_GOVERNANCE, north.csc)

    anonymous = Client()
    referrer, front_door, ig = Client(), Client(), Client()
    referrer.force_login(north.referrer)
    front_door.force_login(north.front_door)
    ig.force_login(governance)
    return [
        (anonymous, reverse("accounts:login")),
        (anonymous, reverse("public_concern")),
        (anonymous, reverse("core:accessibility")),
        (anonymous, reverse("core:privacy")),
        (referrer, reverse("core:home")),
        (referrer, reverse("referrals:create")),
        (referrer, reverse("referrals:mine")),
        (referrer, reverse("referrals:detail", args=[referral.pk])),
        (referrer, f"{reverse('people:search')}?q=Example"),
        (referrer, reverse("accounts:password_change")),
        (referrer, reverse("notifications:inbox")),
        (front_door, reverse("referrals:queue")),
        (front_door, reverse("referrals:detail", args=[referral.pk])),
        (front_door, reverse("people:detail", args=[person.pk])),
        (ig, reverse("audit:governance")),
    ]


def _csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_has_a_csp_with_a_nonce() -> None:
    for client, path in _pages():
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path
        policy = _csp(response)
        script_src = policy["script-src"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
        assert policy["default-src"] == ["'self'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["object-src"] == ["'none'"], path
        nonces = set(_NONCE_IN_PAGE.findall(response.content.decode()))
        assert len(nonces) == 1, f"{path}: the page's scripts should carry one nonce"
        (nonce,) = nonces
        assert f"'nonce-{nonce}'" in script_src, f"{path}: {script_src}"


def test_the_nonce_changes_on_every_request() -> None:
    client = Client()
    first = _csp(client.get(reverse("accounts:login")))["script-src"]
    second = _csp(client.get(reverse("accounts:login")))["script-src"]
    assert first != second
    assert all(value.startswith("'nonce-") or value == "'self'" for value in first + second)


def test_not_found_pages_have_a_csp_too() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code in (302, 404)
    assert "Content-Security-Policy" in response
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_other_security_headers() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# Request ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/accounts/sign-in/", "/report/", "/"])
def test_every_response_has_a_request_id(path: str) -> None:
    response = Client().get(path)
    request_id = response["X-Request-ID"]
    assert str(uuid.UUID(request_id)) == request_id


def test_a_well_formed_upstream_request_id_is_kept() -> None:
    upstream = str(uuid.uuid4())
    response = Client().get("/healthz", headers={"X-Request-ID": upstream})
    assert response["X-Request-ID"] == upstream


@pytest.mark.parametrize("upstream", ["", "not-a-uuid", "<script>", "1" * 200])
def test_a_malformed_upstream_request_id_is_replaced(upstream: str) -> None:
    response = Client().get("/healthz", headers={"X-Request-ID": upstream})
    assert response["X-Request-ID"] != upstream
    uuid.UUID(response["X-Request-ID"])


def test_requests_get_different_ids() -> None:
    client = Client()
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]
