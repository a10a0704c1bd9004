"""Background tasks (Django's tasks API; the worker is ``manage.py db_worker``): checking the
rows of an uploaded file, and committing it. Both take the batch's id and do nothing unless
the batch is in the state they expect, so a task run twice is harmless."""

from __future__ import annotations

from django.tasks import task

from harbour.imports import services


@task
def validate_batch_task(batch_id: str) -> str:
    return str(services.batch_validate(batch_id=batch_id).status)


@task
def commit_batch_task(batch_id: str) -> str:
    return str(services.batch_commit(batch_id=batch_id).status)
