"""The explainable scorer: the right child is found despite the usual mistakes, and ranked first."""

from __future__ import annotations

import datetime

import pytest

from harbour.access.policy import person_visible_to
from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.matching.scorer import Candidate, ChildDetails, find_candidates
from harbour.matching.services import match_child_for_viewer
from harbour.people.models import AliasKind, IdentifierKind, Person
from harbour.people.services import PersonDetails, person_create
from harbour.people.tests.factories import (
    AddressFactory,
    AliasFactory,
    IdentifierFactory,
    PersonFactory,
)
from harbour.referrals.tests.factories import front_door_setup

pytestmark = pytest.mark.django_db

BORN = datetime.date(2011, 3, 27)


def _find(details: ChildDetails, **kwargs: object) -> list[Candidate]:
    return find_candidates(details=details, within=Person.objects.all(), minimum_score=0, **kwargs)


def _best(details: ChildDetails) -> Candidate:
    candidates = _find(details)
    assert candidates, "nobody was found"
    return candidates[0]


@pytest.fixture
def amelia(db: None) -> Person:
    person: Person = PersonFactory(
        first_names="Amelia", last_name="Ashdown", date_of_birth=BORN, sex="female"
    )
    return person


# Mistakes that must not hide the child ---------------------------------------------------


def test_exact_details(amelia: Person) -> None:
    best = _best(ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN))
    assert best.person == amelia
    assert best.reasons == [
        "Last name matches exactly",
        "First name matches exactly",
        "Date of birth matches exactly",
    ]
    assert best.score == 97  # weight 4 + 3 + 4 = 11: 100 / (1 + 2 ** -5)
    assert best.strength == "Strong match"


def test_one_letter_typo_in_the_surname(amelia: Person) -> None:
    best = _best(ChildDetails(first_names="Amelia", last_name="Ashdwon", date_of_birth=BORN))
    assert best.person == amelia
    assert "Last name is spelt similarly (Ashdown)" in best.reasons
    assert best.strength == "Strong match"


@pytest.mark.parametrize(
    ("held", "entered"), [("MacDonald", "McDonald"), ("McDonald", "MacDonald")]
)
def test_mc_and_mac(db: None, held: str, entered: str) -> None:
    person = PersonFactory(first_names="Kyle", last_name=held, date_of_birth=BORN)
    best = _best(ChildDetails(first_names="Kyle", last_name=entered, date_of_birth=BORN))
    assert best.person == person
    assert f"Last name is spelt similarly ({held})" in best.reasons


def test_nickname_for_the_first_name(db: None) -> None:
    person = PersonFactory(first_names="Elizabeth", last_name="Okafor", date_of_birth=BORN)
    best = _best(ChildDetails(first_names="Liz", last_name="Okafor", date_of_birth=BORN))
    assert best.person == person
    assert "First name is a short form of Elizabeth" in best.reasons


def test_first_and_last_names_swapped(amelia: Person) -> None:
    best = _best(ChildDetails(first_names="Ashdown", last_name="Amelia", date_of_birth=BORN))
    assert best.person == amelia
    assert best.reasons[0] == "First and last names match, entered the other way round"


def test_day_and_month_swapped(db: None) -> None:
    person = PersonFactory(
        first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2011, 3, 7)
    )
    best = _best(
        ChildDetails(
            first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2011, 7, 3)
        )
    )
    assert best.person == person
    assert "Date of birth matches with day and month swapped" in best.reasons


@pytest.mark.parametrize(
    ("held", "entered", "reason"),
    [
        pytest.param(
            datetime.date(2011, 3, 12),
            datetime.date(2011, 3, 21),
            "Date of birth matches with two digits swapped",
            id="day-digits",
        ),
        pytest.param(
            datetime.date(2011, 10, 5),
            datetime.date(2011, 1, 5),
            "Date of birth matches with two digits swapped",
            id="month-digits",
        ),
        pytest.param(
            datetime.date(2012, 3, 27),
            datetime.date(2021, 3, 27),
            "Date of birth matches except the year",
            id="year-digits",
        ),
        pytest.param(
            datetime.date(2010, 3, 27),
            datetime.date(2011, 3, 27),
            "Date of birth matches except the year",
            id="year-one-out",
        ),
    ],
)
def test_adjacent_digits_swapped(
    db: None, held: datetime.date, entered: datetime.date, reason: str
) -> None:
    person = PersonFactory(first_names="Amelia", last_name="Ashdown", date_of_birth=held)
    best = _best(ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=entered))
    assert best.person == person
    assert reason in best.reasons


def test_previous_name_alias(db: None) -> None:
    person = PersonFactory(first_names="Amelia", last_name="Okafor", date_of_birth=BORN)
    AliasFactory(
        person=person, kind=AliasKind.PREVIOUS_NAME, first_names="Amelia", last_name="Ashdown"
    )
    best = _best(ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN))
    assert best.person == person
    assert "Last name matches exactly (as previous name)" in best.reasons


def test_known_as(db: None) -> None:
    person = PersonFactory(
        first_names="Amelia", last_name="Ashdown", known_as="Millie", date_of_birth=BORN
    )
    best = _best(ChildDetails(first_names="Millie", last_name="Ashdown", date_of_birth=BORN))
    assert best.person == person
    assert "First name matches exactly (known as)" in best.reasons


def test_postcode_evidence(amelia: Person) -> None:
    AddressFactory(person=amelia, postcode="NB1 2AB")
    same = _best(ChildDetails(first_names="Amelia", last_name="Ashdown", postcode="nb12ab"))
    assert "Postcode matches an address held" in same.reasons
    district = _best(ChildDetails(first_names="Amelia", last_name="Ashdown", postcode="NB1 9ZZ"))
    assert "Postcode is in the same district as an address held" in district.reasons
    assert same.score > district.score


def test_recorded_sex_differs(amelia: Person) -> None:
    best = _best(
        ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN, sex="male")
    )
    assert "Recorded sex is different" in best.reasons


# Ranking ---------------------------------------------------------------------------------


def test_same_name_other_birthday_ranks_below_the_true_child(amelia: Person) -> None:
    namesake = PersonFactory(
        first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2005, 11, 2)
    )
    candidates = _find(ChildDetails(first_names="Amelia", last_name="Ashdwon", date_of_birth=BORN))
    assert [c.person for c in candidates] == [amelia, namesake]
    assert candidates[0].score > candidates[1].score
    assert "Date of birth is different (02/11/2005)" in candidates[1].reasons
    # With the default threshold the namesake is not offered at all.
    default = find_candidates(
        details=ChildDetails(first_names="Amelia", last_name="Ashdwon", date_of_birth=BORN),
        within=Person.objects.all(),
    )
    assert [c.person for c in default] == [amelia]


def test_identifier_match_dominates(db: None) -> None:
    """An NHS number match outweighs a name that matches better."""
    recorded_differently = PersonFactory(
        first_names="Amelia", last_name="Smith", date_of_birth=BORN
    )
    IdentifierFactory(
        person=recorded_differently, kind=IdentifierKind.NHS_NUMBER, value="9434765919"
    )
    same_name = PersonFactory(first_names="Amelia", last_name="Jones", date_of_birth=BORN)
    details = ChildDetails(
        first_names="Amelia",
        last_name="Jones",
        identifiers=((IdentifierKind.NHS_NUMBER, "9434765919"),),
    )
    candidates = _find(details)
    assert [c.person for c in candidates] == [recorded_differently, same_name]
    assert "NHS number matches" in candidates[0].reasons
    assert "Last name is different (Smith)" in candidates[0].reasons


def test_different_identifier_counts_against(amelia: Person) -> None:
    IdentifierFactory(person=amelia, kind=IdentifierKind.NHS_NUMBER, value="9434765919")
    with_other = _best(
        ChildDetails(
            first_names="Amelia",
            last_name="Ashdown",
            date_of_birth=BORN,
            identifiers=((IdentifierKind.NHS_NUMBER, "4010232137"),),
        )
    )
    without = _best(ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN))
    assert "NHS number is different" in with_other.reasons
    assert with_other.score < without.score


def test_a_stranger_is_not_a_candidate(amelia: Person) -> None:
    PersonFactory(first_names="Zed", last_name="Quill", date_of_birth=datetime.date(1999, 1, 1))
    candidates = _find(ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN))
    assert [c.person for c in candidates] == [amelia]


def test_nothing_to_search_on(amelia: Person) -> None:
    assert _find(ChildDetails(date_of_birth=BORN, postcode="NB1 2AB")) == []
    assert _find(ChildDetails(first_names="  ", last_name="!!")) == []


def test_limit(db: None) -> None:
    for _ in range(5):
        PersonFactory(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    details = ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    assert len(_find(details, limit=3)) == 3


@pytest.mark.parametrize(
    ("score", "strength"),
    [
        (100, "Strong match"),
        (80, "Strong match"),
        (79, "Possible match"),
        (55, "Possible match"),
        (54, "Weak match"),
        (0, "Weak match"),
    ],
)
def test_strength(score: int, strength: str) -> None:
    assert Candidate(person=None, score=score).strength == strength


# Scope -----------------------------------------------------------------------------------


def test_within_restricts_the_candidates(amelia: Person) -> None:
    namesake = PersonFactory(
        first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2005, 11, 2)
    )
    details = ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    only_namesake = Person.objects.filter(pk=namesake.pk)
    candidates = find_candidates(details=details, within=only_namesake, minimum_score=0)
    assert [c.person for c in candidates] == [namesake]
    assert find_candidates(details=details, within=Person.objects.none(), minimum_score=0) == []


def test_match_for_a_referrer_sees_only_visible_persons(db: None) -> None:
    north = front_door_setup()
    police = AgencyFactory(agency_type=AgencyType.POLICE, areas=[north.area])
    officer = user_with_role(Role.POLICE_EXPLOITATION, police)
    details = PersonDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)
    schools = person_create(actor=north.referrer, agency=north.school, details=details)
    polices = person_create(
        actor=officer,
        agency=police,
        details=PersonDetails(
            first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2011, 3, 28)
        ),
    )
    entered = ChildDetails(first_names="Amelia", last_name="Ashdown", date_of_birth=BORN)

    for_referrer = match_child_for_viewer(viewer=north.referrer, details=entered)
    assert [c.person for c in for_referrer] == [schools]
    assert set(person_visible_to(north.referrer)) == {schools}

    for_front_door = match_child_for_viewer(viewer=north.front_door, details=entered)
    assert [c.person for c in for_front_door] == [schools, polices]

    shown = AuditEvent.objects.filter(action="person.match_candidates_shown").order_by("id")
    assert [e.actor for e in shown] == [north.referrer, north.front_door]
    assert shown.last().after["person_ids"] == [str(schools.pk), str(polices.pk)]


def test_no_candidates_records_nothing(db: None) -> None:
    north = front_door_setup()
    entered = ChildDetails(first_names="Nobody", last_name="Known", date_of_birth=BORN)
    assert match_child_for_viewer(viewer=north.front_door, details=entered) == []
    assert not AuditEvent.objects.filter(action="person.match_candidates_shown").exists()
