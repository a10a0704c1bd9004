"""Synthetic casework: one assessment and one case for every child at risk.

"At risk" here: a child with a referral the front door routed to exploitation screening, a
strategy discussion or the panel. Rows are written in bulk (the services would take most of an
hour at benchmark scale) in the shape the services write; the suggestion comes from the real
engine, and about one in eight practitioners overrides it (either way, with a reason). Some
cases are stepped down or closed, and some reviews are overdue. Used by ``seed_demo`` and by the
benchmark; like the rest of the seed, these rows are covered by the one ``demo.seeded`` event.

``add_busy_child`` gives one child 300 chronology events over five years pointing at real
referrals, assessments and case events, so the chronology benchmark does real access checks.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from harbour.demo.partnership import new_uuid

BATCH = 2000
BUSY_CHILD_EVENTS = 300
AT_RISK_ROUTES = ("exploitation_screening", "strategy_discussion", "panel_discussion")


def _answers(rng: random.Random, catalogue: Any) -> dict[str, Any]:
    from harbour.assessments.suggestion import AnswerInput

    answers = {}
    for indicator in catalogue.indicators:
        draw = rng.random()
        if draw < 0.18:
            answers[indicator.id] = AnswerInput(
                answer="yes",
                recency="last_6_months" if indicator.asks_recency else "",
                narrative="Seen by the school and reported by a carer.",
            )
        elif draw < 0.25:
            answers[indicator.id] = AnswerInput(answer="not_known")
        else:
            answers[indicator.id] = AnswerInput(answer="no")
    return answers


def seed_casework(*, seed: int, now: datetime.datetime) -> dict[str, int]:
    """Create the casework if there is none yet; returns the counts written."""
    from harbour.accounts.models import AgencyType, Membership, Role
    from harbour.assessments.catalogue import catalogue_for_area
    from harbour.assessments.models import Assessment, AssessmentAnswer
    from harbour.assessments.suggestion import suggest
    from harbour.cases.models import (
        Case,
        CaseAgency,
        CaseExploitationType,
        CaseStatusChange,
        PlanAction,
        PlanGoal,
    )
    from harbour.people.models import ChronologyEntry, Involvement, Person
    from harbour.referrals.models import Referral

    if Assessment.objects.exists():
        return {}
    rng = random.Random(f"harbour-demo:{seed}:casework")
    today = timezone.localdate(now)
    leads: dict[Any, list[Any]] = {}
    for membership in (
        Membership.objects.filter(role=Role.LEAD_PROFESSIONAL, is_active=True)
        .select_related("agency")
        .order_by("agency__name", "user__username")
    ):
        for area in membership.agency.areas.all():
            leads.setdefault(area.pk, []).append((membership.user_id, membership.agency))
    police = Membership.objects.filter(agency__agency_type=AgencyType.POLICE).first()
    police_agency = police.agency if police else None
    at_risk = (
        Referral.objects.filter(decision__route__in=AT_RISK_ROUTES, person__isnull=False)
        .order_by("person_id", "-received_at")
        .values_list("person_id", "pk", "area_id", "received_at")
    )
    counts = {"assessments": 0, "answers": 0, "cases": 0, "chronology": 0}
    batch: list[tuple[Any, Any, Any, Any]] = []

    def flush() -> None:
        persons = Person.objects.in_bulk([person_id for person_id, *_ in batch])
        assessments: list[Any] = []
        answers: list[Any] = []
        cases: list[Any] = []
        members: list[Any] = []
        involvements: list[Any] = []
        types: list[Any] = []
        goals: list[Any] = []
        actions: list[Any] = []
        changes: list[Any] = []
        chronology: list[Any] = []
        for person_id, referral_id, area_id, received_at in batch:
            person = persons[person_id]
            lead_user_id, lead_agency = rng.choice(leads[area_id])
            catalogue = catalogue_for_area(person.home_area.code if person.home_area else None)
            given = _answers(rng, catalogue)
            age = person.age_on(today)
            suggestion = suggest(catalogue=catalogue, answers=given, age=age)
            completed = min(
                received_at + datetime.timedelta(days=rng.randint(1, 20)),
                now - datetime.timedelta(hours=1),
            )
            level, direction, reason = _practitioner_decision(rng, catalogue, suggestion.level)
            # Cases older than a review period have been kept up: the current assessment is a
            # recent review, so only some reviews are overdue (as in a real caseload).
            review_days = catalogue.review_days(level)
            assessed = completed
            if (now - completed).days > review_days:
                assessed = now - datetime.timedelta(days=rng.uniform(1, review_days * 1.12))
            assessment = Assessment(
                id=new_uuid(rng),
                person=person,
                area_id=area_id,
                catalogue_key=catalogue.key,
                catalogue_version=catalogue.version,
                started_from="triage" if assessed == completed else "review",
                referral_id=referral_id if assessed == completed else None,
                age_at_assessment=age,
                suggested_level=suggestion.level,
                explanation=suggestion.explanation,
                level=level,
                rationale="Decided after speaking with the child, their carer and the school.",
                override_direction=direction,
                override_reason=reason,
                seen_alone="yes",
                review_due_on=(assessed + datetime.timedelta(days=review_days)).date(),
                completed_at=assessed,
                completed_by_id=lead_user_id,
                completed_by_agency=lead_agency,
                is_current=True,
            )
            assessments.append(assessment)
            answers += [
                AssessmentAnswer(
                    id=new_uuid(rng),
                    assessment=assessment,
                    indicator_id=indicator_id,
                    answer=answer.answer,
                    recency=answer.recency,
                    narrative=answer.narrative,
                )
                for indicator_id, answer in given.items()
            ]
            case = Case(
                id=new_uuid(rng),
                person=person,
                area_id=area_id,
                referral_id=referral_id,
                lead_professional_id=lead_user_id,
                lead_agency=lead_agency,
                opened_at=completed,
                opened_by_id=lead_user_id,
                plan_review_due_on=(
                    completed + datetime.timedelta(days=56)
                    if (now - completed).days < 56
                    else now + datetime.timedelta(days=rng.uniform(-8, 50))
                ).date(),
            )
            _close_some(rng, case, completed, now, changes)
            cases.append(case)
            types.append(
                CaseExploitationType(id=new_uuid(rng), case=case, category="sexual_exploitation")
            )
            case_agencies = [lead_agency] + ([police_agency] if police_agency else [])
            for agency in case_agencies:
                members.append(
                    CaseAgency(id=new_uuid(rng), case=case, agency=agency, joined_at=completed)
                )
                involvements.append(
                    Involvement(
                        id=new_uuid(rng),
                        person=person,
                        agency=agency,
                        kind="case",
                        source_type="cases.case",
                        source_id=str(case.pk),
                        description="Agency in the case",
                        started_on=completed.date(),
                    )
                )
            goal = PlanGoal(
                id=new_uuid(rng),
                case=case,
                description="Stay safe when out in the evenings",
                agreed_with_child="yes",
                child_words="I want to be home by nine and keep my phone on.",
            )
            goals.append(goal)
            for days in (14, 42):
                due = completed + datetime.timedelta(days=days)
                done = due < now - datetime.timedelta(days=7) and rng.random() < 0.88
                actions.append(
                    PlanAction(
                        id=new_uuid(rng),
                        case=case,
                        goal=goal,
                        description="Weekly direct work session",
                        owner_id=lead_user_id,
                        owner_agency=lead_agency,
                        due_on=due.date(),
                        status="done" if done else "not_started",
                        completed_at=due if done else None,
                    )
                )
            changes.append(
                CaseStatusChange(
                    id=new_uuid(rng),
                    case=case,
                    to_status="open",
                    changed_at=completed,
                    changed_by_id=lead_user_id,
                )
            )
            chronology += [
                ChronologyEntry(
                    id=new_uuid(rng),
                    person=person,
                    occurred_at=assessed,
                    event_type="assessment.completed",
                    summary=f"Risk assessment: {level}",
                    agency=lead_agency,
                    source_type="assessments.assessment",
                    source_id=str(assessment.pk),
                ),
                ChronologyEntry(
                    id=new_uuid(rng),
                    person=person,
                    occurred_at=completed,
                    event_type="case.opened",
                    summary="Case opened",
                    agency=lead_agency,
                    source_type="cases.case",
                    source_id=str(case.pk),
                ),
            ]
        for row in (
            *assessments,
            *answers,
            *cases,
            *types,
            *members,
            *involvements,
            *goals,
            *actions,
            *changes,
            *chronology,
        ):
            if getattr(row, "created_at", None) is None:
                row.created_at = row.updated_at = now
        with transaction.atomic():
            Assessment.objects.bulk_create(assessments, batch_size=BATCH)
            AssessmentAnswer.objects.bulk_create(answers, batch_size=BATCH * 10)
            Case.objects.bulk_create(cases, batch_size=BATCH)
            CaseExploitationType.objects.bulk_create(types, batch_size=BATCH * 5)
            CaseAgency.objects.bulk_create(members, batch_size=BATCH * 5)
            Involvement.objects.bulk_create(involvements, batch_size=BATCH * 5)
            PlanGoal.objects.bulk_create(goals, batch_size=BATCH * 5)
            PlanAction.objects.bulk_create(actions, batch_size=BATCH * 5)
            CaseStatusChange.objects.bulk_create(changes, batch_size=BATCH * 5)
            ChronologyEntry.objects.bulk_create(chronology, batch_size=BATCH * 5)
        counts["assessments"] += len(assessments)
        counts["answers"] += len(answers)
        counts["cases"] += len(cases)
        counts["chronology"] += len(chronology)
        batch.clear()

    previous_person = None
    for row in at_risk.iterator(chunk_size=BATCH):
        if row[0] == previous_person:
            continue  # their latest at-risk referral opened the case
        previous_person = row[0]
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return counts


UP_REASON = (
    "The worker is more worried than the indicators show: the child went quiet when asked "
    "about the older friends who collect them."
)
DOWN_REASON = (
    "The indicators are historic: the child has moved placement, is back in school and the "
    "older associate has been arrested."
)


def _practitioner_decision(
    rng: random.Random, catalogue: Any, suggested: str
) -> tuple[str, str, str]:
    """Most agree with the suggestion; about one in eight override it, either way."""
    rank = catalogue.rank(suggested)
    draw = rng.random()
    if draw < 0.08 and rank < len(catalogue.levels) - 1:
        return catalogue.levels[rank + 1].id, "up", UP_REASON
    if draw < 0.12 and rank > 0:
        return catalogue.levels[rank - 1].id, "down", DOWN_REASON
    return suggested, "none", ""


def _close_some(
    rng: random.Random,
    case: Any,
    opened: datetime.datetime,
    now: datetime.datetime,
    changes: list[Any],
) -> None:
    """Step down or close some of the older cases, with their status history."""
    from harbour.cases.models import CaseStatusChange

    age_days = (now - opened).days
    draw = rng.random()
    if age_days < 120 or draw > 0.35:
        return
    when = opened + datetime.timedelta(days=rng.randint(60, age_days))
    if draw < 0.2:
        case.status, case.closed_at = "closed", when
        case.closure_reason = "risk_reduced"
        case.closure_note = "Plan goals met; the child agreed the case could close."
    else:
        case.status = "stepped_down"
        case.monitoring_until = (when + datetime.timedelta(days=90)).date()
    changes.append(
        CaseStatusChange(
            id=new_uuid(rng),
            case=case,
            from_status="open",
            to_status=case.status,
            reason="Review agreed risk has reduced.",
            changed_at=when,
            changed_by_id=case.lead_professional_id,
        )
    )


def add_busy_child(*, seed: int, now: datetime.datetime) -> int:
    """Give one child with a case 300 chronology events over five years, each pointing at a real
    record: referral events, assessments, and events of their case."""
    from harbour.assessments.models import Assessment
    from harbour.cases.models import Case
    from harbour.people.models import ChronologyEntry

    rng = random.Random(f"harbour-demo:{seed}:busy-child")
    if ChronologyEntry.objects.filter(event_type="demo.history").exists():
        return 0
    case = Case.objects.select_related("person", "lead_agency").order_by("opened_at").first()
    if case is None:
        return 0
    person = case.person
    template = Assessment.objects.filter(person=person).first()
    referrals = list(person.referrals.values_list("pk", flat=True))
    entries = []
    for i in range(BUSY_CHILD_EVENTS):
        when = now - datetime.timedelta(days=rng.uniform(0, 5 * 365))
        kind = i % 3
        if kind == 0 and template is not None:
            source_type, source_id, summary = (
                "assessments.assessment",
                str(template.pk),
                "Risk assessment reviewed",
            )
        elif kind == 1 and referrals:
            source_type, source_id, summary = (
                "referrals.referral",
                str(rng.choice(referrals)),
                "Referral update",
            )
        else:
            source_type, source_id, summary = "cases.case", str(case.pk), "Case note recorded"
        entries.append(
            ChronologyEntry(
                id=new_uuid(rng),
                person=person,
                occurred_at=when,
                event_type="demo.history",
                summary=summary,
                created_at=when,
                updated_at=when,
                agency=case.lead_agency,
                source_type=source_type,
                source_id=source_id,
            )
        )
    ChronologyEntry.objects.bulk_create(entries)
    return len(entries)


def busy_child() -> Any:
    """The child with the long history (``add_busy_child``)."""
    from harbour.people.models import ChronologyEntry, Person

    person_id = (
        ChronologyEntry.objects.filter(event_type="demo.history")
        .values_list("person_id", flat=True)
        .first()
    )
    if person_id is None:
        raise LookupError("No child with a long history: run add_busy_child first")
    return Person.objects.get(pk=person_id)


def wipe_casework() -> None:
    """Delete all assessments and cases (``seed_demo --fresh`` on a demo nobody has used)."""
    from harbour.assessments.models import Assessment, AssessmentAnswer
    from harbour.cases.models import (
        Case,
        CaseAgency,
        CaseExploitationType,
        CaseReview,
        CaseStatusChange,
        PlanAction,
        PlanGoal,
    )

    AssessmentAnswer.objects.all().delete()
    Assessment.objects.all().delete()
    for model in (
        PlanAction,
        PlanGoal,
        CaseReview,
        CaseStatusChange,
        CaseAgency,
        CaseExploitationType,
    ):
        model.objects.all().delete()
    Case.objects.all().delete()
