"""The duplicates pages: the queue's order and scope, the decision form, merge and undo, 404s."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.duplicates import selectors
from harbour.duplicates.models import CandidateStatus, DuplicateCandidate, PersonMerge
from harbour.duplicates.tests import factories as f
from harbour.duplicates.views import explanation_bars
from harbour.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> f.DupWorld:
    return f.dup_world()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_puts_children_at_higher_risk_first_then_probability(
    world: f.DupWorld,
) -> None:
    plain = f.candidate(world.child(), world.child(), probability=0.99)
    medium = f.candidate(world.child(), world.child(), probability=0.80)
    high_child = world.child()
    high = f.candidate(world.child(), high_child, probability=0.70)
    high_too = f.candidate(world.child(), world.child(), probability=0.75)
    f.assessment(world, high_child, level="high")
    f.assessment(world, high_too.person_r, level="high")
    f.assessment(world, medium.person_l, level="medium")
    f.assessment(world, medium.person_r, level="low")
    f.assessment(world, plain.person_l, level="low", current=False)
    decided = f.candidate(world.child(), world.child(), status=CandidateStatus.NOT_SAME)

    order = list(selectors.reviewable_pairs(world.north.front_door))
    assert order == [high_too, high, medium, plain]
    assert decided not in order
    assert [pair.risk_rank for pair in order] == [3, 3, 2, 0]

    page = _client(world.north.front_door).get(reverse("duplicates:queue"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index(str(high_too.pk)) < text.index(str(high.pk)) < text.index(str(plain.pk))
    assert AuditEvent.objects.filter(action="duplicates.queue_viewed").count() == 1


def test_the_queue_only_shows_pairs_the_reviewer_may_see_in_full(world: f.DupWorld) -> None:
    north_pair = f.candidate(world.child(), world.child())
    south_child = world.child(home_area=world.south.area, created_by_agency=world.south.csc)
    mixed = f.candidate(world.child(), south_child)
    assert list(selectors.reviewable_pairs(world.north.front_door)) == [north_pair]
    assert list(selectors.reviewable_pairs(world.south.front_door)) == []
    assert list(selectors.reviewable_pairs(world.coordinator)) == [north_pair]
    client = _client(world.north.front_door)
    assert client.get(reverse("duplicates:pair", args=[mixed.pk])).status_code == 404
    assert client.get(reverse("duplicates:pair", args=[north_pair.pk])).status_code == 200


@pytest.mark.parametrize("who", ["lead", "officer", "admin", "nurse"])
def test_other_roles_get_404s(world: f.DupWorld, who: str) -> None:
    pair = f.candidate(world.child(), world.child())
    client = _client(getattr(world, who))
    assert client.get(reverse("duplicates:queue")).status_code == 404
    assert client.get(reverse("duplicates:pair", args=[pair.pk])).status_code == 404
    assert client.post(reverse("duplicates:pair_merge", args=[pair.pk])).status_code == 404
    assert (
        client.get(reverse("duplicates:person_merges", args=[pair.person_l_id])).status_code == 404
    )


def test_the_queue_is_paginated(world: f.DupWorld) -> None:
    for _ in range(selectors.QUEUE_PAGE_SIZE + 1):
        f.candidate(world.child(), world.child())
    client = _client(world.north.front_door)
    first = client.get(reverse("duplicates:queue"))
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("duplicates:queue") + "?page=2")
    assert second.content.decode().count("review this pair") == 1


def test_the_comparison_explains_the_evidence_in_words_and_a_figure(world: f.DupWorld) -> None:
    pair = f.candidate(world.child(first_names="Mia"), world.child(first_names="Maya"))
    page = _client(world.north.front_door).get(reverse("duplicates:pair", args=[pair.pk]))
    text = page.content.decode()
    assert "97%" in text
    assert "Strong evidence they are the same child" in text  # date of birth, 6.1
    assert "Some evidence they are different children" in text  # postcode, -1.3
    assert 'role="img"' in text
    assert "Date of birth: 6.1" in text
    assert AuditEvent.objects.filter(action="duplicates.pair_viewed").count() == 2

    bars = explanation_bars(pair.explanation)
    assert [bar.is_for for bar in bars] == [True, True, False]
    assert bars[1].width > bars[0].width > bars[2].width  # scaled by the size of the weight


def test_the_decision_form_explains_what_is_missing(world: f.DupWorld) -> None:
    pair = f.candidate(world.child(), world.child())
    client = _client(world.north.front_door)
    url = reverse("duplicates:pair", args=[pair.pk])
    empty = client.post(url, {})
    assert "Select whether these records are the same child" in empty.content.decode()
    assert empty.content.decode().count("There is a problem") == 1
    no_reason = client.post(url, {"decision": "not_same", "reason": ""})
    assert "Enter why they are not the same child" in no_reason.content.decode()
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.OPEN

    done = client.post(url, {"decision": "not_same", "reason": "Twins: different NHS numbers."})
    assert done.status_code == 302
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_SAME
    assert client.get(url).status_code == 404  # decided pairs leave the queue


def test_merge_through_the_pages_then_undo(world: f.DupWorld) -> None:
    left, right = world.child(first_names="Mia"), world.child(first_names="Maya")
    f.involvement(right, world.police)
    pair = f.candidate(left, right)
    client = _client(world.north.front_door)
    url = reverse("duplicates:pair", args=[pair.pk])
    keep_mia = "keep_left" if pair.person_l_id == left.pk else "keep_right"

    confirm = client.post(url, {"decision": keep_mia, "reason": "Same NHS number."})
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Check before you merge" in text
    assert "Shire Police" in text  # who gains sight of the record, before anything happens
    assert not PersonMerge.objects.exists()

    done = client.post(
        reverse("duplicates:pair_merge", args=[pair.pk]),
        {"decision": keep_mia, "reason": "Same NHS number."},
    )
    merge = PersonMerge.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("duplicates:merge", args=[merge.pk])
    assert Person.objects.get(pk=right.pk).merged_into_id == left.pk
    merged_from = client.get(reverse("duplicates:person_merges", args=[left.pk]))
    assert "Maya" in merged_from.content.decode()

    undo_url = reverse("duplicates:unmerge", args=[merge.pk])
    blank = client.post(undo_url, {"reason": ""})
    assert "Enter why the merge should be undone" in blank.content.decode()
    undone = client.post(undo_url, {"reason": "Twins."})
    assert undone.status_code == 302
    assert Person.objects.get(pk=right.pk).merged_into_id is None
    assert DuplicateCandidate.objects.get().status == CandidateStatus.OPEN


def test_a_refused_merge_shows_why_and_offers_no_button(world: f.DupWorld) -> None:
    left, right = world.child(), world.child()
    f.live_case(world, left)
    f.live_case(world, right)
    pair = f.candidate(left, right)
    page = _client(world.north.front_door).post(
        reverse("duplicates:pair", args=[pair.pk]),
        {"decision": "keep_right", "reason": "Same child."},
    )
    text = page.content.decode()
    assert "There is a problem" in text
    assert "live case" in text
    assert "Merge the records" not in text


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_can_ask_for_the_register_to_be_checked_now(
    world: f.DupWorld, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    recorded_once = world.child()
    recorded_again = world.child()
    Person.objects.filter(pk=recorded_again.pk).update(
        first_names=recorded_once.first_names,
        last_name=recorded_once.last_name,
        date_of_birth=recorded_once.date_of_birth,
        sex=recorded_once.sex,
    )
    response = _client(world.north.front_door).post(reverse("duplicates:refresh"), follow=True)
    assert response.status_code == 200
    assert "checking the whole register" in response.content.decode()
    assert AuditEvent.objects.filter(action="duplicates.queue_refresh_requested").count() == 1
    assert AuditEvent.objects.filter(action="duplicates.queue_refreshed").count() == 1
    assert DuplicateCandidate.objects.filter(
        person_l__in=[recorded_once, recorded_again], person_r__in=[recorded_once, recorded_again]
    ).exists()


def test_only_reviewers_may_ask_for_a_check(world: f.DupWorld) -> None:
    response = _client(world.north.referrer).post(reverse("duplicates:refresh"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="duplicates.queue_refresh_requested").exists()
    assert _client(world.north.front_door).get(reverse("duplicates:refresh")).status_code == 405


def test_the_queue_shows_the_higher_of_the_two_childrens_risk(world: f.DupWorld) -> None:
    # The lower-risk child is record A (the smaller id), so showing A's risk would be wrong.
    low, high = sorted((world.child(), world.child()), key=lambda person: person.pk)
    f.candidate(low, high)
    f.assessment(world, low, level="low")
    f.assessment(world, high, level="high")
    text = _client(world.north.front_door).get(reverse("duplicates:queue")).content.decode()
    assert "High" in text
    assert ">Low<" not in text.replace(" ", "")
