"""Panel use cases: propose an agenda, adopt and publish it, confirm confidentiality.

Harbour proposes a meeting's children (``agenda_propose``): children routed to the panel at
triage, children at high risk whose review is due, children who triggered repeat missing, and
children an agency asked to discuss. The chair adopts the proposal and publishes the agenda, which
freezes each child's pre-read from the record as it stands. Members confirm the panel's
confidentiality agreement for the meeting before its detail opens to them (``selectors``).
Every write is audited in its transaction; refusals are audited and look like "not found".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from harbour.assessments.catalogue import get_catalogue
from harbour.assessments.models import Assessment
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.missing.models import MissingEpisode, RepeatMissingAlert
from harbour.panels.models import (
    AgencyDiscussionRequest,
    AgendaItem,
    AgendaReason,
    Attendance,
    AttendanceStatus,
    ConfidentialityConfirmation,
    Meeting,
    MeetingStatus,
    Panel,
    PanelMember,
)
from harbour.panels.policy import FOCUS_THEMES, PanelType, load_panel_types
from harbour.people.models import Person
from harbour.referrals.models import Referral, TriageDecision, TriageRoute

# The catalogue's level id for high risk (``assessments/catalogues/exploitation.v1.json``).
HIGH_RISK_LEVEL = "high"
_REASON_ORDER = list(AgendaReason.values)
_PRE_READ_MISSING_DAYS = 90


@dataclass(frozen=True)
class ProposedChild:
    """One child Harbour proposes for a meeting, with every reason (in ``AgendaReason`` order)."""

    person: Person
    reasons: tuple[str, ...]
    requests: tuple[AgencyDiscussionRequest, ...] = ()


@dataclass
class _Found:
    person: Person
    reasons: set[str] = field(default_factory=set)
    requests: list[AgencyDiscussionRequest] = field(default_factory=list)


def panel_type_for(panel: Panel) -> PanelType:
    return load_panel_types(panel.type_version).get(panel.type_key)


def previous_meeting_start(meeting: Meeting) -> datetime.datetime | None:
    """When the panel's meeting before ``meeting`` started (``None``: this is its first)."""
    return (
        Meeting.objects.filter(panel_id=meeting.panel_id, starts_at__lt=meeting.starts_at)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def quorum_met(meeting: Meeting) -> bool:
    """Whether the agencies recorded present at ``meeting`` make its panel type's quorum."""
    present = dict(
        Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).values_list(
            "agency_id", "agency__agency_type"
        )
    )
    return panel_type_for(meeting.panel).quorum.is_met(present)


def is_chair(user: Any, panel: Panel) -> bool:
    return bool(getattr(user, "pk", None)) and panel.chair_id == user.pk


def is_member(user: Any, panel: Panel) -> bool:
    """The chair, or an active member of the panel."""
    if not getattr(user, "pk", None):
        return False
    return (
        is_chair(user, panel)
        or PanelMember.objects.filter(panel=panel, user_id=user.pk, is_active=True).exists()
    )


def _in_scope(panel: Panel, area_field: str) -> Q:
    return Q() if panel.area_id is None else Q(**{area_field: panel.area_id})


def agenda_propose(*, meeting: Meeting, now: datetime.datetime) -> list[ProposedChild]:
    """The children Harbour proposes for ``meeting``, each once with all its reasons.

    In the panel's area (any area for a pan-area panel), and not merged into another record:
    - routed to the panel at triage since the panel's previous meeting started, up to ``now``;
    - whose current risk assessment is high and whose review falls due on or before the
      meeting's day (overdue reviews included);
    - who triggered a repeat-missing alert since the previous meeting started, up to ``now``;
    - an agency asked to discuss (requests made up to ``now`` and not closed by then).
    A panel on themes (the strategic MACE) is proposed no children.
    """
    panel = meeting.panel
    if panel_type_for(panel).focus == FOCUS_THEMES:
        return []
    since = previous_meeting_start(meeting)
    meeting_day = timezone.localdate(meeting.starts_at)
    found: dict[Any, _Found] = {}

    def add(person: Person, reason: str) -> _Found:
        entry = found.setdefault(person.pk, _Found(person=person))
        entry.reasons.add(reason)
        return entry

    live = Q(person__merged_into__isnull=True)

    decisions = TriageDecision.objects.filter(
        live_referral(),
        _in_scope(panel, "referral__area_id"),
        route=TriageRoute.PANEL_DISCUSSION,
        decided_at__lte=now,
    ).select_related("referral__person")
    if since is not None:
        decisions = decisions.filter(decided_at__gt=since)
    for decision in decisions:
        person = decision.referral.person
        assert person is not None
        add(person, AgendaReason.ROUTED_AT_TRIAGE)

    for assessment in Assessment.objects.filter(
        live,
        _in_scope(panel, "area_id"),
        is_current=True,
        level=HIGH_RISK_LEVEL,
        review_due_on__lte=meeting_day,
    ).select_related("person"):
        add(assessment.person, AgendaReason.HIGH_RISK_REVIEW_DUE)

    alerts = RepeatMissingAlert.objects.filter(
        live, _in_scope(panel, "area_id"), fired_at__lte=now
    ).select_related("person")
    if since is not None:
        alerts = alerts.filter(fired_at__gt=since)
    for alert in alerts:
        add(alert.person, AgendaReason.REPEAT_MISSING)

    for request in (
        AgencyDiscussionRequest.objects.filter(
            live, _in_scope(panel, "area_id"), requested_at__lte=now
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=now))
        .select_related("person", "agency", "requested_by")
        .order_by("requested_at")
    ):
        add(request.person, AgendaReason.AGENCY_REQUEST).requests.append(request)

    proposed = [
        ProposedChild(
            person=entry.person,
            reasons=tuple(sorted(entry.reasons, key=_REASON_ORDER.index)),
            requests=tuple(entry.requests),
        )
        for entry in found.values()
    ]
    proposed.sort(
        key=lambda child: (
            _REASON_ORDER.index(child.reasons[0]),
            child.person.last_name.lower(),
            child.person.first_names.lower(),
            str(child.person.pk),
        )
    )
    return proposed


def live_referral() -> Q:
    """A decision on a referral linked to a child record that is not merged away."""
    return Q(referral__person__isnull=False, referral__person__merged_into__isnull=True)


def _refuse_change(actor: Any, meeting: Meeting) -> NotFoundOrForbidden:
    record_event(actor=actor, action="panels.agenda_change_refused", subject=meeting)
    return NotFoundOrForbidden()


def agenda_adopt_proposal(
    *, actor: Any, meeting: Meeting, now: datetime.datetime
) -> list[AgendaItem]:
    """The chair adds Harbour's proposed children to the draft agenda (merging reasons into an
    item already there); returns the agenda's items in order."""
    if not is_chair(actor, meeting.panel):
        raise _refuse_change(actor, meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
        if meeting.status != MeetingStatus.DRAFT:
            raise ServiceValidationError(
                {"agenda": ["The agenda has been published: it can no longer be changed"]}
            )
        items = {item.person_id: item for item in meeting.items.filter(person__isnull=False)}
        next_order = max(meeting.items.values_list("order", flat=True), default=0) + 1
        added = 0
        for child in agenda_propose(meeting=meeting, now=now):
            item = items.get(child.person.pk)
            if item is None:
                item = AgendaItem(meeting=meeting, person=child.person, order=next_order)
                next_order += 1
                added += 1
            reasons = set(item.reasons) | set(child.reasons)
            item.reasons = sorted(reasons, key=_REASON_ORDER.index)
            if child.requests and item.requested_by_agency_id is None:
                first = child.requests[0]
                item.requested_by_agency = first.agency
                item.requested_by = first.requested_by
                item.request_reason = first.reason
            item.save()
            item.discussion_requests.add(*child.requests)
        record_event(
            actor=actor,
            action="panels.agenda_proposal_adopted",
            subject=meeting,
            after={"items_added": added},
        )
        return list(meeting.items.select_related("person").order_by("order"))


def _dated(moment: datetime.datetime | None) -> str:
    return "" if moment is None else f"{timezone.localtime(moment):%d %B %Y}"


def pre_read_text(*, item: AgendaItem, now: datetime.datetime) -> str:
    """A short pre-read from the child's record as it stands at ``now``."""
    person = item.person
    if person is None:
        return item.title
    lines = [person.full_name]
    if person.date_of_birth is not None:
        age = person.age_on(timezone.localdate(now))
        lines.append(f"Born {person.date_of_birth:%d %B %Y}" + (f" (age {age})" if age else ""))
    labels = dict(AgendaReason.choices)
    lines.append("On the agenda: " + "; ".join(labels[reason] for reason in item.reasons) + ".")
    for request in item.discussion_requests.select_related("agency").order_by("requested_at"):
        lines.append(f"{request.agency.name} asks to discuss: {request.reason}")
    assessment = Assessment.objects.filter(person=person, is_current=True).first()
    if assessment is None:
        lines.append("No risk assessment recorded.")
    else:
        catalogue = get_catalogue(assessment.catalogue_key, assessment.catalogue_version)
        level = catalogue.level(assessment.level).label
        lines.append(
            f"Current risk: {level}, assessed {_dated(assessment.completed_at)}; "
            f"review due {assessment.review_due_on:%d %B %Y}."
        )
    since = now - datetime.timedelta(days=_PRE_READ_MISSING_DAYS)
    episodes = MissingEpisode.objects.filter(
        person=person, reported_at__gt=since, reported_at__lte=now
    )
    count = episodes.count()
    if count:
        latest = episodes.order_by("-reported_at").values_list("reported_at", flat=True).first()
        lines.append(
            f"Missing {count} time{'s' if count != 1 else ''} in the last "
            f"{_PRE_READ_MISSING_DAYS} days; last reported {_dated(latest)}."
        )
    referral = (
        Referral.objects.filter(person=person, received_at__lte=now)
        .order_by("-received_at")
        .first()
    )
    if referral is not None:
        lines.append(
            f"Latest referral {referral.reference}, received {_dated(referral.received_at)}."
        )
    return "\n".join(lines)


def agenda_publish(*, actor: Any, meeting: Meeting, now: datetime.datetime) -> Meeting:
    """The chair publishes the agenda: each child's pre-read is frozen from the record now."""
    if not is_chair(actor, meeting.panel):
        raise _refuse_change(actor, meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
        if meeting.status != MeetingStatus.DRAFT:
            raise ServiceValidationError({"agenda": ["The agenda has already been published"]})
        items = list(meeting.items.select_related("person").order_by("order"))
        if not items:
            raise ServiceValidationError(
                {"agenda": ["Add at least one item to the agenda before publishing it"]}
            )
        for item in items:
            item.pre_read = pre_read_text(item=item, now=now)
            item.save(update_fields=["pre_read", "updated_at"])
        meeting.status = MeetingStatus.PUBLISHED
        meeting.agenda_published_at = now
        meeting.save(update_fields=["status", "agenda_published_at", "updated_at"])
        record_event(
            actor=actor,
            action="panels.agenda_published",
            subject=meeting,
            after={"items": len(items), "published_at": now.isoformat()},
        )
        return meeting


def confidentiality_confirm(
    *, actor: Any, meeting: Meeting, now: datetime.datetime
) -> ConfidentialityConfirmation:
    """A member confirms the panel's confidentiality agreement (current version) for ``meeting``.

    Confirming twice keeps the first confirmation."""
    if not is_member(actor, meeting.panel):
        record_event(actor=actor, action="panels.confidentiality_refused", subject=meeting)
        raise NotFoundOrForbidden()
    agreement = panel_type_for(meeting.panel).confidentiality
    with transaction.atomic():
        confirmation, created = ConfidentialityConfirmation.objects.get_or_create(
            meeting=meeting,
            user=actor,
            defaults={"agreement_version": agreement.version, "confirmed_at": now},
        )
        if created:
            record_event(
                actor=actor,
                action="panels.confidentiality_confirmed",
                subject=meeting,
                after={"agreement_version": agreement.version, "confirmed_at": now.isoformat()},
            )
        return confirmation


def discussion_request_create(
    *, actor: Any, person: Person, agency: Any, reason: str, now: datetime.datetime
) -> AgencyDiscussionRequest:
    """An agency asks its area's panel to discuss a child (e.g. at low or medium risk)."""
    from harbour.access.policy import person_visible_to, viewer_for

    if agency.pk not in viewer_for(actor).casework_agency_ids or not (
        person_visible_to(actor).filter(pk=person.pk).exists()
    ):
        record_event(actor=actor, action="panels.discussion_request_refused", subject=person)
        raise NotFoundOrForbidden()
    if len(reason.strip()) < 10:
        raise ServiceValidationError(
            {"reason": ["Explain why the panel should discuss this child"]}
        )
    if person.home_area_id is None:
        raise ServiceValidationError(
            {"person": ["Record the child's home area first, so the right panel hears this"]}
        )
    with transaction.atomic():
        request = AgencyDiscussionRequest.objects.create(
            person=person,
            area_id=person.home_area_id,
            agency=agency,
            requested_by=actor,
            reason=reason.strip(),
            requested_at=now,
        )
        record_event(
            actor=actor,
            action="panels.discussion_requested",
            subject=person,
            after={"request": str(request.pk), "agency": agency.name},
        )
        return request
