"""Background tasks for panels (Django's tasks API; the worker is ``manage.py db_worker``).

``escalate_overdue_panel_actions_task`` does what the daily command
``escalate_overdue_panel_actions`` does; it escalates each overdue action once per due date, so
a task run twice (or alongside the command) is harmless.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from harbour.panels.actions import escalate_overdue_actions


@task
def escalate_overdue_panel_actions_task(today: str | None = None) -> int:
    """Escalate overdue panel actions as of ``today`` (ISO date; default: today in the UK);
    returns how many were escalated."""
    now = timezone.now()
    day = datetime.date.fromisoformat(today) if today else timezone.localdate(now)
    return len(escalate_overdue_actions(today=day, now=now))
