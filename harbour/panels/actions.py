"""Panel actions after the meeting: updating them, the action tracker, and escalating overdue ones.

The Bedfordshire review found panel actions that nobody chased. Here:

- the owner or the panel's chair updates an action (``action_update``); each update is kept with
  its status before and after and what was said; the chair may move the due date;
- the tracker (``action_tracker``) lists the actions a user may see
  (``rules.panel_actions_visible_to``), overdue first, in one query for the page and one count;
- every day ``escalate_overdue_actions`` escalates each open action whose due date has passed, once
  for that due date, to the owner's line manager and the panel's chair (``Escalation`` is unique
  per action and due date, so moving the due date re-arms it); the manager or chair records what
  was done (``escalation_resolve``);
- the escalation log (``escalation_log``) is the ongoing audit of escalations the review asked for,
  by area and agency.

Every read is audited, every write is audited in its transaction, and what a user may not see or
do looks like "not found" (with the refusal audited).
"""

from __future__ import annotations

import datetime
import math
import statistics
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import User
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.notifications.services import notification_send
from harbour.panels.models import (
    OPEN_ACTION_STATUSES,
    Escalation,
    Panel,
    PanelAction,
    PanelActionStatus,
    PanelActionUpdate,
)
from harbour.panels.rules import (
    escalations_visible_to,
    may_audit_escalations,
    may_resolve_escalation,
    may_update_panel_action,
    panel_actions_visible_to,
)

#: The tracker's status filter value for "not started or in progress".
OPEN = "open"
#: The escalation log's area filter value for panels that serve the whole partnership.
PAN_AREA = "pan-area"
#: What the log shows for an owner with no line manager when the action was escalated.
NO_LINE_MANAGER = "No line manager recorded"

_OPEN_VALUES = [str(status) for status in OPEN_ACTION_STATUSES]
_ACTION_RELATIONS = (
    "item__person",
    "meeting",
    "panel",
    "owner",
    "owner_agency",
)


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def person_name(user: Any) -> str:
    """How a user is named on panel pages and in messages."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def action_path(action: PanelAction) -> str:
    """The action's page (the link in escalation notifications)."""
    return reverse("panels:action", args=[action.pk])


def action_subject(action: PanelAction) -> str:
    """The child's name, or the theme's title, of the item the action was agreed on."""
    person = action.item.person
    return person.full_name if person is not None else action.item.title


def _is_overdue(action: PanelAction, today: datetime.date) -> bool:
    return action.status in _OPEN_VALUES and action.due_on < today


def days_overdue(action: PanelAction, today: datetime.date) -> int:
    """Whole days past the due date for an open action (0 when it is not overdue)."""
    return (today - action.due_on).days if _is_overdue(action, today) else 0


# Reading one action ---------------------------------------------------------------------------


def action_get(*, viewer: Any, action_id: Any, request: Any = None) -> PanelAction:
    """One panel action the viewer may see, with the read audited. Forbidden and missing look
    alike (``NotFoundOrForbidden``, refusal audited)."""
    key = _uuid_or_none(action_id)
    action = (
        panel_actions_visible_to(viewer).select_related(*_ACTION_RELATIONS).filter(pk=key).first()
        if key is not None
        else None
    )
    if action is None:
        record_event(
            actor=viewer,
            action="panels.action_refused",
            subject_type="panels.panelaction",
            subject_id=str(action_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(actor=viewer, action="panels.action_viewed", subject=action, request=request)
    return action


# Updating an action ---------------------------------------------------------------------------


def action_change_refused(
    *, actor: Any, action: PanelAction, request: Any = None
) -> NotFoundOrForbidden:
    """Audit a refused change to ``action`` and return the "not found" to raise."""
    record_event(actor=actor, action="panels.action_refused", subject=action, request=request)
    return NotFoundOrForbidden()


def _date_text(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def action_update(
    *,
    actor: Any,
    action: PanelAction,
    status: str,
    note: str,
    now: datetime.datetime,
    due_on: datetime.date | None = None,
    request: Any = None,
) -> PanelAction:
    """Record what has happened on ``action``: its status, a note, and (the chair only) a new
    due date.

    A note is needed when cancelling, when moving the due date, and when nothing else changes.
    Done sets ``completed_at``; leaving done clears it. A new due date re-arms escalation (an
    action escalates once per due date). Each update is kept (``PanelActionUpdate``).
    """
    if not may_update_panel_action(actor, action):
        raise action_change_refused(actor=actor, action=action, request=request)
    note = (note or "").strip()
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = PanelAction.objects.select_for_update().select_related("panel").get(pk=action.pk)
        moving = due_on is not None and due_on != locked.due_on
        errors: dict[str, list[str]] = {}
        if status not in PanelActionStatus.values:
            errors["status"] = ["Select the action's status"]
        elif status == PanelActionStatus.CANCELLED and locked.status != status and not note:
            errors["note"] = ["Add a note saying why the action is cancelled"]
        elif moving and not note:
            errors["note"] = ["Add a note saying why the due date has moved"]
        elif status == locked.status and not moving and not note:
            errors["note"] = ["Add a note saying what has happened"]
        if moving:
            assert due_on is not None
            if locked.panel.chair_id != getattr(actor, "pk", None):
                errors["due_on"] = ["Only the panel's chair can move the due date"]
            elif status not in _OPEN_VALUES:
                errors["due_on"] = ["Only an action still to be done can have a new due date"]
            elif due_on < today:
                errors["due_on"] = ["The new due date must be today or in the future"]
        if errors:
            raise ServiceValidationError(errors)

        before = {
            "status": locked.status,
            "due_on": locked.due_on,
            "completed_at": locked.completed_at,
        }
        stored_note = note
        if moving:
            assert due_on is not None
            moved = f"Due date moved from {_date_text(locked.due_on)} to {_date_text(due_on)}."
            stored_note = f"{moved}\n{note}"
        PanelActionUpdate.objects.create(
            action=locked,
            from_status=locked.status,
            to_status=status,
            note=stored_note,
            changed_at=now,
            changed_by=actor,
        )
        if status == PanelActionStatus.DONE:
            if locked.status != PanelActionStatus.DONE:
                locked.completed_at = now
        else:
            locked.completed_at = None
        locked.status = status
        if moving:
            assert due_on is not None
            locked.due_on = due_on
        locked.save(update_fields=["status", "completed_at", "due_on", "updated_at"])
        record_event(
            actor=actor,
            action="panels.action_updated",
            subject=locked,
            before=before,
            after={
                "status": locked.status,
                "due_on": locked.due_on,
                "completed_at": locked.completed_at,
                "due_date_moved": moving,
            },
            reason=note,
            request=request,
        )
    return locked


# The tracker ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackerFilters:
    """``scope``: "all" (every action the viewer may see) or "mine" (they own it); ``status``: a
    ``PanelActionStatus`` value, "open" (not started or in progress), or ``None`` for any."""

    scope: str = "all"
    status: str | None = None
    overdue_only: bool = False
    panel_id: Any = None
    agency_id: Any = None


@dataclass(frozen=True)
class TrackerRow:
    action: PanelAction
    subject: str
    is_theme: bool
    panel: Panel
    meeting_date: datetime.date
    owner: User
    agency: Any
    due_on: datetime.date
    status: str
    status_label: str
    days_overdue: int
    escalated: bool

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class TrackerPage:
    rows: tuple[TrackerRow, ...]
    total: int
    page: int
    pages: int
    overdue_count: int


def _overdue_q(today: datetime.date) -> Q:
    return Q(status__in=_OPEN_VALUES, due_on__lt=today)


def tracker_queryset(
    *, viewer: Any, today: datetime.date, filters: TrackerFilters
) -> QuerySet[PanelAction]:
    """The actions the tracker lists for ``filters`` (no ordering, no page)."""
    actions = panel_actions_visible_to(viewer)
    if filters.scope == "mine":
        actions = actions.filter(owner_id=getattr(viewer, "pk", None))
    if filters.status == OPEN:
        actions = actions.filter(status__in=_OPEN_VALUES)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue_only:
        actions = actions.filter(_overdue_q(today))
    if filters.panel_id:
        actions = actions.filter(panel_id=filters.panel_id)
    if filters.agency_id:
        actions = actions.filter(owner_agency_id=filters.agency_id)
    return actions


def _validate_filters(filters: TrackerFilters) -> None:
    errors: dict[str, list[str]] = {}
    if filters.scope not in ("all", "mine"):
        errors["scope"] = ["Select whose actions to show"]
    if filters.status and filters.status not in (OPEN, *PanelActionStatus.values):
        errors["status"] = ["Select a status from the list"]
    for name in ("panel_id", "agency_id"):
        value = getattr(filters, name)
        if value and _uuid_or_none(value) is None:
            errors[name] = ["Select from the list"]
    if errors:
        raise ServiceValidationError(errors)


def action_tracker(
    *,
    viewer: Any,
    today: datetime.date,
    filters: TrackerFilters = TrackerFilters(),
    page: int = 1,
    per_page: int = 50,
    request: Any = None,
) -> TrackerPage:
    """One page of the panel actions ``viewer`` may see, overdue first (longest overdue first),
    then open actions, then closed ones, each by due date. One query for the page and one for
    the counts; the read is audited once per page view."""
    _validate_filters(filters)
    actions = tracker_queryset(viewer=viewer, today=today, filters=filters)
    counts = actions.aggregate(total=Count("pk"), overdue=Count("pk", filter=_overdue_q(today)))
    total, overdue_count = counts["total"], counts["overdue"]
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rank = Case(
        When(_overdue_q(today), then=Value(0)),
        When(status__in=_OPEN_VALUES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    escalated = Exists(
        Escalation.objects.filter(action_id=OuterRef("pk"), due_on=OuterRef("due_on"))
    )
    start = (page - 1) * per_page
    order = (rank.asc(), "due_on", "created_at", "pk")
    # The page's ids are picked from the actions alone, then only those rows are joined to what
    # they show (one statement: the ids are a subquery).
    page_ids = actions.order_by(*order).values("pk")[start : start + per_page]
    listed = (
        PanelAction.objects.filter(pk__in=page_ids)
        .select_related(*_ACTION_RELATIONS)
        .annotate(is_escalated=escalated)
        .order_by(*order)
    )
    rows = tuple(
        TrackerRow(
            action=action,
            subject=action_subject(action),
            is_theme=action.item.person_id is None,
            panel=action.panel,
            meeting_date=timezone.localdate(action.meeting.starts_at),
            owner=action.owner,
            agency=action.owner_agency,
            due_on=action.due_on,
            status=action.status,
            status_label=action.get_status_display(),
            days_overdue=days_overdue(action, today),
            escalated=bool(action.is_escalated),
        )
        for action in listed
    )
    record_event(
        actor=viewer,
        action="panels.action_tracker_viewed",
        after={
            "scope": filters.scope,
            "status": filters.status or "",
            "overdue_only": filters.overdue_only,
            "panel_id": str(filters.panel_id or ""),
            "agency_id": str(filters.agency_id or ""),
            "page": page,
            "shown_action_ids": [str(row.action.pk) for row in rows],
        },
        request=request,
    )
    return TrackerPage(rows=rows, total=total, page=page, pages=pages, overdue_count=overdue_count)


# Escalation -----------------------------------------------------------------------------------


def overdue_unescalated(today: datetime.date) -> QuerySet[PanelAction]:
    """Open actions whose due date is before ``today`` and not yet escalated for that date."""
    escalated = Escalation.objects.filter(action_id=OuterRef("pk"), due_on=OuterRef("due_on"))
    return PanelAction.objects.filter(_overdue_q(today)).exclude(Exists(escalated))


def escalation_recipients(owner: User, chair: User) -> tuple[User | None, list[User]]:
    """The owner's line manager (when recorded and active) and who is told: manager then chair,
    each once."""
    manager = owner.line_manager
    if manager is not None and not manager.is_active:
        manager = None
    recipients: list[User] = []
    for user in (manager, chair):
        if user is not None and all(user.pk != other.pk for other in recipients):
            recipients.append(user)
    return manager, recipients


def _escalate_one(
    action_id: Any, *, today: datetime.date, now: datetime.datetime
) -> Escalation | None:
    """Escalate one action in its own transaction, or ``None`` if another run has it (locked,
    escalated already, or no longer overdue)."""
    with transaction.atomic():
        locked = (
            PanelAction.objects.select_for_update(skip_locked=True)
            .filter(_overdue_q(today), pk=action_id)
            .first()
        )
        if locked is None:
            return None
        if Escalation.objects.filter(action_id=locked.pk, due_on=locked.due_on).exists():
            return None
        panel = Panel.objects.select_related("chair").get(pk=locked.panel_id)
        owner = User.objects.select_related("line_manager").get(pk=locked.owner_id)
        manager, recipients = escalation_recipients(owner, panel.chair)
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    action=locked,
                    due_on=locked.due_on,
                    escalated_on=today,
                    escalated_at=now,
                    area_id=panel.area_id,
                    owner_agency_id=locked.owner_agency_id,
                    owner=owner,
                    owner_manager=manager,
                    chair=panel.chair,
                )
        except IntegrityError:
            return None  # another run escalated it between our check and our insert
        escalation.recipients.set(recipients)
        link = action_path(locked)
        overdue_days = (today - locked.due_on).days
        for recipient in recipients:
            notification_send(
                recipient=recipient,
                subject="An overdue panel action has been escalated to you",
                body=(
                    f"An action agreed at {panel.name} and owned by {person_name(owner)} was due "
                    f"on {_date_text(locked.due_on)} and is {overdue_days} "
                    f"day{'s' if overdue_days != 1 else ''} overdue. Sign in to Harbour to see "
                    "it, and record what has been done about it."
                ),
                link_url=link,
                about=locked,
                actor=None,
            )
        record_event(
            actor=None,
            actor_label="Harbour (daily escalation of overdue panel actions)",
            action="panels.action_escalated",
            subject=locked,
            after={
                "escalation_id": str(escalation.pk),
                "due_on": locked.due_on,
                "escalated_on": today,
                "owner_id": str(owner.pk),
                "owner_manager_id": str(manager.pk) if manager is not None else None,
                "chair_id": str(panel.chair_id),
                "recipient_ids": [str(user.pk) for user in recipients],
            },
        )
    return escalation


def escalate_overdue_actions(*, today: datetime.date, now: datetime.datetime) -> list[Escalation]:
    """Escalate, once per due date, every open action due before ``today`` (UK local date): an
    ``Escalation`` to the owner's line manager (when recorded and active) and the panel's chair,
    a notification to each, and an audit event. An action due today is not overdue; a done or
    cancelled action never escalates. Running it again (the same day, later, or at the same
    time in another process) escalates nothing twice."""
    candidate_ids = list(
        overdue_unescalated(today).order_by("due_on", "pk").values_list("pk", flat=True)
    )
    escalations: list[Escalation] = []
    for action_id in candidate_ids:
        escalation = _escalate_one(action_id, today=today, now=now)
        if escalation is not None:
            escalations.append(escalation)
    return escalations


# Resolving an escalation ----------------------------------------------------------------------


def escalation_get(*, viewer: Any, escalation_id: Any, request: Any = None) -> Escalation:
    """One escalation the viewer may see (audited read), else ``NotFoundOrForbidden``."""
    key = _uuid_or_none(escalation_id)
    escalation = (
        escalations_visible_to(viewer)
        .select_related("action__panel", "owner", "owner_agency", "owner_manager", "chair", "area")
        .filter(pk=key)
        .first()
        if key is not None
        else None
    )
    if escalation is None:
        record_event(
            actor=viewer,
            action="panels.escalation_refused",
            subject_type="panels.escalation",
            subject_id=str(escalation_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(
        actor=viewer, action="panels.escalation_viewed", subject=escalation, request=request
    )
    return escalation


def escalation_change_refused(
    *, actor: Any, escalation: Escalation, request: Any = None
) -> NotFoundOrForbidden:
    """Audit a refused resolution of ``escalation`` and return the "not found" to raise."""
    record_event(
        actor=actor, action="panels.escalation_refused", subject=escalation, request=request
    )
    return NotFoundOrForbidden()


def escalation_resolve(
    *,
    actor: Any,
    escalation: Escalation,
    resolution: str,
    now: datetime.datetime,
    request: Any = None,
) -> Escalation:
    """The owner's manager or the chair records what was done about an escalation, once."""
    if not may_resolve_escalation(actor, escalation):
        raise escalation_change_refused(actor=actor, escalation=escalation, request=request)
    resolution = (resolution or "").strip()
    with transaction.atomic():
        locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if locked.resolved_at is not None:
            when = timezone.localdate(locked.resolved_at)
            raise ServiceValidationError(
                {"escalation": [f"This escalation was already resolved on {_date_text(when)}"]}
            )
        if not resolution:
            raise ServiceValidationError(
                {"resolution": ["Enter what has been done about the overdue action"]}
            )
        locked.resolution = resolution
        locked.resolved_at = now
        locked.resolved_by = actor
        locked.save(update_fields=["resolution", "resolved_at", "resolved_by", "updated_at"])
        record_event(
            actor=actor,
            action="panels.escalation_resolved",
            subject=locked,
            after={"action_id": str(locked.action_id), "resolved_at": now},
            reason=resolution,
            request=request,
        )
    return locked


# The escalation log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationFilters:
    """``area``: an area's id, "pan-area", or ``None``; ``state``: "open", "resolved" or
    ``None``; ``escalated_from`` / ``escalated_to``: inclusive UK dates."""

    area: Any = None
    agency_id: Any = None
    state: str | None = None
    escalated_from: datetime.date | None = None
    escalated_to: datetime.date | None = None


@dataclass(frozen=True)
class EscalationRow:
    escalation: Escalation
    action_visible: bool
    recipients: tuple[User, ...]

    @property
    def manager_label(self) -> str:
        return person_name(self.escalation.owner_manager) or NO_LINE_MANAGER


@dataclass(frozen=True)
class EscalationCount:
    """Escalations for one area or agency: how many are open and resolved, and the median
    whole days from escalation to resolution (``None`` when none is resolved)."""

    key: str
    label: str
    open: int
    resolved: int
    median_days_to_resolve: float | None

    @property
    def total(self) -> int:
        return self.open + self.resolved


@dataclass(frozen=True)
class EscalationLogPage:
    rows: tuple[EscalationRow, ...]
    total: int
    page: int
    pages: int
    by_area: tuple[EscalationCount, ...]
    by_agency: tuple[EscalationCount, ...]


def may_see_escalation_log(user: Any) -> bool:
    """Information governance and coordinators, and anyone with an escalation they may see."""
    return may_audit_escalations(user) or escalations_visible_to(user).exists()


def _filtered_escalations(viewer: Any, filters: EscalationFilters) -> QuerySet[Escalation]:
    escalations = escalations_visible_to(viewer)
    if filters.area == PAN_AREA:
        escalations = escalations.filter(area__isnull=True)
    elif filters.area:
        escalations = escalations.filter(area_id=filters.area)
    if filters.agency_id:
        escalations = escalations.filter(owner_agency_id=filters.agency_id)
    if filters.state == "open":
        escalations = escalations.filter(resolved_at__isnull=True)
    elif filters.state == "resolved":
        escalations = escalations.filter(resolved_at__isnull=False)
    if filters.escalated_from:
        escalations = escalations.filter(escalated_on__gte=filters.escalated_from)
    if filters.escalated_to:
        escalations = escalations.filter(escalated_on__lte=filters.escalated_to)
    return escalations


def _counts(
    facts: Iterable[tuple[str, str, datetime.date, datetime.datetime | None]],
) -> tuple[EscalationCount, ...]:
    grouped: dict[str, tuple[str, list[int], list[int]]] = {}
    for key, label, escalated_on, resolved_at in facts:
        _, open_, days = grouped.setdefault(key, (label, [], []))
        if resolved_at is None:
            open_.append(1)
        else:
            days.append((timezone.localdate(resolved_at) - escalated_on).days)
    counts = [
        EscalationCount(
            key=key,
            label=label,
            open=len(open_),
            resolved=len(days),
            median_days_to_resolve=statistics.median(days) if days else None,
        )
        for key, (label, open_, days) in grouped.items()
    ]
    return tuple(sorted(counts, key=lambda count: (count.key == PAN_AREA, count.label)))


def escalation_log(
    *,
    viewer: Any,
    filters: EscalationFilters,
    page: int = 1,
    per_page: int = 50,
    request: Any = None,
) -> EscalationLogPage:
    """The escalations ``viewer`` may see, newest first, with counts by area and by agency for
    the same filters. Information governance and coordinators may always open the log; anyone
    else only when they have an escalation to see."""
    if not may_see_escalation_log(viewer):
        record_event(actor=viewer, action="panels.escalation_refused", request=request)
        raise NotFoundOrForbidden
    if filters.state not in (None, "", "open", "resolved"):
        raise ServiceValidationError({"state": ["Select open or resolved"]})
    if filters.area and filters.area != PAN_AREA and _uuid_or_none(filters.area) is None:
        raise ServiceValidationError({"area": ["Select an area from the list"]})
    if filters.agency_id and _uuid_or_none(filters.agency_id) is None:
        raise ServiceValidationError({"agency_id": ["Select an agency from the list"]})
    escalations = _filtered_escalations(viewer, filters)

    facts = list(
        escalations.values_list(
            "area_id",
            "area__name",
            "owner_agency_id",
            "owner_agency__name",
            "escalated_on",
            "resolved_at",
        )
    )
    by_area = _counts(
        (str(area_id) if area_id else PAN_AREA, area_name or "Pan-area", on, resolved)
        for area_id, area_name, _, _, on, resolved in facts
    )
    by_agency = _counts(
        (str(agency_id), agency_name, on, resolved)
        for _, _, agency_id, agency_name, on, resolved in facts
    )
    total = len(facts)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    listed = list(
        escalations.select_related(
            "action__panel",
            "action__meeting",
            "owner",
            "owner_agency",
            "owner_manager",
            "chair",
            "area",
            "resolved_by",
        )
        .prefetch_related("recipients")
        .order_by("-escalated_at", "pk")[start : start + per_page]
    )
    visible_actions = set(
        panel_actions_visible_to(viewer)
        .filter(pk__in=[escalation.action_id for escalation in listed])
        .values_list("pk", flat=True)
    )
    rows = tuple(
        EscalationRow(
            escalation=escalation,
            action_visible=escalation.action_id in visible_actions,
            recipients=tuple(
                sorted(escalation.recipients.all(), key=lambda user: person_name(user))
            ),
        )
        for escalation in listed
    )
    record_event(
        actor=viewer,
        action="panels.escalation_log_viewed",
        after={
            "area": str(filters.area or ""),
            "agency_id": str(filters.agency_id or ""),
            "state": filters.state or "",
            "escalated_from": filters.escalated_from,
            "escalated_to": filters.escalated_to,
            "page": page,
        },
        request=request,
    )
    return EscalationLogPage(
        rows=rows, total=total, page=page, pages=pages, by_area=by_area, by_agency=by_agency
    )


def action_escalations(action: PanelAction) -> list[Escalation]:
    """The escalations of one action (for its page; the caller has read the action)."""
    return list(
        action.escalations.select_related("owner_manager", "chair", "resolved_by")
        .prefetch_related("recipients")
        .order_by("escalated_at")
    )


def action_updates(action: PanelAction) -> list[PanelActionUpdate]:
    return list(action.updates.select_related("changed_by").order_by("changed_at", "created_at"))
