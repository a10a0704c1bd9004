"""The access matrix: every role against every kind of record, for lists and single records.

One partnership, built once for the module through the services (inside a transaction rolled
back at the end; each test runs in its own savepoint):

- areas A and B, each with a children's social care front door and a school;
- one police force, one charity and one partnership unit serving both areas;
- a user for every role in ``Role``, plus a second referrer and front door in area B;
- school A's referral about Amelia (linked by A's front door to a new person in A), a public
  concern in A about Quinn (never linked), school B's referral about Bethany (linked in B), and
  Piper, a person the police recorded (home area B) with no referrals.

Expected visibility is written out by hand from the rules in ``harbour/access/policy.py``; every
list (querysets, the people search, the queue, "My referrals") and every detail page is checked
against the same table, so a list filtered while a detail page is not would fail here.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse

from harbour.access import policy
from harbour.access.rules import can_view_person, can_view_referral
from harbour.accounts.models import AgencyType, Role, User
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.people.models import Person
from harbour.people.services import PersonDetails, person_create
from harbour.referrals import services
from harbour.referrals.models import Referral
from harbour.referrals.tests.factories import child_details, make_public_referral, make_referral

pytestmark = pytest.mark.django_db

#: user key -> (role, agency key)
USERS: dict[str, tuple[str, str]] = {
    "front_door_a": (Role.FRONT_DOOR, "csc_a"),
    "front_door_b": (Role.FRONT_DOOR, "csc_b"),
    "coordinator": (Role.COORDINATOR, "unit"),
    "referrer_a": (Role.REFERRER, "school_a"),
    "referrer_b": (Role.REFERRER, "school_b"),
    "lead_professional_a": (Role.LEAD_PROFESSIONAL, "csc_a"),
    "police_exploitation": (Role.POLICE_EXPLOITATION, "police"),
    "return_interview": (Role.RETURN_INTERVIEW, "charity"),
    # A casework role whose agency knows none of these children: sees none of them.
    "care_provider": (Role.CARE_PROVIDER, "charity"),
    "panel_member": (Role.PANEL_MEMBER, "unit"),
    "licensing": (Role.LICENSING, "unit"),
    "training_lead": (Role.TRAINING_LEAD, "unit"),
    "board_member": (Role.BOARD_MEMBER, "unit"),
    "information_governance": (Role.INFORMATION_GOVERNANCE, "unit"),
    "administrator": (Role.ADMINISTRATOR, "unit"),
}
NO_CASE_CONTENT = {"board_member", "information_governance", "administrator"}
FRONT_DOORS = {"front_door_a", "front_door_b"}

PERSON_NAMES = {
    "amelia": ("Amelia", "Ashdown"),
    "bethany": ("Bethany", "Brookfield"),
    "piper": ("Piper", "Pollard"),
}
#: Each referral and the child's name as the referrer gave it.
REFERRAL_CHILD = {
    "school_a": "Amelia Ashdown",
    "public_a": "Quinn Quayle",
    "school_b": "Bethany Brookfield",
}

PERSONS_SEEN: dict[str, set[str]] = {
    "front_door_a": {"amelia"},  # home area A, and A's referral
    "front_door_b": {"bethany", "piper"},  # home area B
    "coordinator": {"amelia", "bethany", "piper"},  # area-wide in A and B
    "referrer_a": {"amelia"},  # school A is involved (made the referral)
    "referrer_b": {"bethany"},
    "lead_professional_a": {"amelia"},  # CSC A received the referral
    "police_exploitation": {"piper"},  # police created the record
}
REFERRALS_SEEN: dict[str, set[str]] = {
    "front_door_a": {"school_a", "public_a"},
    "front_door_b": {"school_b"},
    "coordinator": {"school_a", "public_a", "school_b"},
    "referrer_a": {"school_a"},
    "referrer_b": {"school_b"},
    "lead_professional_a": {"school_a", "public_a"},  # received by CSC A
}
#: The referrals each user made themselves ("My referrals").
REFERRALS_MADE: dict[str, set[str]] = {"referrer_a": {"school_a"}, "referrer_b": {"school_b"}}


@dataclass
class World:
    users: dict[str, User]
    persons: dict[str, Person]
    referrals: dict[str, Referral]


def _build() -> World:
    area_a = AreaFactory(code="matrix-a", name="Ashby")
    area_b = AreaFactory(code="matrix-b", name="Brookside")
    agencies = {
        "csc_a": AgencyFactory(
            name="Ashby Children's Services",
            agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
            areas=[area_a],
        ),
        "school_a": AgencyFactory(
            name="Ashby Academy", agency_type=AgencyType.EDUCATION, areas=[area_a]
        ),
        "csc_b": AgencyFactory(
            name="Brookside Children's Services",
            agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
            areas=[area_b],
        ),
        "school_b": AgencyFactory(
            name="Brookside High", agency_type=AgencyType.EDUCATION, areas=[area_b]
        ),
        "police": AgencyFactory(
            name="Shire Police", agency_type=AgencyType.POLICE, areas=[area_a, area_b]
        ),
        "charity": AgencyFactory(
            name="Safe Steps", agency_type=AgencyType.VOLUNTARY, areas=[area_a, area_b]
        ),
        "unit": AgencyFactory(
            name="Partnership Unit", agency_type=AgencyType.OTHER, areas=[area_a, area_b]
        ),
    }
    users = {
        key: user_with_role(role, agencies[agency], username=f"matrix-{key}")
        for key, (role, agency) in USERS.items()
    }

    school_a = make_referral(
        actor=users["referrer_a"],
        agency=agencies["school_a"],
        area=area_a,
        child=child_details(first_names="Amelia", last_name="Ashdown"),
    )
    amelia = services.referral_link_new_person(actor=users["front_door_a"], referral=school_a)
    public_a = make_public_referral(area=area_a)
    school_b = make_referral(
        actor=users["referrer_b"],
        agency=agencies["school_b"],
        area=area_b,
        child=child_details(
            first_names="Bethany", last_name="Brookfield", date_of_birth=datetime.date(2010, 8, 2)
        ),
    )
    bethany = services.referral_link_new_person(actor=users["front_door_b"], referral=school_b)
    piper = person_create(
        actor=users["police_exploitation"],
        agency=agencies["police"],
        details=PersonDetails(
            first_names="Piper",
            last_name="Pollard",
            date_of_birth=datetime.date(2009, 1, 15),
            home_area=area_b,
        ),
    )
    for user in users.values():
        policy.forget_viewer(user)
    return World(
        users=users,
        persons={"amelia": amelia, "bethany": bethany, "piper": piper},
        referrals={"school_a": school_a, "public_a": public_a, "school_b": school_b},
    )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The partnership, built once; rolled back when the module's tests are done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = _build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _events(action: str, subject_id: Any, user: User) -> int:
    return AuditEvent.objects.filter(
        action=action, subject_id=str(subject_id), actor_id=user.pk
    ).count()


_VOLATILE = re.compile(r'(nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*")')


def _stable(body: bytes) -> str:
    """A page body without its per-request values (CSP nonce, CSRF token)."""
    return _VOLATILE.sub("", body.decode())


PAIRS_PERSON = [(user, person) for user in USERS for person in PERSON_NAMES]
PAIRS_REFERRAL = [(user, referral) for user in USERS for referral in REFERRAL_CHILD]


def test_every_role_is_in_the_matrix() -> None:
    assert {role for role, _agency in USERS.values()} == set(Role)


def test_the_world_is_as_described(world: World) -> None:
    """Guards the fixture: linking made the persons and involvements the table relies on."""
    amelia, bethany = world.persons["amelia"], world.persons["bethany"]
    assert world.referrals["school_a"].person == amelia
    assert world.referrals["public_a"].person is None
    assert world.referrals["school_b"].person == bethany
    assert amelia.home_area.code == "matrix-a"
    assert set(amelia.involvements.values_list("agency__name", "kind")) == {
        ("Ashby Children's Services", "holds_record"),
        ("Ashby Children's Services", "received_referral"),
        ("Ashby Academy", "referred_by"),
    }
    assert world.persons["piper"].referrals.count() == 0


# Lists: the querysets --------------------------------------------------------------------


@pytest.mark.parametrize("user_key", USERS)
def test_person_visible_to(world: World, user_key: str) -> None:
    visible = set(policy.person_visible_to(world.users[user_key]).values_list("pk", flat=True))
    expected = {world.persons[key].pk for key in PERSONS_SEEN.get(user_key, set())}
    assert visible == expected


@pytest.mark.parametrize("user_key", USERS)
def test_referral_visible_to(world: World, user_key: str) -> None:
    visible = set(policy.referral_visible_to(world.users[user_key]).values_list("pk", flat=True))
    expected = {world.referrals[key].pk for key in REFERRALS_SEEN.get(user_key, set())}
    assert visible == expected


@pytest.mark.parametrize("user_key", USERS)
def test_person_matchable_by(world: World, user_key: str) -> None:
    """The front door matches against the whole partnership; everyone else what they can see."""
    matchable = set(policy.person_matchable_by(world.users[user_key]).values_list("pk", flat=True))
    if user_key in FRONT_DOORS:
        expected = {person.pk for person in world.persons.values()}
    else:
        expected = {world.persons[key].pk for key in PERSONS_SEEN.get(user_key, set())}
    assert matchable == expected


def test_signed_out_user_sees_nothing(world: World) -> None:
    assert not policy.person_visible_to(AnonymousUser()).exists()
    assert not policy.referral_visible_to(AnonymousUser()).exists()
    assert not policy.person_visible_to(None).exists()


def test_inactive_membership_grants_nothing(world: World) -> None:
    user = world.users["front_door_a"]
    user.memberships.update(is_active=False)
    policy.forget_viewer(user)
    try:
        assert not policy.person_visible_to(user).exists()
        assert not policy.referral_visible_to(user).exists()
    finally:
        policy.forget_viewer(user)


# Lists: the pages -------------------------------------------------------------------------


@pytest.mark.parametrize(("user_key", "person_key"), PAIRS_PERSON)
def test_people_search_page(world: World, user_key: str, person_key: str) -> None:
    first, last = PERSON_NAMES[person_key]
    response = _signed_in(world.users[user_key]).get(reverse("people:search"), {"q": last})
    if user_key in NO_CASE_CONTENT:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    found = f"{first} {last}" in response.content.decode()
    assert found == (person_key in PERSONS_SEEN.get(user_key, set()))


@pytest.mark.parametrize("user_key", USERS)
def test_queue_page(world: World, user_key: str) -> None:
    response = _signed_in(world.users[user_key]).get(reverse("referrals:queue"))
    if user_key not in FRONT_DOORS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    listed = {key for key, referral in world.referrals.items() if referral.reference in body}
    assert listed == REFERRALS_SEEN[user_key]
    for key in listed:
        assert REFERRAL_CHILD[key] in body


@pytest.mark.parametrize("user_key", USERS)
def test_my_referrals_page(world: World, user_key: str) -> None:
    response = _signed_in(world.users[user_key]).get(reverse("referrals:mine"))
    if user_key in NO_CASE_CONTENT:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    listed = {key for key, referral in world.referrals.items() if referral.reference in body}
    assert listed == REFERRALS_MADE.get(user_key, set())
    for key, child in REFERRAL_CHILD.items():
        assert (child in body) == (key in listed)


# Detail pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(("user_key", "person_key"), PAIRS_PERSON)
def test_person_detail(world: World, user_key: str, person_key: str) -> None:
    user, person = world.users[user_key], world.persons[person_key]
    client = _signed_in(user)
    viewed = _events("person.viewed", person.pk, user)
    refused = _events("person.view_refused", person.pk, user)

    response = client.get(reverse("people:detail", args=[person.pk]))

    if person_key in PERSONS_SEEN.get(user_key, set()):
        assert response.status_code == 200
        assert person.full_name in response.content.decode()
        assert _events("person.viewed", person.pk, user) == viewed + 1
        assert _events("person.view_refused", person.pk, user) == refused
    else:
        missing = client.get(reverse("people:detail", args=[uuid.uuid4()]))
        assert response.status_code == missing.status_code == 404
        assert _stable(response.content) == _stable(missing.content)
        assert PERSON_NAMES[person_key][1] not in response.content.decode()
        assert _events("person.view_refused", person.pk, user) == refused + 1
        assert _events("person.viewed", person.pk, user) == viewed


@pytest.mark.parametrize(("user_key", "referral_key"), PAIRS_REFERRAL)
def test_referral_detail(world: World, user_key: str, referral_key: str) -> None:
    user, referral = world.users[user_key], world.referrals[referral_key]
    client = _signed_in(user)
    viewed = _events("referral.viewed", referral.pk, user)
    refused = _events("referral.view_refused", referral.pk, user)

    response = client.get(reverse("referrals:detail", args=[referral.pk]))

    if referral_key in REFERRALS_SEEN.get(user_key, set()):
        assert response.status_code == 200
        body = response.content.decode()
        assert referral.reference in body
        assert REFERRAL_CHILD[referral_key] in body
        assert _events("referral.viewed", referral.pk, user) == viewed + 1
        assert _events("referral.view_refused", referral.pk, user) == refused
    else:
        missing = client.get(reverse("referrals:detail", args=[uuid.uuid4()]))
        assert response.status_code == missing.status_code == 404
        assert _stable(response.content) == _stable(missing.content)
        body = response.content.decode()
        assert REFERRAL_CHILD[referral_key].split()[1] not in body
        assert referral.reference not in body
        assert _events("referral.view_refused", referral.pk, user) == refused + 1
        assert _events("referral.viewed", referral.pk, user) == viewed


@pytest.mark.parametrize("user_key", USERS)
def test_unknown_ids_are_404_and_audited(world: World, user_key: str) -> None:
    user = world.users[user_key]
    client = _signed_in(user)
    for name, action in (
        ("people:detail", "person.view_refused"),
        ("referrals:detail", "referral.view_refused"),
    ):
        unknown = uuid.uuid4()
        response = client.get(reverse(name, args=[unknown]))
        assert response.status_code == 404
        assert _events(action, unknown, user) == 1


@pytest.mark.parametrize("user_key", sorted(NO_CASE_CONTENT))
def test_no_case_content_roles_see_no_named_record(world: World, user_key: str) -> None:
    client = _signed_in(world.users[user_key])
    for person in world.persons.values():
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    for referral in world.referrals.values():
        assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404


@pytest.mark.parametrize("user_key", USERS)
def test_triage_actions_only_for_own_front_door(world: World, user_key: str) -> None:
    """Posting a decision on A's public referral: only A's front door gets past the door."""
    referral = world.referrals["public_a"]
    response = _signed_in(world.users[user_key]).post(
        reverse("referrals:decide", args=[referral.pk]), {"route": "", "rationale": ""}
    )
    # A's front door reaches the form (400: it was empty); everyone else gets 404.
    assert response.status_code == (400 if user_key == "front_door_a" else 404)


# The rules predicates agree with the querysets ----------------------------------------------


@pytest.mark.parametrize(("user_key", "person_key"), PAIRS_PERSON)
def test_person_predicate_agrees_with_queryset(
    world: World, user_key: str, person_key: str
) -> None:
    user, person = world.users[user_key], world.persons[person_key]
    in_queryset = policy.person_visible_to(user).filter(pk=person.pk).exists()
    expected = person_key in PERSONS_SEEN.get(user_key, set())
    assert in_queryset == expected
    assert can_view_person(user, person) == expected
    assert rules.has_perm("people.view_person", user, person) == expected
    assert user.has_perm("people.view_person", person) == expected


@pytest.mark.parametrize(("user_key", "referral_key"), PAIRS_REFERRAL)
def test_referral_predicate_agrees_with_queryset(
    world: World, user_key: str, referral_key: str
) -> None:
    user, referral = world.users[user_key], world.referrals[referral_key]
    in_queryset = policy.referral_visible_to(user).filter(pk=referral.pk).exists()
    expected = referral_key in REFERRALS_SEEN.get(user_key, set())
    assert in_queryset == expected
    assert can_view_referral(user, referral) == expected
    assert rules.has_perm("referrals.view_referral", user, referral) == expected
    assert user.has_perm("referrals.view_referral", referral) == expected


@pytest.mark.parametrize("user_key", USERS)
def test_capability_predicates(world: World, user_key: str) -> None:
    user = world.users[user_key]
    assert rules.has_perm("referrals.triage", user) == (user_key in FRONT_DOORS)
    assert rules.has_perm("audit.review", user) == (user_key == "information_governance")
    assert policy.may_refer(user) == (user_key not in NO_CASE_CONTENT)
    assert policy.may_administer(user) == (user_key == "administrator")
    assert policy.may_break_glass(user) == (user_key not in {"board_member", "administrator"})


def test_predicates_refuse_none(world: World) -> None:
    user = world.users["coordinator"]
    assert can_view_person(user, None) is False
    assert can_view_referral(user, None) is False
