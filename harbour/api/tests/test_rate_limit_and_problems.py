"""Rate limiting per credential (429 with Retry-After) and the problem-details shape of every
kind of error."""

from __future__ import annotations

from harbour.api.tests.conftest import ApiClient
from harbour.audit.models import AuditEvent

KNOWN = "/api/v1/children/known/"
QUERY = {"first_names": "Nobody", "last_name": "Atall"}
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _rest_framework(settings, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": rate},
    }


def test_rate_limit_is_per_credential_with_retry_after(settings, issue):
    _rest_framework(settings, "3/min")
    _c1, token1 = issue(name="One")
    _c2, token2 = issue(name="Two")
    first = ApiClient(token1)
    assert [first.post(KNOWN, QUERY, key=None).status_code for _ in range(3)] == [200] * 3
    limited = first.post(KNOWN, QUERY, key=None)
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    body = limited.json()
    assert body["type"] == "urn:harbour:problem:rate-limited"
    assert body["status"] == 429
    assert ApiClient(token2).post(KNOWN, QUERY, key=None).status_code == 200
    assert AuditEvent.objects.filter(action="partner_api.call_refused", after__status=429).exists()


def test_problem_shape_and_instance_is_the_request_id(police_api):
    response = police_api.post(KNOWN, {"first_names": 5, "identifiers": [{"kind": "x"}]}, key=None)
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["instance"] == f"urn:uuid:{response['X-Request-ID']}"
    assert {e["field"] for e in body["errors"]} == {
        "identifiers.0.kind",
        "identifiers.0.value",
    }
    assert all(e["message"] for e in body["errors"])


def test_malformed_json_wrong_media_type_wrong_method_and_unknown_address(police_api):
    client = police_api.client
    auth = {"Authorization": f"Bearer {police_api.token}"}
    malformed = client.post(KNOWN, data="{not json", content_type="application/json", headers=auth)
    assert malformed.status_code == 400
    assert malformed.json()["type"] == "urn:harbour:problem:malformed-request"
    form = client.post(KNOWN, data={"a": "b"}, headers=auth)
    assert form.status_code == 415
    assert form["Content-Type"] == "application/problem+json"
    wrong_method = client.get(KNOWN, headers=auth)
    assert wrong_method.status_code == 405
    assert wrong_method["Allow"] == "POST, OPTIONS"
    for path in ("/api/v1/nothing-here/", "/api/v1/referrals/not-a-uuid/", "/api/v2/"):
        unknown = client.get(path, headers=auth)
        assert unknown.status_code == 404, path
        assert unknown["Content-Type"] == "application/problem+json"
    assert not client.get("/api/v1/referrals/not-a-uuid/").has_header("Location")
