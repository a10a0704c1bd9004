"""Reads of panel agendas, scoped by the viewer and audited.

A meeting's agenda detail opens only to the chair and active members who have confirmed the
panel's confidentiality agreement for that meeting; anyone else gets "not found". Within it, a
child's pre-read shows to a member not otherwise involved with the child only from the agenda's
publication until the end of the Nth day after the meeting's day (N from the panel type, days in
UK local time); someone who may see the child's record anyway sees it from publication on.

The meetings pages read panels, meetings and draft agendas here too: a panel someone may not see
or manage, and a meeting of a panel they are not on, is "not found" and the refusal audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from harbour.access.policy import person_visible_to
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.panels import rules
from harbour.panels.models import (
    AgendaItem,
    AgendaReason,
    ConfidentialityConfirmation,
    Meeting,
    MeetingStatus,
    Panel,
    PanelMember,
)
from harbour.panels.services import (
    agenda_propose,
    is_chair,
    is_member,
    may_set_up_panel_for,
    panel_type_for,
)


@dataclass(frozen=True)
class AgendaEntry:
    item: AgendaItem
    pre_read: str | None  # None: the viewer may not (or may no longer) see it


@dataclass(frozen=True)
class AgendaDetail:
    meeting: Meeting
    entries: tuple[AgendaEntry, ...]
    pre_read_access_ends_at: datetime.datetime


def pre_read_access_ends_at(meeting: Meeting) -> datetime.datetime:
    """The first moment a member not otherwise involved can no longer see the pre-reads:
    midnight (UK time) at the end of the Nth day after the meeting's day."""
    days = panel_type_for(meeting.panel).pre_read_access_days_after_meeting
    last_day = timezone.localdate(meeting.starts_at) + datetime.timedelta(days=days)
    after = last_day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime(after.year, after.month, after.day))


def pre_read_visible(*, viewer: Any, item: AgendaItem, now: datetime.datetime) -> bool:
    """Whether ``viewer`` may see ``item``'s pre-read at ``now``.

    Nothing shows before the agenda is published (there is no pre-read yet). After that, someone
    who may see the child's record anyway sees it; a panel member not otherwise involved sees it
    until ``pre_read_access_ends_at``; nobody else sees it.
    """
    meeting = item.meeting
    published_at = meeting.agenda_published_at
    if meeting.status == MeetingStatus.DRAFT or published_at is None or now < published_at:
        return False
    if item.person_id is not None and (
        person_visible_to(viewer).filter(pk=item.person_id).exists()
    ):
        return True
    if not is_member(viewer, meeting.panel):
        return False
    return now < pre_read_access_ends_at(meeting)


def has_confirmed(viewer: Any, meeting: Meeting) -> bool:
    user_id = getattr(viewer, "pk", None)
    return user_id is not None and (
        ConfidentialityConfirmation.objects.filter(meeting=meeting, user_id=user_id).exists()
    )


def agenda_detail_for(
    *, viewer: Any, meeting: Meeting, now: datetime.datetime, request: Any = None
) -> AgendaDetail:
    """The agenda of ``meeting`` with the pre-reads ``viewer`` may see at ``now``.

    Refused ("not found", audited) unless the viewer chairs the panel or is an active member,
    and has confirmed the confidentiality agreement for this meeting; a draft agenda opens only
    to the chair. The view and each pre-read shown are audited.
    """
    panel = meeting.panel
    allowed = (
        is_member(viewer, panel)
        and has_confirmed(viewer, meeting)
        and (meeting.status != MeetingStatus.DRAFT or is_chair(viewer, panel))
    )
    if not allowed:
        record_event(
            actor=viewer, action="panels.agenda_view_refused", subject=meeting, request=request
        )
        raise NotFoundOrForbidden()
    items = list(
        meeting.items.select_related("person", "requested_by_agency", "meeting__panel").order_by(
            "order"
        )
    )
    entries = []
    with transaction.atomic():
        record_event(actor=viewer, action="panels.agenda_viewed", subject=meeting, request=request)
        for item in items:
            visible = pre_read_visible(viewer=viewer, item=item, now=now)
            if visible and item.person is not None:
                record_event(
                    actor=viewer,
                    action="panels.pre_read_viewed",
                    subject=item.person,
                    after={"meeting": str(meeting.pk), "item": str(item.pk)},
                    request=request,
                )
            entries.append(AgendaEntry(item=item, pre_read=item.pre_read if visible else None))
    return AgendaDetail(
        meeting=meeting,
        entries=tuple(entries),
        pre_read_access_ends_at=pre_read_access_ends_at(meeting),
    )


# Panels, meetings and agendas for the meetings pages ------------------------------------------


@dataclass(frozen=True)
class PanelRow:
    """One line of the panels list."""

    panel: Panel
    type_name: str
    next_meeting_at: datetime.datetime | None


@dataclass(frozen=True)
class AgendaRow:
    """One agenda item as the meeting page shows it."""

    item: AgendaItem
    reasons: tuple[str, ...]
    pre_read: str | None
    pre_read_note: str  # why there is no pre-read, when there is none


@dataclass(frozen=True)
class ProposedRow:
    person_name: str
    person_id: Any
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DraftAgenda:
    """A draft agenda as its chair edits it: the items, and Harbour's proposal not yet on it."""

    meeting: Meeting
    items: tuple[AgendaRow, ...]
    proposed: tuple[ProposedRow, ...]


def reason_labels(reasons: Any) -> tuple[str, ...]:
    labels = dict(AgendaReason.choices)
    return tuple(str(labels.get(reason, reason)) for reason in reasons)


def panel_type_name(panel: Panel) -> str:
    return panel_type_for(panel).name


def panels_overview(*, viewer: Any, now: datetime.datetime) -> list[PanelRow]:
    """The panels ``viewer`` may see, each with its type's name and its next meeting."""
    panels = (
        rules.panels_visible_to(viewer)
        .select_related("area", "chair")
        .annotate(
            next_meeting_at=Min("meetings__starts_at", filter=Q(meetings__starts_at__gte=now))
        )
        .order_by("name")
    )
    return [
        PanelRow(
            panel=panel, type_name=panel_type_name(panel), next_meeting_at=panel.next_meeting_at
        )
        for panel in panels
    ]


def _refused(viewer: Any, action: str, subject_type: str, subject_id: Any, request: Any) -> None:
    record_event(
        actor=viewer,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        request=request,
    )


def panel_get(*, viewer: Any, panel_id: Any, request: Any = None) -> Panel:
    """A panel ``viewer`` chairs, sits on or manages; anything else is "not found" (audited)."""
    panel = (
        rules.panels_visible_to(viewer).select_related("area", "chair").filter(pk=panel_id).first()
    )
    if panel is None:
        _refused(viewer, "panels.panel_view_refused", "panels.panel", panel_id, request)
        raise NotFoundOrForbidden()
    return panel


def panel_for_management(*, viewer: Any, panel_id: Any, request: Any = None) -> Panel:
    """A panel ``viewer`` may manage (members, terms, meetings); else "not found" (audited)."""
    panel = Panel.objects.select_related("area", "chair").filter(pk=panel_id).first()
    if panel is None or not rules.may_manage_panel(viewer, panel):
        _refused(viewer, "panels.panel_change_refused", "panels.panel", panel_id, request)
        raise NotFoundOrForbidden()
    return panel


def meeting_get(*, viewer: Any, meeting_id: Any, request: Any = None) -> Meeting:
    """A meeting of a panel ``viewer`` chairs or sits on; anything else is "not found"."""
    meeting = (
        Meeting.objects.select_related("panel__area", "panel__chair").filter(pk=meeting_id).first()
    )
    if meeting is None or not is_member(viewer, meeting.panel):
        _refused(viewer, "panels.agenda_view_refused", "panels.meeting", meeting_id, request)
        raise NotFoundOrForbidden()
    return meeting


def meeting_for_agenda_edit(*, viewer: Any, meeting_id: Any, request: Any = None) -> Meeting:
    """A meeting whose draft agenda ``viewer`` chairs; anything else is "not found"."""
    meeting = (
        Meeting.objects.select_related("panel__area", "panel__chair").filter(pk=meeting_id).first()
    )
    if (
        meeting is None
        or not is_chair(viewer, meeting.panel)
        or meeting.status != MeetingStatus.DRAFT
    ):
        _refused(viewer, "panels.agenda_change_refused", "panels.meeting", meeting_id, request)
        raise NotFoundOrForbidden()
    return meeting


def agenda_item_for_edit(*, viewer: Any, item_id: Any, request: Any = None) -> AgendaItem:
    """An item of a draft agenda ``viewer`` chairs; anything else is "not found"."""
    item = AgendaItem.objects.select_related("meeting__panel", "person").filter(pk=item_id).first()
    if (
        item is None
        or not is_chair(viewer, item.meeting.panel)
        or item.meeting.status != MeetingStatus.DRAFT
    ):
        _refused(viewer, "panels.agenda_change_refused", "panels.agendaitem", item_id, request)
        raise NotFoundOrForbidden()
    return item


def upcoming_meetings(*, panel: Panel, now: datetime.datetime) -> QuerySet[Meeting]:
    """The panel's meetings starting from ``now`` on, soonest first."""
    return Meeting.objects.filter(panel=panel, starts_at__gte=now).order_by("starts_at")


def past_meetings(*, panel: Panel, now: datetime.datetime) -> QuerySet[Meeting]:
    """The panel's meetings that started before ``now``, newest first."""
    return Meeting.objects.filter(panel=panel, starts_at__lt=now).order_by("-starts_at")


def suggested_meeting_date(*, panel: Panel, now: datetime.datetime) -> datetime.date | None:
    """The panel type's interval after its latest meeting, moved on by whole intervals until it
    is after today; ``None`` when the panel has never met."""
    latest = (
        Meeting.objects.filter(panel=panel)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if latest is None:
        return None
    interval = datetime.timedelta(days=panel_type_for(panel).meeting_interval_days)
    today = timezone.localdate(now)
    suggested = timezone.localdate(latest) + interval
    while suggested <= today:
        suggested += interval
    return suggested


def active_members(panel: Panel) -> QuerySet[PanelMember]:
    return (
        PanelMember.objects.filter(panel=panel, is_active=True)
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__first_name")
    )


def membership_choices(panel: Panel) -> list[tuple[str, str]]:
    """``("user_id:agency_id", "Name, Agency")`` for every active user with a case-content role
    in an active agency serving the panel's area (any area for a pan-area panel), except the
    panel's active members."""
    from harbour.access.policy import NO_CASE_CONTENT_ROLES
    from harbour.accounts.models import Membership

    memberships = Membership.objects.filter(
        is_active=True, user__is_active=True, agency__is_active=True
    ).exclude(role__in=NO_CASE_CONTENT_ROLES)
    if panel.area_id is not None:
        memberships = memberships.filter(agency__areas=panel.area_id)
    on_panel = PanelMember.objects.filter(panel=panel, is_active=True).values("user_id")
    memberships = memberships.exclude(user_id__in=on_panel).select_related("user", "agency")
    choices: dict[str, str] = {}
    for membership in memberships.order_by("user__last_name", "user__first_name", "agency__name"):
        value = f"{membership.user_id}:{membership.agency_id}"
        choices.setdefault(value, f"{membership.user}, {membership.agency}")
    return list(choices.items())


def chair_candidates() -> QuerySet[Any]:
    """Active users with a case-content role in an active agency (who may chair a panel)."""
    from harbour.access.policy import NO_CASE_CONTENT_ROLES
    from harbour.accounts.models import Membership, User

    memberships = Membership.objects.filter(is_active=True, agency__is_active=True).exclude(
        role__in=NO_CASE_CONTENT_ROLES
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def areas_for_new_panels(viewer: Any) -> list[Any]:
    """The areas ``viewer`` may set up a panel for (their coordinated areas; all for an
    administrator)."""
    from harbour.accounts.models import Area

    return [area for area in Area.objects.order_by("name") if may_set_up_panel_for(viewer, area)]


def pre_read_note(*, meeting: Meeting, ends_at: datetime.datetime, now: datetime.datetime) -> str:
    """Why a pre-read is not shown: not written yet, or the viewer's access has ended."""
    if meeting.status == MeetingStatus.DRAFT or meeting.agenda_published_at is None:
        return "Not available yet: the pre-read is written when the chair publishes the agenda."
    if now >= ends_at:
        last_day = timezone.localdate(ends_at) - datetime.timedelta(days=1)
        return (
            "No longer available: your access to this pre-read ended at the end of "
            f"{last_day:%-d %B %Y}."
        )
    return "Not available to you."


def pre_read_last_day(ends_at: datetime.datetime) -> datetime.date:
    """The last day on which members not otherwise involved can read the pre-reads."""
    return timezone.localdate(ends_at) - datetime.timedelta(days=1)


def agenda_rows(*, detail: AgendaDetail, now: datetime.datetime) -> list[AgendaRow]:
    """The agenda of ``detail`` (from ``agenda_detail_for``) with reasons as labels and, where
    there is no pre-read for the viewer, the reason why."""
    note = pre_read_note(meeting=detail.meeting, ends_at=detail.pre_read_access_ends_at, now=now)
    return [
        AgendaRow(
            item=entry.item,
            reasons=reason_labels(entry.item.reasons),
            pre_read=entry.pre_read,
            pre_read_note="" if entry.pre_read is not None else note,
        )
        for entry in detail.entries
    ]


def draft_agenda_for(
    *, viewer: Any, meeting: Meeting, now: datetime.datetime, request: Any = None
) -> DraftAgenda:
    """The chair's view of a draft agenda: its items, and the children Harbour proposes that
    are not on it yet (audited as a read: it names children)."""
    items = list(meeting.items.select_related("person", "requested_by_agency").order_by("order"))
    on_agenda = {item.person_id for item in items if item.person_id is not None}
    proposed = [
        ProposedRow(
            person_name=child.person.full_name,
            person_id=child.person.pk,
            reasons=reason_labels(child.reasons),
        )
        for child in agenda_propose(meeting=meeting, now=now)
        if child.person.pk not in on_agenda
    ]
    record_event(
        actor=viewer,
        action="panels.agenda_draft_viewed",
        subject=meeting,
        after={"items": len(items), "proposed": [str(row.person_id) for row in proposed]},
        request=request,
    )
    return DraftAgenda(
        meeting=meeting,
        items=tuple(
            AgendaRow(
                item=item, reasons=reason_labels(item.reasons), pre_read=None, pre_read_note=""
            )
            for item in items
        ),
        proposed=tuple(proposed),
    )
