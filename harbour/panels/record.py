"""The meeting record: who attended, what was discussed on each item, what was decided, who owns
which action, and marking the meeting held.

Who may record (``may_record``): the panel's chair, or an exploitation coordinator who manages the
panel (``rules.may_manage_panel``), provided they see case content (administrators do not) and
have confirmed the panel's confidentiality agreement for this meeting. A draft meeting has no
record yet: recording opens when the agenda is published. Once the meeting is marked held its
record can still be corrected by the same people; every correction is audited like the first
entry, with ``"meeting_held": true`` in the audit row so corrections after the event stand out.

Attendance is replaced as a whole (``attendance_record``), in one transaction. A meeting can be
marked held without quorum: the record page then warns that decisions were made without it and
names what was missing (``quorum_shortfall``). Marking a meeting held closes the agency discussion
requests its items answered.

Every write is audited in its transaction; refusals are audited (``panels.meeting_change_refused``)
and raise ``NotFoundOrForbidden``, so forbidden and missing look the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Agency, AgencyType, Membership, Role, User
from harbour.assessments.catalogue import Catalogue, catalogue_for_area, get_catalogue
from harbour.assessments.models import Assessment
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.notifications.services import notification_send
from harbour.panels import rules
from harbour.panels.models import (
    AgencyDiscussionRequest,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionKind,
    Meeting,
    MeetingStatus,
    Panel,
    PanelAction,
    PanelMember,
)
from harbour.panels.selectors import has_confirmed
from harbour.panels.services import is_chair, panel_type_for, quorum_met

#: Statuses of a meeting that has a record (the agenda is out).
RECORDABLE_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.HELD)


def action_page_path(action: PanelAction) -> str:
    """The panel action's own page (``panels:action``)."""
    return reverse("panels:action", args=[action.pk])


def _day(day: datetime.date) -> str:
    """ "5 March 2027", as GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}"


# Who may record ---------------------------------------------------------------------------------


def may_record(user: Any, meeting: Meeting) -> bool:
    """Whether ``user`` may record (or correct) ``meeting``'s attendance, discussion, decisions
    and actions, and mark it held."""
    if meeting.status not in RECORDABLE_STATUSES:
        return False
    viewer = policy.viewer_for(user)
    if viewer.user_id is None or not viewer.sees_case_content:
        return False
    panel = meeting.panel
    runs_it = is_chair(user, panel) or (
        viewer.has_role(Role.COORDINATOR) and rules.may_manage_panel(user, panel)
    )
    return runs_it and has_confirmed(user, meeting)


def _refuse(actor: Any, meeting: Meeting, request: Any = None) -> NotFoundOrForbidden:
    record_event(
        actor=actor, action="panels.meeting_change_refused", subject=meeting, request=request
    )
    return NotFoundOrForbidden()


def _require_recorder(actor: Any, meeting: Meeting, request: Any = None) -> None:
    if not may_record(actor, meeting):
        raise _refuse(actor, meeting, request)


def meeting_for_record(*, viewer: Any, meeting_id: Any, request: Any = None) -> Meeting:
    """The meeting whose record ``viewer`` may keep, or ``NotFoundOrForbidden`` (audited)."""
    meeting = Meeting.objects.select_related("panel", "panel__area").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundOrForbidden()
    _require_recorder(viewer, meeting, request)
    return meeting


def item_for_record(*, viewer: Any, item_id: Any, request: Any = None) -> AgendaItem:
    """The agenda item whose record ``viewer`` may keep, or ``NotFoundOrForbidden`` (audited)."""
    item = (
        AgendaItem.objects.select_related(
            "meeting", "meeting__panel", "meeting__panel__area", "person"
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFoundOrForbidden()
    _require_recorder(viewer, item.meeting, request)
    return item


# Quorum ---------------------------------------------------------------------------------------


def quorum_shortfall(meeting: Meeting) -> list[str]:
    """What keeps ``meeting`` from quorum, in plain words ("Police not present"); empty if met."""
    quorum = panel_type_for(meeting.panel).quorum
    present = dict(
        Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).values_list(
            "agency_id", "agency__agency_type"
        )
    )
    labels = dict(AgencyType.choices)
    missing = [
        f"{labels[agency_type]} not present"
        for agency_type in quorum.required_agency_types
        if agency_type not in set(present.values())
    ]
    if len(present) < quorum.min_agencies:
        count = len(present)
        missing.append(
            f"{count} agenc{'y' if count == 1 else 'ies'} present: "
            f"at least {quorum.min_agencies} needed"
        )
    return missing


# Attendance -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    """One row of attendance: an agency, optionally the named person who came for it."""

    agency: Agency
    user: User | None
    status: str


def _holds_active_membership(user: Any, agency: Agency) -> bool:
    return Membership.objects.filter(
        user_id=user.pk, agency_id=agency.pk, is_active=True, agency__is_active=True
    ).exists()


def _is_meeting_held(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.HELD


def attendance_record(
    *,
    actor: Any,
    meeting: Meeting,
    entries: Sequence[AttendanceEntry],
    now: datetime.datetime,
    request: Any = None,
) -> list[Attendance]:
    """Replace ``meeting``'s attendance with ``entries`` (all or nothing); returns the new rows.

    A named person must hold an active role in the agency they attend for; each person, and each
    agency attending without a named person, appears once.
    """
    _require_recorder(actor, meeting, request)
    problems: list[str] = []
    seen_users: set[Any] = set()
    seen_agencies: set[Any] = set()
    for entry in entries:
        if entry.status not in AttendanceStatus.values:
            problems.append(f"Choose present, apologies or absent for {entry.user or entry.agency}")
        if entry.user is None:
            if entry.agency.pk in seen_agencies:
                problems.append(f"{entry.agency} is listed twice without a named person")
            seen_agencies.add(entry.agency.pk)
            continue
        if entry.user.pk in seen_users:
            problems.append(f"{entry.user} is listed twice")
        seen_users.add(entry.user.pk)
        if not entry.user.is_active or not _holds_active_membership(entry.user, entry.agency):
            problems.append(f"{entry.user} does not work for {entry.agency}")
    if problems:
        raise ServiceValidationError({"attendance": problems})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
        Attendance.objects.filter(meeting=meeting).delete()
        rows = Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting, agency=entry.agency, user=entry.user, status=entry.status
                )
                for entry in entries
            ]
        )
        counts = dict.fromkeys(AttendanceStatus.values, 0)
        for entry in entries:
            counts[entry.status] += 1
        record_event(
            actor=actor,
            action="panels.attendance_recorded",
            subject=meeting,
            after={
                **counts,
                "quorum_met": quorum_met(meeting),
                "meeting_held": _is_meeting_held(meeting),
                "recorded_at": now.isoformat(),
            },
            request=request,
        )
        return rows


# Discussion of an item --------------------------------------------------------------------------


def needs_child_voice_prompt(item: AgendaItem) -> bool:
    """A child's item where neither the child nor their carers came and nothing says how the
    child's views were sought (allowed, but the review asked that the child's voice be recorded)."""
    return (
        item.person_id is not None
        and not item.child_attended
        and not item.carers_attended
        and not item.views_given_how.strip()
    )


def item_record(
    *,
    actor: Any,
    item: AgendaItem,
    discussion_summary: str,
    child_attended: bool,
    carers_attended: bool,
    views_given_how: str,
    now: datetime.datetime,
    request: Any = None,
) -> AgendaItem:
    """Record (or correct) the discussion of ``item``."""
    meeting = item.meeting
    _require_recorder(actor, meeting, request)
    summary = discussion_summary.strip()
    errors: dict[str, list[str]] = {}
    if not summary:
        errors["discussion_summary"] = ["Enter a summary of what the panel discussed"]
    if item.person_id is None and (child_attended or carers_attended):
        errors["child_attended"] = [
            "This item is a theme, not a child: leave 'the child attended' and "
            "'carers attended' unticked"
        ]
    if errors:
        raise ServiceValidationError(errors)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        before = {
            "discussion_recorded": bool(item.discussion_summary),
            "child_attended": item.child_attended,
            "carers_attended": item.carers_attended,
            "views_given_how_recorded": bool(item.views_given_how),
        }
        item.discussion_summary = summary
        item.child_attended = child_attended
        item.carers_attended = carers_attended
        item.views_given_how = views_given_how.strip()
        item.save(
            update_fields=[
                "discussion_summary",
                "child_attended",
                "carers_attended",
                "views_given_how",
                "updated_at",
            ]
        )
        record_event(
            actor=actor,
            action="panels.item_recorded",
            subject=item,
            before=before,
            after={
                "meeting": str(item.meeting_id),
                "discussion_recorded": True,
                "child_attended": child_attended,
                "carers_attended": carers_attended,
                "views_given_how_recorded": bool(item.views_given_how),
                "meeting_held": _is_meeting_held(item.meeting),
                "recorded_at": now.isoformat(),
            },
            request=request,
        )
        return item


# Decisions --------------------------------------------------------------------------------------


def decision_catalogue(item: AgendaItem) -> Catalogue:
    """The risk catalogue whose levels a panel agrees for ``item``: the one the child's current
    assessment was answered on, else the one new assessments in the child's (or the panel's)
    area use."""
    if item.person_id is not None:
        assessment = (
            Assessment.objects.filter(person_id=item.person_id, is_current=True)
            .only("catalogue_key", "catalogue_version")
            .first()
        )
        if assessment is not None:
            return get_catalogue(assessment.catalogue_key, assessment.catalogue_version)
    area = item.person.home_area if item.person is not None else None
    return catalogue_for_area(area or item.meeting.panel.area)


def decision_record(
    *,
    actor: Any,
    item: AgendaItem,
    kind: str,
    detail: str,
    risk_level: str = "",
    now: datetime.datetime,
    request: Any = None,
) -> Decision:
    """Record one decision the panel made on ``item``."""
    _require_recorder(actor, item.meeting, request)
    detail = detail.strip()
    risk_level = risk_level.strip()
    errors: dict[str, list[str]] = {}
    if kind not in DecisionKind.values:
        errors["kind"] = ["Select what kind of decision the panel made"]
    if not detail:
        errors["detail"] = ["Enter what the panel decided"]
    if kind == DecisionKind.RISK_LEVEL_AGREED:
        if item.person_id is None:
            errors["kind"] = ["A risk level is agreed for a child: this item is a theme"]
        elif not risk_level:
            errors["risk_level"] = ["Select the risk level the panel agreed"]
        elif not decision_catalogue(item).has_level(risk_level):
            errors["risk_level"] = ["Select a risk level from the list"]
    elif risk_level:
        errors["risk_level"] = [
            "Leave the risk level empty unless the decision is 'Risk level agreed'"
        ]
    if errors:
        raise ServiceValidationError(errors)
    with transaction.atomic():
        decision = Decision.objects.create(
            item=item,
            kind=kind,
            detail=detail,
            risk_level=risk_level,
            recorded_by=actor,
            recorded_at=now,
        )
        record_event(
            actor=actor,
            action="panels.decision_recorded",
            subject=decision,
            after={
                "item": str(item.pk),
                "meeting": str(item.meeting_id),
                "kind": kind,
                "risk_level": risk_level,
                "meeting_held": _is_meeting_held(item.meeting),
            },
            request=request,
        )
        return decision


# Actions ----------------------------------------------------------------------------------------


def _serves_panel(agency: Agency, panel: Panel) -> bool:
    if not agency.is_active:
        return False
    return panel.area_id is None or agency.areas.filter(pk=panel.area_id).exists()


def owner_memberships(panel: Panel) -> QuerySet[Membership]:
    """Roles that can own a panel action: active people with case-content roles in active
    agencies serving the panel's area (every area for a pan-area panel)."""
    memberships = Membership.objects.filter(
        is_active=True, user__is_active=True, agency__is_active=True
    ).exclude(role__in=policy.NO_CASE_CONTENT_ROLES)
    if panel.area_id is not None:
        memberships = memberships.filter(agency__areas=panel.area_id)
    return memberships.select_related("user", "agency").order_by(
        "user__last_name", "user__first_name", "agency__name"
    )


def action_create(
    *,
    actor: Any,
    item: AgendaItem,
    description: str,
    owner: Any,
    owner_agency: Agency,
    due_on: datetime.date,
    now: datetime.datetime,
    request: Any = None,
) -> PanelAction:
    """Agree an action on ``item`` owned by ``owner`` for ``owner_agency``; tell the owner."""
    meeting = item.meeting
    _require_recorder(actor, meeting, request)
    panel = meeting.panel
    description = description.strip()
    meeting_day = timezone.localdate(meeting.starts_at)
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = ["Enter what the action is"]
    if not _serves_panel(owner_agency, panel):
        errors["owner"] = [f"Choose an owner from an agency that serves {panel.area or 'the area'}"]
    elif not owner_memberships(panel).filter(user_id=owner.pk, agency_id=owner_agency.pk).exists():
        errors["owner"] = [
            f"{owner} does not hold an active role at {owner_agency}: choose someone who works "
            "there"
        ]
    if due_on < meeting_day:
        errors["due_on"] = [
            f"The due date must be on or after the meeting's day, {_day(meeting_day)}"
        ]
    if errors:
        raise ServiceValidationError(errors)
    with transaction.atomic():
        action = PanelAction.objects.create(
            item=item,
            meeting=meeting,
            panel=panel,
            description=description,
            owner=owner,
            owner_agency=owner_agency,
            due_on=due_on,
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="panels.action_created",
            subject=action,
            after={
                "item": str(item.pk),
                "meeting": str(meeting.pk),
                "owner": str(owner.pk),
                "owner_agency": str(owner_agency.pk),
                "due_on": due_on.isoformat(),
                "meeting_held": _is_meeting_held(meeting),
            },
            request=request,
        )
        # No child's name or action text in the notification: it is also e-mailed.
        notification_send(
            recipient=owner,
            subject=f"A panel action for you from {panel.name}",
            body=(
                f"{panel.name} agreed an action for you at its meeting on "
                f"{_day(meeting_day)}, due by {_day(due_on)}. Open Harbour to see it."
            ),
            link_url=action_page_path(action),
            about=action,
            actor=actor,
        )
        return action


# Marking the meeting held -----------------------------------------------------------------------


def meeting_mark_held(
    *, actor: Any, meeting: Meeting, now: datetime.datetime, request: Any = None
) -> Meeting:
    """Mark a published meeting that has started as held; close the agency discussion requests
    its items answered. Allowed without quorum (the record page then warns)."""
    _require_recorder(actor, meeting, request)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
        if meeting.status == MeetingStatus.HELD:
            raise ServiceValidationError({"meeting": ["This meeting is already marked as held"]})
        if meeting.starts_at > now:
            raise ServiceValidationError(
                {"meeting": ["The meeting has not started yet: mark it as held once it has met"]}
            )
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status", "updated_at"])
        closed = AgencyDiscussionRequest.objects.filter(
            Q(agenda_items__meeting=meeting), closed_at__isnull=True
        ).distinct()
        closed_ids = [str(pk) for pk in closed.values_list("pk", flat=True)]
        AgencyDiscussionRequest.objects.filter(pk__in=closed_ids).update(
            closed_at=now, updated_at=now
        )
        shortfall = quorum_shortfall(meeting)
        record_event(
            actor=actor,
            action="panels.meeting_held",
            subject=meeting,
            after={
                "quorum_met": not shortfall,
                "quorum_missing": shortfall,
                "requests_closed": closed_ids,
                "held_marked_at": now.isoformat(),
            },
            request=request,
        )
        return meeting


# The record page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    risk_level_label: str  # "" unless a risk level was agreed


def decision_rows(item: AgendaItem) -> tuple[DecisionRow, ...]:
    """``item``'s decisions in order, each with its risk level's label (if any)."""
    decisions = list(item.decisions.all())
    catalogue = decision_catalogue(item) if any(d.risk_level for d in decisions) else None
    return tuple(
        DecisionRow(
            decision=decision,
            risk_level_label=(
                catalogue.label_for(decision.risk_level)
                if catalogue is not None and decision.risk_level
                else ""
            ),
        )
        for decision in decisions
    )


@dataclass(frozen=True)
class ItemRecord:
    item: AgendaItem
    decisions: tuple[DecisionRow, ...]
    actions: tuple[PanelAction, ...]
    needs_child_voice_prompt: bool


@dataclass(frozen=True)
class MeetingRecord:
    meeting: Meeting
    attendance: tuple[Attendance, ...]
    quorum_missing: tuple[str, ...]
    items: tuple[ItemRecord, ...]
    may_mark_held: bool

    @property
    def quorum_met(self) -> bool:
        return not self.quorum_missing

    @property
    def is_held(self) -> bool:
        return self.meeting.status == MeetingStatus.HELD


def meeting_record_for(
    *, viewer: Any, meeting: Meeting, now: datetime.datetime, request: Any = None
) -> MeetingRecord:
    """Everything on ``meeting``'s record page (audited as a read naming its children)."""
    _require_recorder(viewer, meeting, request)
    items = list(
        meeting.items.select_related("person").prefetch_related(
            "decisions", "actions__owner", "actions__owner_agency"
        )
    )
    attendance = tuple(
        meeting.attendance.select_related("agency", "user").order_by(
            "agency__name", "user__last_name", "user__first_name"
        )
    )
    record_event(
        actor=viewer,
        action="panels.meeting_viewed",
        subject=meeting,
        after={
            "items": [str(item.pk) for item in items],
            "persons": [str(item.person_id) for item in items if item.person_id],
        },
        request=request,
    )
    return MeetingRecord(
        meeting=meeting,
        attendance=attendance,
        quorum_missing=tuple(quorum_shortfall(meeting)),
        items=tuple(
            ItemRecord(
                item=item,
                decisions=decision_rows(item),
                actions=tuple(item.actions.all()),
                needs_child_voice_prompt=needs_child_voice_prompt(item),
            )
            for item in items
        ),
        may_mark_held=meeting.status == MeetingStatus.PUBLISHED and meeting.starts_at <= now,
    )


def item_viewed(*, viewer: Any, item: AgendaItem, request: Any = None) -> None:
    """Audit that ``viewer`` opened ``item``'s record page (it names the child)."""
    record_event(
        actor=viewer,
        action="panels.meeting_viewed",
        subject=item.meeting,
        after={"item": str(item.pk), "persons": [str(item.person_id)] if item.person_id else []},
        request=request,
    )


# Who can be recorded as attending ---------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    """One row of the attendance form: a named person for their agency, or an agency alone."""

    key: str
    agency: Agency
    user: User | None
    status: str  # as recorded so far, or ""

    @property
    def label(self) -> str:
        return f"{self.user} — {self.agency}" if self.user is not None else str(self.agency)


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """The attendance form's rows: each active panel member (for their agency), anyone already
    recorded who is no longer a member, then the agencies serving the panel's area that have no
    member (so an agency can be marked present without a named person)."""
    panel = meeting.panel
    recorded = {
        (row.user_id, row.agency_id): row.status
        for row in Attendance.objects.filter(meeting=meeting)
    }
    rows: list[AttendanceRow] = []
    named: set[tuple[Any, Any]] = set()
    members = PanelMember.objects.filter(panel=panel, is_active=True).select_related(
        "user", "agency"
    )
    for member in members.order_by("agency__name", "user__last_name", "user__first_name"):
        named.add((member.user_id, member.agency_id))
        rows.append(
            AttendanceRow(
                key=f"user_{member.user_id.hex}_{member.agency_id.hex}",
                agency=member.agency,
                user=member.user,
                status=recorded.get((member.user_id, member.agency_id), ""),
            )
        )
    for attendance in (
        Attendance.objects.filter(meeting=meeting, user__isnull=False)
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name")
    ):
        if attendance.user_id in {user_id for user_id, _ in named}:
            continue  # a member now recorded for another agency: their member row stands
        assert attendance.user is not None
        rows.append(
            AttendanceRow(
                key=f"user_{attendance.user.pk.hex}_{attendance.agency_id.hex}",
                agency=attendance.agency,
                user=attendance.user,
                status=attendance.status,
            )
        )
    member_agencies = {agency_id for _, agency_id in named}
    agencies = Agency.objects.filter(is_active=True)
    if panel.area_id is not None:
        agencies = agencies.filter(areas=panel.area_id)
    recorded_agencies = set(
        Attendance.objects.filter(meeting=meeting, user__isnull=True).values_list(
            "agency_id", flat=True
        )
    )
    for agency in agencies.order_by("name").distinct():
        if agency.pk in member_agencies and agency.pk not in recorded_agencies:
            continue
        rows.append(
            AttendanceRow(
                key=f"agency_{agency.pk.hex}",
                agency=agency,
                user=None,
                status=recorded.get((None, agency.pk), ""),
            )
        )
    return rows
