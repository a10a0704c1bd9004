"""Reads: the visibility rule, the queues, and the 72-hour measure by borough and month with
a frozen clock (across the start of British Summer Time)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden
from harbour.return_interviews import selectors, services
from harbour.return_interviews.tests.factories import HOUR, RhiWorld, complete, make_episode

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MINUTE = datetime.timedelta(minutes=1)
#: The frozen "now" of the measure tests: mid-April 2026, after the clocks went forward.
NOW = datetime.datetime(2026, 4, 15, 12, 0, tzinfo=LONDON)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime.datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(datetime.UTC))
    return NOW


def _at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def _offer(world: RhiWorld, episode, after: datetime.timedelta, actor=None):
    return services.interview_offer(
        actor=actor or world.worker, episode=episode, offered_at=episode.returned_at + after
    )


# Visibility -------------------------------------------------------------------------------


def test_interview_get_audits_reads_and_refusals(world: RhiWorld) -> None:
    episode = make_episode(world, returned_at=timezone.now() - HOUR)
    interview = _offer(world, episode, HOUR / 2)
    assert selectors.interview_get(viewer=world.worker, interview_id=interview.pk) == interview
    assert AuditEvent.objects.filter(
        action="return_interview.viewed", subject_id=str(interview.pk)
    ).exists()
    with pytest.raises(NotFoundOrForbidden):
        selectors.interview_get(viewer=world.south_officer, interview_id=interview.pk)
    assert AuditEvent.objects.filter(
        action="return_interview.view_refused", actor=world.south_officer
    ).exists()


def test_interview_for_episode_is_scoped(world: RhiWorld) -> None:
    episode = make_episode(world, returned_at=timezone.now() - HOUR)
    interview = _offer(world, episode, HOUR / 2)
    assert selectors.interview_for_episode(viewer=world.lead, episode=episode) == interview
    assert selectors.interview_for_episode(viewer=world.south_lead, episode=episode) is None


# Queues -----------------------------------------------------------------------------------


def test_the_workers_queue(world: RhiWorld) -> None:
    now = timezone.now()
    overdue = make_episode(world, returned_at=now - 80 * HOUR)
    due = make_episode(world, returned_at=now - 2 * HOUR)
    make_episode(world, returned_at=None)  # still missing: no clock
    awaiting = _offer(world, make_episode(world, returned_at=now - 5 * HOUR), HOUR)
    refused = _offer(world, make_episode(world, returned_at=now - 6 * HOUR), HOUR)
    services.interview_record_refusal(actor=world.worker, interview=refused, carers_know="Mum.")
    complete(world, _offer(world, make_episode(world, returned_at=now - 9 * HOUR), HOUR))
    services.interview_record_not_offered(
        actor=world.worker, episode=make_episode(world, returned_at=now - 90 * HOUR), reason="x"
    )
    make_episode(world, area=world.south.area, returned_at=now - 80 * HOUR)  # not theirs

    queue = selectors.interview_queue(viewer=world.worker)
    assert [e.pk for e in queue.overdue] == [overdue.pk]
    assert [e.pk for e in queue.due] == [due.pk]
    assert [i.pk for i in queue.awaiting] == [awaiting.pk]
    assert [i.pk for i in queue.refused] == [refused.pk]
    assert (queue.overdue_count, queue.due_count, queue.awaiting_count, queue.refused_count) == (
        1,
        1,
        1,
        1,
    )
    assert AuditEvent.objects.filter(
        action="return_interview.queue_viewed", actor=world.worker
    ).exists()
    # The coordinator of the borough sees the same; the lead professional has no queue.
    assert [e.pk for e in selectors.interview_queue(viewer=world.coordinator).overdue] == [
        overdue.pk
    ]
    assert not selectors.may_see_queue(world.lead)
    assert selectors.may_see_queue(world.worker)
    assert selectors.may_see_queue(world.coordinator)


def test_queue_due_times_fall_back_to_72_hours(world: RhiWorld) -> None:
    now = timezone.now()
    episode = make_episode(world, returned_at=now - 71 * HOUR, set_due=False)
    assert [e.pk for e in selectors.episodes_due(viewer=world.worker, now=now)] == [episode.pk]
    later = now + 2 * HOUR
    assert [e.pk for e in selectors.episodes_overdue(viewer=world.worker, now=later)] == [
        episode.pk
    ]


def test_episode_for_worker_is_scoped_to_their_areas(world: RhiWorld) -> None:
    episode = make_episode(world, returned_at=timezone.now() - HOUR)
    assert selectors.episode_for_worker(viewer=world.worker, episode_id=episode.pk) == episode
    for outsider in (world.coordinator, world.lead, world.south_officer):
        with pytest.raises(NotFoundOrForbidden):
            selectors.episode_for_worker(viewer=outsider, episode_id=episode.pk)


# The 72-hour measure ----------------------------------------------------------------------


def _measure_world(world: RhiWorld) -> dict[str, object]:
    # March 2026 (clocks go forward at 01:00 GMT on Sunday 29 March).
    a = make_episode(world, returned_at=_at(2026, 3, 28, 12, 0))  # due 31 Mar 13:00 BST
    _offer(world, a, 72 * HOUR - MINUTE)  # 71:59 after the return: counts
    b = make_episode(world, returned_at=_at(2026, 3, 20, 9, 0))
    _offer(world, b, 72 * HOUR + MINUTE)  # 72:01: does not
    make_episode(world, returned_at=_at(2026, 3, 10, 23, 0))  # never offered: does not
    d = make_episode(world, returned_at=_at(2026, 3, 5, 8, 0), set_due=False)
    _offer(world, d, 72 * HOUR - MINUTE)  # no due time on the episode: statutory 72 h
    # April 2026: 00:30 BST on 1 April is still 31 March in UTC; it counts in April.
    e = make_episode(world, returned_at=_at(2026, 4, 1, 0, 30))
    _offer(world, e, HOUR)
    make_episode(world, returned_at=_at(2026, 4, 14, 12, 0))  # clock still running
    # Southmoor, March: one met.
    south_worker = user_with_role(Role.RETURN_INTERVIEW, world.south.csc)
    s = make_episode(world, area=world.south.area, returned_at=_at(2026, 3, 15, 12, 0))
    _offer(world, s, HOUR, actor=south_worker)
    return {"a": a, "b": b}


def _by_key(rows):
    return {(row.area_name, row.month): row for row in rows}


def test_share_within_72_hours_by_borough_and_month(world: RhiWorld, frozen) -> None:
    _measure_world(world)
    months = [datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), datetime.date(2026, 4, 9)]
    rows = selectors.share_within_72h_by_area_month(
        viewer=world.coordinator, area_ids=[world.area.pk, world.south.area.pk], months=months
    )
    # The Northbrook coordinator sees Northbrook only, one row per month asked for.
    found = _by_key(rows)
    assert set(found) == {
        ("Northbrook", datetime.date(2026, 2, 1)),
        ("Northbrook", datetime.date(2026, 3, 1)),
        ("Northbrook", datetime.date(2026, 4, 1)),
    }
    february = found["Northbrook", datetime.date(2026, 2, 1)]
    assert (february.returned, february.met, february.share) == (0, 0, None)
    march = found["Northbrook", datetime.date(2026, 3, 1)]
    assert (march.returned, march.met, march.pending, march.breached) == (4, 2, 0, 2)
    assert march.share == 0.5
    april = found["Northbrook", datetime.date(2026, 4, 1)]
    assert (april.returned, april.met, april.pending, april.decided) == (2, 1, 1, 1)
    assert april.share == 1.0


def test_offered_at_71_59_counts_and_72_01_does_not(world: RhiWorld, frozen) -> None:
    a = make_episode(world, returned_at=_at(2026, 3, 28, 12, 0))
    _offer(world, a, 72 * HOUR - MINUTE)
    rows = selectors.share_within_72h_by_area_month(
        viewer=world.coordinator, area_ids=[world.area.pk], months=[datetime.date(2026, 3, 1)]
    )
    assert (rows[0].returned, rows[0].met) == (1, 1)
    b = make_episode(world, returned_at=_at(2026, 3, 28, 12, 0))
    _offer(world, b, 72 * HOUR + MINUTE)
    rows = selectors.share_within_72h_by_area_month(
        viewer=world.coordinator, area_ids=[world.area.pk], months=[datetime.date(2026, 3, 1)]
    )
    assert (rows[0].returned, rows[0].met, rows[0].breached) == (2, 1, 1)
    # Exactly 72:00 is still within 72 hours.
    c = make_episode(world, returned_at=_at(2026, 3, 28, 12, 0))
    _offer(world, c, 72 * HOUR)
    rows = selectors.share_within_72h_by_area_month(
        viewer=world.coordinator, area_ids=[world.area.pk], months=[datetime.date(2026, 3, 1)]
    )
    assert (rows[0].returned, rows[0].met) == (3, 2)


def test_measure_for_a_viewer_covering_both_boroughs_in_one_query(world: RhiWorld, frozen) -> None:
    _measure_world(world)
    both = AgencyFactory(
        name="Partnership Hub",
        agency_type=AgencyType.OTHER,
        areas=[world.area, world.south.area],
    )
    hub = user_with_role(Role.COORDINATOR, both)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.share_within_72h_by_area_month(
            viewer=hub,
            area_ids=[world.area.pk, world.south.area.pk],
            months=[datetime.date(2026, 3, 1)],
        )
    episode_queries = [q for q in queries.captured_queries if "missing_missingepisode" in q["sql"]]
    assert len(episode_queries) == 1
    found = _by_key(rows)
    south = found["Southmoor", datetime.date(2026, 3, 1)]
    assert (south.returned, south.met, south.share) == (1, 1, 1.0)
    assert found["Northbrook", datetime.date(2026, 3, 1)].returned == 4


def test_measure_is_empty_for_someone_without_a_borough_role(world: RhiWorld, frozen) -> None:
    _measure_world(world)
    for viewer in (world.lead, world.officer, world.south_coordinator):
        rows = selectors.share_within_72h_by_area_month(
            viewer=viewer, area_ids=[world.area.pk], months=[datetime.date(2026, 3, 1)]
        )
        assert rows == []
