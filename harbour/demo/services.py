"""Seeding the demo partnership: one use case, called by ``manage.py seed_demo`` and the tests.

Rows are generated a batch of persons at a time (with their referrals) and written with
``bulk_create`` (``COPY`` on PostgreSQL), so memory stays flat at any scale: about 150 MB for
200,000 persons and 500,000 referrals. The whole seed is one transaction: it either all happens
or none of it does.
"""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from harbour.accounts.models import Agency, Area, Membership, Team, User
from harbour.audit.models import AuditEvent
from harbour.audit.services import record_event
from harbour.core.bulk import insert_rows
from harbour.demo.casework import add_busy_child, seed_casework, wipe_casework
from harbour.demo.missing import seed_missing, wipe_missing
from harbour.demo.panels import seed_panels, wipe_panels
from harbour.demo.partnership import account_specs, build_partnership
from harbour.demo.people import PeopleGenerator, PersonRecord, plan_population
from harbour.demo.referrals import ReferralGenerator, ReferralRows
from harbour.duplicates.models import DuplicateCandidate
from harbour.people.models import (
    Address,
    Alias,
    ChronologyEntry,
    Identifier,
    Involvement,
    Person,
)
from harbour.referrals.models import Referral, ReferralConcern, TriageDecision
from harbour.referrals.policy import load_triage_policy

DEFAULT_SEED = 2026
PERSONS_PER_SCALE = 2000
REFERRALS_PER_SCALE = 3000
MIN_PERSONS = 30
DEFAULT_BATCH_SIZE = 2000

#: Models whose ``created_at``/``updated_at`` the seed writes itself (see ``explicit_timestamps``).
SEEDED_MODELS: tuple[type[models.Model], ...] = (
    Area,
    Agency,
    Team,
    Membership,
    Person,
    Alias,
    Address,
    Identifier,
    Involvement,
    ChronologyEntry,
    Referral,
    ReferralConcern,
    TriageDecision,
)


#: Missing episodes over the two years, per unit of scale.
MISSING_EPISODES_PER_SCALE = 600


class DemoSeedRefused(Exception):
    """The database is not one the demo may be seeded into (or wiped)."""


@dataclass
class SeedSummary:
    seed: int
    scale: float
    now: datetime.datetime
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@contextlib.contextmanager
def explicit_timestamps(
    model_classes: tuple[type[models.Model], ...] = SEEDED_MODELS,
) -> Iterator[None]:
    """Let the seed set ``created_at`` and ``updated_at`` (a referral is created when received,
    not when the demo was seeded), by switching ``auto_now``/``auto_now_add`` off meanwhile.

    Single-threaded use only (a management command, a test); restored however the block ends.
    """
    changed: list[tuple[models.DateTimeField[Any, Any], bool, bool]] = []
    for model in model_classes:
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.DateTimeField) and (
                model_field.auto_now or model_field.auto_now_add
            ):
                changed.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def ensure_empty() -> None:
    """Refuse unless the database holds no partnership: the demo only ever seeds an empty one."""
    areas, persons = Area.objects.count(), Person.objects.count()
    usernames = {spec.username for spec in account_specs()}
    clashing = User.objects.filter(username__in=usernames).count()
    if areas or persons or clashing:
        raise DemoSeedRefused(
            f"This database is not empty ({areas} areas, {persons} persons, {clashing} users with "
            "demo usernames). seed_demo only seeds an empty database: create a new one, or use "
            "--fresh to replace a demo nobody has used yet."
        )


#: Audit events the seed itself writes.
SEEDING_ACTIONS = ("demo.seeded", "duplicates.queue_refreshed")


def wipe_unused_demo() -> None:
    """Delete a demo that nobody has used: refused when any audit event other than the seed's own
    (``demo.seeded``, and the first duplicates run that fills the demo's review queue) exists
    (audit events can never be deleted, so a used database is never wiped)."""
    used = AuditEvent.objects.exclude(action__in=SEEDING_ACTIONS).count()
    if used:
        raise DemoSeedRefused(
            f"This database has been used ({used} audit events besides the seeding), so --fresh "
            "will not delete anything. Seed a new, empty database instead."
        )
    usernames = {spec.username for spec in account_specs()}
    try:
        with transaction.atomic():
            DuplicateCandidate.objects.all().delete()  # an unused demo decided nothing
            wipe_panels()
            wipe_missing()
            wipe_casework()
            TriageDecision.objects.all().delete()
            ReferralConcern.objects.all().delete()
            Referral.objects.all().delete()
            for model in (ChronologyEntry, Involvement, Identifier, Address, Alias):
                model.objects.all().delete()
            Person.objects.all().delete()
            Membership.objects.all().delete()
            Team.objects.all().delete()
            User.objects.filter(username__in=usernames).delete()
            Agency.objects.all().delete()
            Area.objects.all().delete()
    except (ProtectedError, RestrictedError) as error:
        raise DemoSeedRefused(
            f"Other records still refer to the demo data ({error}); nothing was deleted."
        ) from error


def _count(counts: dict[str, int], name: str, rows: list[Any]) -> None:
    counts[name] = counts.get(name, 0) + len(rows)


def _save_batch(
    records: list[PersonRecord], rows: ReferralRows, counts: dict[str, int], batch_size: int
) -> None:
    persons = [record.person for record in records]
    aliases = [alias for record in records for alias in record.aliases]
    addresses = [address for record in records for address in record.addresses]
    identifiers = [identifier for record in records for identifier in record.identifiers]
    holds = [involvement for record in records for involvement in record.involvements]
    ordered: list[tuple[str, type[models.Model], list[Any]]] = [
        ("persons", Person, persons),
        ("aliases", Alias, aliases),
        ("addresses", Address, addresses),
        ("identifiers", Identifier, identifiers),
        ("involvements", Involvement, holds),
        ("referrals", Referral, rows.referrals),
        ("referral concerns", ReferralConcern, rows.concerns),
        ("triage decisions", TriageDecision, rows.decisions),
        ("involvements", Involvement, rows.involvements),
        ("chronology entries", ChronologyEntry, rows.chronology),
    ]
    for name, model, objects in ordered:
        if objects:
            insert_rows(model, objects, batch_size=batch_size)
        _count(counts, name, objects)


def seed_demo(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    referrals: int | None = None,
    now: datetime.datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    fresh: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SeedSummary:
    """Seed the synthetic partnership into an empty database. Same arguments, same rows.

    ``scale`` 1 is about 2,000 persons and 3,000 referrals over two years; ``referrals`` sets the
    referral count on its own. ``now`` is the day the two years end (default: this minute).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if referrals is not None and referrals < 0:
        raise ValueError("referrals must not be negative")
    started = time.monotonic()
    now = now or timezone.now().replace(second=0, microsecond=0)
    now = now.astimezone(datetime.UTC)
    persons_total = max(MIN_PERSONS, round(PERSONS_PER_SCALE * scale))
    referrals_total = round(REFERRALS_PER_SCALE * scale) if referrals is None else referrals
    policy = load_triage_policy()
    summary = SeedSummary(seed=seed, scale=scale, now=now)
    counts = summary.counts

    with transaction.atomic(), explicit_timestamps():
        if fresh:
            wipe_unused_demo()
        ensure_empty()
        partnership = build_partnership(seed=seed, now=now)
        counts.update(
            areas=len(partnership.areas),
            agencies=len(partnership.agencies),
            users=len(partnership.users),
            memberships=sum(len(users) for users in partnership.staff.values()),
        )
        plan = plan_population(persons=persons_total, referrals=referrals_total, seed=seed)
        people = PeopleGenerator(partnership=partnership, seed=seed, now=now)
        referral_maker = ReferralGenerator(
            partnership=partnership,
            seed=seed,
            now=now,
            policy=policy,
            total_referrals=referrals_total,
        )
        records: list[PersonRecord] = []
        rows = ReferralRows()
        for index in range(plan.size):
            record = people.make(
                kind=plan.kinds[index],
                area_index=plan.areas[index],
                referral_count=plan.referral_counts[index],
            )
            first_referral = referral_maker.for_person(record, rows)
            people.finish(record, first_referral)
            records.append(record)
            if len(records) >= batch_size or index == plan.size - 1:
                _save_batch(records, rows, counts, batch_size)
                records.clear()
                rows.clear()
                if progress is not None:
                    progress(index + 1, plan.size)
        counts["awaiting triage"] = counts.get("referrals", 0) - counts.get("triage decisions", 0)
        casework = seed_casework(seed=seed, now=now)
        counts.update(
            {
                "risk assessments": casework.get("assessments", 0),
                "cases": casework.get("cases", 0),
                "child with a long history": 1 if add_busy_child(seed=seed, now=now) else 0,
                "missing episodes": seed_missing(
                    seed=seed, now=now, episodes=round(MISSING_EPISODES_PER_SCALE * scale)
                ),
            }
        )
        counts.update(seed_panels(seed=seed, now=now))
        record_event(
            actor=None,
            action="demo.seeded",
            actor_label="seed_demo",
            after={
                "seed": seed,
                "scale": scale,
                "now": now.isoformat(),
                "referrals_requested": referrals,
                "counts": counts,
            },
        )
    summary.seconds = time.monotonic() - started
    return summary
