"""Idempotency keys: a retried submission returns the first response and creates nothing; the
same key for a different request is refused; a failed submission keeps nothing."""

from __future__ import annotations

import pytest

from harbour.api import idempotency
from harbour.api.models import IdempotencyRecord
from harbour.api.tests.conftest import ApiClient, referral_body
from harbour.audit.models import AuditEvent
from harbour.referrals.models import Referral

REFERRALS = "/api/v1/referrals/"


def test_retry_with_the_same_key_returns_the_same_response_and_creates_nothing(police_api):
    first = police_api.post(REFERRALS, referral_body(), key="retry-1")
    second = police_api.post(REFERRALS, referral_body(), key="retry-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(action="referral.created").count() == 1
    calls = AuditEvent.objects.filter(action="partner_api.call").order_by("id")
    assert [c.after.get("replayed", False) for c in calls] == [False, True]


def test_same_key_different_body_is_422(police_api):
    police_api.post(REFERRALS, referral_body(), key="k")
    other = referral_body(child={"last_name": "Someone-Else"})
    response = police_api.post(REFERRALS, other, key="k")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:harbour:problem:idempotency-key-reused"
    assert Referral.objects.count() == 1


def test_keys_belong_to_their_credential(issue, world):
    _c1, token1 = issue(name="One")
    _c2, token2 = issue(name="Two")
    ApiClient(token1).post(REFERRALS, referral_body(), key="shared")
    ApiClient(token2).post(REFERRALS, referral_body(), key="shared")
    assert Referral.objects.count() == 2


@pytest.mark.parametrize("key", [None, "", "x" * 256])
def test_a_submission_needs_a_key(police_api, key):
    response = police_api.post(REFERRALS, referral_body(), key=key)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:harbour:problem:idempotency-key-required"
    assert not Referral.objects.exists()


def test_a_failed_submission_keeps_nothing_so_the_corrected_one_goes_through(police_api):
    bad = police_api.post(REFERRALS, referral_body(area="nowhere"), key="fix-me")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    good = police_api.post(REFERRALS, referral_body(), key="fix-me")
    assert good.status_code == 201
    assert Referral.objects.count() == 1


def test_a_concurrent_duplicate_loses_at_the_unique_constraint_and_creates_nothing(
    issue, world, monkeypatch
):
    """The race: another call with the same key committed after this one looked for it. This
    one's insert then fails on the unique constraint, its work rolls back, and it answers
    with the winner's response."""
    from harbour.people.models import Person

    credential, _token = issue()
    IdempotencyRecord.objects.create(
        credential=credential,
        key="race",
        request_hash=idempotency.fingerprint(method="POST", path="/p", data={"a": 1}),
        method="POST",
        path="/p",
        response_status=201,
        response_body={"winner": True},
    )
    real_replay = idempotency._replay
    looks = []

    def replay_that_missed_it_the_first_time(*args, **kwargs):
        looks.append(1)
        return None if len(looks) == 1 else real_replay(*args, **kwargs)

    monkeypatch.setattr(idempotency, "_replay", replay_that_missed_it_the_first_time)
    before = Person.objects.count()

    def submit():
        world.new_child(first_names="Should", last_name="Vanish")
        return 201, {"winner": False}

    outcome = idempotency.run_once(
        credential=credential, key="race", method="POST", path="/p", data={"a": 1}, submit=submit
    )
    assert outcome.replayed is True
    assert outcome.body == {"winner": True}
    assert Person.objects.count() == before  # the loser's work rolled back
    assert IdempotencyRecord.objects.filter(credential=credential, key="race").count() == 1
