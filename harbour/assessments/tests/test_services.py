"""Completing an assessment: validation before saving, the server's own suggestion, overrides,
review dates, the child's current assessment, audit and chronology, and no half-saves."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, MembershipFactory, user_with_role
from harbour.assessments import services
from harbour.assessments.catalogue import catalogue_for_area
from harbour.assessments.models import Assessment, AssessmentAnswer, OverrideDirection
from harbour.assessments.tests.factories import (
    Partnership,
    answers_for,
    born_years_ago,
    complete,
    yes,
)
from harbour.audit.models import AuditEvent
from harbour.cases.models import Case
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.people.models import ChronologyEntry, PersonKind
from harbour.people.tests.factories import PersonFactory
from harbour.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ServiceValidationError) as error:
        call()
    return error.value.message_dict


def _catalogue(north: Partnership):
    return catalogue_for_area(north.area)


# A completed assessment -----------------------------------------------------------------------


def test_completing_saves_answers_suggestion_decision_audit_and_chronology(north):
    catalogue = _catalogue(north)
    answers = answers_for(
        catalogue,
        missing_from_home=yes("Missing twice from home in October."),
        unexplained_gifts=yes("New trainers and a designer coat."),
        several_phones=yes("Two phones seen at school."),
        low_self_esteem="not_known",
    )
    assessment = complete(
        actor=north.lead,
        person=north.child,
        answers=answers,
        contributing_agencies=[north.police],
    )
    assessment.refresh_from_db()

    assert (assessment.catalogue_key, assessment.catalogue_version) == ("exploitation", 1)
    assert (assessment.suggested_level, assessment.level) == ("medium", "medium")
    assert assessment.override_direction == OverrideDirection.NONE
    assert assessment.override_reason == ""
    assert assessment.age_at_assessment == 15
    assert assessment.completed_by == north.lead
    assert assessment.completed_by_agency == north.csc
    assert assessment.is_current
    assert list(assessment.contributing_agencies.all()) == [north.police]
    assert assessment.explanation["score"] == 6
    assert [i["id"] for i in assessment.explanation["indicators"]] == [
        "missing_from_home",
        "unexplained_gifts",
        "several_phones",
    ]
    rows = {row.indicator_id: row for row in assessment.answers.all()}
    assert len(rows) == len(catalogue.indicators)
    assert rows["missing_from_home"].narrative == "Missing twice from home in October."
    assert rows["missing_from_home"].recency == "last_6_months"
    assert rows["low_self_esteem"].answer == "not_known"
    assert rows["neglect"].answer == "no"

    event = AuditEvent.objects.get(action="assessment.completed")
    assert event.subject_id == str(assessment.pk)
    assert event.before == {"level": None, "assessment_id": None}
    assert event.after["level"] == "medium"
    assert event.after["suggested_level"] == "medium"
    assert event.after["catalogue"] == "exploitation.v1"

    entry = ChronologyEntry.objects.get(event_type="assessment.completed")
    assert entry.person == north.child
    assert entry.summary == "Risk assessment: Medium (suggested Medium)"
    assert entry.agency == north.csc
    assert (entry.source_type, entry.source_id) == ("assessments.assessment", str(assessment.pk))


def test_a_new_assessment_replaces_the_current_one_and_audits_the_previous_level(north):
    first = complete(actor=north.lead, person=north.child)
    catalogue = _catalogue(north)
    second = complete(
        actor=north.lead,
        person=north.child,
        answers=answers_for(catalogue, county_lines=yes()),
    )
    first.refresh_from_db()
    assert not first.is_current
    assert second.is_current
    assert second.level == "high"
    event = AuditEvent.objects.filter(action="assessment.completed").order_by("-id").first()
    assert event.before == {"level": "low", "assessment_id": str(first.pk)}


# Overrides, in both directions ----------------------------------------------------------------


def test_a_higher_level_than_suggested_is_an_override_up_with_its_reason(north):
    assessment = complete(
        actor=north.lead,
        person=north.child,
        level="high",
        override_reason="She is being collected by a man police link to a county line.",
    )
    assert assessment.suggested_level == "low"
    assert assessment.override_direction == OverrideDirection.UP
    assert assessment.override_reason.startswith("She is being collected")
    entry = ChronologyEntry.objects.get(event_type="assessment.completed")
    assert entry.summary == (
        "Risk assessment: High (suggested Low), professional judgement override"
    )
    audit = AuditEvent.objects.get(action="assessment.completed")
    assert audit.after["override_direction"] == "up"


def test_a_lower_level_than_suggested_is_an_override_down_with_its_reason(north):
    catalogue = _catalogue(north)
    answers = answers_for(catalogue, county_lines=yes("Arrested in Southmere in March."))
    assessment = complete(
        actor=north.lead,
        person=north.child,
        answers=answers,
        level="medium",
        override_reason="The March arrest was a misidentification; police have confirmed it.",
    )
    assert (assessment.suggested_level, assessment.level) == ("high", "medium")
    assert assessment.override_direction == OverrideDirection.DOWN
    assert "misidentification" in assessment.override_reason


def test_an_override_needs_a_reason(north):
    errors = _errors(lambda: complete(actor=north.lead, person=north.child, level="medium"))
    assert errors == {
        "override_reason": ["Explain why your judgement differs from the suggested level"]
    }
    assert not Assessment.objects.exists()


def test_a_posted_suggestion_is_never_trusted(north):
    """The service computes the suggestion itself: agreeing with a level Harbour did not
    suggest is an override."""
    catalogue = _catalogue(north)
    answers = answers_for(catalogue, sexual_images=yes())
    errors = _errors(
        lambda: complete(actor=north.lead, person=north.child, answers=answers, level="low")
    )
    assert "override_reason" in errors


# Review dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "days"), [("low", 180), ("medium", 90), ("high", 28)])
def test_the_review_date_follows_the_practitioners_level(north, level, days):
    reason = "" if level == "low" else "Judgement differs from the score for reasons given."
    assessment = complete(actor=north.lead, person=north.child, level=level, override_reason=reason)
    assert assessment.review_due_on == timezone.localdate() + datetime.timedelta(days=days)


# Validation: every message, nothing saved ------------------------------------------------


def test_every_indicator_must_be_answered(north):
    catalogue = _catalogue(north)
    answers = answers_for(catalogue)
    del answers["neglect"]
    errors = _errors(lambda: complete(actor=north.lead, person=north.child, answers=answers))
    assert errors == {
        "answer_neglect": [
            "Select yes, no or not known for ‘The child has been neglected at home, now or in "
            "the past’"
        ]
    }


def test_a_yes_needs_a_narrative_and_when_asked_a_recency(north):
    catalogue = _catalogue(north)
    answers = answers_for(
        catalogue,
        missing_from_home=yes(narrative="  ", recency=""),
        looked_after=yes(narrative="", recency=""),
    )
    errors = _errors(lambda: complete(actor=north.lead, person=north.child, answers=answers))
    assert errors == {
        "recency_missing_from_home": [
            "Select when ‘The child has gone missing from home’ was last true"
        ],
        "narrative_missing_from_home": [
            "Describe what you know about ‘The child has gone missing from home’"
        ],
        "narrative_looked_after": [
            "Describe what you know about ‘The child is looked after by the local authority, "
            "or has recently left care’"
        ],
    }


def test_an_answer_that_is_not_a_question_is_refused(north):
    catalogue = _catalogue(north)
    answers = answers_for(catalogue, horoscope="yes")
    errors = _errors(lambda: complete(actor=north.lead, person=north.child, answers=answers))
    assert errors == {"answers": ["‘horoscope’ is not a question in exploitation.v1"]}


def test_the_decision_and_the_childs_voice_are_required(north):
    errors = _errors(
        lambda: complete(
            actor=north.lead,
            person=north.child,
            level="severe",
            rationale=" ",
            seen_alone="maybe",
            child_said="",
            started_from="gut_feeling",
        )
    )
    assert errors == {
        "level": ["Select the level of risk you judge there to be"],
        "rationale": ["Explain the reasons for your judgement"],
        "seen_alone": ["Select whether the child was seen alone"],
        "child_said": ["Record what the child said, or why their views could not be gathered"],
        "started_from": ["Select what led to this assessment"],
    }


def test_triage_and_case_starts_need_their_referral_or_case(north):
    assert _errors(
        lambda: complete(actor=north.lead, person=north.child, started_from="triage")
    ) == {
        "started_from": ["An assessment from front door triage must be started from its referral"]
    }
    assert _errors(lambda: complete(actor=north.lead, person=north.child, started_from="case")) == {
        "started_from": ["An assessment from a case must be started from the case"]
    }


def test_a_referral_or_case_about_another_child_is_refused(north):
    other = PersonFactory(home_area=north.area, created_by_agency=north.csc)
    referral = make_referral(actor=north.front_door, agency=north.csc, person=other)
    case = Case.objects.create(
        person=other,
        area=north.area,
        lead_professional=north.lead,
        lead_agency=north.csc,
        opened_at=timezone.now(),
        opened_by=north.lead,
    )
    errors = _errors(
        lambda: complete(
            actor=north.front_door,
            person=north.child,
            started_from="case",
            referral=referral,
            case=case,
        )
    )
    assert errors == {
        "referral": ["The referral is about a different child"],
        "case": ["The case is about a different child"],
    }


def test_started_from_a_referral_and_a_case(north):
    referral = make_referral(actor=north.front_door, agency=north.csc, person=north.child)
    from_triage = complete(
        actor=north.front_door, person=north.child, started_from="triage", referral=referral
    )
    assert from_triage.referral == referral
    case = Case.objects.create(
        person=north.child,
        area=north.area,
        lead_professional=north.lead,
        lead_agency=north.csc,
        opened_at=timezone.now(),
        opened_by=north.lead,
    )
    from_case = complete(actor=north.lead, person=north.child, started_from="case", case=case)
    assert from_case.case == case


def test_an_adults_record_cannot_be_assessed(north):
    adult = PersonFactory(
        kind=PersonKind.ADULT,
        date_of_birth=born_years_ago(30),
        home_area=north.area,
        created_by_agency=north.csc,
    )
    assert _errors(lambda: complete(actor=north.lead, person=adult)) == {
        "person": ["Risk assessments are for children: this is an adult's record"]
    }


def test_an_assessor_in_two_agencies_says_which_one(north):
    MembershipFactory(user=north.lead, agency=north.police, role=Role.POLICE_EXPLOITATION)
    assert _errors(lambda: complete(actor=north.lead, person=north.child)) == {
        "agency": ["Select the agency you are completing this assessment for"]
    }
    assessment = complete(actor=north.lead, person=north.child, agency=north.police)
    assert assessment.completed_by_agency == north.police


def test_an_agency_the_assessor_does_not_work_for_is_refused(north, south):
    assert _errors(lambda: complete(actor=north.lead, person=north.child, agency=south.csc)) == {
        "agency": ["Select the agency you are completing this assessment for"]
    }


def test_inactive_contributing_agencies_are_refused(north):
    closed = AgencyFactory(is_active=False, areas=[north.area])
    errors = _errors(
        lambda: complete(actor=north.lead, person=north.child, contributing_agencies=[closed])
    )
    assert errors == {
        "contributing_agencies": ["Select the agencies that contributed from the list"]
    }


# No half-saved assessment ----------------------------------------------------------------------


def test_a_failure_part_way_through_saves_nothing(north, monkeypatch):
    first = complete(actor=north.lead, person=north.child)
    before = (
        Assessment.objects.count(),
        AssessmentAnswer.objects.count(),
        AuditEvent.objects.count(),
        ChronologyEntry.objects.count(),
    )

    def broken(**kwargs):
        raise RuntimeError("the chronology is unavailable")

    monkeypatch.setattr(services, "chronology_record", broken)
    with pytest.raises(RuntimeError):
        complete(
            actor=north.lead,
            person=north.child,
            answers=answers_for(_catalogue(north), county_lines=yes()),
        )
    after = (
        Assessment.objects.count(),
        AssessmentAnswer.objects.count(),
        AuditEvent.objects.count(),
        ChronologyEntry.objects.count(),
    )
    assert after == before
    first.refresh_from_db()
    assert first.is_current


def test_invalid_input_saves_nothing(north):
    with pytest.raises(ServiceValidationError):
        complete(actor=north.lead, person=north.child, rationale="")
    assert not Assessment.objects.exists()
    assert not AssessmentAnswer.objects.exists()
    assert not AuditEvent.objects.filter(action="assessment.completed").exists()
    assert not ChronologyEntry.objects.exists()


# Who may assess --------------------------------------------------------------------------------


def test_someone_who_cannot_see_the_child_gets_not_found(north, south):
    with pytest.raises(NotFoundOrForbidden):
        complete(actor=south.lead, person=north.child, area=north.area)
    assert not Assessment.objects.exists()


def test_a_role_that_does_not_assess_is_refused(north):
    referrer = user_with_role(Role.REFERRER, north.csc)
    with pytest.raises(PermissionDenied):
        complete(actor=referrer, person=north.child)


# Asking for a suggestion ---------------------------------------------------------------------


def test_a_suggestion_saves_nothing_but_is_audited(north):
    catalogue = _catalogue(north)
    suggestion = services.assessment_suggest(
        actor=north.lead,
        person=north.child,
        area=north.area,
        answers=answers_for(catalogue, owes_a_debt=yes()),
    )
    assert suggestion.level == "high"
    assert not Assessment.objects.exists()
    event = AuditEvent.objects.get(action="assessment.suggestion_previewed")
    assert event.subject_id == str(north.child.pk)
    assert event.after == {"catalogue": "exploitation.v1", "suggested_level": "high", "score": 5}


def test_a_suggestion_needs_complete_answers(north):
    errors = _errors(
        lambda: services.assessment_suggest(
            actor=north.lead, person=north.child, area=north.area, answers={}
        )
    )
    assert len(errors) == len(_catalogue(north).indicators)
