"""Reading persons: search, a single record and the chronology, always scoped by the viewer."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.utils import timezone

from harbour.accounts.models import Agency, AgencyType, Role, User
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden
from harbour.people import selectors
from harbour.people.models import Person
from harbour.people.services import PersonDetails, chronology_record, person_create
from harbour.referrals.tests.factories import FrontDoorSetup, front_door_setup, make_referral

pytestmark = pytest.mark.django_db


@dataclass
class People:
    north: FrontDoorSetup
    police: Agency
    officer: User
    amelia: Person  # known to the school, referred to the front door
    ashton: Person  # held by the police only
    lee: Person  # held by the school, with a UPN


@pytest.fixture
def people(db: None) -> People:
    north = front_door_setup()
    police = AgencyFactory(name="Shire Police", agency_type=AgencyType.POLICE, areas=[north.area])
    officer = user_with_role(Role.POLICE_EXPLOITATION, police)
    amelia = person_create(
        actor=north.referrer,
        agency=north.school,
        details=PersonDetails(
            first_names="Amelia Rose",
            last_name="Ashdown",
            known_as="Millie",
            date_of_birth=datetime.date(2011, 3, 27),
            identifiers=(("nhs_number", "943 476 5919"),),
        ),
    )
    ashton = person_create(
        actor=officer,
        agency=police,
        details=PersonDetails(
            first_names="Aaron", last_name="Ashton", date_of_birth=datetime.date(2008, 6, 1)
        ),
    )
    lee = person_create(
        actor=north.referrer,
        agency=north.school,
        details=PersonDetails(
            first_names="Lee",
            last_name="Smith-Jones",
            date_of_birth=datetime.date(2012, 9, 9),
            identifiers=(("upn", "P80112000101A"),),
        ),
    )
    return People(north, police, officer, amelia, ashton, lee)


def _names(persons: list[Person]) -> list[str]:
    return [person.full_name for person in persons]


# Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param("Ashdown", ["Amelia Rose Ashdown"], id="last-name"),
        pytest.param("ashdown", ["Amelia Rose Ashdown"], id="any-case"),
        pytest.param("Ashdown Amelia", ["Amelia Rose Ashdown"], id="last-then-first"),
        pytest.param("Amelia Ashdown", ["Amelia Rose Ashdown"], id="first-then-last"),
        pytest.param("Ashdowne", ["Amelia Rose Ashdown"], id="soundex"),
        pytest.param("Ashdown Millie", ["Amelia Rose Ashdown"], id="known-as"),
        pytest.param("Ashdown Zoe", [], id="wrong-first-name"),
        pytest.param("Smith", ["Lee Smith-Jones"], id="double-barrelled"),
        pytest.param("943 476 5919", ["Amelia Rose Ashdown"], id="nhs-spaced"),
        pytest.param("9434765919", ["Amelia Rose Ashdown"], id="nhs-compact"),
        pytest.param("p80112000101a", ["Lee Smith-Jones"], id="upn"),
        pytest.param("9434765918", [], id="other-nhs-number"),
    ],
)
def test_search(people: People, query: str, found: list[str]) -> None:
    assert _names(selectors.person_search(viewer=people.north.referrer, query=query)) == found


def test_search_is_scoped_by_the_viewer(people: People) -> None:
    """Ashton is held by the police only: the school does not find him, the police do."""
    # (The school's own Ashdown sounds the same, so is offered; Ashton is not.)
    assert _names(selectors.person_search(viewer=people.north.referrer, query="Ashton")) == [
        "Amelia Rose Ashdown"
    ]
    assert _names(selectors.person_search(viewer=people.officer, query="Ashton")) == [
        "Aaron Ashton"
    ]
    # The police do not find the school's children, even by NHS number.
    assert selectors.person_search(viewer=people.officer, query="9434765919") == []


def test_search_by_soundex_finds_only_visible_people(people: People) -> None:
    """Ashdown and Ashton share a Soundex code (A235); each viewer sees only their own."""
    assert people.amelia.last_name_key == people.ashton.last_name_key == "A235"
    assert _names(selectors.person_search(viewer=people.north.referrer, query="Ashtin")) == [
        "Amelia Rose Ashdown"
    ]
    assert _names(selectors.person_search(viewer=people.officer, query="Ashdon")) == [
        "Aaron Ashton"
    ]


def test_front_door_searches_its_whole_area(people: People) -> None:
    people.ashton.home_area = people.north.area
    people.ashton.save()
    found = selectors.person_search(viewer=people.north.front_door, query="Ashtin")
    assert _names(found) == ["Aaron Ashton"]


def test_search_is_audited(people: People) -> None:
    selectors.person_search(viewer=people.north.referrer, query="  Ashdown  ")
    event = AuditEvent.objects.get(action="person.searched")
    assert event.actor == people.north.referrer
    assert event.after == {"query": "Ashdown", "result_count": 1}


@pytest.mark.parametrize("query", ["", "   ", "!!!"])
def test_empty_search_finds_nothing_and_records_nothing(people: People, query: str) -> None:
    assert selectors.person_search(viewer=people.north.referrer, query=query) == []
    assert not AuditEvent.objects.filter(action="person.searched").exists()


def test_search_results_are_limited(people: People) -> None:
    for n in range(selectors.SEARCH_LIMIT + 3):
        person_create(
            actor=people.north.referrer,
            agency=people.north.school,
            details=PersonDetails(
                first_names=f"Child{n}",
                last_name="Manyfold",
                date_of_birth_precision="unknown",
            ),
        )
    found = selectors.person_search(viewer=people.north.referrer, query="Manyfold")
    assert len(found) == selectors.SEARCH_LIMIT
    assert AuditEvent.objects.get(action="person.searched").after["result_count"] == 50


# One person ------------------------------------------------------------------------------


def test_person_get_is_audited(people: People) -> None:
    person = selectors.person_get(viewer=people.north.referrer, person_id=people.amelia.pk)
    assert person == people.amelia
    event = AuditEvent.objects.get(action="person.viewed")
    assert (event.actor, event.subject_type, event.subject_id) == (
        people.north.referrer,
        "people.person",
        str(people.amelia.pk),
    )


@pytest.mark.parametrize("which", ["forbidden", "missing"])
def test_person_get_refused_looks_like_missing(people: People, which: str) -> None:
    person_id = people.ashton.pk if which == "forbidden" else uuid.uuid4()
    with pytest.raises(NotFoundOrForbidden):
        selectors.person_get(viewer=people.north.referrer, person_id=person_id)
    event = AuditEvent.objects.get(action="person.view_refused")
    assert event.subject_id == str(person_id)
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


def test_person_involvements(people: People) -> None:
    involvements = selectors.person_involvements(person=people.amelia)
    assert [(i.agency.name, i.kind) for i in involvements] == [
        ("Northbrook Academy", "holds_record")
    ]


# The chronology --------------------------------------------------------------------------


@pytest.fixture
def timeline(people: People) -> Person:
    """Amelia: the school's referral (received by the front door), and a police entry."""
    referral = make_referral(actor=people.north.referrer, person=people.amelia)
    chronology_record(
        person=people.amelia,
        occurred_at=timezone.now(),
        event_type="police.stop",
        summary="Stopped with two adults in a car",
        agency=people.police,
        source_type="intelligence.report",
        source_id="1",
    )
    chronology_record(
        person=people.amelia,
        occurred_at=timezone.now() - datetime.timedelta(days=400),
        event_type="school.note",
        summary="Attendance below 80%",
        agency=people.north.school,
        source_type="education.note",
        source_id="2",
    )
    assert referral.person == people.amelia
    return people.amelia


def _events(viewer: User, person: Person) -> set[str]:
    return {e.event_type for e in selectors.person_chronology(viewer=viewer, person=person)}


def test_chronology_for_the_referrer(people: People, timeline: Person) -> None:
    """The school sees the events of the referral it made; not events it has no policy for."""
    assert _events(people.north.referrer, timeline) == {"referral.received", "referral.made"}


def test_chronology_for_the_front_door(people: People, timeline: Person) -> None:
    assert _events(people.north.front_door, timeline) == {"referral.received", "referral.made"}


def test_chronology_for_a_lead_professional(people: People, timeline: Person) -> None:
    lead = user_with_role(Role.LEAD_PROFESSIONAL, people.north.csc)
    assert _events(lead, timeline) == {"referral.received", "referral.made"}


def test_chronology_for_the_police(people: People, timeline: Person) -> None:
    """Police are not involved in the referral, so they see none of its events."""
    assert _events(people.officer, timeline) == set()


def test_events_with_no_access_policy_are_never_shown(people: People, timeline: Person) -> None:
    """Fail closed: an event whose source type has no policy is shown to nobody, not even its
    own agency or the front door."""
    for user in (people.north.front_door, people.north.referrer, people.officer):
        assert not {"police.stop", "school.note"} & _events(user, timeline)


def test_chronology_is_newest_first(people: People, timeline: Person) -> None:
    entries = selectors.person_chronology(viewer=people.north.front_door, person=timeline)
    times = [entry.occurred_at for entry in entries]
    assert times == sorted(times, reverse=True)
    assert len(entries) == 2


def test_chronology_limit(people: People, timeline: Person) -> None:
    entries = selectors.person_chronology(viewer=people.north.front_door, person=timeline, limit=2)
    assert len(entries) == 2


def test_other_area_front_door_gets_no_area_wide_view(people: People, timeline: Person) -> None:
    south = front_door_setup("southmere", "Southmere")
    assert _events(south.front_door, timeline) == set()
