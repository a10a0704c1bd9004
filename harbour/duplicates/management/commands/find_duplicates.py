"""``manage.py find_duplicates``: de-duplicate the whole register now and refresh the queue.

Run nightly from cron (see docs/adr/0011-merge-and-unmerge.md), or ``--enqueue`` to hand the
run to the task worker (``manage.py db_worker``) instead of running it in this process.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.duplicates import services


class Command(BaseCommand):
    help = "Find probable duplicate persons with the matching model and refresh the review queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="Lowest match probability to propose (default: the matching model's own).",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1, for example 0.9")
        if options["enqueue"]:
            from harbour.duplicates.tasks import refresh_duplicates_queue

            result = refresh_duplicates_queue.enqueue(threshold=threshold)
            self.stdout.write(f"Queued the duplicates run as task {result.id}.")
            return
        summary = services.refresh_queue(threshold=threshold)
        self.stdout.write(self.style.SUCCESS(str(summary)))
