"""Minutes of a panel meeting: one copy per recipient, restricted, recorded and audited.

Rules (issue 6, part 4):

- Minutes exist only for a meeting that is held (``MeetingStatus.HELD``). For a draft meeting, or
  one whose agenda is published but which has not been held, there are no minutes: asking for
  them is "not found".
- Restricted distribution. The possible recipients (``minutes_recipients``) are the panel's
  chair, its active members and the owners of this meeting's actions (active users only).
  Nobody else can have a copy: asking is "not found" (404) and audited as
  ``panels.minutes_refused``.
- A copy is made for ONE recipient. An item naming a child appears in it only if the recipient
  may see that child's record by the access policy (``access.policy.person_visible_to``) or owns
  an action on that item. Otherwise the item appears only as "Item N: withheld from this copy":
  no name, date of birth, pre-read, summary, decisions or actions, nothing identifying (not even
  the names of that item's action owners). Items on a theme (no child) always appear.
- Each copy produced is recorded (``MinutesCopy``) with its recipient, format, the ids of the
  items it included, how many it withheld and the SHA-256 of the body produced, and audited as
  ``panels.minutes_copy_produced`` (recipient, included item ids) in the same transaction.
- A recipient may produce their own copy; the chair may produce one for any possible recipient.
  The chair distributes the minutes (``minutes_distribute``): each chosen person must be a
  possible recipient; each gets their own web-page copy, recorded, and a notification linking
  to the minutes page; the distribution is audited as ``panels.minutes_distributed``.
- Content: panel, meeting date and time, place and call details, status, attendance by agency
  (present, apologies, absent, with the people named), whether the meeting was quorate, then each
  item in agenda order: number, child's name and date of birth (or the theme), the reasons it
  was on the agenda, whether the child and carers attended and how views were given, the
  discussion summary, decisions and actions. "Restricted: prepared for <recipient> on <date>.
  Do not copy or forward." heads the web page and is the footer of every PDF page.

``minutes_for`` is a pure read (no audit) that builds the content; ``render_minutes_html`` and
``render_minutes_pdf`` turn it into a document from ONE template (``panels/minutes/document.html``).
The PDF is tagged (PDF/UA-1) and fetches nothing over the network.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from harbour.access.policy import person_visible_to
from harbour.accounts.models import Membership
from harbour.assessments.catalogue import catalogue_for_area
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.notifications.services import notification_send
from harbour.panels.models import (
    AgendaItem,
    AgendaReason,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    MinutesCopy,
    MinutesFormat,
    PanelAction,
    PanelMember,
)
from harbour.panels.services import is_chair, quorum_met
from harbour.people.models import DateOfBirthPrecision, Person

DOCUMENT_TEMPLATE = "panels/minutes/document.html"
#: The print stylesheet, read from disk by WeasyPrint (never fetched over HTTP).
PRINT_STYLESHEET = Path(__file__).resolve().parent / "static" / "panels" / "minutes-print.css"
WITHHELD_TEXT = "withheld from this copy"

_ATTENDANCE_ORDER = list(AttendanceStatus.values)


# The content ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceLine:
    """One agency's attendance in one status, with the people recorded in it."""

    agency: str
    status: str
    status_label: str
    people: tuple[str, ...]  # empty: the agency was recorded without a named person


@dataclass(frozen=True)
class DecisionLine:
    kind_label: str
    risk_level_label: str
    detail: str


@dataclass(frozen=True)
class ActionLine:
    description: str
    owner: str
    agency: str
    due_on: datetime.date
    status_label: str


@dataclass(frozen=True)
class MinutesItem:
    """One agenda item as this copy shows it. A withheld item carries its number and nothing
    else, so no template can show what the recipient may not see."""

    number: int
    withheld: bool
    item_id: Any = None
    is_child: bool = False
    heading: str = ""  # the child's full name, or the theme's title
    born: str = ""  # the child's date of birth as shown ("" when not known)
    reasons: tuple[str, ...] = ()
    child_attended: bool = False
    carers_attended: bool = False
    views_given_how: str = ""
    discussion_summary: str = ""
    decisions: tuple[DecisionLine, ...] = ()
    actions: tuple[ActionLine, ...] = ()


@dataclass(frozen=True)
class MinutesContent:
    """Everything one recipient's copy of a meeting's minutes shows."""

    meeting_id: Any
    panel_name: str
    starts_at: datetime.datetime
    place: str
    call_details: str
    status_label: str
    attendance: tuple[AttendanceLine, ...]
    quorum_met: bool
    items: tuple[MinutesItem, ...]
    recipient_id: Any
    recipient_name: str
    prepared_on: datetime.date

    @property
    def included_item_ids(self) -> list[str]:
        return [str(item.item_id) for item in self.items if not item.withheld]

    @property
    def withheld_count(self) -> int:
        return sum(1 for item in self.items if item.withheld)

    @property
    def title(self) -> str:
        day = timezone.localdate(self.starts_at)
        return f"Minutes of {self.panel_name}, {day.day} {day:%B %Y}"

    @property
    def restricted_notice(self) -> str:
        day = self.prepared_on
        return (
            f"Restricted: prepared for {self.recipient_name} on {day.day} {day:%B %Y}. "
            "Do not copy or forward."
        )


@dataclass(frozen=True)
class ProducedMinutes:
    copy: MinutesCopy
    body: str | bytes
    content: MinutesContent


@dataclass(frozen=True)
class PossibleRecipient:
    user: Any
    agency: str  # the agency they sit on the panel for, or own actions for


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


# Who may have a copy ----------------------------------------------------------------------


def _recipient_ids(meeting: Meeting) -> set[Any]:
    ids = {meeting.panel.chair_id}
    ids.update(
        PanelMember.objects.filter(panel_id=meeting.panel_id, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    ids.update(PanelAction.objects.filter(meeting=meeting).values_list("owner_id", flat=True))
    return ids


def _recipients_queryset(meeting: Meeting) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(pk__in=_recipient_ids(meeting), is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def minutes_recipients(meeting: Meeting) -> list[Any]:
    """Who may have a copy of ``meeting``'s minutes: the panel's chair, its active members and
    the owners of the meeting's actions (active users), by name."""
    return list(_recipients_queryset(meeting))


def minutes_possible_recipients(meeting: Meeting) -> list[PossibleRecipient]:
    """``minutes_recipients`` with the agency each sits on the panel for (or owns actions for;
    for a chair who is not a member, their first active agency)."""
    users = minutes_recipients(meeting)
    agencies: dict[Any, str] = {}
    for user_id, agency in PanelMember.objects.filter(
        panel_id=meeting.panel_id, is_active=True
    ).values_list("user_id", "agency__name"):
        agencies.setdefault(user_id, agency)
    for user_id, agency in (
        PanelAction.objects.filter(meeting=meeting)
        .order_by("created_at")
        .values_list("owner_id", "owner_agency__name")
    ):
        agencies.setdefault(user_id, agency)
    missing = [user.pk for user in users if user.pk not in agencies]
    for user_id, agency in (
        Membership.objects.filter(user_id__in=missing, is_active=True, agency__is_active=True)
        .order_by("agency__name")
        .values_list("user_id", "agency__name")
    ):
        agencies.setdefault(user_id, agency)
    return [PossibleRecipient(user=user, agency=agencies.get(user.pk, "")) for user in users]


def _refuse(
    *, actor: Any, meeting: Meeting, request: Any, why: str, recipient: Any = None
) -> NotFoundOrForbidden:
    after: dict[str, Any] = {"why": why}
    if recipient is not None:
        after["recipient"] = str(recipient.pk)
    record_event(
        actor=actor, action="panels.minutes_refused", subject=meeting, after=after, request=request
    )
    return NotFoundOrForbidden()


def require_minutes_chair(*, actor: Any, meeting: Meeting, request: Any = None) -> None:
    """Only the chair sends minutes and sees the copies made; anyone else gets "not found"
    (audited). A meeting not yet held has no minutes to send."""
    if not is_chair(actor, meeting.panel):
        raise _refuse(actor=actor, meeting=meeting, request=request, why="not the chair")
    if meeting.status != MeetingStatus.HELD:
        raise _refuse(actor=actor, meeting=meeting, request=request, why="meeting not held")


# Building one recipient's content ---------------------------------------------------------


def _born(person: Person) -> str:
    if person.date_of_birth is None or person.date_of_birth_precision == (
        DateOfBirthPrecision.UNKNOWN
    ):
        return ""
    born = f"{person.date_of_birth.day} {person.date_of_birth:%B %Y}"
    if person.date_of_birth_precision == DateOfBirthPrecision.APPROXIMATE:
        born += " (approximate)"
    return born


def _risk_level_label(meeting: Meeting, level_id: str) -> str:
    if not level_id:
        return ""
    catalogue = catalogue_for_area(meeting.panel.area)
    return catalogue.level(level_id).label if catalogue.has_level(level_id) else level_id


def _attendance(meeting: Meeting) -> tuple[AttendanceLine, ...]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in Attendance.objects.filter(meeting=meeting).select_related("agency", "user"):
        people = grouped.setdefault((row.agency.name, row.status), [])
        if row.user is not None:
            people.append(_name(row.user))
    labels = dict(AttendanceStatus.choices)
    lines = [
        AttendanceLine(
            agency=agency,
            status=status,
            status_label=labels[status],
            people=tuple(sorted(people)),
        )
        for (agency, status), people in grouped.items()
    ]
    lines.sort(key=lambda line: (line.agency.lower(), _ATTENDANCE_ORDER.index(line.status)))
    return tuple(lines)


def _shown_item(meeting: Meeting, number: int, item: AgendaItem) -> MinutesItem:
    reason_labels = dict(AgendaReason.choices)
    decisions = tuple(
        DecisionLine(
            kind_label=decision.get_kind_display(),
            risk_level_label=_risk_level_label(meeting, decision.risk_level),
            detail=decision.detail,
        )
        for decision in item.decisions.order_by("recorded_at", "created_at")
    )
    actions = tuple(
        ActionLine(
            description=action.description,
            owner=_name(action.owner),
            agency=action.owner_agency.name,
            due_on=action.due_on,
            status_label=action.get_status_display(),
        )
        for action in item.actions.select_related("owner", "owner_agency").order_by(
            "due_on", "created_at"
        )
    )
    person = item.person
    return MinutesItem(
        number=number,
        withheld=False,
        item_id=item.pk,
        is_child=person is not None,
        heading=person.full_name if person is not None else item.title,
        born=_born(person) if person is not None else "",
        reasons=tuple(reason_labels.get(reason, reason) for reason in item.reasons),
        child_attended=item.child_attended,
        carers_attended=item.carers_attended,
        views_given_how=item.views_given_how,
        discussion_summary=item.discussion_summary,
        decisions=decisions,
        actions=actions,
    )


def minutes_for(*, recipient: Any, meeting: Meeting, now: datetime.datetime) -> MinutesContent:
    """The minutes of ``meeting`` as ``recipient``'s copy shows them at ``now`` (a pure read:
    callers record and audit the copy). "Not found" if the meeting has not been held or the
    recipient may not have a copy."""
    if meeting.status != MeetingStatus.HELD:
        raise NotFoundOrForbidden()
    if recipient.pk not in _recipient_ids(meeting) or not recipient.is_active:
        raise NotFoundOrForbidden()
    items = list(meeting.items.select_related("person").order_by("order"))
    person_ids = [item.person_id for item in items if item.person_id is not None]
    visible = set(
        person_visible_to(recipient).filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    owned = set(
        PanelAction.objects.filter(meeting=meeting, owner_id=recipient.pk).values_list(
            "item_id", flat=True
        )
    )
    shown = []
    for number, item in enumerate(items, start=1):
        may_see = item.person_id is None or item.person_id in visible or item.pk in owned
        shown.append(
            _shown_item(meeting, number, item)
            if may_see
            else MinutesItem(number=number, withheld=True)
        )
    return MinutesContent(
        meeting_id=meeting.pk,
        panel_name=meeting.panel.name,
        starts_at=meeting.starts_at,
        place=meeting.place,
        call_details=meeting.call_details,
        status_label=meeting.get_status_display(),
        attendance=_attendance(meeting),
        quorum_met=quorum_met(meeting),
        items=tuple(shown),
        recipient_id=recipient.pk,
        recipient_name=_name(recipient),
        prepared_on=timezone.localdate(now),
    )


# Rendering --------------------------------------------------------------------------------


def render_minutes_html(content: MinutesContent, *, standalone: bool = False) -> SafeString:
    """The minutes document: the fragment shown inside a Harbour page or, with
    ``standalone=True``, a whole HTML document (the PDF's source)."""
    return render_to_string(
        DOCUMENT_TEMPLATE,
        {"content": content, "standalone": standalone, "withheld_text": WITHHELD_TEXT},
    )


def _weasyprint() -> Any:
    """WeasyPrint, imported only when a PDF is made (it is slow to import and has no stubs)."""
    import weasyprint  # type: ignore[import-untyped]

    return weasyprint


def _local_files_only() -> Any:
    """A WeasyPrint URL fetcher that reads local files (the print stylesheet) and never the
    network."""
    return _weasyprint().urls.URLFetcher(allowed_protocols=("file",), allow_redirects=False)


def render_minutes_pdf(content: MinutesContent) -> bytes:
    """The minutes as a tagged, accessible PDF (PDF/UA-1), from the same document template;
    the restricted notice is every page's footer (the print stylesheet's ``@page`` rule)."""
    weasyprint = _weasyprint()
    fetcher = _local_files_only()
    document = weasyprint.HTML(
        string=render_minutes_html(content, standalone=True),
        base_url=PRINT_STYLESHEET.parent.as_uri() + "/",
        url_fetcher=fetcher,
    )
    pdf = document.write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(PRINT_STYLESHEET), url_fetcher=fetcher)],
        pdf_variant="pdf/ua-1",
    )
    assert pdf is not None
    return bytes(pdf)


def _sha256(body: str | bytes) -> str:
    return hashlib.sha256(body.encode() if isinstance(body, str) else body).hexdigest()


# Producing and distributing copies --------------------------------------------------------


def _record_copy(
    *,
    actor: Any,
    meeting: Meeting,
    recipient: Any,
    format: str,
    content: MinutesContent,
    body: str | bytes,
    now: datetime.datetime,
    request: Any,
) -> MinutesCopy:
    """Record one copy and audit it (inside the caller's transaction)."""
    digest = _sha256(body)
    copy: MinutesCopy = MinutesCopy.objects.create(
        meeting=meeting,
        recipient=recipient,
        format=format,
        produced_at=now,
        produced_by=actor,
        included_item_ids=content.included_item_ids,
        withheld_items=content.withheld_count,
        content_sha256=digest,
    )
    record_event(
        actor=actor,
        action="panels.minutes_copy_produced",
        subject=meeting,
        after={
            "copy": str(copy.pk),
            "recipient": str(recipient.pk),
            "format": format,
            "included_item_ids": content.included_item_ids,
            "withheld_items": content.withheld_count,
            "content_sha256": digest,
        },
        request=request,
    )
    return copy


def minutes_copy_produce(
    *,
    actor: Any,
    meeting: Meeting,
    recipient: Any,
    format: str,
    now: datetime.datetime,
    request: Any = None,
) -> ProducedMinutes:
    """Produce ``recipient``'s copy of ``meeting``'s minutes as a web page or PDF, record it and
    audit it. A possible recipient may produce their own copy; the chair may produce one for any
    possible recipient. Anyone else, or a meeting not held, is "not found" (audited)."""
    if format not in MinutesFormat.values:
        raise ServiceValidationError({"format": ["Choose a web page or a PDF"]})
    own_copy = getattr(actor, "pk", None) is not None and actor.pk == recipient.pk
    if not (own_copy or is_chair(actor, meeting.panel)):
        raise _refuse(
            actor=actor, meeting=meeting, request=request, why="not theirs", recipient=recipient
        )
    if recipient.pk not in _recipient_ids(meeting) or not recipient.is_active:
        raise _refuse(
            actor=actor,
            meeting=meeting,
            request=request,
            why="not a possible recipient",
            recipient=recipient,
        )
    if meeting.status != MeetingStatus.HELD:
        raise _refuse(
            actor=actor,
            meeting=meeting,
            request=request,
            why="meeting not held",
            recipient=recipient,
        )
    content = minutes_for(recipient=recipient, meeting=meeting, now=now)
    body: str | bytes = (
        render_minutes_pdf(content)
        if format == MinutesFormat.PDF
        else str(render_minutes_html(content))
    )
    with transaction.atomic():
        copy = _record_copy(
            actor=actor,
            meeting=meeting,
            recipient=recipient,
            format=format,
            content=content,
            body=body,
            now=now,
            request=request,
        )
    if format == MinutesFormat.HTML:
        body = SafeString(body)
    return ProducedMinutes(copy=copy, body=body, content=content)


def _unique(users: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    result = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def minutes_distribute(
    *,
    actor: Any,
    meeting: Meeting,
    recipients: Sequence[Any],
    now: datetime.datetime,
    request: Any = None,
) -> list[MinutesCopy]:
    """The chair sends the minutes: each recipient gets their own web-page copy (recorded) and a
    notification linking to the minutes page. Every recipient must be a possible recipient."""
    require_minutes_chair(actor=actor, meeting=meeting, request=request)
    chosen = _unique(recipients)
    if not chosen:
        raise ServiceValidationError(
            {"recipients": ["Select at least one person to send the minutes to"]}
        )
    possible = {user.pk for user in minutes_recipients(meeting)}
    outsiders = [user for user in chosen if user.pk not in possible]
    if outsiders:
        names = ", ".join(_name(user) for user in outsiders)
        raise ServiceValidationError(
            {
                "recipients": [
                    f"{names} cannot receive these minutes: only the panel's chair, its members "
                    "and the owners of this meeting's actions can"
                ]
            }
        )
    prepared = []
    for recipient in chosen:
        content = minutes_for(recipient=recipient, meeting=meeting, now=now)
        prepared.append((recipient, content, str(render_minutes_html(content))))
    link = reverse("panels:minutes", args=[meeting.pk])
    day = timezone.localdate(meeting.starts_at)
    subject = f"Minutes of {meeting.panel.name}, {day.day} {day:%B %Y}"
    copies = []
    with transaction.atomic():
        for recipient, content, body in prepared:
            copies.append(
                _record_copy(
                    actor=actor,
                    meeting=meeting,
                    recipient=recipient,
                    format=MinutesFormat.HTML,
                    content=content,
                    body=body,
                    now=now,
                    request=request,
                )
            )
            notification_send(
                recipient=recipient,
                subject=subject,
                body=(
                    f"{_name(actor)} has sent you the minutes of {meeting.panel.name} on "
                    f"{day.day} {day:%B %Y}. They are restricted: your copy shows only the items "
                    "you may see. Do not copy or forward them."
                ),
                link_url=link,
                about=meeting,
                actor=actor,
            )
        record_event(
            actor=actor,
            action="panels.minutes_distributed",
            subject=meeting,
            after={
                "recipients": [str(recipient.pk) for recipient, _, _ in prepared],
                "copies": [str(copy.pk) for copy in copies],
            },
            request=request,
        )
    return copies


# The log of copies ------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyLogRow:
    copy: MinutesCopy
    recipient: str
    format_label: str
    produced_by: str
    included_numbers: tuple[int, ...]
    withheld_items: int


def minutes_copies_log(*, actor: Any, meeting: Meeting, request: Any = None) -> list[CopyLogRow]:
    """The chair's log of every copy of ``meeting``'s minutes, newest first (audited read)."""
    require_minutes_chair(actor=actor, meeting=meeting, request=request)
    numbers = {
        str(pk): number
        for number, pk in enumerate(
            meeting.items.order_by("order").values_list("pk", flat=True), start=1
        )
    }
    rows = [
        CopyLogRow(
            copy=copy,
            recipient=_name(copy.recipient),
            format_label=copy.get_format_display(),
            produced_by=_name(copy.produced_by),
            included_numbers=tuple(
                sorted(numbers[item_id] for item_id in copy.included_item_ids if item_id in numbers)
            ),
            withheld_items=copy.withheld_items,
        )
        for copy in MinutesCopy.objects.filter(meeting=meeting)
        .select_related("recipient", "produced_by")
        .order_by("-produced_at", "-created_at")
    ]
    record_event(
        actor=actor,
        action="panels.minutes_copies_viewed",
        subject=meeting,
        after={"copies": len(rows)},
        request=request,
    )
    return rows
