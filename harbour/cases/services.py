"""Writes for cases: opening one from a triage decision, agencies joining and leaving, the lead
professional, the plan (goals and actions), reviews, stepping down, closing and reopening.

Views, the API, imports and the demo seed call these same functions. Each validates before it
saves, records its audit event in the same transaction and writes the event to the child's
chronology. Joining a case is what gives an agency's staff access to the child: an
``Involvement`` of kind "case" for that agency, which leaving the case ends (ADR 0007).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Agency, Membership, Role
from harbour.audit.services import record_event, snapshot
from harbour.cases.models import (
    LIVE_STATUSES,
    ActionStatus,
    Case,
    CaseAgency,
    CaseExploitationType,
    CaseReview,
    CaseStatus,
    CaseStatusChange,
    ClosureReason,
    PlanAction,
    PlanActionUpdate,
    PlanGoal,
    ReviewOutcome,
)
from harbour.cases.rules import may_update_action, may_write_case
from harbour.core.errors import ServiceValidationError
from harbour.notifications.services import notification_send
from harbour.people.models import Involvement, InvolvementKind, Person, YesNoNotKnown
from harbour.people.services import chronology_record, involvement_record
from harbour.referrals.models import ConcernCategory, Referral, TriageDecision, TriageRoute

SOURCE_TYPE = "cases.case"

#: Review outcomes after which the plan carries on, so the next review needs a date.
_OUTCOMES_NEEDING_NEXT_REVIEW = frozenset(
    {ReviewOutcome.CONTINUE, ReviewOutcome.CHANGE_PLAN, ReviewOutcome.ESCALATE}
)

_AGREEMENT: dict[str, str] = {
    YesNoNotKnown.YES: "agreed with the child",
    YesNoNotKnown.NO: "not agreed with the child",
    YesNoNotKnown.NOT_KNOWN: "not yet discussed with the child",
}

_NOT_ALLOWED = (
    "Only the lead professional, a case manager in one of the case's agencies, or the area's "
    "front door or coordinator can change this case"
)
_CLOSED = "This case is closed: reopen it first"


# Helpers ----------------------------------------------------------------------------------


def _require_writer(actor: Any, case: Case) -> None:
    if not may_write_case(actor, case):
        raise PermissionDenied(_NOT_ALLOWED)


def _locked(case: Case) -> Case:
    """The case re-read under a row lock, so two writes to one case cannot interleave."""
    return Case.objects.select_for_update().select_related("person", "lead_agency").get(pk=case.pk)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ServiceValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _chronology(case: Case, *, event_type: str, summary: str, at: datetime.datetime) -> None:
    chronology_record(
        person=case.person,
        occurred_at=at,
        event_type=event_type,
        summary=summary,
        agency=case.lead_agency,
        source_type=SOURCE_TYPE,
        source_id=str(case.pk),
    )


def _status_change(
    case: Case, *, to_status: str, reason: str, actor: Any, at: datetime.datetime
) -> None:
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=to_status,
        reason=reason,
        changed_at=at,
        changed_by=actor,
    )
    case.status = to_status


def _is_lead_professional(user: Any, agency: Agency | None) -> bool:
    """An active user with an active lead professional role in ``agency`` (itself active)."""
    if user is None or agency is None or not user.is_active or not agency.is_active:
        return False
    return Membership.objects.filter(
        user=user, agency=agency, role=Role.LEAD_PROFESSIONAL, is_active=True
    ).exists()


def _validate_lead(
    lead_professional: Any, lead_agency: Agency | None, errors: dict[str, list[str]]
) -> None:
    if lead_professional is None or lead_agency is None:
        _add(errors, "lead_professional", "Choose a lead professional")
    elif not _is_lead_professional(lead_professional, lead_agency):
        _add(
            errors,
            "lead_professional",
            "Choose a lead professional from the list: someone with the lead professional role "
            "in the lead agency",
        )


def _live_case_of(person: Person, *, excluding: Case | None = None) -> Case | None:
    cases = Case.objects.filter(person=person, status__in=LIVE_STATUSES)
    if excluding is not None:
        cases = cases.exclude(pk=excluding.pk)
    return cases.first()


def _case_link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _tell_lead(*, case: Case, actor: Any) -> None:
    """Tell the lead professional they lead the case (no child's name: the e-mail leaves
    Harbour)."""
    if case.lead_professional_id == getattr(actor, "pk", None):
        return
    notification_send(
        recipient=case.lead_professional,
        subject="You are the lead professional for a case",
        body=(
            "You have been named lead professional for a child's case in Harbour. "
            "Sign in to Harbour to see the case and its plan."
        ),
        link_url=_case_link(case),
        about=case,
        actor=actor,
    )


def _join(
    *, actor: Any, case: Case, agency: Agency, at: datetime.datetime, request: Any
) -> CaseAgency:
    """Membership, the access it gives (a "case" involvement), and the audit event."""
    membership = CaseAgency.objects.create(case=case, agency=agency, joined_at=at)
    involvement = involvement_record(
        actor=actor,
        person=case.person,
        agency=agency,
        kind=InvolvementKind.CASE,
        source_type=SOURCE_TYPE,
        source_id=str(case.pk),
        description="An agency in the child's case",
        request=request,
    )
    rejoined = involvement.ended_on is not None
    if rejoined:
        involvement.started_on = timezone.localdate()
        involvement.ended_on = None
        involvement.save(update_fields=["started_on", "ended_on", "updated_at"])
    record_event(
        actor=actor,
        action="case.agency_joined",
        subject=case,
        after={
            "agency_id": str(agency.pk),
            "agency": agency.name,
            "involvement_id": str(involvement.pk),
            "rejoined": rejoined,
        },
        request=request,
    )
    return membership


# Opening ----------------------------------------------------------------------------------


def case_open_blockers(*, referral: Referral) -> list[tuple[str, str]]:
    """Why a case cannot be opened from ``referral`` (as ``(field, message)``), or nothing.

    The referral must be decided on a route other than no further action, linked to a child,
    and the child must have no live case; a referral opens at most one case.
    """
    blockers: list[tuple[str, str]] = []
    decision = TriageDecision.objects.filter(referral_id=referral.pk).first()
    if decision is None:
        blockers.append(("referral", "The front door has not decided this referral yet"))
    elif decision.route == TriageRoute.NO_FURTHER_ACTION:
        blockers.append(
            (
                "referral",
                "The front door decided no further action on this referral: a case cannot be "
                "opened from it",
            )
        )
    person = referral.person
    if person is None:
        blockers.append(("referral", "Link the referral to a child before opening a case"))
    elif _live_case_of(person) is not None:
        blockers.append(
            ("person", f"{person.full_name} already has an open case: add to it instead")
        )
    elif Case.objects.filter(referral_id=referral.pk).exists():
        blockers.append(
            ("referral", "A case was opened from this referral before: reopen that case instead")
        )
    return blockers


@transaction.atomic
def case_open(
    *,
    actor: Any,
    referral: Referral,
    lead_professional: Any,
    lead_agency: Agency | None,
    exploitation_types: Iterable[str],
    agencies: Iterable[Agency],
    plan_review_due_on: datetime.date | None = None,
    request: Any = None,
) -> Case:
    """Open a case for the child of a decided referral, led by a named lead professional.

    The lead agency and the chosen agencies join the case, which gives their staff access to
    the child. A child has at most one live (open or stepped-down) case.
    """
    if not policy.may_manage_cases(actor):
        raise PermissionDenied("You cannot open cases")
    if not policy.referral_visible_to(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied("You cannot see that referral")
    referral = Referral.objects.select_related("person", "area").get(pk=referral.pk)
    types = sorted(set(exploitation_types))
    chosen = list(agencies)
    person = referral.person
    if person is not None:
        # Lock the child's row: two people opening a case for one child queue here.
        Person.objects.select_for_update().filter(pk=person.pk).first()
    errors: dict[str, list[str]] = {}
    for field, message in case_open_blockers(referral=referral):
        _add(errors, field, message)
    _validate_lead(lead_professional, lead_agency, errors)
    if not types:
        _add(errors, "exploitation_types", "Select the types of exploitation")
    elif set(types) - set(ConcernCategory.values):
        _add(errors, "exploitation_types", "Select the types of exploitation from the list")
    if any(not agency.is_active for agency in chosen):
        _add(errors, "agencies", "Choose agencies from the list")
    today = timezone.localdate()
    if plan_review_due_on is not None and plan_review_due_on <= today:
        _add(
            errors, "plan_review_due_on", "The date of the first plan review must be in the future"
        )
    _raise_if(errors)
    assert person is not None
    assert lead_agency is not None

    now = timezone.now()
    case = Case.objects.create(
        person=person,
        area=referral.area,
        referral=referral,
        lead_professional=lead_professional,
        lead_agency=lead_agency,
        status=CaseStatus.OPEN,
        opened_at=now,
        opened_by=actor,
        plan_review_due_on=plan_review_due_on,
    )
    CaseExploitationType.objects.bulk_create(
        CaseExploitationType(case=case, category=category) for category in types
    )
    CaseStatusChange.objects.create(
        case=case,
        from_status="",
        to_status=CaseStatus.OPEN,
        reason=f"Opened from referral {referral.reference}",
        changed_at=now,
        changed_by=actor,
    )
    members = [lead_agency, *sorted({a for a in chosen if a.pk != lead_agency.pk}, key=str)]
    record_event(
        actor=actor,
        action="case.opened",
        subject=case,
        after={
            **snapshot(
                case,
                [
                    "person_id",
                    "area_id",
                    "referral_id",
                    "lead_professional_id",
                    "lead_agency_id",
                    "status",
                    "plan_review_due_on",
                ],
            ),
            "exploitation_types": types,
            "agency_ids": [str(agency.pk) for agency in members],
        },
        request=request,
    )
    for agency in members:
        _join(actor=actor, case=case, agency=agency, at=now, request=request)
    labels = ", ".join(ConcernCategory(category).label.lower() for category in types)
    _chronology(
        case,
        event_type="case.opened",
        summary=(
            f"Case opened from referral {referral.reference} ({labels}); lead professional "
            f"{lead_professional} ({lead_agency})"
        ),
        at=now,
    )
    _tell_lead(case=case, actor=actor)
    return case


# Agencies and the lead professional -------------------------------------------------------


@transaction.atomic
def case_agency_join(
    *, actor: Any, case: Case, agency: Agency | None, request: Any = None
) -> CaseAgency:
    """An agency joins the case: its staff may now see the child."""
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        _add(errors, "case", _CLOSED)
    if agency is None:
        _add(errors, "agency", "Select the agency joining the case")
    elif not agency.is_active:
        _add(errors, "agency", "Choose an agency from the list")
    elif case.agency_memberships.filter(agency=agency, left_at__isnull=True).exists():
        _add(errors, "agency", f"{agency} is already in this case")
    _raise_if(errors)
    assert agency is not None
    now = timezone.now()
    membership = _join(actor=actor, case=case, agency=agency, at=now, request=request)
    _chronology(case, event_type="case.agency_joined", summary=f"{agency} joined the case", at=now)
    return membership


@transaction.atomic
def case_agency_leave(
    *, actor: Any, case: Case, agency: Agency, reason: str, request: Any = None
) -> CaseAgency:
    """An agency leaves the case: its case involvement ends, and with it the access the case
    gave its staff (they keep any access they have through something else, like a referral)."""
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    membership = case.agency_memberships.filter(agency=agency, left_at__isnull=True).first()
    if membership is None:
        _add(errors, "agency", f"{agency} is not in this case")
    elif agency.pk == case.lead_agency_id:
        _add(
            errors,
            "agency",
            "The lead agency cannot leave the case: change the lead professional first",
        )
    if not reason.strip():
        _add(errors, "reason", "Enter why the agency is leaving the case")
    _raise_if(errors)
    assert membership is not None
    now = timezone.now()
    today = timezone.localdate()
    membership.left_at = now
    membership.left_reason = reason.strip()
    membership.save(update_fields=["left_at", "left_reason", "updated_at"])
    ended = Involvement.objects.filter(
        person=case.person,
        agency=agency,
        kind=InvolvementKind.CASE,
        source_type=SOURCE_TYPE,
        source_id=str(case.pk),
        ended_on__isnull=True,
    ).update(ended_on=today, updated_at=now)
    record_event(
        actor=actor,
        action="case.agency_left",
        subject=case,
        before={"agency_id": str(agency.pk), "left_at": None},
        after={
            "agency_id": str(agency.pk),
            "agency": agency.name,
            "left_at": now,
            "involvements_ended": ended,
        },
        reason=reason.strip(),
        request=request,
    )
    _chronology(case, event_type="case.agency_left", summary=f"{agency} left the case", at=now)
    return membership


@transaction.atomic
def case_change_lead(
    *,
    actor: Any,
    case: Case,
    lead_professional: Any,
    lead_agency: Agency | None,
    reason: str,
    request: Any = None,
) -> Case:
    """Name a new lead professional. Their agency joins the case if it is not in it; the
    previous lead agency stays in the case until it leaves."""
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        _add(errors, "case", _CLOSED)
    _validate_lead(lead_professional, lead_agency, errors)
    if (
        "lead_professional" not in errors
        and lead_agency is not None
        and case.lead_professional_id == lead_professional.pk
        and case.lead_agency_id == lead_agency.pk
    ):
        _add(errors, "lead_professional", f"{lead_professional} is already the lead professional")
    if not reason.strip():
        _add(errors, "reason", "Enter why the lead professional is changing")
    _raise_if(errors)
    assert lead_agency is not None
    now = timezone.now()
    fields = ["lead_professional_id", "lead_agency_id"]
    before = snapshot(case, fields)
    case.lead_professional = lead_professional
    case.lead_agency = lead_agency
    case.save(update_fields=["lead_professional", "lead_agency", "updated_at"])
    record_event(
        actor=actor,
        action="case.lead_changed",
        subject=case,
        before=before,
        after=snapshot(case, fields),
        reason=reason.strip(),
        request=request,
    )
    if not case.agency_memberships.filter(agency=lead_agency, left_at__isnull=True).exists():
        _join(actor=actor, case=case, agency=lead_agency, at=now, request=request)
    _chronology(
        case,
        event_type="case.lead_changed",
        summary=f"Lead professional is now {lead_professional} ({lead_agency})",
        at=now,
    )
    _tell_lead(case=case, actor=actor)
    return case


# The plan ---------------------------------------------------------------------------------


@transaction.atomic
def goal_add(
    *,
    actor: Any,
    case: Case,
    description: str,
    agreed_with_child: str,
    child_words: str,
    request: Any = None,
) -> PlanGoal:
    """Add a goal to the plan, with whether the child agreed it and what the child said.

    The child's words are required whenever the child was asked ("yes" or "no"): a goal agreed
    with the child is recorded in the child's words, and a goal the child did not agree says
    what they said. "Not known" (not yet discussed) may leave them empty.
    """
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        _add(errors, "case", _CLOSED)
    if not description.strip():
        _add(errors, "description", "Describe the goal")
    if agreed_with_child not in YesNoNotKnown.values:
        _add(errors, "agreed_with_child", "Select whether the goal was agreed with the child")
    elif agreed_with_child == YesNoNotKnown.YES and not child_words.strip():
        _add(errors, "child_words", "Enter the child's words about this goal")
    elif agreed_with_child == YesNoNotKnown.NO and not child_words.strip():
        _add(errors, "child_words", "Enter what the child said, or why the goal was not agreed")
    _raise_if(errors)
    now = timezone.now()
    goal = PlanGoal.objects.create(
        case=case,
        description=description.strip(),
        agreed_with_child=agreed_with_child,
        child_words=child_words.strip(),
    )
    record_event(
        actor=actor,
        action="case.goal_added",
        subject=case,
        after={"goal_id": str(goal.pk), "agreed_with_child": agreed_with_child},
        request=request,
    )
    _chronology(
        case,
        event_type="case.goal_added",
        summary=f"Plan goal added, {_AGREEMENT[agreed_with_child]}: {goal.description[:120]}",
        at=now,
    )
    return goal


def _owner_agency(owner: Any, case: Case) -> Agency | None:
    """The agency in the case through which ``owner`` may own an action (the lead agency
    first), or None when they have no casework role in any agency in the case."""
    if owner is None or not owner.is_active:
        return None
    in_case = case.agency_memberships.filter(left_at__isnull=True).values("agency_id")
    memberships = (
        Membership.objects.filter(
            user=owner, is_active=True, agency__is_active=True, agency_id__in=in_case
        )
        .exclude(role__in=policy.NO_CASE_CONTENT_ROLES)
        .select_related("agency")
    )
    agencies = sorted(
        {membership.agency for membership in memberships},
        key=lambda agency: (agency.pk != case.lead_agency_id, agency.name),
    )
    return agencies[0] if agencies else None


@transaction.atomic
def action_add(
    *,
    actor: Any,
    case: Case,
    description: str,
    owner: Any,
    due_on: datetime.date | None,
    goal: PlanGoal | None = None,
    request: Any = None,
) -> PlanAction:
    """Add an action to the plan, owned by someone in an agency that is in the case."""
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        _add(errors, "case", _CLOSED)
    if not description.strip():
        _add(errors, "description", "Describe the action")
    owner_agency = _owner_agency(owner, case)
    if owner is None:
        _add(errors, "owner", "Choose who owns the action")
    elif owner_agency is None:
        _add(errors, "owner", "Choose someone from an agency in the case")
    if due_on is None:
        _add(errors, "due_on", "Enter the due date")
    elif due_on < timezone.localdate():
        _add(errors, "due_on", "The due date must be today or in the future")
    if goal is not None and goal.case_id != case.pk:
        _add(errors, "goal", "Choose a goal from this case's plan")
    _raise_if(errors)
    assert owner_agency is not None
    assert due_on is not None
    now = timezone.now()
    action = PlanAction.objects.create(
        case=case,
        goal=goal,
        description=description.strip(),
        owner=owner,
        owner_agency=owner_agency,
        due_on=due_on,
        status=ActionStatus.NOT_STARTED,
    )
    record_event(
        actor=actor,
        action="case.action_added",
        subject=case,
        after={
            "action_id": str(action.pk),
            "owner_id": str(owner.pk),
            "owner_agency_id": str(owner_agency.pk),
            "due_on": due_on,
            "goal_id": str(goal.pk) if goal is not None else None,
        },
        request=request,
    )
    _chronology(
        case,
        event_type="case.action_added",
        summary=f"Plan action for {owner} ({owner_agency}), due {due_on:%d %B %Y}: "
        f"{action.description[:100]}",
        at=now,
    )
    if owner.pk != getattr(actor, "pk", None):
        notification_send(
            recipient=owner,
            subject="You have a new action in a case plan",
            body=(
                f"You own an action in a child's case plan, due {due_on:%d %B %Y}. "
                "Sign in to Harbour to see it."
            ),
            link_url=_case_link(case),
            about=case,
            actor=actor,
        )
    return action


@transaction.atomic
def action_update(
    *, actor: Any, action: PlanAction, status: str, note: str, request: Any = None
) -> PlanAction:
    """Move an action on (or record progress on it). Cancelling needs a reason; an update that
    changes nothing needs a note."""
    if not may_update_action(actor, action):
        raise PermissionDenied(_NOT_ALLOWED)
    case = _locked(action.case)
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        _add(errors, "case", _CLOSED)
    if status not in ActionStatus.values:
        _add(errors, "status", "Select the action's status")
    elif status == ActionStatus.CANCELLED and status != action.status and not note.strip():
        _add(errors, "note", "Enter why the action is cancelled")
    elif status == action.status and not note.strip():
        _add(errors, "note", "Change the status or add a note")
    _raise_if(errors)
    now = timezone.now()
    before = snapshot(action, ["status", "completed_at"])
    PlanActionUpdate.objects.create(
        action=action,
        from_status=action.status,
        to_status=status,
        note=note.strip(),
        changed_at=now,
        changed_by=actor,
    )
    if status == ActionStatus.DONE and action.status != ActionStatus.DONE:
        action.completed_at = now
    elif status != ActionStatus.DONE:
        action.completed_at = None
    action.status = status
    action.save(update_fields=["status", "completed_at", "updated_at"])
    record_event(
        actor=actor,
        action="case.action_updated",
        subject=case,
        before={"action_id": str(action.pk), **before},
        after={"action_id": str(action.pk), **snapshot(action, ["status", "completed_at"])},
        reason=note.strip(),
        request=request,
    )
    _chronology(
        case,
        event_type="case.action_updated",
        summary=f"Plan action {action.get_status_display().lower()}: {action.description[:120]}",
        at=now,
    )
    return action


@transaction.atomic
def review_record(
    *,
    actor: Any,
    case: Case,
    reviewed_on: datetime.date | None,
    outcome: str,
    summary: str,
    child_views: str,
    next_review_due_on: datetime.date | None,
    request: Any = None,
) -> CaseReview:
    """Record a review of the plan; its next review date becomes the case's plan review date."""
    _require_writer(actor, case)
    case = _locked(case)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        _add(errors, "case", _CLOSED)
    if reviewed_on is None:
        _add(errors, "reviewed_on", "Enter the date of the review")
    elif reviewed_on > today:
        _add(errors, "reviewed_on", "The date of the review must be today or in the past")
    elif reviewed_on < timezone.localtime(case.opened_at).date():
        _add(errors, "reviewed_on", "The date of the review must be on or after the case opened")
    if outcome not in ReviewOutcome.values:
        _add(errors, "outcome", "Select the outcome of the review")
    if not summary.strip():
        _add(errors, "summary", "Enter a summary of the review")
    if not child_views.strip():
        _add(errors, "child_views", "Enter the child's views, or why they could not be given")
    if next_review_due_on is None:
        if outcome in _OUTCOMES_NEEDING_NEXT_REVIEW:
            _add(errors, "next_review_due_on", "Enter the date of the next review")
    elif next_review_due_on <= today:
        _add(errors, "next_review_due_on", "The date of the next review must be in the future")
    _raise_if(errors)
    assert reviewed_on is not None
    now = timezone.now()
    review = CaseReview.objects.create(
        case=case,
        reviewed_on=reviewed_on,
        outcome=outcome,
        summary=summary.strip(),
        child_views=child_views.strip(),
        next_review_due_on=next_review_due_on,
        reviewed_by=actor,
    )
    before = snapshot(case, ["plan_review_due_on"])
    case.plan_review_due_on = next_review_due_on
    case.save(update_fields=["plan_review_due_on", "updated_at"])
    record_event(
        actor=actor,
        action="case.reviewed",
        subject=case,
        before=before,
        after={
            "review_id": str(review.pk),
            "reviewed_on": reviewed_on,
            "outcome": outcome,
            "plan_review_due_on": next_review_due_on,
        },
        request=request,
    )
    _chronology(
        case,
        event_type="case.reviewed",
        summary=f"Case review: {review.get_outcome_display().lower()}",
        at=now,
    )
    return review


# Status -----------------------------------------------------------------------------------


@transaction.atomic
def case_step_down(
    *,
    actor: Any,
    case: Case,
    monitoring_until: datetime.date | None,
    reason: str,
    request: Any = None,
) -> Case:
    """Step an open case down to monitoring until a date in the future."""
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    if case.status != CaseStatus.OPEN:
        _add(errors, "case", "Only an open case can be stepped down")
    if monitoring_until is None:
        _add(errors, "monitoring_until", "Enter the date monitoring ends")
    elif monitoring_until <= timezone.localdate():
        _add(errors, "monitoring_until", "The date monitoring ends must be in the future")
    if not reason.strip():
        _add(errors, "reason", "Enter why the case is stepping down")
    _raise_if(errors)
    now = timezone.now()
    before = snapshot(case, ["status", "monitoring_until"])
    _status_change(
        case, to_status=CaseStatus.STEPPED_DOWN, reason=reason.strip(), actor=actor, at=now
    )
    case.monitoring_until = monitoring_until
    case.save(update_fields=["status", "monitoring_until", "updated_at"])
    record_event(
        actor=actor,
        action="case.stepped_down",
        subject=case,
        before=before,
        after=snapshot(case, ["status", "monitoring_until"]),
        reason=reason.strip(),
        request=request,
    )
    _chronology(
        case,
        event_type="case.stepped_down",
        summary=f"Case stepped down to monitoring until {monitoring_until:%d %B %Y}",
        at=now,
    )
    return case


@transaction.atomic
def case_close(*, actor: Any, case: Case, reason: str, note: str, request: Any = None) -> Case:
    """Close an open or stepped-down case with a reason ("other" is explained in the note).

    Agencies stay in a closed case (their staff keep access to the child's record) until they
    leave it (ADR 0007)."""
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        _add(errors, "case", "This case is already closed")
    if reason not in ClosureReason.values:
        _add(errors, "reason", "Select why the case is closing")
    elif reason == ClosureReason.OTHER and not note.strip():
        _add(errors, "note", "Explain why the case is closing")
    _raise_if(errors)
    now = timezone.now()
    fields = ["status", "closed_at", "closure_reason", "closure_note"]
    before = snapshot(case, fields)
    label = ClosureReason(reason).label
    _status_change(
        case,
        to_status=CaseStatus.CLOSED,
        reason=f"{label}. {note.strip()}" if note.strip() else label,
        actor=actor,
        at=now,
    )
    case.closed_at = now
    case.closure_reason = reason
    case.closure_note = note.strip()
    case.save(update_fields=[*fields, "updated_at"])
    record_event(
        actor=actor,
        action="case.closed",
        subject=case,
        before=before,
        after=snapshot(case, fields),
        reason=note.strip(),
        request=request,
    )
    _chronology(case, event_type="case.closed", summary=f"Case closed: {label}", at=now)
    return case


@transaction.atomic
def case_reopen(*, actor: Any, case: Case, reason: str, request: Any = None) -> Case:
    """Reopen a closed case, or return a stepped-down case to open work.

    A closed case reopens only if the child has no other live case. Its closure is kept in the
    status history; the case's closure fields are cleared."""
    _require_writer(actor, case)
    case = _locked(case)
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.OPEN:
        _add(errors, "case", "This case is already open")
    elif case.status == CaseStatus.CLOSED:
        Person.objects.select_for_update().filter(pk=case.person_id).first()
        if _live_case_of(case.person, excluding=case) is not None:
            _add(
                errors,
                "case",
                f"{case.person.full_name} already has an open case: add to it instead",
            )
    if not reason.strip():
        _add(errors, "reason", "Enter why the case is reopening")
    _raise_if(errors)
    now = timezone.now()
    fields = ["status", "closed_at", "closure_reason", "closure_note", "monitoring_until"]
    before = snapshot(case, fields)
    _status_change(case, to_status=CaseStatus.OPEN, reason=reason.strip(), actor=actor, at=now)
    case.closed_at = None
    case.closure_reason = ""
    case.closure_note = ""
    case.monitoring_until = None
    case.save(update_fields=[*fields, "updated_at"])
    record_event(
        actor=actor,
        action="case.reopened",
        subject=case,
        before=before,
        after=snapshot(case, fields),
        reason=reason.strip(),
        request=request,
    )
    _chronology(case, event_type="case.reopened", summary="Case reopened", at=now)
    return case
