"""Escalate every overdue panel action to its owner's line manager and the panel's chair.

Run it daily, e.g. from cron at 07:00 (``0 7 * * * manage.py escalate_overdue_panel_actions``),
like the other periodic commands; the Django task ``escalate_overdue_panel_actions_task`` does
the same from the task worker. An action still to be done the day after its due date (UK time)
is escalated once for that due date, so running it again, or twice at once, escalates nothing
twice. ``--today YYYY-MM-DD`` runs it as of another day (to catch up after an outage).
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from harbour.panels.actions import escalate_overdue_actions


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2027-03-01, not {text!r}") from error


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            default=None,
            help="Escalate as of this UK date (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        today = _date(options["today"]) if options["today"] else timezone.localdate(now)
        escalations = escalate_overdue_actions(today=today, now=now)
        self.stdout.write(
            f"Escalated {len(escalations)} overdue panel action(s) as of {today.isoformat()}."
        )
