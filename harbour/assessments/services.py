"""Writes for risk assessments: completing one (and asking for a suggestion on the way).

Views, the API, imports and the demo seed call these same functions. The suggestion is always
computed here from the answers, never taken from what a page posted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Agency, Area
from harbour.assessments.catalogue import Catalogue, catalogue_for_area
from harbour.assessments.models import (
    Answer,
    Assessment,
    AssessmentAnswer,
    OverrideDirection,
    Recency,
    SeenAlone,
    StartedFrom,
)
from harbour.assessments.suggestion import AnswerInput, Suggestion, suggest
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.people.models import Person, PersonKind
from harbour.people.services import chronology_record

Errors = dict[str, list[str]]


# The names of an indicator's inputs, shared with the form so errors land on the right field.


def answer_field(indicator_id: str) -> str:
    return f"answer_{indicator_id}"


def recency_field(indicator_id: str) -> str:
    return f"recency_{indicator_id}"


def narrative_field(indicator_id: str) -> str:
    return f"narrative_{indicator_id}"


def answer_errors(*, catalogue: Catalogue, answers: Mapping[str, AnswerInput]) -> Errors:
    """What is missing or wrong in ``answers``: every indicator answered; for each "yes", what
    is known and (where the indicator asks) how recently."""
    errors: Errors = {}
    unknown = sorted(set(answers) - {indicator.id for indicator in catalogue.indicators})
    if unknown:
        errors["answers"] = [
            f"‘{indicator_id}’ is not a question in {catalogue.label}" for indicator_id in unknown
        ]
    for indicator in catalogue.indicators:
        given = answers.get(indicator.id)
        if given is None or given.answer not in Answer.values:
            errors[answer_field(indicator.id)] = [
                f"Select yes, no or not known for ‘{indicator.wording}’"
            ]
            continue
        if not given.is_yes:
            continue
        if indicator.asks_recency and given.recency not in Recency.values:
            errors[recency_field(indicator.id)] = [
                f"Select when ‘{indicator.wording}’ was last true"
            ]
        if not given.narrative.strip():
            errors[narrative_field(indicator.id)] = [
                f"Describe what you know about ‘{indicator.wording}’"
            ]
    return errors


def assessing_agency_ids(actor: Any) -> list[Any]:
    """The agencies in which ``actor`` holds a role that completes assessments."""
    viewer = policy.viewer_for(actor)
    return sorted(
        (
            agency_id
            for agency_id, roles in viewer.roles_by_agency.items()
            if roles & policy.ASSESSING_ROLES and agency_id in viewer.casework_agency_ids
        ),
        key=str,
    )


def _check_may_assess(actor: Any, person: Person) -> None:
    if not policy.may_assess(actor):
        raise PermissionDenied("You cannot complete risk assessments")
    if not policy.person_visible_to(actor).filter(pk=person.pk).exists():
        raise NotFoundOrForbidden


def _age(person: Person, on: datetime.date) -> int | None:
    return person.age_on(on)


def _override_direction(catalogue: Catalogue, *, suggested: str, level: str) -> str:
    if catalogue.rank(level) > catalogue.rank(suggested):
        return OverrideDirection.UP
    if catalogue.rank(level) < catalogue.rank(suggested):
        return OverrideDirection.DOWN
    return OverrideDirection.NONE


def suggestion_for(
    *, person: Person, catalogue: Catalogue, answers: Mapping[str, AnswerInput]
) -> Suggestion | None:
    """Harbour's suggestion for a complete set of answers, or None while any is missing or
    wrong. For showing on a page; ``assessment_complete`` computes its own."""
    if answer_errors(catalogue=catalogue, answers=answers):
        return None
    return suggest(catalogue=catalogue, answers=answers, age=_age(person, timezone.localdate()))


def assessment_suggest(
    *,
    actor: Any,
    person: Person,
    area: Area,
    answers: Mapping[str, AnswerInput],
    request: Any = None,
) -> Suggestion:
    """Check the answers and say what Harbour would suggest. Saves nothing; the request to see
    a suggestion about the child is audited."""
    _check_may_assess(actor, person)
    catalogue = catalogue_for_area(area)
    errors = answer_errors(catalogue=catalogue, answers=answers)
    if errors:
        raise ServiceValidationError(errors)
    suggestion = suggest(
        catalogue=catalogue, answers=answers, age=_age(person, timezone.localdate())
    )
    record_event(
        actor=actor,
        action="assessment.suggestion_previewed",
        subject=person,
        after={
            "catalogue": catalogue.label,
            "suggested_level": suggestion.level,
            "score": suggestion.score,
        },
        request=request,
    )
    return suggestion


@transaction.atomic
def assessment_complete(
    *,
    actor: Any,
    person: Person,
    area: Area,
    started_from: str,
    answers: Mapping[str, AnswerInput],
    level: str,
    rationale: str,
    override_reason: str,
    child_said: str,
    seen_alone: str,
    child_wishes: str,
    protective_factors: str,
    contributing_agencies: Iterable[Agency],
    referral: Any = None,
    case: Any = None,
    agency: Agency | None = None,
    request: Any = None,
) -> Assessment:
    """Complete a risk assessment of ``person`` on the catalogue ``area`` uses.

    Everything is checked before anything is saved. Harbour's suggestion is computed here; a
    ``level`` other than the suggestion is a professional-judgement override (up or down) and
    needs ``override_reason``. ``agency`` is the actor's agency the assessment is completed for
    (needed only when they assess for more than one). The assessment becomes the child's
    current one; its review date follows the catalogue's review days for ``level``.
    """
    _check_may_assess(actor, person)
    catalogue = catalogue_for_area(area)
    now = timezone.now()
    today = timezone.localdate(now)
    age = _age(person, today)
    contributing = list(contributing_agencies)

    errors = answer_errors(catalogue=catalogue, answers=answers)
    if person.kind != PersonKind.CHILD:
        errors["person"] = ["Risk assessments are for children: this is an adult's record"]
    errors.update(_where_from_errors(actor, person, started_from, referral, case))
    agency_ids = assessing_agency_ids(actor)
    if agency is None and len(agency_ids) == 1:
        agency = Agency.objects.get(pk=agency_ids[0])
    if agency is None or agency.pk not in agency_ids:
        errors["agency"] = ["Select the agency you are completing this assessment for"]
    if any(not contributor.is_active for contributor in contributing):
        errors["contributing_agencies"] = ["Select the agencies that contributed from the list"]
    if level not in catalogue.level_ids:
        errors["level"] = ["Select the level of risk you judge there to be"]
    if not rationale.strip():
        errors["rationale"] = ["Explain the reasons for your judgement"]
    if seen_alone not in SeenAlone.values:
        errors["seen_alone"] = ["Select whether the child was seen alone"]
    if not child_said.strip():
        errors["child_said"] = [
            "Record what the child said, or why their views could not be gathered"
        ]
    suggestion = None
    if not any(key.startswith(("answer", "recency_", "narrative_")) for key in errors):
        suggestion = suggest(catalogue=catalogue, answers=answers, age=age)
        if (
            level in catalogue.level_ids
            and level != suggestion.level
            and not override_reason.strip()
        ):
            errors["override_reason"] = [
                "Explain why your judgement differs from the suggested level"
            ]
    if errors or suggestion is None or agency is None:
        raise ServiceValidationError(errors)

    locked = Person.objects.select_for_update().filter(pk=person.pk)
    list(locked.values_list("pk", flat=True))  # one assessment completes at a time per child
    previous = Assessment.objects.filter(person=person, is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    direction = _override_direction(catalogue, suggested=suggestion.level, level=level)
    assessment = Assessment.objects.create(
        person=person,
        area=area,
        catalogue_key=catalogue.key,
        catalogue_version=catalogue.version,
        started_from=started_from,
        referral=referral,
        case=case,
        age_at_assessment=age,
        suggested_level=suggestion.level,
        explanation=suggestion.explanation,
        level=level,
        rationale=rationale.strip(),
        override_direction=direction,
        override_reason=override_reason.strip() if direction != OverrideDirection.NONE else "",
        child_said=child_said.strip(),
        seen_alone=seen_alone,
        child_wishes=child_wishes.strip(),
        protective_factors=protective_factors.strip(),
        review_due_on=today + datetime.timedelta(days=catalogue.review_days(level)),
        is_current=True,
        completed_at=now,
        completed_by=actor,
        completed_by_agency=agency,
    )
    assessment.contributing_agencies.set(contributing)
    AssessmentAnswer.objects.bulk_create(
        _answer_row(assessment, indicator.id, indicator.asks_recency, answers[indicator.id])
        for indicator in catalogue.indicators
    )
    record_event(
        actor=actor,
        action="assessment.completed",
        subject=assessment,
        before={
            "level": previous.level if previous else None,
            "assessment_id": str(previous.pk) if previous else None,
        },
        after={
            "person_id": str(person.pk),
            "catalogue": catalogue.label,
            "score": suggestion.score,
            "suggested_level": suggestion.level,
            "level": level,
            "override_direction": direction,
            "review_due_on": assessment.review_due_on,
            "started_from": started_from,
        },
        request=request,
    )
    summary = (
        f"Risk assessment: {catalogue.label_for(level)} "
        f"(suggested {catalogue.label_for(suggestion.level)})"
    )
    if direction != OverrideDirection.NONE:
        summary += ", professional judgement override"
    chronology_record(
        person=person,
        occurred_at=now,
        event_type="assessment.completed",
        summary=summary,
        agency=agency,
        source_type="assessments.assessment",
        source_id=str(assessment.pk),
    )
    return assessment


def _answer_row(
    assessment: Assessment, indicator_id: str, asks_recency: bool, given: AnswerInput
) -> AssessmentAnswer:
    return AssessmentAnswer(
        assessment=assessment,
        indicator_id=indicator_id,
        answer=given.answer,
        recency=given.recency if given.is_yes and asks_recency else "",
        narrative=given.narrative.strip(),
    )


def _where_from_errors(
    actor: Any, person: Person, started_from: str, referral: Any, case: Any
) -> Errors:
    """What led to the assessment must agree with the referral or case it was started from."""
    errors: Errors = {}
    if referral is not None:
        if not policy.referral_visible_to(actor).filter(pk=referral.pk).exists():
            raise NotFoundOrForbidden
        if referral.person_id != person.pk:
            errors["referral"] = ["The referral is about a different child"]
    if case is not None:
        if not policy.case_visible_to(actor).filter(pk=case.pk).exists():
            raise NotFoundOrForbidden
        if case.person_id != person.pk:
            errors["case"] = ["The case is about a different child"]
    if started_from not in StartedFrom.values:
        errors["started_from"] = ["Select what led to this assessment"]
    elif started_from == StartedFrom.TRIAGE and referral is None:
        errors["started_from"] = [
            "An assessment from front door triage must be started from its referral"
        ]
    elif started_from == StartedFrom.CASE and case is None:
        errors["started_from"] = ["An assessment from a case must be started from the case"]
    return errors
