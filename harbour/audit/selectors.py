"""Reads of the audit log, for information governance only.

Information governance sees who did what, when and why, never case content: rows carry the
time, the user, their agencies, the action's description and the reason given, and the subject
is named by its id (a person also by their name; see docs/adr/0003-audit-log.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from harbour.access import policy
from harbour.access.models import BreakGlassGrant
from harbour.access.selectors import user_agency_names
from harbour.audit import registry
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden
from harbour.people.models import Person

PERSON_SUBJECT = "people.person"
REFERRAL_SUBJECT = "referrals.referral"
GRANT_SUBJECT = "access.breakglassgrant"

#: Rows per page of an audit table.
PAGE_SIZE = 50

#: How each kind of subject is described in an audit table.
SUBJECT_LABELS = {
    PERSON_SUBJECT: "Person",
    REFERRAL_SUBJECT: "Referral",
    GRANT_SUBJECT: "Emergency access grant",
}


@dataclass(frozen=True)
class AuditRow:
    """One audit event as information governance sees it: no case content."""

    id: int
    occurred_at: datetime.datetime
    user_label: str
    user_name: str
    agencies: str
    action: str
    description: str
    is_read: bool
    is_refusal: bool
    subject: str
    reason: str


@dataclass(frozen=True)
class AuditPage:
    """A page of rows, and the paginator's page for "previous" and "next" links."""

    rows: list[AuditRow]
    page: Page  # type: ignore[type-arg]


@dataclass(frozen=True)
class LogFilters:
    """What the audit log may be narrowed by; every part is optional."""

    action: str = ""
    actor_id: Any = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _require_governance(viewer: Any) -> None:
    if not policy.may_review_audit(viewer):
        raise NotFoundOrForbidden


def _describe(code: str) -> tuple[str, bool, bool]:
    try:
        action = registry.get(code)
    except registry.UnknownAuditAction:
        # An action since retired from the vocabulary: still shown, by its code.
        return code, False, False
    return action.description, action.is_read, action.is_refusal


def _subject(event: AuditEvent) -> str:
    if not event.subject_type:
        return ""
    label = SUBJECT_LABELS.get(event.subject_type, event.subject_type)
    return f"{label} {event.subject_id}".strip()


def _rows(events: list[AuditEvent]) -> list[AuditRow]:
    agencies = user_agency_names([event.actor_id for event in events if event.actor_id])
    rows = []
    for event in events:
        description, is_read, is_refusal = _describe(event.action)
        user = event.actor
        rows.append(
            AuditRow(
                id=event.id,
                occurred_at=event.occurred_at,
                user_label=event.actor_label,
                user_name=(user.get_full_name() if user is not None else "") or event.actor_label,
                agencies=agencies.get(event.actor_id, ""),
                action=event.action,
                description=description,
                is_read=is_read,
                is_refusal=is_refusal,
                subject=_subject(event),
                reason=event.reason,
            )
        )
    return rows


def _page(events: QuerySet[AuditEvent], page_number: Any) -> AuditPage:
    paginator = Paginator(events.select_related("actor"), PAGE_SIZE)
    page = paginator.get_page(page_number)
    return AuditPage(rows=_rows(list(page.object_list)), page=page)


def governance_person(*, viewer: Any, person_id: Any) -> Person:
    """The person whose access history is asked for: only their id and names are loaded."""
    _require_governance(viewer)
    person = Person.objects.only("id", "first_names", "last_name").filter(pk=person_id).first()
    if person is None:
        raise NotFoundOrForbidden
    return person


def person_access_events(*, viewer: Any, person_id: Any) -> QuerySet[AuditEvent]:
    """Every event about the person, their referrals or emergency access to them, newest first."""
    _require_governance(viewer)
    from harbour.referrals.models import Referral

    referral_ids = [
        str(pk) for pk in Referral.objects.filter(person_id=person_id).values_list("pk", flat=True)
    ]
    grant_ids = [
        str(pk)
        for pk in BreakGlassGrant.objects.filter(person_id=person_id).values_list("pk", flat=True)
    ]
    about = Q(subject_type=PERSON_SUBJECT, subject_id=str(person_id))
    if referral_ids:
        about |= Q(subject_type=REFERRAL_SUBJECT, subject_id__in=referral_ids)
    if grant_ids:
        about |= Q(subject_type=GRANT_SUBJECT, subject_id__in=grant_ids)
    return AuditEvent.objects.filter(about).order_by("-id")


def person_access_history(*, viewer: Any, person_id: Any, page_number: Any = 1) -> AuditPage:
    """ "Who has seen this person": a page of ``person_access_events`` as rows."""
    return _page(person_access_events(viewer=viewer, person_id=person_id), page_number)


def audit_events(*, viewer: Any, filters: LogFilters) -> QuerySet[AuditEvent]:
    """The audit log, newest first, narrowed by ``filters`` (dates are inclusive, UK time)."""
    _require_governance(viewer)
    events = AuditEvent.objects.order_by("-id")
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.date_from is not None:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + datetime.timedelta(1)))
    return events


def audit_events_page(*, viewer: Any, filters: LogFilters, page_number: Any = 1) -> AuditPage:
    """A page of the filtered audit log, as rows."""
    return _page(audit_events(viewer=viewer, filters=filters), page_number)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
