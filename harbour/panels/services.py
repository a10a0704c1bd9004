"""Panel use cases: propose an agenda, adopt and publish it, confirm confidentiality.

Harbour proposes a meeting's children (``agenda_propose``): children routed to the panel at
triage, children at high risk whose review is due, children who triggered repeat missing, and
children an agency asked to discuss. The chair adopts the proposal and publishes the agenda, which
freezes each child's pre-read from the record as it stands. Members confirm the panel's
confidentiality agreement for the meeting before its detail opens to them (``selectors``).
Administrators and coordinators set panels up (``panel_create``); whoever manages a panel changes
it, its members and schedules its meetings; the chair edits a draft agenda (themes, order,
removal). Every write is audited in its transaction; refusals are audited and look like "not found".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from harbour.assessments.catalogue import get_catalogue
from harbour.assessments.models import Assessment
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.missing.models import MissingEpisode, RepeatMissingAlert
from harbour.panels import rules
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


# The person fields a proposal's readers use: the agenda page and the demo (``full_name``), the
# proposal's order (names), ``pre_read_text`` (date of birth). Any other field loads when read.
_PROPOSED_PERSON_FIELDS = ("id", "first_names", "last_name", "date_of_birth")


def _proposed_persons(
    rule: QuerySet[Any], person_path: str, found: dict[Any, Person]
) -> Iterator[Person]:
    """The children a rule's queryset finds through ``person_path``, not merged away: each
    built once (kept in ``found`` by id) from the rule's own narrow query, which selects the
    person's id and ``_PROPOSED_PERSON_FIELDS`` only (never the rule's own wide columns); the
    person's other fields are deferred."""
    rows = (
        rule.filter(**{f"{person_path}__merged_into__isnull": True})
        .order_by()
        .values_list(*(f"{person_path}__{name}" for name in _PROPOSED_PERSON_FIELDS))
    )
    database = rows.db
    for row in rows:
        person = found.get(row[0])
        if person is None:
            person = found[row[0]] = Person.from_db(database, _PROPOSED_PERSON_FIELDS, row)
        yield person


def agenda_propose(*, meeting: Meeting, now: datetime.datetime) -> list[ProposedChild]:
    """The children Harbour proposes for ``meeting``, each once with all its reasons.

    In the panel's area (any area for a pan-area panel), and not merged into another record:
    - routed to the panel at triage since the panel's previous meeting started, up to ``now``;
    - whose current risk assessment is high and whose review falls due on or before the
      meeting's day (overdue reviews included);
    - who triggered a repeat-missing alert since the previous meeting started, up to ``now``;
    - an agency asked to discuss (requests made up to ``now`` and not closed by then).
    A panel on themes (the strategic MACE) is proposed no children.

    One query per rule, whatever the number of children: each selects the child's id and the
    few person fields a proposal is read for, and each child is built once (``Person`` with the
    other fields deferred), so a borough with thousands of reviews due stays fast.
    """
    panel = meeting.panel
    if panel_type_for(panel).focus == FOCUS_THEMES:
        return []
    since = previous_meeting_start(meeting)
    meeting_day = timezone.localdate(meeting.starts_at)
    persons: dict[Any, Person] = {}
    reasons: dict[Any, set[str]] = {}

    def add(person: Person, reason: str) -> None:
        persons.setdefault(person.pk, person)
        reasons.setdefault(person.pk, set()).add(reason)

    def found(rule: QuerySet[Any], person_path: str = "person") -> Iterator[Person]:
        return _proposed_persons(rule, person_path, persons)

    decisions = TriageDecision.objects.filter(
        _in_scope(panel, "referral__area_id"),
        referral__person__isnull=False,
        route=TriageRoute.PANEL_DISCUSSION,
        decided_at__lte=now,
    )
    if since is not None:
        decisions = decisions.filter(decided_at__gt=since)
    for person in found(decisions, "referral__person"):
        add(person, AgendaReason.ROUTED_AT_TRIAGE)

    high_risk_due = Assessment.objects.filter(
        _in_scope(panel, "area_id"),
        is_current=True,
        level=HIGH_RISK_LEVEL,
        review_due_on__lte=meeting_day,
    )
    for person in found(high_risk_due):
        add(person, AgendaReason.HIGH_RISK_REVIEW_DUE)

    alerts = RepeatMissingAlert.objects.filter(_in_scope(panel, "area_id"), fired_at__lte=now)
    if since is not None:
        alerts = alerts.filter(fired_at__gt=since)
    for person in found(alerts):
        add(person, AgendaReason.REPEAT_MISSING)

    requests: dict[Any, list[AgencyDiscussionRequest]] = {}
    for request in (
        AgencyDiscussionRequest.objects.filter(
            _in_scope(panel, "area_id"),
            person__merged_into__isnull=True,
            requested_at__lte=now,
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=now))
        .select_related("person", "agency", "requested_by")
        .order_by("requested_at")
    ):
        add(request.person, AgendaReason.AGENCY_REQUEST)
        requests.setdefault(request.person_id, []).append(request)

    proposed = [
        ProposedChild(
            person=person,
            reasons=tuple(sorted(reasons[pk], key=_REASON_ORDER.index)),
            requests=tuple(requests.get(pk, ())),
        )
        for pk, person in persons.items()
    ]
    proposed.sort(
        key=lambda child: (
            _REASON_ORDER.index(child.reasons[0]),
            child.person.last_name.lower(),
            child.person.first_names.lower(),
            child.person.pk,  # a UUID: ordered as its text is
        )
    )
    return proposed


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


# Setting up panels, their members and meetings; editing a draft agenda ------------------------

#: A chair, or a member, must be someone who works with children's records.
_CHAIR_UNSUITABLE = (
    "Choose a chair who is an active user working with children's records in one of the "
    "partnership's agencies"
)
_PUBLISHED = "The agenda has been published: it can no longer be changed"


def _refuse_panel_change(
    actor: Any, subject: Any = None, *, request: Any = None, after: dict[str, Any] | None = None
) -> NotFoundOrForbidden:
    record_event(
        actor=actor,
        action="panels.panel_change_refused",
        subject=subject,
        after=after,
        request=request,
    )
    return NotFoundOrForbidden()


def may_set_up_panel_for(user: Any, area: Any) -> bool:
    """Administrators for any area; coordinators for the areas they coordinate, and pan-area
    panels (``area`` ``None``)."""
    return rules.may_set_up_panels(user) and rules.may_manage_panel(user, Panel(area=area))


def may_chair(user: Any) -> bool:
    """An active user with case-content access (a role that sees children's records)."""
    from harbour.access.policy import viewer_for

    return bool(getattr(user, "is_active", False)) and viewer_for(user).sees_case_content


def _panel_fields_errors(
    *, name: str, chair: Any, terms_of_reference: str, exclude_pk: Any = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the panel's name"]
    elif len(name) > 200:
        errors["name"] = ["The panel's name must be 200 characters or fewer"]
    else:
        same = Panel.objects.filter(name__iexact=name)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["name"] = [f"There is already a panel called {name}: choose another name"]
    if chair is None:
        errors["chair"] = ["Choose the panel's chair"]
    elif not may_chair(chair):
        errors["chair"] = [_CHAIR_UNSUITABLE]
    if not terms_of_reference:
        errors["terms_of_reference"] = ["Enter the panel's terms of reference"]
    return errors


def _name_taken(name: str) -> ServiceValidationError:
    return ServiceValidationError(
        {"name": [f"There is already a panel called {name}: choose another name"]}
    )


def panel_create(
    *,
    actor: Any,
    type_key: str,
    area: Any,
    name: str,
    chair: Any,
    terms_of_reference: str,
    now: datetime.datetime,
    request: Any = None,
) -> Panel:
    """An administrator or coordinator sets up a panel of a type in the current panel types.

    A coordinator may set up panels only for the areas they coordinate, or pan-area panels. An
    area-scoped type needs an area; a pan-area type has none. The name is unique."""
    if not may_set_up_panel_for(actor, area):
        raise _refuse_panel_change(
            actor,
            request=request,
            after={"type_key": type_key, "area": str(area.pk) if area is not None else None},
        )
    name = name.strip()
    terms_of_reference = terms_of_reference.strip()
    types = load_panel_types()
    errors = _panel_fields_errors(name=name, chair=chair, terms_of_reference=terms_of_reference)
    panel_type = types.types.get(type_key)
    if panel_type is None:
        errors["type_key"] = ["Select the type of panel"]
    elif panel_type.is_pan_area and area is not None:
        errors["area"] = [
            f"A {panel_type.name} serves every area: choose \u201cAll areas\u201d, not one area"
        ]
    elif not panel_type.is_pan_area and area is None:
        errors["area"] = [f"Select the area this {panel_type.name} serves"]
    if errors:
        raise ServiceValidationError(errors)
    assert panel_type is not None
    try:
        with transaction.atomic():
            panel = Panel.objects.create(
                type_key=panel_type.key,
                type_version=types.version,
                area=area,
                name=name,
                chair=chair,
                terms_of_reference=terms_of_reference,
            )
            record_event(
                actor=actor,
                action="panels.panel_created",
                subject=panel,
                after={
                    "type_key": panel.type_key,
                    "type_version": panel.type_version,
                    "area": str(area.pk) if area is not None else None,
                    "name": name,
                    "chair": str(chair.pk),
                    "created_at": now.isoformat(),
                },
                request=request,
            )
    except IntegrityError:
        raise _name_taken(name) from None
    return panel


def panel_update(
    *,
    actor: Any,
    panel: Panel,
    name: str,
    chair: Any,
    terms_of_reference: str,
    now: datetime.datetime,
    request: Any = None,
) -> Panel:
    """Whoever manages the panel changes its name, chair or terms of reference."""
    if not rules.may_manage_panel(actor, panel):
        raise _refuse_panel_change(actor, panel, request=request)
    name = name.strip()
    terms_of_reference = terms_of_reference.strip()
    errors = _panel_fields_errors(
        name=name, chair=chair, terms_of_reference=terms_of_reference, exclude_pk=panel.pk
    )
    if errors:
        raise ServiceValidationError(errors)
    before = {
        "name": panel.name,
        "chair": str(panel.chair_id),
        "terms_of_reference": panel.terms_of_reference,
    }
    after = {"name": name, "chair": str(chair.pk), "terms_of_reference": terms_of_reference}
    changed = {key for key in after if after[key] != before[key]}
    try:
        with transaction.atomic():
            panel = Panel.objects.select_for_update().get(pk=panel.pk)
            if not changed:
                return panel
            panel.name = name
            panel.chair = chair
            panel.terms_of_reference = terms_of_reference
            panel.save(update_fields=["name", "chair", "terms_of_reference", "updated_at"])
            record_event(
                actor=actor,
                action="panels.panel_changed",
                subject=panel,
                before={key: before[key] for key in sorted(changed)},
                after={key: after[key] for key in sorted(changed)} | {"at": now.isoformat()},
                request=request,
            )
    except IntegrityError:
        raise _name_taken(name) from None
    return panel


def panel_member_add(
    *,
    actor: Any,
    panel: Panel,
    user: Any,
    agency: Any,
    now: datetime.datetime,
    request: Any = None,
) -> PanelMember:
    """Add ``user`` to the panel for ``agency`` (where they must hold an active role).

    A user sits on a panel once; adding someone who was removed makes them a member again (for
    the agency now chosen)."""
    from harbour.accounts.models import Membership

    if not rules.may_manage_panel(actor, panel):
        raise _refuse_panel_change(actor, panel, request=request)
    works_there = Membership.objects.filter(
        user_id=user.pk, agency_id=agency.pk, is_active=True, agency__is_active=True
    ).exists()
    if not user.is_active or not works_there:
        raise ServiceValidationError(
            {"member": [f"{user} does not work for {agency} in Harbour: choose someone else"]}
        )
    with transaction.atomic():
        member = PanelMember.objects.select_for_update().filter(panel=panel, user=user).first()
        if member is not None and member.is_active:
            raise ServiceValidationError({"member": [f"{user} is already a member of this panel"]})
        reactivated = member is not None
        if member is None:
            member = PanelMember.objects.create(panel=panel, user=user, agency=agency)
        else:
            member.is_active = True
            member.agency = agency
            member.save(update_fields=["is_active", "agency", "updated_at"])
        record_event(
            actor=actor,
            action="panels.panel_changed",
            subject=panel,
            after={
                "member_added": str(user.pk),
                "agency": str(agency.pk),
                "reactivated": reactivated,
                "at": now.isoformat(),
            },
            request=request,
        )
        return member


def panel_member_remove(
    *, actor: Any, member: PanelMember, now: datetime.datetime, request: Any = None
) -> PanelMember:
    """Whoever manages the panel removes a member (kept, inactive, for the record)."""
    if not rules.may_manage_panel(actor, member.panel):
        raise _refuse_panel_change(actor, member.panel, request=request)
    with transaction.atomic():
        member = PanelMember.objects.select_for_update().get(pk=member.pk)
        if not member.is_active:
            return member
        member.is_active = False
        member.save(update_fields=["is_active", "updated_at"])
        record_event(
            actor=actor,
            action="panels.panel_changed",
            subject=member.panel,
            after={
                "member_removed": str(member.user_id),
                "agency": str(member.agency_id),
                "at": now.isoformat(),
            },
            request=request,
        )
        return member


def meeting_schedule(
    *,
    actor: Any,
    panel: Panel,
    starts_at: datetime.datetime | None,
    place: str,
    call_details: str,
    now: datetime.datetime,
    request: Any = None,
) -> Meeting:
    """Whoever manages the panel schedules a meeting, in the future, with a place or call
    details (or both). Its agenda starts as a draft."""
    if not rules.may_manage_panel(actor, panel):
        raise _refuse_panel_change(actor, panel, request=request)
    place = place.strip()
    call_details = call_details.strip()
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = ["Enter the date and time the meeting starts"]
    elif starts_at <= now:
        errors["starts_at"] = ["The meeting must start in the future"]
    if not place and not call_details:
        errors["place"] = ["Enter where the meeting is held, or the details of the call, or both"]
    if len(place) > 300:
        errors["place"] = ["The place must be 300 characters or fewer"]
    if len(call_details) > 500:
        errors["call_details"] = ["The call details must be 500 characters or fewer"]
    if errors:
        raise ServiceValidationError(errors)
    assert starts_at is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            panel=panel, starts_at=starts_at, place=place, call_details=call_details
        )
        record_event(
            actor=actor,
            action="panels.meeting_scheduled",
            subject=meeting,
            after={
                "panel": str(panel.pk),
                "starts_at": starts_at.isoformat(),
                "place": place,
                "call_details": call_details,
                "at": now.isoformat(),
            },
            request=request,
        )
        return meeting


def _draft_meeting_for_change(actor: Any, meeting: Meeting) -> Meeting:
    """``meeting`` locked for a change by its chair while its agenda is a draft (call inside a
    transaction, after checking the actor is the chair)."""
    locked = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
    if locked.status != MeetingStatus.DRAFT:
        raise ServiceValidationError({"agenda": [_PUBLISHED]})
    return locked


def agenda_item_add_theme(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    now: datetime.datetime,
    request: Any = None,
) -> AgendaItem:
    """The chair adds a theme, place or person of interest to the end of a draft agenda."""
    if not is_chair(actor, meeting.panel):
        raise _refuse_change(actor, meeting)
    title = title.strip()
    if not title:
        raise ServiceValidationError(
            {"title": ["Enter the theme, place or person of interest to discuss"]}
        )
    if len(title) > 200:
        raise ServiceValidationError({"title": ["The title must be 200 characters or fewer"]})
    with transaction.atomic():
        meeting = _draft_meeting_for_change(actor, meeting)
        order = max(meeting.items.values_list("order", flat=True), default=0) + 1
        item = AgendaItem.objects.create(meeting=meeting, title=title, order=order)
        record_event(
            actor=actor,
            action="panels.agenda_item_added",
            subject=meeting,
            after={"item": str(item.pk), "title": title, "order": order, "at": now.isoformat()},
            request=request,
        )
        return item


def _renumber(meeting: Meeting) -> None:
    """Number the agenda 1, 2, 3 … in its current order. Each item moves to an order no higher
    than its own, in ascending order, so the (meeting, order) constraint never clashes."""
    for number, item in enumerate(meeting.items.order_by("order"), start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order", "updated_at"])


def agenda_item_remove(
    *, actor: Any, item: AgendaItem, now: datetime.datetime, request: Any = None
) -> None:
    """The chair removes an item from a draft agenda; the rest are numbered again from 1."""
    meeting = item.meeting
    if not is_chair(actor, meeting.panel):
        raise _refuse_change(actor, meeting)
    with transaction.atomic():
        meeting = _draft_meeting_for_change(actor, meeting)
        item = AgendaItem.objects.select_related("person").get(pk=item.pk, meeting=meeting)
        removed = {
            "item": str(item.pk),
            "person": str(item.person_id) if item.person_id else None,
            "title": item.title,
            "order": item.order,
        }
        item.delete()
        _renumber(meeting)
        record_event(
            actor=actor,
            action="panels.agenda_item_removed",
            subject=meeting,
            before=removed,
            after={"at": now.isoformat()},
            request=request,
        )


MOVE_UP = "up"
MOVE_DOWN = "down"


def agenda_item_move(
    *,
    actor: Any,
    item: AgendaItem,
    direction: str,
    now: datetime.datetime,
    request: Any = None,
) -> AgendaItem:
    """The chair swaps an item of a draft agenda with the one above (``"up"``) or below
    (``"down"``). Moving the first item up or the last down changes nothing."""
    meeting = item.meeting
    if not is_chair(actor, meeting.panel):
        raise _refuse_change(actor, meeting)
    if direction not in (MOVE_UP, MOVE_DOWN):
        raise ServiceValidationError({"direction": ["Choose to move the item up or down"]})
    with transaction.atomic():
        meeting = _draft_meeting_for_change(actor, meeting)
        item = AgendaItem.objects.get(pk=item.pk, meeting=meeting)
        neighbours = meeting.items.exclude(pk=item.pk)
        if direction == MOVE_UP:
            neighbour = neighbours.filter(order__lt=item.order).order_by("-order").first()
        else:
            neighbour = neighbours.filter(order__gt=item.order).order_by("order").first()
        if neighbour is None:
            return item
        old, new = item.order, neighbour.order
        # Park the item past the end first: (meeting, order) is unique at every step.
        item.order = max(meeting.items.values_list("order", flat=True)) + 1
        item.save(update_fields=["order", "updated_at"])
        neighbour.order = old
        neighbour.save(update_fields=["order", "updated_at"])
        item.order = new
        item.save(update_fields=["order", "updated_at"])
        record_event(
            actor=actor,
            action="panels.agenda_reordered",
            subject=meeting,
            before={"item": str(item.pk), "order": old},
            after={"item": str(item.pk), "order": new, "at": now.isoformat()},
            request=request,
        )
        return item
