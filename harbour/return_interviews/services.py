"""Writes for return home interviews: the offer, the child's refusal, "not offered" with the
reason, and completion (which shares the interview).

Views, the API, imports and the demo call these same functions. Each validates before it saves,
records its audit event in the same transaction and writes the event to the child's chronology
(``source_type="return_interviews.interview"``).

Independence: only a user with the ``return_interview`` role in an agency serving the episode's
area may offer, record or complete an interview (``rules.worker_agency``) — the commissioned
return interview service, independent of the child's carers. Anyone else gets
``PermissionDenied`` (a 404 from the pages). The worker's agency is recorded as holding a record
about the child, so its staff can see the child they interview.

Sharing: completing an interview notifies every police exploitation officer and every
coordinator in the active agencies serving the episode's area, and the lead professional of the
child's live case — exactly those — and records those police and coordinator agencies as holding
a record about the child, so each of them can open the interview through the access policy.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Agency, Membership, Role, User
from harbour.audit.services import record_event, snapshot
from harbour.cases.models import LIVE_STATUSES, Case
from harbour.core.errors import ServiceValidationError
from harbour.missing import services as missing_services
from harbour.missing.models import MissingEpisode
from harbour.notifications.services import notification_send
from harbour.people.models import InvolvementKind
from harbour.people.services import chronology_record, involvement_record
from harbour.return_interviews.checklist import PULL, PUSH, current_checklist
from harbour.return_interviews.clock import due_at_of
from harbour.return_interviews.intelligence import (
    IntelligenceError,
    IntelligenceInput,
    clean_item,
)
from harbour.return_interviews.models import (
    IntelligenceItem,
    InterviewFactor,
    InterviewOutcome,
    ReturnInterview,
)
from harbour.return_interviews.rules import worker_agency

SOURCE_TYPE = "return_interviews.interview"

NOT_A_WORKER = (
    "Only an independent return interview worker for the child's area can do this: someone "
    "with the return interview role, not one of the child's carers"
)
NOT_RETURNED = "The child has not returned yet"
OFFER_BEFORE_RETURN = "The interview cannot be offered before the child returned"
OFFER_IN_FUTURE = "The time the interview was offered cannot be in the future"
OFFER_MISSING = "Enter when the interview was offered"
ALREADY_RECORDED = "A return interview is already recorded for this episode"
NOT_AWAITING = "This interview's outcome is already recorded"
CARERS_KNOW_MISSING = "Enter what the child's parents or carers know"
REASON_MISSING = "Enter why the interview was not offered"
CONDUCTED_MISSING = "Enter when the interview took place"
CONDUCTED_BEFORE_RETURN = "The interview cannot be before the child returned"
CONDUCTED_BEFORE_OFFER = "The interview cannot be before it was offered"
CONDUCTED_IN_FUTURE = "The interview cannot be in the future"
WHERE_MISSING = "Enter where the interview took place"
WHERE_CHILD_WAS_MISSING = "Enter where the child was, or that they did not say"
WISHES_MISSING = "Enter what the child wants to happen, or that they did not say"
SAFETY_MISSING = "Enter the safety information and helplines given"
PUSH_UNKNOWN = "Choose push factors from the list"
PULL_UNKNOWN = "Choose pull factors from the list"

NOTIFICATION_SUBJECT = "A return home interview has been shared with you"
NOTIFICATION_BODY = (
    "A return home interview with a child after a missing episode has been completed and shared "
    "with you. Sign in to Harbour to read what the child said."
)


@dataclass(frozen=True)
class InterviewClock:
    """Where an episode stands against the 72-hour offer clock (see ``clock``). As in the
    missing app's clock, the due moment itself is overdue for an episode not yet offered, and
    an offer at the due moment is in time."""

    returned_at: datetime.datetime | None
    due_at: datetime.datetime | None
    offered_at: datetime.datetime | None
    now: datetime.datetime

    @property
    def started(self) -> bool:
        return self.returned_at is not None

    @property
    def met(self) -> bool:
        """Offered by the due time."""
        if self.due_at is None or self.offered_at is None:
            return False
        return self.offered_at <= self.due_at

    @property
    def breached(self) -> bool:
        """Offered late, or not offered and the due time has passed."""
        if self.due_at is None or self.met:
            return False
        return self.offered_at is not None or self.now >= self.due_at

    @property
    def running(self) -> bool:
        """Returned, not offered yet, and still in time."""
        return self.started and not self.met and not self.breached

    @property
    def time_left(self) -> datetime.timedelta | None:
        return self.due_at - self.now if self.running and self.due_at is not None else None


def interview_clock(
    *,
    episode: MissingEpisode,
    interview: ReturnInterview | None = None,
    now: datetime.datetime | None = None,
) -> InterviewClock:
    """The episode's offer clock. The statutory requirement is the OFFER within 72 hours of the
    return (not the interview itself), so ``met`` means offered by the due time."""
    return InterviewClock(
        returned_at=episode.returned_at,
        due_at=due_at_of(
            returned_at=episode.returned_at, interview_due_at=episode.interview_due_at
        ),
        offered_at=episode.interview_offered_at
        or (interview.offered_at if interview is not None else None),
        now=now or timezone.now(),
    )


# Helpers ----------------------------------------------------------------------------------


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ServiceValidationError(errors)


def _require_worker(actor: Any, episode: MissingEpisode) -> Agency:
    agency = worker_agency(actor, episode.area_id)
    if agency is None:
        raise PermissionDenied(NOT_A_WORKER)
    return agency


def _locked_episode(episode: MissingEpisode) -> MissingEpisode:
    return (
        MissingEpisode.objects.select_for_update()
        .select_related("person", "area")
        .get(pk=episode.pk)
    )


def _locked_interview(interview: ReturnInterview) -> ReturnInterview:
    return (
        ReturnInterview.objects.select_for_update()
        .select_related("episode", "person", "episode__area")
        .get(pk=interview.pk)
    )


def _chronology(
    interview: ReturnInterview,
    *,
    event_type: str,
    summary: str,
    at: datetime.datetime,
    agency: Agency | None,
) -> None:
    chronology_record(
        person=interview.person,
        occurred_at=at,
        event_type=event_type,
        summary=summary,
        agency=agency,
        source_type=SOURCE_TYPE,
        source_id=str(interview.pk),
    )


def _holds_record(
    *, actor: Any, interview: ReturnInterview, agency: Agency, description: str, request: Any
) -> None:
    """Record that ``agency`` holds a record about the child through this interview (which
    lets its staff see the child, and so the interview)."""
    involvement_record(
        actor=actor,
        person=interview.person,
        agency=agency,
        kind=InvolvementKind.HOLDS_RECORD,
        source_type=SOURCE_TYPE,
        source_id=str(interview.pk),
        description=description,
        request=request,
    )


def _validate_offer_time(
    offered_at: datetime.datetime | None,
    episode: MissingEpisode,
    now: datetime.datetime,
    errors: dict[str, list[str]],
) -> None:
    if offered_at is None:
        _add(errors, "offered_at", OFFER_MISSING)
    elif episode.returned_at is not None and offered_at < episode.returned_at:
        _add(errors, "offered_at", OFFER_BEFORE_RETURN)
    elif offered_at > now:
        _add(errors, "offered_at", OFFER_IN_FUTURE)


# The offer and its outcome ----------------------------------------------------------------


@transaction.atomic
def interview_offer(
    *,
    actor: Any,
    episode: MissingEpisode,
    offered_at: datetime.datetime | None,
    request: Any = None,
) -> ReturnInterview:
    """Record that an independent worker offered the child a return interview.

    The episode must have a return, and the offer cannot be before it or in the future. An
    episode earlier recorded as "not offered" can still be offered (the reason stays in the
    audit log); any other recorded interview cannot be offered twice.
    """
    agency = _require_worker(actor, episode)
    episode = _locked_episode(episode)
    now = timezone.now()
    existing = ReturnInterview.objects.filter(episode=episode).first()
    errors: dict[str, list[str]] = {}
    if episode.returned_at is None:
        _add(errors, "episode", NOT_RETURNED)
    offered_before = existing is not None and existing.outcome != InterviewOutcome.NOT_OFFERED
    if offered_before or episode.interview_offered_at is not None:
        _add(errors, "episode", ALREADY_RECORDED)
    _validate_offer_time(offered_at, episode, now, errors)
    _raise_if(errors)
    assert offered_at is not None
    interview = existing or ReturnInterview(episode=episode, person=episode.person)
    before = snapshot(interview, ["outcome", "not_offered_reason"]) if existing else None
    interview.offered_at = offered_at
    interview.offered_by = actor
    interview.offered_by_agency = agency
    interview.outcome = ""
    interview.outcome_recorded_at = None
    interview.outcome_recorded_by = None
    interview.not_offered_reason = ""
    interview.save()
    _holds_record(
        actor=actor,
        interview=interview,
        agency=agency,
        description="Offered the child a return home interview",
        request=request,
    )
    # Stops the episode's clock (met or breached): the episode's clock, its breach record and
    # the 72-hour measure all read ``MissingEpisode.interview_offered_at`` (ADR 0008).
    episode = missing_services.episode_record_interview_offer(
        actor=actor, episode=episode, offered_at=offered_at, request=request
    )
    clock = interview_clock(episode=episode, interview=interview, now=now)
    record_event(
        actor=actor,
        action="return_interview.offered",
        subject=interview,
        before=before,
        after={
            "episode_id": str(episode.pk),
            "offered_at": offered_at,
            "offered_by_agency_id": str(agency.pk),
            "due_at": clock.due_at,
            "within_clock": clock.met,
        },
        request=request,
    )
    timing = "within" if clock.met else "outside"
    _chronology(
        interview,
        event_type="return_interview.offered",
        summary=f"Return home interview offered by {agency}, {timing} 72 hours of the return",
        at=offered_at,
        agency=agency,
    )
    return interview


@transaction.atomic
def interview_record_refusal(
    *, actor: Any, interview: ReturnInterview, carers_know: str, request: Any = None
) -> ReturnInterview:
    """Record that the child refused the offered interview, and what their carers know."""
    _require_worker(actor, interview.episode)
    interview = _locked_interview(interview)
    errors: dict[str, list[str]] = {}
    if not interview.awaiting_outcome:
        _add(errors, "interview", NOT_AWAITING)
    if not carers_know.strip():
        _add(errors, "carers_know", CARERS_KNOW_MISSING)
    _raise_if(errors)
    now = timezone.now()
    interview.outcome = InterviewOutcome.REFUSED
    interview.outcome_recorded_at = now
    interview.outcome_recorded_by = actor
    interview.carers_know = carers_know.strip()
    interview.save(
        update_fields=[
            "outcome",
            "outcome_recorded_at",
            "outcome_recorded_by",
            "carers_know",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        action="return_interview.refused",
        subject=interview,
        after={"outcome": interview.outcome, "carers_know": interview.carers_know},
        request=request,
    )
    _chronology(
        interview,
        event_type="return_interview.refused",
        summary="The child refused the return home interview",
        at=now,
        agency=interview.offered_by_agency,
    )
    return interview


@transaction.atomic
def interview_record_not_offered(
    *, actor: Any, episode: MissingEpisode, reason: str, request: Any = None
) -> ReturnInterview:
    """Record that no interview was offered for a returned episode, and why."""
    agency = _require_worker(actor, episode)
    episode = _locked_episode(episode)
    errors: dict[str, list[str]] = {}
    if episode.returned_at is None:
        _add(errors, "episode", NOT_RETURNED)
    if ReturnInterview.objects.filter(episode=episode).exists():
        _add(errors, "episode", ALREADY_RECORDED)
    if not reason.strip():
        _add(errors, "reason", REASON_MISSING)
    _raise_if(errors)
    now = timezone.now()
    interview = ReturnInterview.objects.create(
        episode=episode,
        person=episode.person,
        outcome=InterviewOutcome.NOT_OFFERED,
        outcome_recorded_at=now,
        outcome_recorded_by=actor,
        not_offered_reason=reason.strip(),
    )
    _holds_record(
        actor=actor,
        interview=interview,
        agency=agency,
        description="Recorded why a return home interview was not offered",
        request=request,
    )
    record_event(
        actor=actor,
        action="return_interview.not_offered",
        subject=interview,
        after={
            "episode_id": str(episode.pk),
            "agency_id": str(agency.pk),
            "reason": interview.not_offered_reason,
        },
        request=request,
    )
    _chronology(
        interview,
        event_type="return_interview.not_offered",
        summary=f"Return home interview not offered: {interview.not_offered_reason[:200]}",
        at=now,
        agency=agency,
    )
    return interview


# Completion and sharing -------------------------------------------------------------------


def _clean_factors(
    codes: Iterable[str], *, kind: str, field: str, message: str, errors: dict[str, list[str]]
) -> list[str]:
    chosen = list(dict.fromkeys(code for code in codes if code))
    if set(chosen) - current_checklist().codes(kind):
        _add(errors, field, message)
    return chosen


def _clean_items(
    items: Sequence[IntelligenceInput], errors: dict[str, list[str]]
) -> list[IntelligenceInput]:
    cleaned: list[IntelligenceInput] = []
    for index, item in enumerate(items, start=1):
        try:
            cleaned.append(clean_item(item))
        except IntelligenceError as error:
            if item.row:
                _add(errors, f"intel_{item.row}_{error.field}", error.message)
            else:
                _add(errors, "intelligence_items", f"Intelligence item {index}: {error.message}")
    return cleaned


def share_recipients(episode: MissingEpisode) -> tuple[list[User], list[Agency]]:
    """Who a completed interview is shared with: the police exploitation officers and
    coordinators of the active agencies serving the episode's area, and the lead professional
    of the child's live case; and the police and coordinator agencies (to hold a record)."""
    memberships = (
        Membership.objects.filter(
            role__in=(Role.POLICE_EXPLOITATION, Role.COORDINATOR),
            is_active=True,
            user__is_active=True,
            agency__is_active=True,
            agency__areas=episode.area_id,
        )
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__first_name")
    )
    users: dict[Any, User] = {}
    agencies: dict[Any, Agency] = {}
    for membership in memberships:
        users.setdefault(membership.user_id, membership.user)
        agencies.setdefault(membership.agency_id, membership.agency)
    case = (
        Case.objects.filter(person_id=episode.person_id, status__in=LIVE_STATUSES)
        .select_related("lead_professional")
        .first()
    )
    if case is not None and case.lead_professional.is_active:
        users.setdefault(case.lead_professional_id, case.lead_professional)
    return list(users.values()), list(agencies.values())


def _share(*, actor: Any, interview: ReturnInterview, request: Any) -> list[User]:
    users, agencies = share_recipients(interview.episode)
    for agency in agencies:
        _holds_record(
            actor=actor,
            interview=interview,
            agency=agency,
            description="A return home interview was shared with the agency",
            request=request,
        )
    link = reverse("return_interviews:detail", args=[interview.pk])
    for user in users:
        notification_send(
            recipient=user,
            subject=NOTIFICATION_SUBJECT,
            body=NOTIFICATION_BODY,
            link_url=link,
            about=interview,
            actor=actor,
        )
    return users


@transaction.atomic
def interview_complete(
    *,
    actor: Any,
    interview: ReturnInterview,
    conducted_at: datetime.datetime | None,
    conducted_where: str,
    push_factors: Iterable[str] = (),
    pull_factors: Iterable[str] = (),
    push_narrative: str = "",
    pull_narrative: str = "",
    where_child_was: str = "",
    with_whom: str = "",
    how_travelled: str = "",
    harm_suffered: str = "",
    disclosures: str = "",
    exploitation_indicators: str = "",
    safety_information: str = "",
    child_wishes: str = "",
    recommendations: str = "",
    intelligence_items: Sequence[IntelligenceInput] = (),
    request: Any = None,
) -> ReturnInterview:
    """Record what the child said at the interview and share it.

    The interview must have been offered and not refused; it cannot be before the return or the
    offer, or in the future. Where the child was, what they want to happen and the safety
    information given are required (each may say the child did not answer). Factors come from
    the newest checklist version; intelligence items are checked and normalised
    (``intelligence.clean_item``). Nothing is saved unless everything is valid.
    """
    agency = _require_worker(actor, interview.episode)
    interview = _locked_interview(interview)
    episode = interview.episode
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if not interview.awaiting_outcome:
        _add(errors, "interview", NOT_AWAITING)
    if conducted_at is None:
        _add(errors, "conducted_at", CONDUCTED_MISSING)
    elif episode.returned_at is not None and conducted_at < episode.returned_at:
        _add(errors, "conducted_at", CONDUCTED_BEFORE_RETURN)
    elif interview.offered_at is not None and conducted_at < interview.offered_at:
        _add(errors, "conducted_at", CONDUCTED_BEFORE_OFFER)
    elif conducted_at > now:
        _add(errors, "conducted_at", CONDUCTED_IN_FUTURE)
    if not conducted_where.strip():
        _add(errors, "conducted_where", WHERE_MISSING)
    push = _clean_factors(
        push_factors, kind=PUSH, field="push_factors", message=PUSH_UNKNOWN, errors=errors
    )
    pull = _clean_factors(
        pull_factors, kind=PULL, field="pull_factors", message=PULL_UNKNOWN, errors=errors
    )
    if not where_child_was.strip():
        _add(errors, "where_child_was", WHERE_CHILD_WAS_MISSING)
    if not child_wishes.strip():
        _add(errors, "child_wishes", WISHES_MISSING)
    if not safety_information.strip():
        _add(errors, "safety_information", SAFETY_MISSING)
    items = _clean_items(intelligence_items, errors)
    _raise_if(errors)
    assert conducted_at is not None

    checklist = current_checklist()
    texts = {
        "push_narrative": push_narrative,
        "pull_narrative": pull_narrative,
        "where_child_was": where_child_was,
        "with_whom": with_whom,
        "how_travelled": how_travelled,
        "harm_suffered": harm_suffered,
        "disclosures": disclosures,
        "exploitation_indicators": exploitation_indicators,
        "safety_information": safety_information,
        "child_wishes": child_wishes,
        "recommendations": recommendations,
    }
    for name, text in texts.items():
        setattr(interview, name, text.strip())
    interview.outcome = InterviewOutcome.ACCEPTED
    interview.outcome_recorded_at = now
    interview.outcome_recorded_by = actor
    interview.conducted_at = conducted_at
    interview.conducted_where = conducted_where.strip()[:300]
    interview.conducted_by = actor
    interview.conducted_by_agency = agency
    interview.completed_at = now
    interview.checklist_version = checklist.version
    interview.shared_at = now
    interview.save()
    InterviewFactor.objects.bulk_create(
        [InterviewFactor(interview=interview, kind=PUSH, code=code) for code in push]
        + [InterviewFactor(interview=interview, kind=PULL, code=code) for code in pull]
    )
    IntelligenceItem.objects.bulk_create(
        IntelligenceItem(
            interview=interview,
            kind=item.kind,
            value=item.value,
            platform=item.platform,
            detail=item.detail,
            position=position,
        )
        for position, item in enumerate(items, start=1)
    )
    _holds_record(
        actor=actor,
        interview=interview,
        agency=agency,
        description="Conducted the child's return home interview",
        request=request,
    )
    recipients = _share(actor=actor, interview=interview, request=request)
    record_event(
        actor=actor,
        action="return_interview.completed",
        subject=interview,
        after={
            "conducted_at": conducted_at,
            "conducted_by_agency_id": str(agency.pk),
            "checklist_version": checklist.version,
            "push_factors": push,
            "pull_factors": pull,
            "intelligence_items": len(items),
            "shared_with": sorted(str(user.pk) for user in recipients),
        },
        request=request,
    )
    _chronology(
        interview,
        event_type="return_interview.completed",
        summary=f"Return home interview by {agency}; shared with the police exploitation team, "
        "the coordinator and the lead professional",
        at=conducted_at,
        agency=agency,
    )
    return interview
