"""The OpenAPI schema and its documentation are served without a token; Schemathesis, run
against the schema through the WSGI application with a valid credential, finds no server
error and no response that breaks the schema (CI runs this on PostgreSQL and SQLite)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from harbour.api.tests.conftest import ALL_SCOPES


def test_schema_and_docs_are_public(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/referrals/",
        "/api/v1/referrals/{referral_id}/",
        "/api/v1/missing-episodes/",
        "/api/v1/missing-episodes/{episode_id}/",
        "/api/v1/missing-episodes/{episode_id}/return/",
        "/api/v1/missing-episodes/{episode_id}/close/",
        "/api/v1/intelligence/",
        "/api/v1/children/known/",
    }
    assert document["components"]["securitySchemes"]["partnerToken"]["scheme"] == "bearer"
    submit = document["paths"]["/api/v1/referrals/"]["post"]
    assert "application/problem+json" in submit["responses"]["400"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])

    docs = client.get("/api/docs/swagger/")
    assert docs.status_code == 200
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy.replace("style-src-attr 'unsafe-inline'", "")
    assert "<script>" not in docs.content.decode()
    script = client.get("/api/docs/swagger/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def _schema_document() -> dict[str, Any]:
    """The schema exactly as ``/api/schema/`` serves it (generated in process)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(document))
    return loaded


schema = schemathesis.openapi.from_dict(_schema_document())
schema.app = application


@pytest.fixture
def wsgi_token(db: None, settings: Any, issue: Any) -> Iterator[str]:
    """A credential with every scope; the WSGI client's host allowed; no rate limit in the way.

    Called straight through WSGI, Django would close the test's database connection at the end
    of each request (inside the test's transaction): as Django's test client does, requests
    here leave connections alone.
    """
    from django.core import signals
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": "100000/min"},
    }
    _credential, secret = issue(scopes=ALL_SCOPES)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield str(secret)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: Any, wsgi_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {wsgi_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_successful_responses_conform_to_the_schema(wsgi_token: str, world: Any) -> None:
    """Fuzzed bodies seldom succeed (a real area code, a child the caller can see): each
    endpoint's success response is validated against the schema here with real submissions."""
    import datetime
    import uuid

    from django.utils import timezone

    from harbour.api.tests.conftest import referral_body

    now = timezone.now()

    def call(method: str, path: str, body: Any, **path_parameters: Any) -> Any:
        extra = {"body": body, "media_type": "application/json"} if body is not None else {}
        case = schema[path][method].Case(
            **extra,
            path_parameters=path_parameters,
            headers={"Idempotency-Key": str(uuid.uuid4())} if method == "POST" else {},
        )
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {wsgi_token}"},
            checks=[status_code_conformance, content_type_conformance, response_schema_conformance],
        )
        assert response.status_code < 300, response.text
        return response.json()

    referral = call("POST", "/api/v1/referrals/", referral_body())
    call("GET", "/api/v1/referrals/{referral_id}/", None, referral_id=referral["id"])
    episode = call(
        "POST",
        "/api/v1/missing-episodes/",
        {
            "person_id": str(world.child.pk),
            "missing_from": "home",
            "category": "missing",
            "last_seen_at": (now - datetime.timedelta(hours=3)).isoformat(),
            "reported_at": (now - datetime.timedelta(hours=2)).isoformat(),
            "last_seen_where": "Park",
        },
    )
    call(
        "POST",
        "/api/v1/missing-episodes/{episode_id}/return/",
        {"returned_at": now.isoformat(), "returned_where": "Home", "returned_how": "Walked in"},
        episode_id=episode["id"],
    )
    call("POST", "/api/v1/missing-episodes/{episode_id}/close/", None, episode_id=episode["id"])
    call("GET", "/api/v1/missing-episodes/{episode_id}/", None, episode_id=episode["id"])
    call(
        "POST",
        "/api/v1/intelligence/",
        {
            "person_id": str(world.child.pk),
            "summary": "Seen with an older male in a car.",
            "lawful_basis": "public_task",
            "items": [{"kind": "vehicle", "value": "AB12CDE"}],
        },
    )
    known = call(
        "POST",
        "/api/v1/children/known/",
        {"first_names": world.child.first_names, "last_name": world.child.last_name},
    )
    assert known["known"] is True


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    """drf-spectacular's own check: no unresolvable names, and a valid OpenAPI 3 document."""
    from django.core.management import call_command

    call_command(
        "spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate", "--fail-on-warn"
    )
    assert "openapi: 3" in (tmp_path / "schema.yaml").read_text()
