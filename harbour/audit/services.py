"""Recording audit events. Call inside the transaction of the change being audited."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from harbour.audit import registry
from harbour.audit.models import GENESIS_HASH, AuditEvent
from harbour.core.bulk import insert_rows
from harbour.core.middleware import client_ip

#: Any constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_240_912


def _json_safe(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def subject_of(subject: models.Model | None) -> tuple[str, str]:
    if subject is None:
        return "", ""
    return subject._meta.label_lower, str(subject.pk)


def _actor_of(actor: Any) -> tuple[Any, str]:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor, actor.get_username()
    return None, "anonymous"


@transaction.atomic
def record_event(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    registry.get(action)
    if subject is not None:
        subject_type, subject_id = subject_of(subject)
    user, label = _actor_of(actor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last_hash = (
        AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    )
    occurred_at = timezone.now().astimezone(datetime.UTC)
    event = AuditEvent(
        occurred_at=occurred_at,
        actor=user,
        actor_label=actor_label or label,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        before=_json_safe(before),
        after=_json_safe(after),
        reason=reason,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        previous_hash=last_hash,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def record_read(
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    request: HttpRequest | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record that someone looked at a record (a page, an opened search result, an export)."""
    return record_event(actor=actor, action=action, subject=subject, request=request, reason=reason)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of a record's concrete fields, for an event's before/after."""
    names = fields or [
        field.attname for field in instance._meta.concrete_fields if field.attname != "updated_at"
    ]
    values: dict[str, Any] = _json_safe({name: getattr(instance, name) for name in names})
    return values


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (before, after)."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


@dataclass(frozen=True)
class EventSpec:
    """One event for ``record_events``."""

    action: str
    subject_type: str
    subject_id: str
    after: dict[str, Any]
    reason: str = ""


def record_events(*, actor: Any, events: Sequence[EventSpec], request_id: str = "") -> int:
    """Append ``events`` to the chain in order, in the caller's transaction; returns how many.

    For bulk writes (imports): the chain lock is taken once and the hashes are computed exactly
    as ``record_event`` computes them, then inserted in batches. ``audit_verify`` checks them
    like any other.
    """
    if not events:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change")
    for code in {event.action for event in events}:
        registry.get(code)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = actor.get_username() if user is not None else "anonymous"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    previous = (
        AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    )
    occurred_at = timezone.now().astimezone(datetime.UTC)
    rows: list[AuditEvent] = []
    for spec in events:
        event = AuditEvent(
            occurred_at=occurred_at,
            actor=user,
            actor_label=label,
            action=spec.action,
            subject_type=spec.subject_type,
            subject_id=spec.subject_id,
            before=None,
            after=_json_safe(spec.after),
            reason=spec.reason,
            request_id=request_id,
            ip_address=None,
            previous_hash=previous,
        )
        event.hash = event.compute_hash()
        previous = event.hash
        rows.append(event)
    insert_rows(AuditEvent, rows)
    return len(rows)
