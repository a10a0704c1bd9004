"""``manage.py seed_demo``: the synthetic demo partnership, deterministically from a seed."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.demo.duplicates import seed_duplicate_queue
from harbour.demo.partnership import DEMO_PASSWORD, demo_logins
from harbour.demo.services import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_SEED,
    PERSONS_PER_SCALE,
    REFERRALS_PER_SCALE,
    DemoSeedRefused,
    seed_demo,
)


def _aware_datetime(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: {error} (use e.g. 2026-03-02T09:00+00:00)") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


class Command(BaseCommand):
    help = (
        "Seed the synthetic demo partnership (three invented boroughs, their agencies and about "
        "100 staff, children and two years of referrals) into an empty database. The same seed "
        "gives the same data. No real person or case."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=(
                f"Size: 1 is about {PERSONS_PER_SCALE:,} persons and {REFERRALS_PER_SCALE:,} "
                "referrals; fractions allowed (default 1)."
            ),
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--referrals",
            type=int,
            default=None,
            help="Number of referrals, whatever the scale (default: proportional to --scale).",
        )
        parser.add_argument(
            "--now",
            type=_aware_datetime,
            default=None,
            help=(
                "When the two years of history end, ISO 8601 (default: now). Give it to get the "
                "same dates as another run."
            ),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Persons generated and rows inserted per batch (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help=(
                "First delete an earlier demo, if nobody has used it (no audit events but the "
                "seeding). A used database is never wiped."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0")
        if options["referrals"] is not None and options["referrals"] < 0:
            raise CommandError("--referrals must not be negative")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        verbosity = options["verbosity"]
        step = {"next": 0.1}

        def progress(done: int, total: int) -> None:
            if verbosity >= 1 and (done / total >= step["next"] or done == total):
                self.stdout.write(f"  {done:,} of {total:,} persons and their referrals")
                step["next"] = done / total + 0.1

        try:
            summary = seed_demo(
                seed=options["seed"],
                scale=options["scale"],
                referrals=options["referrals"],
                now=options["now"],
                batch_size=options["batch_size"],
                fresh=options["fresh"],
                progress=progress,
            )
        except DemoSeedRefused as error:
            raise CommandError(str(error)) from error

        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the demo partnership (seed {summary.seed}, scale {summary.scale:g}, "
                f"history to {summary.now:%Y-%m-%d %H:%M} UTC) in {summary.seconds:.1f} s:"
            )
        )
        duplicates = seed_duplicate_queue(seed=summary.seed)
        summary.counts["unreviewed duplicate records"] = duplicates.records_created
        summary.counts["probable duplicates for review"] = duplicates.queue.proposed
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>9,}")
        self.stdout.write("")
        self.stdout.write(self.logins_table())

    @staticmethod
    def logins_table() -> str:
        logins = demo_logins()
        headings = ("username", "role", "agency", "area")
        table = [headings] + [
            (login["username"], login["role_label"], login["agency"], login["areas"])
            for login in logins
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(headings))]
        lines = [f"Demo accounts (every one has the password {DEMO_PASSWORD}):"]
        for row in table:
            lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        return "\n".join(line.rstrip() for line in lines)
