"""The assessment pages through Django's test client: starting, suggesting, completing (with
every error message shown in the GOV.UK error summary), reading, history and overdue reviews."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import MembershipFactory, user_with_role
from harbour.assessments.catalogue import catalogue_for_area, clear_catalogue_cache
from harbour.assessments.models import Assessment, OverrideDirection
from harbour.assessments.tests.factories import (
    answers_for,
    complete,
    copy_shipped_catalogues,
    form_data,
    yes,
)
from harbour.audit.models import AuditEvent
from harbour.people.tests.factories import PersonFactory
from harbour.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _summary(response: Any) -> str:
    body = _text(response)
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.DOTALL)
    assert match, "no error summary on the page"
    return match.group(0)


def _create_url(person: Any, **params: Any) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"person": person.pk, **params}.items())
    return f"{reverse('assessments:create')}?{query}"


DECISION = {
    "level": "medium",
    "rationale": "Missing episodes and gifts together worry me.",
    "child_said": "She says the man is her boyfriend and she loves him.",
    "seen_alone": "yes",
    "child_wishes": "To see her boyfriend.",
    "protective_factors": "Her grandmother is protective.",
}


def _medium_answers(north):
    return answers_for(
        catalogue_for_area(north.area),
        missing_from_home=yes("Missing overnight on 3 October."),
        unexplained_gifts=yes("A new phone and trainers."),
        several_phones=yes("Two phones, one she hides."),
    )


# Starting -------------------------------------------------------------------------------------


def test_the_form_shows_every_indicator_by_domain_and_no_decision_yet(north):
    response = _client(north.lead).get(_create_url(north.child))
    assert response.status_code == 200
    body = _text(response)
    catalogue = catalogue_for_area(north.area)
    for domain in catalogue.domains:
        assert f'id="domain-{domain.id}"' in body
    for indicator in catalogue.indicators:
        assert f'name="answer_{indicator.id}"' in body
    assert 'name="recency_neglect"' in body
    assert 'name="recency_looked_after"' not in body  # looked after does not ask when
    assert "Get a suggested level" in body
    assert "Complete assessment" not in body
    assert "(optional)" not in body.split('id="domain-protective"')[0]


@pytest.mark.parametrize(
    "query",
    ["", "?person=not-a-uuid", "?person=9b2f4bc4-34a0-4bd4-9d51-0bd7f3e2a8b1"],
)
def test_a_missing_or_unknown_child_is_not_found(north, query):
    response = _client(north.lead).get(reverse("assessments:create") + query)
    assert response.status_code == 404


def test_someone_who_cannot_see_the_child_gets_not_found_and_a_refusal_row(north, south):
    response = _client(south.lead).get(_create_url(north.child))
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action="person.view_refused")
    assert (refusal.actor, refusal.subject_id) == (south.lead, str(north.child.pk))


def test_someone_who_does_not_assess_gets_not_found(north):
    referrer = user_with_role(Role.REFERRER, north.csc)
    assert _client(referrer).get(_create_url(north.child)).status_code == 404


def test_a_referral_about_another_child_is_not_found(north):
    other = PersonFactory(home_area=north.area, created_by_agency=north.csc)
    referral = make_referral(actor=north.front_door, agency=north.csc, person=other)
    response = _client(north.front_door).get(_create_url(north.child, referral=referral.pk))
    assert response.status_code == 404


def test_the_area_is_asked_for_when_it_is_not_known(north):
    child = PersonFactory(home_area=None, created_by_agency=north.csc)
    client = _client(north.lead)
    response = client.get(_create_url(child))
    assert "Which area is this assessment for?" in _text(response)
    assert "govuk-error-summary" not in _text(response)

    response = client.get(_create_url(child, area=""))
    assert '<a href="#id_area">Select the area this assessment is for</a>' in _summary(response)
    assert "<title>Error: " in _text(response)

    response = client.get(_create_url(child, area=north.area.pk))
    assert 'name="answer_neglect"' in _text(response)


# Suggesting -----------------------------------------------------------------------------------


def test_asking_for_a_suggestion_with_gaps_lists_every_problem(north):
    catalogue = catalogue_for_area(north.area)
    answers = answers_for(catalogue, missing_from_home=yes(narrative="", recency=""))
    del answers["neglect"]
    response = _client(north.lead).post(_create_url(north.child), form_data(catalogue, answers))

    assert response.status_code == 200
    summary = _summary(response)
    assert (
        '<a href="#id_answer_neglect_0">Select yes, no or not known for ‘The child has been '
        "neglected at home, now or in the past’</a>" in summary
    )
    assert (
        '<a href="#id_recency_missing_from_home_0">Select when ‘The child has gone missing from '
        "home’ was last true</a>" in summary
    )
    assert (
        '<a href="#id_narrative_missing_from_home">Describe what you know about ‘The child has '
        "gone missing from home’</a>" in summary
    )
    body = _text(response)
    assert 'id="id_answer_neglect-error"' in body
    assert "<title>Error: " in body
    assert "Complete assessment" not in body
    assert not AuditEvent.objects.filter(action="assessment.suggestion_previewed").exists()


def test_a_value_that_is_not_a_choice_is_named(north):
    catalogue = catalogue_for_area(north.area)
    data = form_data(catalogue, answers_for(catalogue), answer_neglect="maybe")
    response = _client(north.lead).post(_create_url(north.child), data)
    assert "Select yes, no or not known for ‘The child has been neglected" in _summary(response)


def test_a_suggestion_is_shown_with_its_explanation_and_nothing_is_saved(north):
    catalogue = catalogue_for_area(north.area)
    response = _client(north.lead).post(
        _create_url(north.child), form_data(catalogue, _medium_answers(north))
    )
    assert response.status_code == 200
    body = _text(response)
    assert "Harbour suggests Medium. Nothing is saved yet." in body
    assert '<input type="hidden" name="suggested_level_seen" value="medium">' in body
    assert "The answers score 6, which on its own suggests Medium." in body
    assert "The child has gone missing from home" in body
    assert "Complete assessment" in body
    assert 'name="level"' in body
    assert "Medium (suggested)" in body
    assert "Missing overnight on 3 October." in body  # what was typed is kept
    assert not Assessment.objects.exists()
    assert AuditEvent.objects.filter(action="assessment.suggestion_previewed").count() == 1


# Completing -----------------------------------------------------------------------------------


def test_completing_agreeing_with_the_suggestion(north):
    catalogue = catalogue_for_area(north.area)
    data = form_data(
        catalogue,
        _medium_answers(north),
        action="complete",
        suggested_level_seen="medium",
        started_from="return_interview",
        contributing_agencies=[str(north.police.pk)],
        **DECISION,
    )
    response = _client(north.lead).post(_create_url(north.child), data)
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
    assert assessment.level == assessment.suggested_level == "medium"
    assert assessment.started_from == "return_interview"
    assert list(assessment.contributing_agencies.all()) == [north.police]


def test_completing_with_an_override_down_from_a_referral(north):
    referral = make_referral(actor=north.front_door, agency=north.csc, person=north.child)
    catalogue = catalogue_for_area(north.area)
    answers = answers_for(catalogue, county_lines=yes("Named by police in an operation."))
    data = form_data(
        catalogue,
        answers,
        action="complete",
        suggested_level_seen="high",
        started_from="triage",
        **{
            **DECISION,
            "level": "medium",
            "override_reason": "The police report named a different boy with her name.",
        },
    )
    client = _client(north.front_door)
    page = client.get(_create_url(north.child, referral=referral.pk))
    assert 'name="started_from" value="triage"' in _text(page)
    response = client.post(_create_url(north.child, referral=referral.pk), data)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.override_direction == OverrideDirection.DOWN
    assert assessment.referral == referral
    assert assessment.started_from == "triage"


def test_completing_without_the_decision_lists_every_problem(north):
    catalogue = catalogue_for_area(north.area)
    data = form_data(
        catalogue,
        _medium_answers(north),
        action="complete",
        suggested_level_seen="medium",
        level="high",
    )
    response = _client(north.lead).post(_create_url(north.child), data)
    assert response.status_code == 200
    summary = _summary(response)
    for target, message in [
        ("id_started_from_0", "Select what led to this assessment"),
        ("id_override_reason", "Explain why your judgement differs from the suggested level"),
        ("id_rationale", "Explain the reasons for your judgement"),
        ("id_child_said", "Record what the child said, or why their views could not be gathered"),
        ("id_seen_alone_0", "Select whether the child was seen alone"),
    ]:
        assert f'<a href="#{target}">{message}</a>' in summary
    assert "Harbour suggests" in _text(response)  # the suggestion stays on the page
    assert not Assessment.objects.exists()


def test_completing_without_a_level(north):
    catalogue = catalogue_for_area(north.area)
    data = form_data(
        catalogue,
        _medium_answers(north),
        action="complete",
        suggested_level_seen="medium",
        **{**DECISION, "level": None, "started_from": "review"},
    )
    response = _client(north.lead).post(_create_url(north.child), data)
    assert '<a href="#id_level_0">Select the level of risk you judge there to be</a>' in (
        _summary(response)
    )


def test_answers_changed_after_the_suggestion_must_be_checked_again(north):
    catalogue = catalogue_for_area(north.area)
    answers = {**_medium_answers(north), "owes_a_debt": yes("Says he owes Dee £400.")}
    data = form_data(
        catalogue,
        answers,
        action="complete",
        suggested_level_seen="medium",
        started_from="review",
        **DECISION,
    )
    response = _client(north.lead).post(_create_url(north.child), data)
    assert (
        "Your answers make the suggested level High. Read the suggestion and check your "
        "decision, then complete the assessment" in _summary(response)
    )
    assert '<input type="hidden" name="suggested_level_seen" value="high">' in _text(response)
    assert not Assessment.objects.exists()


def test_a_changed_catalogue_asks_for_the_answers_to_be_checked(north):
    catalogue = catalogue_for_area(north.area)
    data = form_data(catalogue, _medium_answers(north), catalogue="exploitation.v0")
    response = _client(north.lead).post(_create_url(north.child), data)
    assert (
        "The assessment questions changed since this page was opened. Check your answers "
        "against the questions below, then ask for a suggested level again" in _summary(response)
    )


def test_an_assessor_in_two_agencies_chooses_one(north):
    MembershipFactory(user=north.lead, agency=north.police, role=Role.POLICE_EXPLOITATION)
    catalogue = catalogue_for_area(north.area)
    client = _client(north.lead)
    assert "Which agency are you completing this assessment for?" in _text(
        client.get(_create_url(north.child))
    )
    data = form_data(
        catalogue,
        _medium_answers(north),
        action="complete",
        suggested_level_seen="medium",
        started_from="review",
        **DECISION,
    )
    response = client.post(_create_url(north.child), data)
    assert (
        '<a href="#id_agency_0">Select the agency you are completing this assessment for</a>'
        in (_summary(response))
    )
    response = client.post(_create_url(north.child), {**data, "agency": str(north.police.pk)})
    assert response.status_code == 302
    assert Assessment.objects.get().completed_by_agency == north.police


def test_unknown_contributing_agencies_are_named(north):
    catalogue = catalogue_for_area(north.area)
    data = form_data(
        catalogue,
        _medium_answers(north),
        action="complete",
        suggested_level_seen="medium",
        started_from="review",
        contributing_agencies=["9b2f4bc4-34a0-4bd4-9d51-0bd7f3e2a8b1"],
        **DECISION,
    )
    response = _client(north.lead).post(_create_url(north.child), data)
    assert "Select the agencies that contributed from the list" in _summary(response)


# Reading --------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_decision_explanation_voice_and_answers(north):
    assessment = complete(
        actor=north.lead,
        person=north.child,
        answers=_medium_answers(north),
        level="high",
        override_reason="An older man has been seen collecting her.",
        contributing_agencies=[north.police],
    )
    response = _client(north.front_door).get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 200
    body = _text(response)
    assert "Yes: higher than suggested" in body
    assert "An older man has been seen collecting her." in body
    assert "Why Harbour suggested Medium" in body
    assert "She said she is fine" in body
    assert "Northbrook Police" in body
    assert "Missing overnight on 3 October." in body
    assert "within the last 6 months" in body
    assert AuditEvent.objects.filter(action="assessment.viewed").count() == 1


def test_the_detail_page_is_not_found_for_someone_who_cannot_see_the_child(north, south):
    assessment = complete(actor=north.lead, person=north.child)
    response = _client(south.lead).get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action="assessment.view_refused")
    assert (refusal.actor, refusal.subject_id) == (south.lead, str(assessment.pk))


def test_the_history_page(north):
    catalogue = catalogue_for_area(north.area)
    complete(actor=north.lead, person=north.child)
    complete(
        actor=north.lead, person=north.child, answers=answers_for(catalogue, county_lines=yes())
    )
    response = _client(north.lead).get(reverse("assessments:history", args=[north.child.pk]))
    body = _text(response)
    assert response.status_code == 200
    assert "Level changed from Low to High." in body
    assert "Now answered “yes”:" in body
    assert "travel to other areas to sell drugs" in body
    assert "(current)" in body


def test_the_history_page_is_not_found_for_someone_who_cannot_see_the_child(north, south):
    response = _client(south.lead).get(reverse("assessments:history", args=[north.child.pk]))
    assert response.status_code == 404


# Overdue reviews -------------------------------------------------------------------------------


def test_the_overdue_list(north):
    assessment = complete(actor=north.lead, person=north.child)
    Assessment.objects.update(review_due_on=timezone.localdate() - datetime.timedelta(days=12))
    response = _client(north.lead).get(reverse("assessments:overdue"))
    body = _text(response)
    assert response.status_code == 200
    assert "Jade Marsh" in body
    assert "12 days overdue" in body
    assert reverse("assessments:detail", args=[assessment.pk]) in body
    filtered = _client(north.lead).get(reverse("assessments:overdue") + f"?area={north.area.pk}")
    assert "Jade Marsh" in _text(filtered)


def test_the_overdue_list_with_an_unknown_area(north):
    response = _client(north.lead).get(reverse("assessments:overdue") + "?area=nowhere")
    assert response.status_code == 400
    assert '<a href="#id_area">Select an area from the list</a>' in _summary(response)


def test_the_overdue_list_is_for_front_door_coordinators_and_lead_professionals(north):
    police = user_with_role(Role.POLICE_EXPLOITATION, north.police)
    assert _client(police).get(reverse("assessments:overdue")).status_code == 404
    assert _client(north.front_door).get(reverse("assessments:overdue")).status_code == 200


# Catalogue versions ----------------------------------------------------------------------------


def test_an_old_assessment_renders_with_its_own_catalogue_after_a_new_version(
    north, tmp_path, settings
):
    directory = copy_shipped_catalogues(tmp_path / "catalogues")
    settings.HARBOUR_ASSESSMENT_CATALOGUE_DIR = str(directory)
    v1 = catalogue_for_area(north.area)
    old = complete(
        actor=north.lead,
        person=north.child,
        answers=answers_for(v1, neglect=yes("Left alone for days at a time.")),
    )

    data = json.loads((directory / "exploitation.v1.json").read_text())
    data["version"] = 2
    neglect = next(i for i in data["indicators"] if i["id"] == "neglect")
    neglect["wording"] = "The child's basic needs have not been met at home"
    (directory / "exploitation.v2.json").write_text(json.dumps(data, indent=2))
    clear_catalogue_cache()

    v2 = catalogue_for_area(north.area)
    assert v2.version == 2
    new = complete(
        actor=north.lead,
        person=north.child,
        answers=answers_for(v2, neglect=yes("Still no food in the house.")),
    )
    assert (new.catalogue_version, old.catalogue_version) == (2, 1)

    client = _client(north.lead)
    old_page = _text(client.get(reverse("assessments:detail", args=[old.pk])))
    assert "The child has been neglected at home, now or in the past" in old_page
    assert "basic needs have not been met" not in old_page
    assert "version 1" in old_page
    new_page = _text(client.get(reverse("assessments:detail", args=[new.pk])))
    assert "The child&#x27;s basic needs have not been met at home" in new_page
    assert "version 2" in new_page
    form_page = _text(client.get(_create_url(north.child)))
    assert "The child&#x27;s basic needs have not been met at home" in form_page


def test_values_that_are_not_among_the_choices_are_named(north):
    catalogue = catalogue_for_area(north.area)
    data = form_data(
        catalogue,
        _medium_answers(north),
        action="complete",
        suggested_level_seen="medium",
        **{
            **DECISION,
            "recency_missing_from_home": "last_week",
            "started_from": "gut_feeling",
            "level": "severe",
            "seen_alone": "maybe",
            "agency": "9b2f4bc4-34a0-4bd4-9d51-0bd7f3e2a8b1",
        },
    )
    response = _client(north.lead).post(_create_url(north.child), data)
    summary = _summary(response)
    for message in [
        "Select when ‘The child has gone missing from home’ was last true",
        "Select what led to this assessment",
        "Select the level of risk you judge there to be",
        "Select whether the child was seen alone",
        "Select the agency you are completing this assessment for",
    ]:
        assert message in summary
    assert not Assessment.objects.exists()
