"""Recording audit events: the chain, the closed vocabulary, JSON safety, who and from where."""

from __future__ import annotations

import datetime
import decimal
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from harbour.accounts.tests.factories import UserFactory
from harbour.audit import registry
from harbour.audit.management.commands.audit_verify import verify_chain
from harbour.audit.models import GENESIS_HASH, AuditEvent
from harbour.audit.services import changes, record_event, record_read, snapshot
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_events_are_chained_in_order():
    user = UserFactory()
    first = record_event(actor=user, action="auth.signed_in")
    second = record_event(actor=user, action="auth.signed_out")
    third = record_event(actor=user, action="auth.signed_in")

    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    for event in AuditEvent.objects.all():
        assert event.hash == event.compute_hash()
    assert len({first.hash, second.hash, third.hash}) == 3


def test_the_hash_still_matches_after_a_round_trip_through_the_database():
    event = record_event(
        actor=UserFactory(),
        action="person.updated",
        before={"b": 1, "a": [1, 2]},
        after={"a": "x"},
        reason="Corrected the spelling",
    )
    reloaded = AuditEvent.objects.get(pk=event.pk)
    assert reloaded.compute_hash() == event.hash


def test_an_unknown_action_is_refused_and_nothing_is_written():
    with pytest.raises(registry.UnknownAuditAction, match=r"person\.teleported"):
        record_event(actor=UserFactory(), action="person.teleported")
    assert not AuditEvent.objects.exists()


def test_registering_the_same_code_differently_is_refused():
    registry.register("auth.signed_in", "Signed in")  # identical: fine
    with pytest.raises(ValueError, match="already registered differently"):
        registry.register("auth.signed_in", "Logged on")


def test_before_and_after_are_stored_json_safe():
    person_id = uuid.uuid4()
    event = record_event(
        actor=UserFactory(),
        action="person.updated",
        before={
            "date_of_birth": datetime.date(2011, 2, 3),
            "id": person_id,
            "at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "score": decimal.Decimal("0.75"),
        },
        after={"date_of_birth": datetime.date(2011, 3, 2), "nested": {"id": person_id}},
    )
    reloaded = AuditEvent.objects.get(pk=event.pk)
    assert reloaded.before == {
        "date_of_birth": "2011-02-03",
        "id": str(person_id),
        "at": "2026-01-02T03:04:05Z",
        "score": "0.75",
    }
    assert reloaded.after == {"date_of_birth": "2011-03-02", "nested": {"id": str(person_id)}}
    assert reloaded.compute_hash() == reloaded.hash


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous-user"])
def test_an_anonymous_actor_is_labelled_anonymous(actor):
    event = record_event(actor=actor, action="auth.sign_in_failed")
    assert event.actor is None
    assert event.actor_label == "anonymous"


def test_a_signed_in_actor_is_stored_with_their_username():
    user = UserFactory(username="k.okafor")
    event = record_event(actor=user, action="auth.signed_in")
    assert event.actor_id == user.pk
    assert event.actor_label == "k.okafor"


def test_an_explicit_actor_label_is_kept():
    event = record_event(actor=None, action="referral.public_submitted", actor_label="public form")
    assert event.actor_label == "public form"


def test_request_id_and_ip_address_come_from_the_request():
    request = RequestFactory().get("/people/", REMOTE_ADDR="203.0.113.9")
    request.request_id = "4f6c1f7e-6a0e-4d9b-9a55-0d1a5b4f7a10"
    event = record_event(actor=UserFactory(), action="person.searched", request=request)
    assert event.request_id == "4f6c1f7e-6a0e-4d9b-9a55-0d1a5b4f7a10"
    assert event.ip_address == "203.0.113.9"


def test_without_a_request_there_is_no_request_id_or_ip_address():
    event = record_event(actor=UserFactory(), action="person.searched")
    assert event.request_id == ""
    assert event.ip_address is None


def test_the_subject_is_stored_by_type_and_id():
    person = PersonFactory()
    event = record_read(actor=UserFactory(), action="person.viewed", subject=person)
    assert event.subject_type == "people.person"
    assert event.subject_id == str(person.pk)


def test_snapshot_and_changes_keep_only_what_changed():
    person = PersonFactory(first_names="Jay", last_name="Smith")
    before = snapshot(person, ["first_names", "last_name", "date_of_birth"])
    person.first_names = "Jayden"
    after = snapshot(person, ["first_names", "last_name", "date_of_birth"])
    assert before["date_of_birth"] == "2010-05-17"
    assert changes(before, after) == ({"first_names": "Jay"}, {"first_names": "Jayden"})


def _handle_request(user, request):
    """Like a view: record a refusal, then carry on and fail inside the request's own work."""
    record_event(actor=user, action="person.view_refused", request=request, subject_id="x")
    with transaction.atomic():
        record_event(actor=user, action="person.viewed", request=request, subject_id="y")
        raise DatabaseError("a later step of the request failed")


@pytest.mark.django_db(transaction=True)
def test_a_refusal_recorded_outside_a_transaction_survives_a_later_error():
    user = UserFactory()
    request = RequestFactory().get("/people/x/")
    request.request_id = "req-1"

    with pytest.raises(DatabaseError):
        _handle_request(user, request)

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["person.view_refused"]
    assert verify_chain()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_inside_a_request_wide_transaction_the_refusal_would_be_lost():
    """Why refusals are not recorded under ATOMIC_REQUESTS (see docs/adr/0003-audit-log.md)."""
    user = UserFactory()
    request = RequestFactory().get("/people/x/")

    with pytest.raises(DatabaseError), transaction.atomic():
        _handle_request(user, request)

    assert not AuditEvent.objects.exists()
