"""Synthetic missing episodes: years of episodes for children in the partnership, in bulk.

Most episodes are short (hours to a couple of days); a minority of children go missing again and
again; most returns are offered an interview within 72 hours, some late, some never. Looked-after
children are a larger share, and some are placed out of area. Used by ``seed_demo`` (a few
hundred) and by the benchmark (300,000 over five years). Like the rest of the seed, these rows
are covered by the one ``demo.seeded`` event, not audited one by one.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction

from harbour.demo.partnership import new_uuid

BATCH = 5000


def seed_missing(*, seed: int, now: datetime.datetime, episodes: int, years: float = 2.0) -> int:
    """Write ``episodes`` episodes spread over ``years`` up to ``now``; returns the count."""
    from harbour.accounts.models import Membership, Role
    from harbour.missing.models import (
        EpisodeReport,
        EpisodeStatus,
        MissingEpisode,
        RiskGrading,
    )
    from harbour.missing.policy import load_clock_policy
    from harbour.people.models import Person

    if episodes <= 0 or MissingEpisode.objects.exists():
        return 0
    rng = random.Random(f"harbour-demo:{seed}:missing")
    clock = load_clock_policy()
    due_hours = clock.return_interview_due_hours
    officers = list(
        Membership.objects.filter(role=Role.POLICE_EXPLOITATION, is_active=True)
        .select_related("agency")
        .order_by("user__username")
    )
    if not officers:
        return 0
    children = list(
        Person.objects.filter(kind="child", home_area__isnull=False)
        .order_by("pk")
        .values_list("pk", "home_area_id", "is_looked_after", "placing_authority")
    )
    if not children:
        return 0
    # A fifth of children account for most episodes (repeat missing).
    repeaters = children[: max(1, len(children) // 5)]
    span = datetime.timedelta(days=365 * years)
    start = now - span
    written = 0
    # Keep each child's episodes apart in time: one open episode per child at most.
    last_end: dict[Any, datetime.datetime] = {}
    rows: list[Any] = []
    reports: list[Any] = []
    gradings: list[Any] = []

    def flush() -> None:
        with transaction.atomic():
            MissingEpisode.objects.bulk_create(rows, batch_size=BATCH)
            EpisodeReport.objects.bulk_create(reports, batch_size=BATCH)
            RiskGrading.objects.bulk_create(gradings, batch_size=BATCH)
        rows.clear()
        reports.clear()
        gradings.clear()

    moments = sorted(start + span * rng.random() for _ in range(episodes))
    for last_seen in moments:
        person_id, area_id, looked_after, placing = rng.choice(
            repeaters if rng.random() < 0.7 else children
        )
        if last_end.get(person_id) and last_seen <= last_end[person_id]:
            last_seen = last_end[person_id] + datetime.timedelta(hours=rng.uniform(6, 72))
        if last_seen >= now:
            continue
        membership = rng.choice(officers)
        reported = last_seen + datetime.timedelta(hours=rng.uniform(0.5, 6))
        missing_hours = rng.choice((3, 6, 12, 20, 30, 48, 96)) * rng.uniform(0.6, 1.4)
        returned = last_seen + datetime.timedelta(hours=missing_hours)
        still_missing = returned > now
        if reported > now:
            continue
        grade = rng.choices(
            ("no_apparent_risk", "low", "medium", "high"), weights=(15, 35, 40, 10)
        )[0]
        offered = None
        due = None
        if not still_missing:
            due = returned + datetime.timedelta(hours=due_hours)
            draw = rng.random()
            if draw < 0.72:
                offered = returned + datetime.timedelta(hours=rng.uniform(2, due_hours - 1))
            elif draw < 0.85:
                offered = returned + datetime.timedelta(hours=rng.uniform(due_hours + 1, 200))
            if offered is not None and offered > now:
                offered = None
        placed_out = bool(looked_after) and rng.random() < 0.3
        episode = MissingEpisode(
            id=new_uuid(rng),
            person_id=person_id,
            area_id=area_id,
            missing_from="care" if looked_after else rng.choice(("home", "home", "education")),
            category=rng.choices(
                ("missing", "absent", "away_from_placement"), weights=(70, 20, 10)
            )[0],
            status=EpisodeStatus.OPEN
            if still_missing
            else (EpisodeStatus.CLOSED if offered else EpisodeStatus.RETURNED),
            risk_grade=grade,
            reported_at=reported,
            reported_by_id=membership.user_id,
            reported_by_agency_id=membership.agency_id,
            police_reference=f"MP-{rng.randrange(10**7):07d}",
            last_seen_at=last_seen,
            last_seen_where=rng.choice(
                ("Home address", "Town centre", "Bus station", "School gates", "Retail park")
            ),
            returned_at=None if still_missing else returned,
            returned_where="" if still_missing else "Home address",
            returned_how="" if still_missing else rng.choice(("Returned alone", "Found by police")),
            placed_out_of_area=placed_out,
            placing_authority=placing if placed_out else "",
            host_authority="Host council" if placed_out else "",
            closed_at=offered if offered else None,
            closed_by_id=membership.user_id if offered else None,
            interview_due_at=due,
            clock_policy_version=clock.version if due else None,
            interview_offered_at=offered,
            created_at=reported,
            updated_at=reported,
        )
        rows.append(episode)
        reports.append(
            EpisodeReport(
                id=new_uuid(rng),
                episode=episode,
                reported_at=reported,
                reported_by_id=membership.user_id,
                reported_by_agency_id=membership.agency_id,
                created_at=reported,
                updated_at=reported,
            )
        )
        gradings.append(
            RiskGrading(
                id=new_uuid(rng),
                episode=episode,
                grade=grade,
                graded_at=reported,
                graded_by_id=membership.user_id,
                created_at=reported,
                updated_at=reported,
            )
        )
        last_end[person_id] = now if still_missing else returned
        if still_missing:
            # Still missing: this child cannot have a later episode.
            last_end[person_id] = now + datetime.timedelta(days=3650)
        written += 1
        if len(rows) >= BATCH:
            flush()
    if rows:
        flush()
    return written


def wipe_missing() -> None:
    from harbour.missing.models import (
        EpisodeReport,
        MissingEpisode,
        RepeatMissingAlert,
        RiskGrading,
    )

    RepeatMissingAlert.objects.all().delete()
    RiskGrading.objects.all().delete()
    EpisodeReport.objects.all().delete()
    MissingEpisode.objects.all().delete()
