"""Same seed, same data; the command's output and options; ``--fresh`` on an unused demo."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from harbour.accounts.models import User
from harbour.audit.models import AuditEvent
from harbour.demo import services
from harbour.people.models import Address, Alias, Identifier, Person
from harbour.referrals.models import Referral, TriageDecision

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list[Any]]:
    return {
        "users": sorted(User.objects.values_list("pk", "username", "first_name", "last_name")),
        "persons": sorted(
            Person.objects.values_list(
                "pk",
                "first_names",
                "last_name",
                "date_of_birth",
                "sex",
                "ethnicity",
                "home_area__code",
                "created_at",
            )
        ),
        "aliases": sorted(Alias.objects.values_list("pk", "person_id", "first_names", "last_name")),
        "addresses": sorted(Address.objects.values_list("pk", "line_1", "postcode")),
        "identifiers": sorted(Identifier.objects.values_list("kind", "value", "person_id")),
        "referrals": sorted(
            Referral.objects.values_list(
                "pk",
                "reference",
                "person_id",
                "subject_first_names",
                "subject_last_name",
                "subject_date_of_birth",
                "received_at",
                "status",
                "narrative",
            )
        ),
        "decisions": sorted(
            TriageDecision.objects.values_list("referral_id", "route", "decided_at")
        ),
    }


def _seed_and_roll_back(**kwargs: Any) -> dict[str, list[Any]]:
    with transaction.atomic():
        services.seed_demo(**kwargs)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_same_seed_same_data():
    first = _seed_and_roll_back(seed=11, scale=0.05, now=NOW)
    assert not Person.objects.exists()
    second = _seed_and_roll_back(seed=11, scale=0.05, now=NOW)
    assert first == second
    assert len(first["persons"]) == 100
    other = _seed_and_roll_back(seed=12, scale=0.05, now=NOW)
    assert other["persons"] != first["persons"]
    assert other["referrals"] != first["referrals"]


@pytest.mark.postgres_only
def test_copy_writes_what_bulk_create_writes(monkeypatch):
    """On PostgreSQL rows go in by COPY: the same rows as ``bulk_create`` would insert."""
    copied = _seed_and_roll_back(seed=13, scale=0.05, now=NOW)

    def bulk_create(model: Any, objects: list[Any], *, batch_size: int) -> None:
        model._default_manager.bulk_create(objects, batch_size=batch_size)

    monkeypatch.setattr(services, "insert_rows", bulk_create)
    assert _seed_and_roll_back(seed=13, scale=0.05, now=NOW) == copied


def test_referral_count_can_be_set_apart_from_the_scale():
    with transaction.atomic():
        summary = services.seed_demo(seed=3, scale=0.05, referrals=400, now=NOW, batch_size=37)
        assert Person.objects.count() == 100
        assert Referral.objects.count() == 400
        assert summary.counts["referrals"] == 400
        transaction.set_rollback(True)


def _duplicate_records(text: str) -> int:
    """The command's count of unreviewed duplicate person records it added for the queue."""
    found = re.search(r"unreviewed duplicate records\s+([\d,]+)", text)
    assert found, text
    return int(found.group(1).replace(",", ""))


def test_command_prints_a_summary_and_the_demo_logins():
    out = io.StringIO()
    call_command(
        "seed_demo", "--scale", "0.05", "--seed", "5", "--now", "2026-03-02T09:30", stdout=out
    )
    text = out.getvalue()
    assert "Seeded the demo partnership (seed 5, scale 0.05" in text
    assert "referrals" in text
    assert "harbour-demo-2026" in text
    for username in ("frontdoor.northbrook", "police.exploitation", "coordinator", "ig", "admin"):
        assert username in text
    assert Person.objects.count() == 100 + _duplicate_records(text)

    with pytest.raises(CommandError, match="not empty"):
        call_command("seed_demo", "--scale", "0.05", stdout=io.StringIO())


def test_fresh_replaces_a_demo_nobody_has_used():
    call_command("seed_demo", "--scale", "0.05", "--seed", "5", stdout=io.StringIO())
    first = set(Person.objects.values_list("pk", flat=True))
    out = io.StringIO()
    call_command("seed_demo", "--scale", "0.05", "--seed", "6", "--fresh", stdout=out)
    assert Person.objects.count() == 100 + _duplicate_records(out.getvalue())
    assert not first & set(Person.objects.values_list("pk", flat=True))
    assert AuditEvent.objects.filter(action="demo.seeded").count() == 2  # never deleted


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scale", "0"], "--scale"),
        (["--referrals", "-1"], "--referrals"),
        (["--now", "yesterday"], "--now"),
    ],
)
def test_command_rejects_bad_options(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", *arguments, stdout=io.StringIO())
