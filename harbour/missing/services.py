"""Writes for missing episodes: reporting (a second report joins the open episode), the police
risk grading, the return (which starts the return home interview clock), the interview offer
(which stops it), breaches, closing, and the repeat-missing triggers.

Views, the API, imports and the demo seed call these same functions. Each validates before it
saves, records its audit event in the same transaction and writes to the child's chronology
(``source_type="missing.episode"``). Clocks and triggers come from the versioned clock policy.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Agency, Area, Membership, Role, User
from harbour.audit.services import record_event, snapshot
from harbour.cases.models import LIVE_STATUSES, Case
from harbour.core.errors import ServiceValidationError
from harbour.missing import clocks
from harbour.missing.models import (
    EpisodeCategory,
    EpisodeReport,
    EpisodeStatus,
    MissingEpisode,
    MissingFrom,
    RepeatMissingAlert,
    RiskGrade,
    RiskGrading,
)
from harbour.missing.policy import RepeatTrigger, load_clock_policy
from harbour.notifications.services import notification_send
from harbour.people.models import InvolvementKind, Person
from harbour.people.services import chronology_record, involvement_record

SOURCE_TYPE = "missing.episode"

#: Roles that report episodes, record returns and close them.
#: Schools, health and care providers' staff act in Harbour as referrers: they record too.
RECORDING_ROLES = (
    Role.CARE_PROVIDER,
    Role.REFERRER,
    Role.POLICE_EXPLOITATION,
    Role.LEAD_PROFESSIONAL,
    Role.FRONT_DOOR,
    Role.COORDINATOR,
    Role.RETURN_INTERVIEW,
)
#: Only the police grade the risk of a missing episode.
GRADING_ROLES = (Role.POLICE_EXPLOITATION,)

_NOT_ALLOWED = (
    "Only professionals who work with the child (schools, carers, health, police, social "
    "workers, the front door, coordinators and return interview workers) can record missing "
    "episodes"
)
_ONLY_POLICE_GRADE = "Only the police can grade the risk of a missing episode"

# Messages for bad input (tested one by one).
MSG_PERSON = "Choose a child you can see in Harbour"
MSG_MISSING_FROM = "Select where the child is missing from"
MSG_CATEGORY = "Select the category of absence"
MSG_LAST_SEEN_FUTURE = "The time the child was last seen cannot be in the future"
MSG_LAST_SEEN_WHERE = "Enter where the child was last seen"
MSG_REPORTED_FUTURE = "The time the child was reported missing cannot be in the future"
MSG_REPORTED_BEFORE_LAST_SEEN = (
    "The time the child was reported missing cannot be before they were last seen"
)
MSG_GRADE = "Select the police risk grading"
MSG_GRADE_NOT_POLICE = _ONLY_POLICE_GRADE
MSG_PLACING = "Enter the placing authority for a child placed out of area"
MSG_HOST = "Enter the host authority for a child placed out of area"
MSG_POLICE_REFERENCE = "Police reference must be 40 characters or fewer"
MSG_ALREADY_RETURNED = (
    "This absence is already recorded: the child was last seen {last_seen} and returned "
    "{returned}. Check the time the child was last seen: a new episode starts after the "
    "recorded return"
)
MSG_RETURN_FUTURE = "The return time cannot be in the future"
MSG_RETURN_BEFORE_LAST_SEEN = "The return time cannot be before the child was last seen"
MSG_RETURN_BEFORE_REPORTED = (
    "The time the child was found or returned cannot be before they were reported missing"
)
MSG_RETURNED_WHERE = "Enter where the child was found or returned to"
MSG_RETURNED_HOW = "Enter who found the child or brought them back"
MSG_NOT_OPEN = "The child's return has already been recorded on this episode"
MSG_EPISODE_CLOSED = "This episode is closed"
MSG_GRADE_REASON = "Enter the reason for the grading"
MSG_GRADE_UNCHANGED = "The episode is already graded {grade}"
MSG_CLOSE_NOT_RETURNED = "Record the child's return before closing the episode"
MSG_OFFER_NOT_RETURNED = "Record the child's return before the return home interview"
MSG_OFFER_ALREADY = "The return home interview offer is already recorded"
MSG_OFFER_FUTURE = "The time the interview was offered cannot be in the future"
MSG_OFFER_BEFORE_RETURN = "The interview cannot be offered before the child returned"


# Helpers ----------------------------------------------------------------------------------


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ServiceValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M")


def _acting_agency(actor: Any, roles: tuple[str, ...]) -> Agency:
    """The actor's agency in which they hold one of ``roles`` (first by name), or refusal."""
    viewer = policy.viewer_for(actor)
    agency_ids = [
        agency_id
        for agency_id, agency_roles in viewer.roles_by_agency.items()
        if agency_roles.intersection(roles)
    ]
    agency = Agency.objects.filter(pk__in=agency_ids, is_active=True).order_by("name").first()
    if agency is None:
        raise PermissionDenied(_ONLY_POLICE_GRADE if roles == GRADING_ROLES else _NOT_ALLOWED)
    return agency


def _require_visible(actor: Any, person: Person) -> None:
    if not policy.person_visible_to(actor).filter(pk=person.pk).exists():
        raise ServiceValidationError({"person": [MSG_PERSON]})


def _locked(episode: MissingEpisode) -> MissingEpisode:
    """The episode re-read under a row lock, so two writes to one episode cannot interleave."""
    return (
        MissingEpisode.objects.select_for_update()
        .select_related("person", "area", "reported_by_agency")
        .get(pk=episode.pk)
    )


def _chronology(
    episode: MissingEpisode,
    *,
    event_type: str,
    summary: str,
    at: datetime.datetime,
    agency: Agency | None,
) -> None:
    chronology_record(
        person=episode.person,
        occurred_at=at,
        event_type=event_type,
        summary=summary,
        agency=agency,
        source_type=SOURCE_TYPE,
        source_id=str(episode.pk),
    )


def episode_link(episode: MissingEpisode) -> str:
    return reverse("missing:detail", args=[episode.pk])


def _episode_area(person: Person, agency: Agency) -> Area:
    if person.home_area_id is not None:
        return person.home_area  # type: ignore[return-value]
    area = agency.areas.order_by("name").first()
    if area is None:
        raise ServiceValidationError(
            {"person": ["The child has no home area and your agency serves none: set one first"]}
        )
    return area


# Reporting --------------------------------------------------------------------------------


def _validate_report(
    *,
    actor: Any,
    missing_from: str,
    category: str,
    last_seen_at: datetime.datetime | None,
    last_seen_where: str,
    reported_at: datetime.datetime,
    now: datetime.datetime,
    risk_grade: str,
    police_reference: str,
    placed_out_of_area: bool,
    placing_authority: str,
    host_authority: str,
) -> None:
    errors: dict[str, list[str]] = {}
    if missing_from not in MissingFrom.values:
        _add(errors, "missing_from", MSG_MISSING_FROM)
    if category not in EpisodeCategory.values:
        _add(errors, "category", MSG_CATEGORY)
    if last_seen_at is not None and last_seen_at > now:
        _add(errors, "last_seen_at", MSG_LAST_SEEN_FUTURE)
    if not last_seen_where.strip():
        _add(errors, "last_seen_where", MSG_LAST_SEEN_WHERE)
    if reported_at > now:
        _add(errors, "reported_at", MSG_REPORTED_FUTURE)
    elif last_seen_at is not None and reported_at < last_seen_at <= now:
        _add(errors, "reported_at", MSG_REPORTED_BEFORE_LAST_SEEN)
    if risk_grade:
        if risk_grade not in RiskGrade.values:
            _add(errors, "risk_grade", MSG_GRADE)
        elif not policy.viewer_for(actor).has_role(*GRADING_ROLES):
            _add(errors, "risk_grade", MSG_GRADE_NOT_POLICE)
    if len(police_reference.strip()) > 40:
        _add(errors, "police_reference", MSG_POLICE_REFERENCE)
    if placed_out_of_area:
        if not placing_authority.strip():
            _add(errors, "placing_authority", MSG_PLACING)
        if not host_authority.strip():
            _add(errors, "host_authority", MSG_HOST)
    _raise_if(errors)


def _overlapping_returned_episode(
    person: Person, last_seen_at: datetime.datetime
) -> MissingEpisode | None:
    """A recorded episode (returned or closed) whose absence the new report falls within: the
    child was last seen before that episode's recorded return."""
    return (
        MissingEpisode.objects.filter(
            person=person,
            status__in=(EpisodeStatus.RETURNED, EpisodeStatus.CLOSED),
            returned_at__gt=last_seen_at,
            last_seen_at__lte=last_seen_at,
        )
        .order_by("-returned_at")
        .first()
    )


@transaction.atomic
def episode_report(
    *,
    actor: Any,
    person: Person,
    missing_from: str,
    category: str,
    last_seen_at: datetime.datetime,
    last_seen_where: str,
    risk_grade: str = "",
    police_reference: str = "",
    placed_out_of_area: bool = False,
    placing_authority: str = "",
    host_authority: str = "",
    note: str = "",
    reported_at: datetime.datetime | None = None,
    request: Any = None,
) -> tuple[MissingEpisode, bool]:
    """Report a child missing. Returns ``(episode, created)``.

    If the child already has an open episode the report joins it (``created`` is False): one
    absence is never recorded twice. A report of an absence that falls within an episode already
    recorded as returned is refused. ``reported_at`` is when the absence was reported (to the
    police or the service); it defaults to now and lets a report be entered after the fact.
    """
    agency = _acting_agency(actor, RECORDING_ROLES)
    _require_visible(actor, person)
    now = timezone.now()
    reported_at = reported_at or now
    _validate_report(
        actor=actor,
        missing_from=missing_from,
        category=category,
        last_seen_at=last_seen_at,
        last_seen_where=last_seen_where,
        reported_at=reported_at,
        now=now,
        risk_grade=risk_grade,
        police_reference=police_reference,
        placed_out_of_area=placed_out_of_area,
        placing_authority=placing_authority,
        host_authority=host_authority,
    )
    # One report at a time per child: the row lock serialises the "is there an open episode?"
    # check with the insert (the partial unique constraint is the last line of defence).
    Person.objects.select_for_update().filter(pk=person.pk).first()
    open_episode = (
        MissingEpisode.objects.select_for_update()
        .filter(person=person, status=EpisodeStatus.OPEN)
        .first()
    )
    if open_episode is not None:
        _join(
            actor=actor,
            agency=agency,
            episode=open_episode,
            reported_at=reported_at,
            risk_grade=risk_grade,
            police_reference=police_reference,
            note=note,
            request=request,
        )
        return open_episode, False

    duplicate = _overlapping_returned_episode(person, last_seen_at)
    if duplicate is not None:
        assert duplicate.returned_at is not None
        message = MSG_ALREADY_RETURNED.format(
            last_seen=_local(duplicate.last_seen_at), returned=_local(duplicate.returned_at)
        )
        raise ServiceValidationError({"last_seen_at": [message]})

    area = _episode_area(person, agency)
    episode = MissingEpisode.objects.create(
        person=person,
        area=area,
        missing_from=missing_from,
        category=category,
        risk_grade=risk_grade,
        reported_at=reported_at,
        reported_by=actor,
        reported_by_agency=agency,
        police_reference=police_reference.strip(),
        last_seen_at=last_seen_at,
        last_seen_where=last_seen_where.strip(),
        placed_out_of_area=placed_out_of_area,
        placing_authority=placing_authority.strip() if placed_out_of_area else "",
        host_authority=host_authority.strip() if placed_out_of_area else "",
    )
    EpisodeReport.objects.create(
        episode=episode,
        reported_at=reported_at,
        reported_by=actor,
        reported_by_agency=agency,
        note=note.strip(),
        joined_existing=False,
    )
    if risk_grade:
        RiskGrading.objects.create(
            episode=episode,
            grade=risk_grade,
            graded_at=now,
            graded_by=actor,
            reason="Graded when the child was reported missing",
        )
    record_event(
        actor=actor,
        action="missing.episode_reported",
        subject=episode,
        after=snapshot(
            episode,
            [
                "person_id",
                "area_id",
                "missing_from",
                "category",
                "risk_grade",
                "reported_at",
                "last_seen_at",
                "police_reference",
                "placed_out_of_area",
            ],
        ),
        request=request,
    )
    involvement_record(
        actor=actor,
        person=person,
        agency=agency,
        kind=InvolvementKind.HOLDS_RECORD,
        source_type=SOURCE_TYPE,
        source_id=str(episode.pk),
        description="Reported the child missing",
        request=request,
    )
    _chronology(
        episode,
        event_type="missing.reported",
        summary=(
            f"Reported missing from {episode.get_missing_from_display().lower()} "
            f"({episode.get_category_display().lower()}) by {agency}; last seen "
            f"{_local(last_seen_at)}"
        ),
        at=reported_at,
        agency=agency,
    )
    evaluate_repeat_triggers(episode=episode, now=now, actor=actor)
    return episode, True


def _join(
    *,
    actor: Any,
    agency: Agency,
    episode: MissingEpisode,
    reported_at: datetime.datetime,
    risk_grade: str,
    police_reference: str,
    note: str,
    request: Any,
) -> None:
    """A further report of the same absence: kept as a report on the open episode."""
    report = EpisodeReport.objects.create(
        episode=episode,
        reported_at=reported_at,
        reported_by=actor,
        reported_by_agency=agency,
        note=note.strip(),
        joined_existing=True,
    )
    filled: dict[str, Any] = {}
    if police_reference.strip() and not episode.police_reference:
        episode.police_reference = police_reference.strip()
        filled["police_reference"] = episode.police_reference
    if filled:
        episode.save(update_fields=[*filled, "updated_at"])
    record_event(
        actor=actor,
        action="missing.episode_report_joined",
        subject=episode,
        after={"report_id": str(report.pk), "agency_id": str(agency.pk), **filled},
        request=request,
    )
    if risk_grade and risk_grade != episode.risk_grade:
        _grade(
            actor=actor,
            episode=episode,
            grade=risk_grade,
            reason="Graded on a further report of the same absence",
            agency=agency,
            request=request,
        )
    involvement_record(
        actor=actor,
        person=episode.person,
        agency=agency,
        kind=InvolvementKind.HOLDS_RECORD,
        source_type=SOURCE_TYPE,
        source_id=str(episode.pk),
        description="Reported the child missing",
        request=request,
    )
    _chronology(
        episode,
        event_type="missing.report_joined",
        summary=f"Further report of the same absence by {agency}: joined the open episode",
        at=reported_at,
        agency=agency,
    )


# Grading ----------------------------------------------------------------------------------


def _grade(
    *,
    actor: Any,
    episode: MissingEpisode,
    grade: str,
    reason: str,
    agency: Agency,
    request: Any,
) -> RiskGrading:
    now = timezone.now()
    before = episode.risk_grade
    grading = RiskGrading.objects.create(
        episode=episode, grade=grade, graded_at=now, graded_by=actor, reason=reason.strip()
    )
    episode.risk_grade = grade
    episode.save(update_fields=["risk_grade", "updated_at"])
    record_event(
        actor=actor,
        action="missing.episode_graded",
        subject=episode,
        before={"risk_grade": before},
        after={"risk_grade": grade},
        reason=reason.strip(),
        request=request,
    )
    _chronology(
        episode,
        event_type="missing.graded",
        summary=f"Police risk grading of the missing episode: {grading.get_grade_display()}",
        at=now,
        agency=agency,
    )
    return grading


@transaction.atomic
def episode_grade(
    *, actor: Any, episode: MissingEpisode, grade: str, reason: str, request: Any = None
) -> RiskGrading:
    """The police grade (or re-grade) the risk; every grading is kept as history."""
    agency = _acting_agency(actor, GRADING_ROLES)
    _require_visible(actor, episode.person)
    episode = _locked(episode)
    errors: dict[str, list[str]] = {}
    if episode.status == EpisodeStatus.CLOSED:
        _add(errors, "grade", MSG_EPISODE_CLOSED)
    if grade not in RiskGrade.values:
        _add(errors, "grade", MSG_GRADE)
    elif grade == episode.risk_grade:
        _add(errors, "grade", MSG_GRADE_UNCHANGED.format(grade=RiskGrade(grade).label.lower()))
    if not reason.strip():
        _add(errors, "reason", MSG_GRADE_REASON)
    _raise_if(errors)
    return _grade(
        actor=actor, episode=episode, grade=grade, reason=reason, agency=agency, request=request
    )


# The return and the interview clock ------------------------------------------------------------


@transaction.atomic
def episode_record_return(
    *,
    actor: Any,
    episode: MissingEpisode,
    returned_at: datetime.datetime,
    returned_where: str,
    returned_how: str,
    returned_with_whom: str = "",
    request: Any = None,
) -> MissingEpisode:
    """The child was found or came back: starts the return home interview clock (due a policy
    number of elapsed hours later), then checks the repeat-missing triggers."""
    agency = _acting_agency(actor, RECORDING_ROLES)
    _require_visible(actor, episode.person)
    episode = _locked(episode)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if episode.status != EpisodeStatus.OPEN:
        _add(errors, "returned_at", MSG_NOT_OPEN)
    elif returned_at > now:
        _add(errors, "returned_at", MSG_RETURN_FUTURE)
    elif returned_at < episode.last_seen_at:
        _add(errors, "returned_at", MSG_RETURN_BEFORE_LAST_SEEN)
    elif returned_at < episode.reported_at:
        _add(errors, "returned_at", MSG_RETURN_BEFORE_REPORTED)
    if not returned_where.strip():
        _add(errors, "returned_where", MSG_RETURNED_WHERE)
    if not returned_how.strip():
        _add(errors, "returned_how", MSG_RETURNED_HOW)
    _raise_if(errors)

    clock_policy = load_clock_policy()
    hours = clock_policy.interview_due_hours(episode.area.code)
    episode.status = EpisodeStatus.RETURNED
    episode.returned_at = returned_at
    episode.returned_where = returned_where.strip()
    episode.returned_how = returned_how.strip()
    episode.returned_with_whom = returned_with_whom.strip()
    episode.interview_due_at = clocks.interview_due_at(returned_at, hours=hours)
    episode.clock_policy_version = clock_policy.version
    episode.save()
    record_event(
        actor=actor,
        action="missing.episode_returned",
        subject=episode,
        before={"status": EpisodeStatus.OPEN},
        after=snapshot(
            episode,
            [
                "status",
                "returned_at",
                "returned_where",
                "returned_how",
                "returned_with_whom",
                "interview_due_at",
                "clock_policy_version",
            ],
        ),
        request=request,
    )
    _chronology(
        episode,
        event_type="missing.returned",
        summary=(
            f"Returned or found {_local(returned_at)} after "
            f"{clocks.format_duration(episode.duration)} missing; return home interview due by "
            f"{_local(episode.interview_due_at)}"
        ),
        at=returned_at,
        agency=agency,
    )
    evaluate_repeat_triggers(episode=episode, now=now, actor=actor)
    return episode


@transaction.atomic
def episode_record_interview_offer(
    *, actor: Any, episode: MissingEpisode, offered_at: datetime.datetime, request: Any = None
) -> MissingEpisode:
    """The return home interview was offered: stops the clock, met or breached.

    The return interviews app calls this when an interview is offered, so the episode's clock
    and the measures read one field.
    """
    agency = _acting_agency(actor, RECORDING_ROLES)
    _require_visible(actor, episode.person)
    episode = _locked(episode)
    errors: dict[str, list[str]] = {}
    if episode.returned_at is None:
        _add(errors, "offered_at", MSG_OFFER_NOT_RETURNED)
    elif episode.interview_offered_at is not None:
        _add(errors, "offered_at", MSG_OFFER_ALREADY)
    elif offered_at > timezone.now():
        _add(errors, "offered_at", MSG_OFFER_FUTURE)
    elif offered_at < episode.returned_at:
        _add(errors, "offered_at", MSG_OFFER_BEFORE_RETURN)
    _raise_if(errors)
    episode.interview_offered_at = offered_at
    episode.save(update_fields=["interview_offered_at", "updated_at"])
    reading = clocks.interview_clock_state(episode, offered_at)
    record_event(
        actor=actor,
        action="missing.interview_offered",
        subject=episode,
        after={"interview_offered_at": offered_at, "clock": reading.state.value},
        request=request,
    )
    _chronology(
        episode,
        event_type="missing.interview_offered",
        summary=f"Return home interview offered {_local(offered_at)}: {reading.label.lower()}",
        at=offered_at,
        agency=agency,
    )
    if reading.state == clocks.ClockState.BREACHED and episode.interview_breach_recorded_at is None:
        _record_breach(episode=episode, now=timezone.now(), actor=actor)
    return episode


def _record_breach(*, episode: MissingEpisode, now: datetime.datetime, actor: Any) -> None:
    assert episode.interview_due_at is not None
    episode.interview_breach_recorded_at = now
    episode.save(update_fields=["interview_breach_recorded_at", "updated_at"])
    record_event(
        actor=actor,
        action="missing.interview_clock_breached",
        subject=episode,
        after={
            "interview_due_at": episode.interview_due_at,
            "clock_policy_version": episode.clock_policy_version,
        },
        actor_label="" if actor is not None else "missing clock",
    )
    _chronology(
        episode,
        event_type="missing.interview_clock_breached",
        summary=(
            f"Return home interview not offered by {_local(episode.interview_due_at)}: "
            "the clock was breached"
        ),
        at=episode.interview_due_at,
        agency=None,
    )


@transaction.atomic
def interview_clock_breaches_record(*, now: datetime.datetime | None = None) -> int:
    """Record the breach of every interview clock that ran out with no offer (once each).

    For a scheduled task (or a management command); returns how many breaches it recorded.
    """
    now = now or timezone.now()
    overdue = (
        MissingEpisode.objects.select_for_update()
        .select_related("person")
        .filter(
            interview_due_at__lte=now,
            interview_offered_at__isnull=True,
            interview_breach_recorded_at__isnull=True,
        )
    )
    count = 0
    for episode in overdue:
        _record_breach(episode=episode, now=now, actor=None)
        count += 1
    return count


@transaction.atomic
def episode_close(*, actor: Any, episode: MissingEpisode, request: Any = None) -> MissingEpisode:
    """Close an episode once the child's return is recorded (the interview clock runs on)."""
    agency = _acting_agency(actor, RECORDING_ROLES)
    _require_visible(actor, episode.person)
    episode = _locked(episode)
    if episode.status == EpisodeStatus.OPEN:
        raise ServiceValidationError({"episode": [MSG_CLOSE_NOT_RETURNED]})
    if episode.status == EpisodeStatus.CLOSED:
        raise ServiceValidationError({"episode": [MSG_EPISODE_CLOSED]})
    now = timezone.now()
    episode.status = EpisodeStatus.CLOSED
    episode.closed_at = now
    episode.closed_by = actor
    episode.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    record_event(
        actor=actor,
        action="missing.episode_closed",
        subject=episode,
        before={"status": EpisodeStatus.RETURNED},
        after={"status": EpisodeStatus.CLOSED},
        request=request,
    )
    _chronology(
        episode,
        event_type="missing.closed",
        summary="Missing episode closed",
        at=now,
        agency=agency,
    )
    return episode


# Repeat-missing triggers ----------------------------------------------------------------------


def _episodes_in_window(episode: MissingEpisode, trigger: RepeatTrigger) -> QuerySet[Any]:
    start = clocks.window_start(episode.reported_at, days=trigger.window_days)
    return MissingEpisode.objects.filter(
        person_id=episode.person_id, reported_at__gt=start, reported_at__lte=episode.reported_at
    )


def _alert_recipients(episode: MissingEpisode) -> list[User]:
    """The lead professional of the child's live case, and every coordinator whose agency serves
    the episode's area (active people in active agencies), each once."""
    recipients: dict[Any, User] = {}
    case = (
        Case.objects.filter(person_id=episode.person_id, status__in=LIVE_STATUSES)
        .select_related("lead_professional")
        .first()
    )
    if case is not None and case.lead_professional.is_active:
        recipients[case.lead_professional.pk] = case.lead_professional
    coordinators = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            role=Role.COORDINATOR,
            is_active=True,
            agency__is_active=True,
            agency__areas=episode.area_id,
        ).values("user_id"),
    ).order_by("username")
    for coordinator in coordinators:
        recipients.setdefault(coordinator.pk, coordinator)
    return list(recipients.values())


def evaluate_repeat_triggers(
    *, episode: MissingEpisode, now: datetime.datetime, actor: Any = None
) -> list[RepeatMissingAlert]:
    """Fire each of the area's triggers the child's episodes have reached, at most once per
    trigger and window.

    A trigger counts the child's episodes reported within its window ending at this episode (this
    one included). It fires when the count reaches the threshold (the 3rd episode in 30 days, not
    the 2nd) and no alert of the same trigger fired for an episode within the same window; an
    episode never fires the same trigger twice. The lead professional and the area's coordinators
    are told; the chronology records the prompt to review the assessment.
    """
    clock_policy = load_clock_policy()
    fired: list[RepeatMissingAlert] = []
    for trigger in clock_policy.triggers_for(episode.area.code):
        in_window = _episodes_in_window(episode, trigger)
        count = in_window.count()
        if count < trigger.episodes:
            continue
        already = RepeatMissingAlert.objects.filter(
            person_id=episode.person_id,
            trigger_id=trigger.id,
            episode__in=in_window,
        ).exists()
        if already:
            continue
        alert = RepeatMissingAlert.objects.create(
            person_id=episode.person_id,
            area_id=episode.area_id,
            episode=episode,
            trigger_id=trigger.id,
            policy_version=clock_policy.version,
            episode_count=count,
            window_days=trigger.window_days,
            fired_at=now,
        )
        fired.append(alert)
        record_event(
            actor=actor,
            action="missing.repeat_alert_fired",
            subject=episode,
            after={
                "alert_id": str(alert.pk),
                "trigger_id": trigger.id,
                "episode_count": count,
                "window_days": trigger.window_days,
                "policy_version": clock_policy.version,
            },
        )
        _chronology(
            episode,
            event_type="missing.repeat_alert",
            summary=(
                f"Repeat missing: {count} episodes in {trigger.window_days} days — "
                "assessment review prompted"
            ),
            at=now,
            agency=None,
        )
        for recipient in _alert_recipients(episode):
            notification_send(
                recipient=recipient,
                subject="Repeat missing: an assessment review is prompted",
                body=(
                    f"A child has been reported missing {count} times in {trigger.window_days} "
                    "days. Review their exploitation risk assessment. Sign in to Harbour to see "
                    "the episode."
                ),
                link_url=episode_link(episode),
                about=episode,
                actor=actor,
            )
    return fired
