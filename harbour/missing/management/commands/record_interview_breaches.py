"""Record every return-interview clock that ran out with no offer (run it every few minutes,
e.g. from cron or a scheduler; each breach is recorded once)."""

from typing import Any

from django.core.management.base import BaseCommand

from harbour.missing.services import interview_clock_breaches_record


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        count = interview_clock_breaches_record()
        self.stdout.write(f"Recorded {count} return-interview clock breach(es).")
