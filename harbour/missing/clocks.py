"""Clock arithmetic for missing episodes: pure functions, no database, no "now" of their own.

The return home interview is due a fixed number of *elapsed* hours after the return (72 in the
clock policy), counted in UTC. Not working days: weekends and bank holidays count. Across a
British Summer Time change 72 hours stay 72 real hours, so the due time *as read on a UK clock*
moves by an hour: a return at 23:30 GMT on Saturday 28 March 2026 is due at 00:30 BST on
Wednesday 1 April (72 real hours later), not at 23:30 on 31 March.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import Protocol


class ClockedEpisode(Protocol):
    """What the clock needs of an episode (a ``MissingEpisode`` has all of these)."""

    returned_at: datetime.datetime | None
    interview_due_at: datetime.datetime | None
    interview_offered_at: datetime.datetime | None


class ClockState(enum.StrEnum):
    NOT_STARTED = "not_started"
    DUE = "due"
    OVERDUE = "overdue"
    MET = "met"
    BREACHED = "breached"


_LABELS = {
    ClockState.NOT_STARTED: "Not started: the child has not returned",
    ClockState.DUE: "Interview due",
    ClockState.OVERDUE: "Overdue: no interview offered in time",
    ClockState.MET: "Met: interview offered in time",
    ClockState.BREACHED: "Breached: interview offered late",
}


@dataclass(frozen=True)
class ClockReading:
    state: ClockState
    due_at: datetime.datetime | None
    #: Time left while due; time past the due time while overdue or when breached.
    remaining: datetime.timedelta | None = None
    overdue_by: datetime.timedelta | None = None

    @property
    def label(self) -> str:
        return _LABELS[self.state]

    @property
    def is_problem(self) -> bool:
        return self.state in (ClockState.OVERDUE, ClockState.BREACHED)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Clock arithmetic needs aware datetimes")
    return moment.astimezone(datetime.UTC)


def interview_due_at(returned_at: datetime.datetime, *, hours: float) -> datetime.datetime:
    """When the return home interview is due: ``hours`` elapsed hours after the return (UTC)."""
    return _utc(returned_at) + datetime.timedelta(hours=hours)


def interview_clock_state(episode: ClockedEpisode, now: datetime.datetime) -> ClockReading:
    """Where the episode's interview clock stands at ``now``.

    Not started (no return); due (time left); overdue (due time passed, nothing offered yet);
    met (offered at or before the due time); breached (offered after the due time).
    """
    due = episode.interview_due_at
    if episode.returned_at is None or due is None:
        return ClockReading(ClockState.NOT_STARTED, None)
    due = _utc(due)
    offered = episode.interview_offered_at
    if offered is not None:
        offered = _utc(offered)
        if offered <= due:
            return ClockReading(ClockState.MET, due)
        return ClockReading(ClockState.BREACHED, due, overdue_by=offered - due)
    now = _utc(now)
    if now < due:
        return ClockReading(ClockState.DUE, due, remaining=due - now)
    return ClockReading(ClockState.OVERDUE, due, overdue_by=now - due)


def format_duration(delta: datetime.timedelta) -> str:
    """A duration as a practitioner reads it: "2 days 5 hours", "45 minutes"."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "less than a minute"


def window_start(moment: datetime.datetime, *, days: int) -> datetime.datetime:
    """The start of a repeat-missing window of ``days`` (elapsed) days ending at ``moment``."""
    return _utc(moment) - datetime.timedelta(days=days)
