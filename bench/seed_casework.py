"""Bulk casework for the benchmark: one assessment and one case for every child at risk.

"At risk" here: a child with a referral the front door routed to exploitation screening, a
strategy discussion or the panel. Rows are written with ``bulk_create`` for speed (the services
would take most of an hour at this scale); they have the same shape the services write, and
the suggestion is computed by the real engine. Audit rows are not written for this bulk load.

Also makes one "busy" child with 300 chronology events over five years that point at real
referrals, assessments and case events, so the chronology benchmark does real access checks.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

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


def seed_casework(*, seed: int = 1) -> dict[str, int]:
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
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    leads: dict[Any, list[Any]] = {}
    for membership in Membership.objects.filter(
        role=Role.LEAD_PROFESSIONAL, is_active=True
    ).select_related("agency"):
        for area in membership.agency.areas.all():
            leads.setdefault(area.pk, []).append((membership.user_id, membership.agency))
    police = Membership.objects.filter(agency__agency_type=AgencyType.POLICE).first()
    police_agency = police.agency if police else None
    at_risk = (
        Referral.objects.filter(decision__route__in=AT_RISK_ROUTES, person__isnull=False)
        .order_by("person_id", "-received_at")
        .distinct("person_id")
        .values_list("person_id", "pk", "area_id", "received_at")
    )
    counts = {"assessments": 0, "answers": 0, "cases": 0, "chronology": 0}
    batch: list[tuple[Any, Any, Any, Any]] = []

    def flush() -> None:
        persons = Person.objects.in_bulk([person_id for person_id, *_ in batch])
        assessments, answers, cases, members, involvements = [], [], [], [], []
        types, goals, actions, changes, chronology = [], [], [], [], []
        for person_id, referral_id, area_id, received_at in batch:
            person = persons[person_id]
            lead_user_id, lead_agency = rng.choice(leads[area_id])
            catalogue = catalogue_for_area(person.home_area.code if person.home_area else None)
            given = _answers(rng, catalogue)
            age = person.age_on(today)
            suggestion = suggest(catalogue=catalogue, answers=given, age=age)
            level = suggestion.level
            completed = received_at + datetime.timedelta(days=rng.randint(1, 20))
            assessment = Assessment(
                person=person,
                area_id=area_id,
                catalogue_key=catalogue.key,
                catalogue_version=catalogue.version,
                started_from="triage",
                referral_id=referral_id,
                age_at_assessment=age,
                suggested_level=suggestion.level,
                explanation=suggestion.explanation,
                level=level,
                rationale="Agreed with the suggested level after speaking with the child.",
                seen_alone="yes",
                review_due_on=(
                    completed + datetime.timedelta(days=catalogue.review_days(level))
                ).date(),
                completed_at=completed,
                completed_by_id=lead_user_id,
                completed_by_agency=lead_agency,
            )
            assessments.append(assessment)
            answers += [
                AssessmentAnswer(
                    assessment=assessment,
                    indicator_id=indicator_id,
                    answer=answer.answer,
                    recency=answer.recency,
                    narrative=answer.narrative,
                )
                for indicator_id, answer in given.items()
            ]
            case = Case(
                person=person,
                area_id=area_id,
                referral_id=referral_id,
                lead_professional_id=lead_user_id,
                lead_agency=lead_agency,
                opened_at=completed,
                opened_by_id=lead_user_id,
                plan_review_due_on=(completed + datetime.timedelta(days=56)).date(),
            )
            cases.append(case)
            types.append(CaseExploitationType(case=case, category="sexual_exploitation"))
            case_agencies = [lead_agency] + ([police_agency] if police_agency else [])
            for agency in case_agencies:
                members.append(CaseAgency(case=case, agency=agency, joined_at=completed))
                involvements.append(
                    Involvement(
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
                case=case,
                description="Stay safe when out in the evenings",
                agreed_with_child="yes",
                child_words="I want to be home by nine and keep my phone on.",
            )
            goals.append(goal)
            for days in (14, 42):
                actions.append(
                    PlanAction(
                        case=case,
                        goal=goal,
                        description="Weekly direct work session",
                        owner_id=lead_user_id,
                        owner_agency=lead_agency,
                        due_on=(completed + datetime.timedelta(days=days)).date(),
                    )
                )
            changes.append(
                CaseStatusChange(
                    case=case, to_status="open", changed_at=completed, changed_by_id=lead_user_id
                )
            )
            chronology += [
                ChronologyEntry(
                    person=person,
                    occurred_at=completed,
                    event_type="assessment.completed",
                    summary=f"Risk assessment: {level}",
                    agency=lead_agency,
                    source_type="assessments.assessment",
                    source_id=str(assessment.pk),
                ),
                ChronologyEntry(
                    person=person,
                    occurred_at=completed,
                    event_type="case.opened",
                    summary="Case opened",
                    agency=lead_agency,
                    source_type="cases.case",
                    source_id=str(case.pk),
                ),
            ]
        with transaction.atomic():
            Assessment.objects.bulk_create(assessments, batch_size=BATCH)
            AssessmentAnswer.objects.bulk_create(answers, batch_size=BATCH * 10)
            Case.objects.bulk_create(cases, batch_size=BATCH)
            for model, rows in (
                (CaseExploitationType, types),
                (CaseAgency, members),
                (Involvement, involvements),
                (PlanGoal, goals),
                (PlanAction, actions),
                (CaseStatusChange, changes),
                (ChronologyEntry, chronology),
            ):
                model.objects.bulk_create(rows, batch_size=BATCH * 5)
        counts["assessments"] += len(assessments)
        counts["answers"] += len(answers)
        counts["cases"] += len(cases)
        counts["chronology"] += len(chronology)
        batch.clear()

    for row in at_risk.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    counts["busy_child_events"] = _busy_child(rng=rng, now=now)
    return counts


def _busy_child(*, rng: random.Random, now: datetime.datetime) -> int:
    """Give one child with a case 300 chronology events over five years, each pointing at a real
    record: referral events, assessments, and events of their case."""
    from harbour.assessments.models import Assessment
    from harbour.cases.models import Case
    from harbour.people.models import ChronologyEntry

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
                person=person,
                occurred_at=when,
                event_type="bench.event",
                summary=summary,
                agency=case.lead_agency,
                source_type=source_type,
                source_id=source_id,
            )
        )
    ChronologyEntry.objects.bulk_create(entries)
    return len(entries)


def busy_child() -> Any:
    """The child the chronology benchmark reads, and the case it belongs to."""
    from harbour.people.models import ChronologyEntry, Person

    person_id = (
        ChronologyEntry.objects.filter(event_type="bench.event")
        .values_list("person_id", flat=True)
        .first()
    )
    return Person.objects.get(pk=person_id)
