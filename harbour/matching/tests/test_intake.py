"""Intake through ``match_child_for_viewer``, and the batch services, with the database."""

from __future__ import annotations

import datetime

import pytest

from harbour.access.policy import person_visible_to
from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.matching.records import PersonRecord
from harbour.matching.scorer import Candidate, ChildDetails
from harbour.matching.services import (
    find_probable_duplicates,
    match_child_for_viewer,
    match_records_to_register,
)
from harbour.people.models import AliasKind, IdentifierKind, Person
from harbour.people.services import PersonDetails, person_create
from harbour.people.tests.factories import (
    AddressFactory,
    AliasFactory,
    IdentifierFactory,
    PersonFactory,
)
from harbour.referrals.tests.factories import front_door_setup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_register")]

BORN = datetime.date(2011, 3, 7)


@pytest.fixture
def north() -> object:
    return front_door_setup()


def _match(north: object, details: ChildDetails) -> list[Candidate]:
    return match_child_for_viewer(viewer=north.front_door, details=details)


def _outcomes(candidate: Candidate) -> list[str]:
    return [e.outcome for e in candidate.explanation]


def test_exact_details_are_a_strong_explained_match(north: object) -> None:
    amelia = PersonFactory(
        first_names="Amelia", last_name="Ashdown", date_of_birth=BORN, sex="female"
    )
    AddressFactory(person=amelia, postcode="NB1 2AB", line_1="12 Mill Street")
    PersonFactory(first_names="Zed", last_name="Quill", date_of_birth=datetime.date(1999, 1, 1))
    [best] = _match(
        north,
        ChildDetails(
            first_names="Amelia",
            last_name="Ashdown",
            date_of_birth=BORN,
            postcode="nb12ab",
            sex="female",
        ),
    )
    assert best.person == amelia
    assert best.strength == "Strong match"
    assert best.score >= 99
    assert best.match_probability > 0.99
    assert best.match_weight > 10
    outcomes = _outcomes(best)
    for expected in (
        "First name matches exactly",
        "Last name matches exactly",
        "Date of birth matches exactly",
    ):
        assert expected in outcomes
    assert best.reasons == outcomes
    assert all(e.match_weight > 0 for e in best.explanation)


def test_nickname_and_swapped_day_and_month(north: object) -> None:
    elizabeth = PersonFactory(first_names="Elizabeth", last_name="Okafor", date_of_birth=BORN)
    best = _match(
        north,
        ChildDetails(
            first_names="Liz", last_name="Okafor", date_of_birth=datetime.date(2011, 7, 3)
        ),
    )[0]
    assert best.person == elizabeth
    assert "Date of birth matches with day and month swapped" in _outcomes(best)
    assert "First name is a short form or nickname of the other" in _outcomes(best)


def test_names_the_other_way_round_and_part_of_a_double_surname(north: object) -> None:
    child = PersonFactory(first_names="Kofi", last_name="Mensah-Boateng", date_of_birth=BORN)
    swapped = _match(
        north, ChildDetails(first_names="Mensah", last_name="Kofi", date_of_birth=BORN)
    )
    assert swapped[0].person == child
    double = _match(
        north, ChildDetails(first_names="Kofi", last_name="Boateng", date_of_birth=BORN)
    )
    assert double[0].person == child
    assert "Last name matches one part of a double last name" in _outcomes(double[0])


def test_alias_added_after_the_register_loaded_is_found(north: object) -> None:
    child = PersonFactory(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    details = ChildDetails(first_names="Amelia", last_name="Brennan", date_of_birth=BORN)
    assert all(c.person != child or c.score < 90 for c in _match(north, details))
    AliasFactory(
        person=child, kind=AliasKind.PREVIOUS_NAME, first_names="Amelia", last_name="Brennan"
    )
    best = _match(north, details)[0]
    assert best.person == child
    assert best.score >= 90


def test_identifier_outweighs_a_different_name(north: object) -> None:
    recorded_differently = PersonFactory(
        first_names="Amelia", last_name="Smith", date_of_birth=BORN
    )
    IdentifierFactory(
        person=recorded_differently, kind=IdentifierKind.NHS_NUMBER, value="9434765919"
    )
    same_name = PersonFactory(
        first_names="Amelia", last_name="Jones", date_of_birth=datetime.date(2009, 1, 2)
    )
    candidates = _match(
        north,
        ChildDetails(
            first_names="Amelia",
            last_name="Jones",
            date_of_birth=BORN,
            identifiers=((IdentifierKind.NHS_NUMBER, "9434765919"),),
        ),
    )
    assert candidates[0].person == recorded_differently
    assert "NHS number matches" in _outcomes(candidates[0])
    assert "Last name is different" in _outcomes(candidates[0])
    assert same_name not in [c.person for c in candidates[:1]]


def test_deleted_person_is_never_shown(north: object) -> None:
    child = PersonFactory(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    details = ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    assert [c.person for c in _match(north, details)] == [child]
    Person.objects.filter(pk=child.pk).delete()  # a queryset delete sends the signals too
    assert _match(north, details) == []


def test_viewer_scoping_and_audit(north: object) -> None:
    police = AgencyFactory(agency_type=AgencyType.POLICE, areas=[north.area])
    officer = user_with_role(Role.POLICE_EXPLOITATION, police)
    details = PersonDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    schools = person_create(actor=north.referrer, agency=north.school, details=details)
    # The same child, recorded by the police too.
    polices = person_create(actor=officer, agency=police, details=details)
    entered = ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)

    for_referrer = match_child_for_viewer(viewer=north.referrer, details=entered)
    assert [c.person for c in for_referrer] == [schools]
    assert set(person_visible_to(north.referrer)) == {schools}

    for_front_door = match_child_for_viewer(viewer=north.front_door, details=entered)
    assert {c.person for c in for_front_door} == {schools, polices}

    shown = AuditEvent.objects.filter(action="person.match_candidates_shown").order_by("id")
    assert [e.actor for e in shown] == [north.referrer, north.front_door]
    assert shown.last().after["person_ids"] == [str(c.person.pk) for c in for_front_door]


def test_nothing_found_records_nothing(north: object) -> None:
    PersonFactory(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    assert (
        _match(
            north,
            ChildDetails(
                first_names="Nobody", last_name="Known", date_of_birth=datetime.date(1990, 1, 1)
            ),
        )
        == []
    )
    assert _match(north, ChildDetails(first_names="  ", last_name="!!")) == []
    assert not AuditEvent.objects.filter(action="person.match_candidates_shown").exists()


def test_limit(north: object) -> None:
    for _ in range(5):
        PersonFactory(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    details = ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    assert len(match_child_for_viewer(viewer=north.front_door, details=details, limit=3)) == 3


def test_find_probable_duplicates_and_match_records(db: None) -> None:
    first = PersonFactory(
        first_names="Amelia", last_name="Ashdown", date_of_birth=BORN, sex="female"
    )
    AddressFactory(person=first, postcode="NB1 2AB", line_1="12 Mill Street")
    second = PersonFactory(
        first_names="Millie", last_name="Ashdown", date_of_birth=BORN, sex="female"
    )
    AddressFactory(person=second, postcode="NB1 2AB", line_1="12 Mill Street")
    sibling = PersonFactory(
        first_names="Noah", last_name="Ashdown", date_of_birth=datetime.date(2014, 6, 1), sex="male"
    )
    AddressFactory(person=sibling, postcode="NB1 2AB", line_1="12 Mill Street")

    [pair] = find_probable_duplicates()
    assert {pair.person_id_l, pair.person_id_r} == {first.pk, second.pk}
    assert pair.person_id_l < pair.person_id_r
    assert pair.match_probability >= 0.9
    assert pair.explanation

    found = match_records_to_register(
        records=[
            PersonRecord(
                record_id="row-1",
                first_names="Noah",
                last_name="Ashdown",
                date_of_birth="2014-06-01",
                postcode="NB1 2AB",
            ),
            PersonRecord(
                record_id="row-2", first_names="Zed", last_name="Quill", date_of_birth="1990"
            ),
        ]
    )
    assert list(found) == ["row-1"]
    assert [m.person_id for m in found["row-1"]] == [sibling.pk]


def test_a_name_alone_misspelt_in_both_parts_still_finds_the_child(north: object) -> None:
    """A referrer often knows only a name, spelt as they heard it."""
    jessica = PersonFactory(first_names="Jessica", last_name="Fairweather", date_of_birth=BORN)
    PersonFactory(first_names="Marcus", last_name="Fairweather", date_of_birth=BORN)
    candidates = _match(north, ChildDetails(first_names="Jessika", last_name="Fairwether"))
    assert [c.person for c in candidates][:1] == [jessica]
    assert "Last name is spelt similarly" in _outcomes(candidates[0])
    assert "First name is spelt similarly" in _outcomes(candidates[0])
