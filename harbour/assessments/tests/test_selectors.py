"""Reading assessments: single reads and refusals audited, a child's history with what changed,
the current assessment, overdue reviews, and override counts for reports."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.assessments import selectors
from harbour.assessments.catalogue import catalogue_for_area
from harbour.assessments.models import Assessment
from harbour.assessments.tests.factories import answers_for, complete, yes
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


# One assessment ------------------------------------------------------------------------------


def test_a_visible_assessment_is_read_and_audited(north):
    assessment = complete(actor=north.lead, person=north.child)
    found = selectors.assessment_get(viewer=north.front_door, assessment_id=assessment.pk)
    assert found == assessment
    event = AuditEvent.objects.get(action="assessment.viewed")
    assert (event.actor, event.subject_id) == (north.front_door, str(assessment.pk))


def test_an_assessment_of_a_child_the_viewer_cannot_see_is_not_found_and_audited(north, south):
    assessment = complete(actor=north.lead, person=north.child)
    with pytest.raises(NotFoundOrForbidden):
        selectors.assessment_get(viewer=south.lead, assessment_id=assessment.pk)
    event = AuditEvent.objects.get(action="assessment.view_refused")
    assert (event.actor, event.subject_id) == (south.lead, str(assessment.pk))
    assert not AuditEvent.objects.filter(action="assessment.viewed").exists()


# History --------------------------------------------------------------------------------------


def test_history_is_newest_first_with_what_changed(north):
    catalogue = catalogue_for_area(north.area)
    first = complete(
        actor=north.lead,
        person=north.child,
        answers=answers_for(catalogue, missing_from_home=yes(), staying_out_late=yes()),
    )
    second = complete(
        actor=north.lead,
        person=north.child,
        answers=answers_for(
            catalogue, missing_from_home=yes(), several_phones=yes(), county_lines=yes()
        ),
    )
    third = complete(
        actor=north.lead,
        person=north.child,
        answers=answers_for(
            catalogue, missing_from_home=yes(), several_phones=yes(), county_lines=yes()
        ),
    )
    history = selectors.assessments_for_person(viewer=north.front_door, person=north.child)

    assert [entry.assessment for entry in history] == [third, second, first]
    assert history[2].changes is None
    changes = history[1].changes
    assert changes.previous == first
    assert (changes.level_before, changes.level_after, changes.level_changed) == (
        "Low",
        "High",
        True,
    )
    assert [c.id for c in changes.newly_yes] == ["several_phones", "county_lines"]
    assert [c.id for c in changes.no_longer_yes] == ["staying_out_late"]
    assert changes.no_longer_yes[0].wording.startswith("The child stays out late")
    unchanged = history[0].changes
    assert not unchanged.level_changed
    assert unchanged.newly_yes == unchanged.no_longer_yes == ()
    event = AuditEvent.objects.get(action="assessment.list_viewed")
    assert event.after == {"assessment_ids": [str(third.pk), str(second.pk), str(first.pk)]}


def test_history_is_empty_for_a_viewer_who_cannot_see_the_child(north, south):
    complete(actor=north.lead, person=north.child)
    assert selectors.assessments_for_person(viewer=south.lead, person=north.child) == []


def test_the_current_assessment_is_the_latest(north):
    assert selectors.current_assessment(north.child) is None
    complete(actor=north.lead, person=north.child)
    latest = complete(actor=north.lead, person=north.child)
    assert selectors.current_assessment(north.child) == latest


# Overdue reviews ------------------------------------------------------------------------------


def test_overdue_lists_current_assessments_past_review_oldest_first(north):
    other = PersonFactory(home_area=north.area, created_by_agency=north.csc)
    third_child = PersonFactory(home_area=north.area, created_by_agency=north.csc)
    replaced = complete(actor=north.lead, person=north.child)
    current = complete(actor=north.lead, person=north.child)
    longest = complete(actor=north.lead, person=other)
    not_due = complete(actor=north.lead, person=third_child)
    Assessment.objects.filter(pk=replaced.pk).update(review_due_on=_days_ago(300))
    Assessment.objects.filter(pk=current.pk).update(review_due_on=_days_ago(3))
    Assessment.objects.filter(pk=longest.pk).update(review_due_on=_days_ago(40))
    Assessment.objects.filter(pk=not_due.pk).update(review_due_on=timezone.localdate())

    overdue = list(selectors.assessments_overdue(viewer=north.front_door))
    assert overdue == [longest, current]


def test_overdue_is_scoped_to_the_viewer_and_to_areas(north, south):
    mine = complete(actor=north.lead, person=north.child)
    theirs = complete(actor=south.lead, person=south.child)
    Assessment.objects.update(review_due_on=_days_ago(10))

    assert list(selectors.assessments_overdue(viewer=north.front_door)) == [mine]
    assert list(selectors.assessments_overdue(viewer=south.front_door)) == [theirs]
    assert (
        list(selectors.assessments_overdue(viewer=north.front_door, area_ids=[south.area.pk])) == []
    )
    nobody = user_with_role(Role.BOARD_MEMBER)
    assert list(selectors.assessments_overdue(viewer=nobody)) == []


def test_the_overdue_page_read_is_audited(north):
    assessment = complete(actor=north.lead, person=north.child)
    Assessment.objects.update(review_due_on=_days_ago(1))
    page = selectors.overdue_reviews_page(viewer=north.front_door)
    assert list(page.object_list) == [assessment]
    event = AuditEvent.objects.get(action="assessment.list_viewed")
    assert event.after == {
        "list": "overdue_reviews",
        "page": 1,
        "assessment_ids": [str(assessment.pk)],
    }


# Override counts -------------------------------------------------------------------------------


def test_override_counts_by_direction(north, south):
    catalogue = catalogue_for_area(north.area)
    complete(actor=north.lead, person=north.child)
    complete(actor=north.lead, person=north.child, level="high", override_reason="Police intel.")
    complete(actor=north.lead, person=north.child, level="medium", override_reason="School view.")
    complete(
        actor=north.lead,
        person=north.child,
        answers=answers_for(catalogue, county_lines=yes()),
        level="medium",
        override_reason="Arrest was a mistake.",
    )
    complete(actor=south.lead, person=south.child, level="high", override_reason="Worried.")

    counts = selectors.override_counts()
    assert (counts.up, counts.down, counts.agreed, counts.total, counts.overrides) == (
        3,
        1,
        1,
        5,
        4,
    )
    north_only = selectors.override_counts(area_ids=[north.area.pk])
    assert (north_only.up, north_only.down, north_only.agreed) == (2, 1, 1)
    today = timezone.localdate()
    assert selectors.override_counts(completed_from=today, completed_to=today).total == 5
    tomorrow = today + datetime.timedelta(days=1)
    assert selectors.override_counts(completed_from=tomorrow).total == 0
