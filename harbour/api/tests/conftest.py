"""Fixtures for the partner API tests: Northbrook (children's services, police, a school, a
child both know), a health trust, credentials issued through the service, and a client that
speaks JSON with a bearer token."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from harbour.accounts.models import Agency, AgencyType, Role
from harbour.accounts.tests.factories import AgencyFactory
from harbour.api import services
from harbour.api.models import PartnerCredential, Scope
from harbour.missing.tests.factories import MissingWorld, missing_world

ALL_SCOPES = tuple(Scope.values)


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_register() -> None:
    """Throttle counts live in the cache, and the matching register in the process: every test
    starts with neither."""
    from harbour.matching.sources import reset_register

    cache.clear()
    reset_register()


@pytest.fixture
def world(db: None) -> MissingWorld:
    return missing_world()


@pytest.fixture
def health(world: MissingWorld) -> Agency:
    agency: Agency = AgencyFactory(
        name="Northbrook Health Trust", agency_type=AgencyType.HEALTH, areas=[world.area]
    )
    return agency


Issue = Callable[..., tuple[PartnerCredential, str]]


@pytest.fixture
def issue(world: MissingWorld) -> Issue:
    """``issue(agency, role=..., scopes=...)``: a credential through the service, and its token."""

    def _issue(
        agency: Agency | None = None,
        *,
        role: str = Role.POLICE_EXPLOITATION,
        scopes: tuple[str, ...] = ALL_SCOPES,
        **kwargs: Any,
    ) -> tuple[PartnerCredential, str]:
        return services.credential_issue(
            actor=None,
            name=kwargs.pop("name", "Test partner system"),
            agency=agency or world.police,
            role=role,
            scopes=scopes,
            **kwargs,
        )

    return _issue


class ApiClient:
    """Django's test client speaking JSON with ``Authorization: Bearer``."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, key: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if key is not None:
            sent["Idempotency-Key"] = key
        sent.update(headers or {})
        return sent

    def post(
        self,
        path: str,
        body: Any,
        *,
        key: str | None = "new",
        headers: dict[str, str] | None = None,
    ) -> Any:
        if key == "new":
            key = str(uuid.uuid4())
        return self.client.post(
            path,
            data=json.dumps(body, default=str),
            content_type="application/json",
            headers=self._headers(key, headers),
        )

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> Any:
        return self.client.get(path, headers=self._headers(None, headers))


@pytest.fixture
def police_api(issue: Issue) -> ApiClient:
    _credential, token = issue()
    return ApiClient(token)


def referral_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "area": "northbrook",
        "child": {"first_names": "Jess", "last_name": "Partnerton", "date_of_birth": "2011-03-04"},
        "concern": {
            "categories": ["criminal_exploitation"],
            "narrative": "Seen getting into cars with older men after school, twice this week.",
        },
        "referrer": {
            "lawful_basis": "public_task",
            "phone": "01632 960000",
            "name": "PC Records",
        },
    }
    body.update(overrides)
    return body
