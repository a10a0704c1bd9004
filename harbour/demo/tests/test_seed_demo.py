"""A small seed (scale 0.05: 100 persons, 150 referrals), checked for shape and validity."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F, Q

from harbour.accounts.models import Area, Membership, Role, User
from harbour.audit.models import AuditEvent
from harbour.demo.partnership import DEMO_PASSWORD, REPRESENTATIVES
from harbour.demo.services import DemoSeedRefused, SeedSummary, seed_demo
from harbour.people.models import (
    IDENTIFIER_VALIDATORS,
    Address,
    Alias,
    AliasKind,
    ChronologyEntry,
    Identifier,
    IdentifierKind,
    Involvement,
    InvolvementKind,
    Person,
    PersonKind,
)
from harbour.people.validators import validate_uk_postcode
from harbour.referrals.models import (
    Referral,
    ReferralConcern,
    ReferralSource,
    ReferralStatus,
    TriageDecision,
)

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SeedSummary]:
    """Seed once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo(seed=7, scale=0.05, now=NOW)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_three_areas_every_role_and_about_100_users(seeded):
    assert sorted(Area.objects.values_list("code", flat=True)) == [
        "easterleigh",
        "northbrook",
        "southmere",
    ]
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role)
    assert 90 <= User.objects.count() <= 110
    for role, username in REPRESENTATIVES.items():
        user = User.objects.get(username=username)
        assert user.memberships.filter(role=role).exists()
    for area in Area.objects.all():
        front_door = Membership.objects.filter(role=Role.FRONT_DOOR, agency__areas=area)
        assert front_door.filter(agency__agency_type="childrens_social_care").count() >= 3


def test_demo_users_sign_in_with_the_shared_password(seeded):
    user = User.objects.get(username="frontdoor.northbrook")
    assert user.check_password(DEMO_PASSWORD)
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1  # hashed once, reused


def test_sizes_follow_the_scale(seeded):
    assert Person.objects.count() == 100
    assert Referral.objects.count() == 150
    counts = seeded.counts
    assert counts["persons"] == 100
    assert counts["referrals"] == 150
    assert counts["triage decisions"] == TriageDecision.objects.count()


def test_every_identifier_and_postcode_passes_the_real_validators(seeded):
    kinds = Counter()
    for kind, value in Identifier.objects.values_list("kind", "value"):
        IDENTIFIER_VALIDATORS[kind](value)
        kinds[kind] += 1
    assert kinds[IdentifierKind.NHS_NUMBER] > 50
    assert kinds[IdentifierKind.UPN] > 40
    assert kinds[IdentifierKind.POLICE_REFERENCE] > 0
    assert kinds[IdentifierKind.LA_REFERENCE] > 0
    nhs = Identifier.objects.filter(kind=IdentifierKind.NHS_NUMBER).values_list("value", flat=True)
    assert all(number.startswith("999") for number in nhs)  # NHS England's range for test data
    for postcode in Address.objects.values_list("postcode", flat=True):
        validate_uk_postcode(postcode)
    for postcode in Referral.objects.exclude(subject_postcode="").values_list(
        "subject_postcode", flat=True
    ):
        validate_uk_postcode(postcode)


def test_the_busiest_borough_has_more_referrals_than_the_other_two(seeded):
    per_area = dict(Referral.objects.values_list("area__code").annotate(n=Count("id")))
    assert per_area["northbrook"] > per_area["easterleigh"] + per_area["southmere"]
    assert per_area["easterleigh"] > 0
    assert per_area["southmere"] > 0


def test_the_population_has_a_realistic_shape(seeded):
    children = Person.objects.filter(kind=PersonKind.CHILD)
    assert 0.75 < children.count() / Person.objects.count() < 0.95
    sexes = Counter(children.values_list("sex", flat=True))
    assert 0.55 < sexes["female"] / children.count() < 0.85
    assert sexes["male"] > 0
    looked_after = children.filter(is_looked_after=True)
    assert 0.2 < looked_after.count() / children.count() < 0.5
    assert not looked_after.filter(placing_authority="").exists()
    assert all(
        person.home_area_id and person.created_by_agency_id for person in Person.objects.all()
    )
    ages = [
        referral.person.age_on(referral.received_at.date())
        for referral in Referral.objects.filter(person__date_of_birth__isnull=False).select_related(
            "person"
        )
    ]
    teenagers = [age for age in ages if age is not None and 12 <= age <= 17]
    assert len(teenagers) / len(ages) > 0.7


def test_referrals_have_a_realistic_shape(seeded):
    referrals = Referral.objects.all()
    sources = Counter(referrals.values_list("source", flat=True))
    assert sources[ReferralSource.STAFF] > sources[ReferralSource.PUBLIC] > 0
    staff = referrals.filter(source=ReferralSource.STAFF)
    assert not staff.filter(Q(referrer_agency=None) | Q(referrer=None)).exists()
    assert not referrals.filter(source=ReferralSource.PUBLIC).exclude(referrer_agency=None).exists()
    categories = Counter(ReferralConcern.objects.values_list("category", flat=True))
    assert categories["sexual_exploitation"] > 0
    assert categories["criminal_exploitation"] > 0
    assert Counter(referrals.values_list("urgency", flat=True)).most_common(1)[0][0] == "standard"
    decided = referrals.filter(status=ReferralStatus.DECIDED)
    assert decided.count() == TriageDecision.objects.count()
    assert decided.count() / referrals.count() > 0.85
    assert len(set(TriageDecision.objects.values_list("route", flat=True))) >= 4
    assert all(referral.received_at <= NOW for referral in referrals)
    assert referrals.earliest("received_at").received_at >= NOW - datetime.timedelta(days=731)
    assert not referrals.filter(person=None, status=ReferralStatus.DECIDED).exists()
    # Decisions come after the referral, with the front door's own people deciding.
    for decision in TriageDecision.objects.select_related("referral", "decided_by"):
        assert decision.decided_at > decision.referral.received_at
        assert decision.was_overdue == (decision.decided_at > decision.referral.decision_due_at)
        assert decision.decided_by.memberships.filter(
            role=Role.FRONT_DOOR, agency=decision.referral.receiving_agency
        ).exists()


def test_the_newest_referrals_wait_and_some_are_overdue(seeded):
    waiting = Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE)
    assert waiting.exists()
    assert waiting.filter(decision_due_at__lt=NOW).exists()
    newest = Referral.objects.order_by("-received_at")[:5]
    assert any(referral.status == ReferralStatus.AWAITING_TRIAGE for referral in newest)
    ages = sorted((NOW - referral.received_at).days for referral in waiting)
    assert ages[len(ages) // 2] < 60  # the queue is mostly recent referrals
    assert not waiting.filter(received_at__lt=NOW - datetime.timedelta(days=365)).exists()


def test_children_known_under_other_spellings(seeded):
    """The same child, held by other agencies under another version of the name, and referred
    under it (sometimes with a mistyped date of birth), yet linked to the one person."""
    versions = Alias.objects.filter(kind=AliasKind.AGENCY_SPELLING)
    assert versions.exists()
    assert not versions.filter(recorded_by_agency=None).exists()
    for alias in versions:
        assert (alias.first_names, alias.last_name) != (
            alias.person.first_names.split()[0],
            alias.person.last_name,
        )
        assert Involvement.objects.filter(
            person=alias.person, agency=alias.recorded_by_agency
        ).exists()
    misspelt = [
        referral
        for referral in Referral.objects.exclude(person=None).select_related("person")
        if referral.person.aliases.filter(
            kind=AliasKind.AGENCY_SPELLING,
            first_names=referral.subject_first_names,
            last_name=referral.subject_last_name,
        ).exists()
    ]
    assert misspelt, "no referral arrived under another agency's spelling"
    assert any(
        referral.subject_last_name != referral.person.last_name
        or referral.subject_first_names != referral.person.first_names.split()[0]
        for referral in misspelt
    )
    mistyped = Referral.objects.exclude(person=None).exclude(subject_date_of_birth=None)
    mistyped = mistyped.exclude(person__date_of_birth=None).exclude(
        subject_date_of_birth=F("person__date_of_birth")
    )
    assert mistyped.exists(), "no referral with a mistyped date of birth"


def test_genuine_near_namesakes_exist(seeded):
    """Different children with the same name and a different date of birth."""
    names = Counter(
        (person.first_names.split()[0], person.last_name, person.pk)
        for person in Person.objects.filter(kind=PersonKind.CHILD)
    )
    by_name: dict[tuple[str, str], list[Any]] = {}
    for first, last, pk in names:
        by_name.setdefault((first, last), []).append(pk)
    shared = [pks for pks in by_name.values() if len(pks) > 1]
    assert shared
    dates = {
        pk: dob for pk, dob in Person.objects.values_list("pk", "date_of_birth") if dob is not None
    }
    assert any(len({dates.get(pk) for pk in pks}) == len(pks) for pks in shared), (
        "namesakes should differ in date of birth"
    )


def test_search_keys_are_filled_in(seeded):
    assert not Person.objects.filter(Q(search_name="") | Q(last_name_key="")).exists()
    assert not Alias.objects.exclude(first_names="").filter(first_name_key="").exists()


def test_linked_referrals_leave_involvements_and_chronology(seeded):
    for referral in Referral.objects.exclude(person=None):
        source = {"person": referral.person, "source_id": str(referral.pk)}
        assert Involvement.objects.filter(
            **source, agency=referral.receiving_agency, kind=InvolvementKind.RECEIVED_REFERRAL
        ).exists()
        entries = set(
            ChronologyEntry.objects.filter(**source).values_list("event_type", "agency_id")
        )
        assert ("referral.received", referral.receiving_agency_id) in entries
        if referral.referrer_agency_id:
            assert Involvement.objects.filter(
                **source, agency=referral.referrer_agency, kind=InvolvementKind.REFERRED_BY
            ).exists()
            assert ("referral.made", referral.referrer_agency_id) in entries
        if referral.status == ReferralStatus.DECIDED:
            assert ("referral.triaged", referral.receiving_agency_id) in entries
    assert Involvement.objects.filter(kind=InvolvementKind.HOLDS_RECORD).exists()


def test_records_carry_their_own_dates_not_the_seeding_time(seeded):
    referral = Referral.objects.earliest("received_at")
    assert referral.created_at == referral.received_at
    assert Person.objects.filter(created_at__lt=NOW - datetime.timedelta(days=365)).exists()
    field = Person._meta.get_field("created_at")
    assert field.auto_now_add  # switched back on after seeding


def test_one_audit_event_records_the_seeding(seeded):
    events = AuditEvent.objects.filter(action="demo.seeded")
    assert events.count() == 1
    after = events.get().after
    assert after["seed"] == 7
    assert after["scale"] == 0.05
    assert after["counts"]["referrals"] == 150


def test_refuses_a_database_that_is_not_empty(seeded):
    with pytest.raises(DemoSeedRefused, match="not empty"):
        seed_demo(seed=8, scale=0.05, now=NOW)
    assert Person.objects.count() == 100


def test_fresh_refuses_a_database_someone_has_used(seeded):
    from harbour.audit.services import record_event

    record_event(actor=None, action="auth.sign_in_failed", actor_label="someone")
    with pytest.raises(DemoSeedRefused, match="has been used"):
        seed_demo(seed=8, scale=0.05, now=NOW, fresh=True)
    assert Person.objects.count() == 100
