"""The coordinator's oversight of missing episodes: lists scoped by area and access, and the
72-hour measure counted exactly at the deadline."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.missing.models import MissingEpisode
from harbour.oversight import selectors
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world():
    north, south = AreaFactory(name="Northbrook"), AreaFactory(name="Southmere")
    unit = AgencyFactory(agency_type=AgencyType.OTHER, areas=[north])
    police = AgencyFactory(agency_type=AgencyType.POLICE, areas=[north, south])
    coordinator = user_with_role(Role.COORDINATOR, unit)
    officer = user_with_role(Role.POLICE_EXPLOITATION, police)
    return {"north": north, "south": south, "coordinator": coordinator, "officer": officer}


def _episode(area, *, returned_after_hours=None, offered_after_hours=None, **fields):
    person = PersonFactory(home_area=area)
    last_seen = NOW - datetime.timedelta(days=5)
    returned = (
        last_seen + datetime.timedelta(hours=returned_after_hours)
        if returned_after_hours is not None
        else None
    )
    officer = user_with_role(Role.POLICE_EXPLOITATION)
    return MissingEpisode.objects.create(
        person=person,
        area=area,
        missing_from="home",
        category="missing",
        status="returned" if returned else "open",
        reported_at=last_seen + datetime.timedelta(hours=1),
        reported_by=officer,
        reported_by_agency=officer.memberships.get().agency,
        last_seen_at=last_seen,
        returned_at=returned,
        interview_due_at=returned + datetime.timedelta(hours=72) if returned else None,
        interview_offered_at=(
            returned + datetime.timedelta(hours=offered_after_hours)
            if returned and offered_after_hours is not None
            else None
        ),
        **fields,
    )


def test_offered_exactly_at_72_hours_counts_and_a_minute_later_does_not(world):
    north = world["north"]
    _episode(north, returned_after_hours=10, offered_after_hours=71 + 59 / 60)
    _episode(north, returned_after_hours=10, offered_after_hours=72)
    _episode(north, returned_after_hours=10, offered_after_hours=72 + 1 / 60)
    _episode(north, returned_after_hours=10)  # never offered, and the clock has run out
    rows = selectors.interviews_offered_in_time(
        viewer=world["coordinator"], area_ids=frozenset({north.pk}), now=NOW
    )
    june = [row for row in rows if row.month == datetime.date(2026, 6, 1)]
    assert len(rows) == 12
    assert len(june) == 1
    row = june[0]
    assert (row.area_name, row.returned, row.met, row.breached, row.pending) == (
        "Northbrook",
        4,
        2,
        2,
        0,
    )
    assert row.share == 0.5


def test_last_months_are_month_starts_newest_first():
    months = selectors.last_months(
        months=3, now=datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC)
    )
    assert months == [
        datetime.date(2026, 1, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2025, 11, 1),
    ]


def test_lists_show_only_the_coordinators_areas(world):
    _episode(world["north"])
    _episode(world["south"])
    areas = selectors.viewer_areas(world["coordinator"])
    open_now = selectors.open_episodes(viewer=world["coordinator"], area_ids=areas)
    assert [e.area for e in open_now] == [world["north"]]


def test_due_and_overdue_interviews_split_at_the_deadline(world):
    north = world["north"]
    overdue = _episode(north, returned_after_hours=1)  # returned 4 days ago: past 72 h
    due = _episode(north, returned_after_hours=100)  # returned about 20 hours before NOW
    areas = selectors.viewer_areas(world["coordinator"])
    waiting, late = selectors.interviews_awaiting_offer(
        viewer=world["coordinator"], area_ids=areas, now=NOW
    )
    assert [e.pk for e in waiting] == [due.pk]
    assert [e.pk for e in late] == [overdue.pk]


def test_only_coordinators_get_the_page(client, world):
    _episode(world["north"])
    client.force_login(world["officer"])
    assert client.get("/oversight/missing/").status_code == 404
    client.force_login(world["coordinator"])
    response = client.get("/oversight/missing/")
    assert response.status_code == 200
    assert "Missing now (1)" in response.content.decode()


def test_out_of_area_placements_are_listed(world):
    placed = _episode(
        world["north"],
        placed_out_of_area=True,
        placing_authority="Westshire County Council",
        host_authority="Northbrook",
    )
    areas = selectors.viewer_areas(world["coordinator"])
    listed = selectors.out_of_area_placements(viewer=world["coordinator"], area_ids=areas)
    assert [e.pk for e in listed] == [placed.pk]
    assert timezone.now() > placed.reported_at
