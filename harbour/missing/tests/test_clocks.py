"""Clock arithmetic: 72 elapsed hours in UTC, across midnight, weekends and both BST changes."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from harbour.missing.clocks import (
    ClockState,
    format_duration,
    interview_clock_state,
    interview_due_at,
)
from harbour.missing.tests.factories import LONDON, london

HOURS = 72


@dataclasses.dataclass
class Episode:
    returned_at: datetime.datetime | None = None
    interview_due_at: datetime.datetime | None = None
    interview_offered_at: datetime.datetime | None = None


def _returned(at: datetime.datetime, offered: datetime.datetime | None = None) -> Episode:
    return Episode(at, interview_due_at(at, hours=HOURS), offered)


@pytest.mark.parametrize(
    ("returned", "due_on_a_uk_clock"),
    [
        # Across midnight: 23:30 on a Tuesday is due 23:30 on Friday.
        (london(2026, 1, 13, 23, 30), london(2026, 1, 16, 23, 30)),
        # Weekends count: a Friday evening return is due on Monday evening, not midweek.
        (london(2026, 1, 16, 18, 0), london(2026, 1, 19, 18, 0)),
        # Spring: clocks go forward at 01:00 GMT on Sunday 29 March 2026. 72 real hours after
        # 23:30 GMT on Saturday is 23:30 UTC on Tuesday 31 March = 00:30 BST on 1 April.
        (london(2026, 3, 28, 23, 30), london(2026, 4, 1, 0, 30)),
        # Autumn: clocks go back at 02:00 BST on Sunday 25 October 2026. 72 real hours after
        # 23:30 BST on Saturday is 22:30 UTC on Tuesday 27 October = 22:30 GMT.
        (london(2026, 10, 24, 23, 30), london(2026, 10, 27, 22, 30)),
        # Entirely in summer time: the UK clock time is kept.
        (london(2026, 7, 1, 9, 15), london(2026, 7, 4, 9, 15)),
    ],
)
def test_due_is_72_real_hours_after_the_return(returned, due_on_a_uk_clock):
    due = interview_due_at(returned, hours=HOURS)
    assert due == due_on_a_uk_clock
    assert due - returned == datetime.timedelta(hours=72)
    assert due.tzinfo == datetime.UTC
    assert due.astimezone(LONDON).replace(tzinfo=None) == due_on_a_uk_clock.replace(tzinfo=None)


def test_spring_change_moves_the_uk_clock_reading_by_an_hour():
    due = interview_due_at(london(2026, 3, 28, 23, 30), hours=HOURS).astimezone(LONDON)
    assert (due.day, due.hour, due.minute) == (1, 0, 30)
    assert due.utcoffset() == datetime.timedelta(hours=1)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        interview_due_at(datetime.datetime(2026, 1, 1, 12, 0), hours=HOURS)


def test_not_started_until_the_child_returns():
    reading = interview_clock_state(Episode(), london(2026, 1, 1, 12))
    assert reading.state == ClockState.NOT_STARTED
    assert reading.due_at is None


def test_due_shows_the_time_left():
    episode = _returned(london(2026, 3, 28, 23, 30))
    reading = interview_clock_state(episode, london(2026, 3, 31, 23, 30))  # 71 real hours later
    assert reading.state == ClockState.DUE
    assert reading.remaining == datetime.timedelta(hours=1)
    assert not reading.is_problem


def test_overdue_from_the_due_moment_exactly():
    episode = _returned(london(2026, 10, 24, 23, 30))
    just_before = london(2026, 10, 27, 22, 29)
    assert interview_clock_state(episode, just_before).state == ClockState.DUE
    reading = interview_clock_state(episode, london(2026, 10, 27, 22, 30))
    assert reading.state == ClockState.OVERDUE
    assert reading.overdue_by == datetime.timedelta(0)
    assert reading.is_problem


def test_met_when_offered_at_or_before_the_due_time():
    returned = london(2026, 1, 16, 18, 0)
    due = interview_due_at(returned, hours=HOURS)
    reading = interview_clock_state(_returned(returned, offered=due), london(2026, 2, 1, 9))
    assert reading.state == ClockState.MET


def test_breached_when_offered_after_the_due_time():
    returned = london(2026, 1, 16, 18, 0)
    offered = interview_due_at(returned, hours=HOURS) + datetime.timedelta(minutes=1)
    reading = interview_clock_state(_returned(returned, offered=offered), london(2026, 2, 1, 9))
    assert reading.state == ClockState.BREACHED
    assert reading.overdue_by == datetime.timedelta(minutes=1)
    assert reading.label == "Breached: interview offered late"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (datetime.timedelta(seconds=30), "less than a minute"),
        (datetime.timedelta(minutes=45), "45 minutes"),
        (datetime.timedelta(hours=1, minutes=1), "1 hour 1 minute"),
        (datetime.timedelta(days=2, hours=5, minutes=10), "2 days 5 hours"),
        (datetime.timedelta(days=1), "1 day"),
    ],
)
def test_durations_read_naturally(delta, text):
    assert format_duration(delta) == text
