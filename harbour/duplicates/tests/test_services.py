"""Merge, unmerge, decisions and the queue refresh, through the services."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from harbour.access import policy
from harbour.assessments.models import Assessment
from harbour.audit.models import AuditEvent
from harbour.core.errors import ServiceValidationError
from harbour.duplicates import services
from harbour.duplicates.models import CandidateStatus, DuplicateCandidate, PersonMerge
from harbour.duplicates.policy import load_merge_policy
from harbour.duplicates.tests import factories as f
from harbour.matching.records import FieldEvidence, ProbableDuplicate
from harbour.people.models import Alias, ChronologyEntry, Identifier, Involvement, Person
from harbour.people.tests.factories import IdentifierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> f.DupWorld:
    return f.dup_world()


def _merge(world: f.DupWorld, survivor: Person, merged: Person, **kwargs: Any) -> PersonMerge:
    return services.merge_persons(
        actor=kwargs.pop("actor", world.north.front_door),
        survivor=survivor,
        merged=merged,
        reason=kwargs.pop("reason", "Same NHS number and date of birth."),
        **kwargs,
    )


def _seeing(world: f.DupWorld, person: Person) -> set[Any]:
    found = set()
    for user in world.population:
        policy.forget_viewer(user)
        if policy.person_visible_to(user).filter(pk=person.pk).exists():
            found.add(user.username)
    return found


# What a merge moves, keeps and records ------------------------------------------------------


def test_merge_moves_every_row_keeps_the_merged_record_and_records_each_change(
    world: f.DupWorld,
) -> None:
    survivor = world.child(first_names="Mia", last_name="Harper")
    merged = world.child(first_names="Maya", last_name="Harpur")
    same = IdentifierFactory(person=survivor, value="9434765919")
    twin = IdentifierFactory(person=merged, value="9434765919")
    upn = IdentifierFactory(person=merged, kind="upn", value="A123456789012")
    note = f.chronology(merged)
    referral = f.referral(world, merged)
    updated_at = Identifier.objects.get(pk=upn.pk).updated_at

    merge = _merge(world, survivor, merged)

    upn.refresh_from_db()
    assert upn.person_id == survivor.pk
    assert upn.updated_at == updated_at  # moves do not touch timestamps
    note.refresh_from_db()
    referral.refresh_from_db()
    assert note.person_id == referral.person_id == survivor.pk
    # The identical NHS number stays on the merged-away record: nothing duplicated or lost.
    assert Identifier.objects.get(pk=twin.pk).person_id == merged.pk
    assert Identifier.objects.get(pk=same.pk).person_id == survivor.pk
    assert {"model": "people.identifier", "pk": str(twin.pk), "rule": "keep_with_merged"} in (
        merge.kept
    )
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk
    assert {c["model"] for c in merge.changes} >= {
        "people.identifier",
        "people.chronologyentry",
        "referrals.referral",
        "people.person",
    }
    # The other spelling becomes an alias of the survivor, and the merge says it made it.
    alias = Alias.objects.get(person=survivor, first_names="Maya", last_name="Harpur")
    assert merge.created == [{"model": "people.alias", "pk": str(alias.pk)}]
    assert merge.policy_version == 1
    assert merge.carried_access is True
    assert ChronologyEntry.objects.filter(person=survivor, event_type="record_merged").exists()
    assert ChronologyEntry.objects.filter(person=merged, event_type="record_merged_away").exists()
    actions = set(
        AuditEvent.objects.filter(action__startswith="duplicates.").values_list(
            "action", "subject_id"
        )
    )
    assert ("duplicates.person_merged", str(survivor.pk)) in actions
    assert ("duplicates.person_merged_away", str(merged.pk)) in actions


def test_the_older_current_assessment_stops_being_current_and_comes_back(
    world: f.DupWorld,
) -> None:
    survivor, merged = world.child(), world.child()
    older = f.assessment(world, survivor, level="medium", days_ago=20)
    newer = f.assessment(world, merged, level="high", days_ago=2)

    merge = _merge(world, survivor, merged)

    current = Assessment.objects.get(person=survivor, is_current=True)
    assert current.pk == newer.pk
    assert Assessment.objects.get(pk=older.pk).is_current is False

    services.unmerge_persons(actor=world.north.front_door, merge=merge, reason="Wrong child.")
    assert Assessment.objects.get(pk=older.pk).is_current is True
    assert Assessment.objects.get(pk=newer.pk).person_id == merged.pk


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (f.live_case, "live case"),
        (lambda world, person: f.episode(world, person, open_=True), "open missing episode"),
    ],
)
def test_a_conflict_the_policy_does_not_resolve_refuses_before_writing(
    world: f.DupWorld, make: Any, words: str
) -> None:
    survivor, merged = world.child(), world.child()
    make(world, survivor)
    make(world, merged)
    f.chronology(merged)
    with pytest.raises(ServiceValidationError) as refused:
        _merge(world, survivor, merged)
    assert words in " ".join(refused.value.messages)
    assert Person.objects.get(pk=merged.pk).merged_into_id is None
    assert ChronologyEntry.objects.filter(person=merged).count() == 1
    assert not PersonMerge.objects.exists()
    assert not AuditEvent.objects.filter(action="duplicates.person_merged").exists()


def test_merge_refuses_bad_input(world: f.DupWorld) -> None:
    child, other = world.child(), world.child()
    with pytest.raises(ServiceValidationError) as blank:
        _merge(world, child, other, reason="  ")
    assert blank.value.message_dict == {"reason": ["Enter why these are the same child"]}
    with pytest.raises(ServiceValidationError):
        _merge(world, child, child)
    _merge(world, child, other)
    with pytest.raises(ServiceValidationError, match="already been merged"):
        _merge(world, child, other)


# Access ----------------------------------------------------------------------------------------


def test_under_policy_v1_the_survivor_is_seen_by_whoever_saw_either_record(
    world: f.DupWorld,
) -> None:
    survivor = world.child()  # Northbrook's, created by Northbrook children's services
    merged = world.child(home_area=world.south.area, created_by_agency=world.south.school)
    f.involvement(merged, world.police)
    f.involvement(merged, world.north.csc)  # so the Northbrook front door may review both
    before_s, before_m = _seeing(world, survivor), _seeing(world, merged)
    assert before_m - before_s  # the Southmere school, its front door and the police gain

    merge = _merge(world, survivor, merged)

    assert _seeing(world, survivor) == before_s | before_m
    assert _seeing(world, merged) == set()
    services.unmerge_persons(actor=world.north.front_door, merge=merge, reason="Not the same.")
    assert _seeing(world, survivor) == before_s
    assert _seeing(world, merged) == before_m


def test_a_policy_that_does_not_carry_access_refuses_a_widening_merge(
    world: f.DupWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = dataclasses.replace(load_merge_policy(), version=2, carry_access=False)
    monkeypatch.setattr(services, "load_merge_policy", lambda: strict)
    survivor = world.child()
    merged = world.child()
    f.involvement(merged, world.police)
    before = _seeing(world, survivor)

    preview = services.merge_preview(
        viewer=world.north.front_door, survivor=survivor, merged=merged
    )
    assert preview.gains == ["Shire Police"]
    assert preview.widening_refused
    with pytest.raises(ServiceValidationError) as refused:
        _merge(world, survivor, merged)
    assert "Shire Police" in refused.value.messages[0]
    assert "version 2" in refused.value.messages[0]
    assert _seeing(world, survivor) == before
    assert Involvement.objects.get(person=merged, agency=world.police)

    # Known to the same agencies: nothing widens, so the strict policy allows it, and the
    # survivor is seen by exactly the same people as before.
    f.involvement(survivor, world.police)
    merge = _merge(world, survivor, merged)
    assert merge.carried_access is False
    assert merge.policy_version == 2
    assert _seeing(world, survivor) == before | {world.officer.username}


def test_access_grounds_match_the_policy_for_every_user(world: f.DupWorld) -> None:
    """``person_access_grounds`` is the same rule as ``person_visible_to`` (checked both ways)."""
    child = world.child(home_area=world.south.area, created_by_agency=world.north.school)
    f.involvement(child, world.police)
    f.involvement(child, world.health, ended_on=timezone.localdate())
    f.break_glass(world.nurse, child)
    merged_in = world.child(home_area=world.north.area, created_by_agency=world.south.school)
    Person.objects.filter(pk=merged_in.pk).update(merged_into=child)
    grounds = policy.person_access_grounds(child.pk)
    for user in world.population:
        viewer = policy.viewer_for(user)
        expected = (
            bool(viewer.casework_agency_ids & grounds.agency_ids)
            or bool(viewer.area_wide_area_ids & grounds.area_ids)
            or user.pk in grounds.user_ids
        )
        assert policy.person_visible_to(user).filter(pk=child.pk).exists() is expected, user
    assert policy.person_access_grounds(merged_in.pk) == policy.AccessGrounds(
        frozenset(), frozenset(), frozenset()
    )
    assert _seeing(world, merged_in) == set()


def test_a_merged_away_page_resolves_to_the_survivor_only_for_who_may_see_it(
    world: f.DupWorld,
) -> None:
    survivor = world.child()
    merged = world.child()
    _merge(world, survivor, merged)
    assert policy.merged_person_survivor(world.north.front_door, merged.pk) == survivor
    assert policy.merged_person_survivor(world.south.referrer, merged.pk) is None
    assert policy.merged_person_survivor(world.north.front_door, survivor.pk) is None
    assert not policy.person_matchable_by(world.north.front_door).filter(pk=merged.pk).exists()


# Who may merge ---------------------------------------------------------------------------------


def test_only_reviewers_who_see_both_records_may_merge(world: f.DupWorld) -> None:
    survivor = world.child()
    hidden = world.child(home_area=world.south.area, created_by_agency=world.south.csc)
    for user in (world.lead, world.officer, world.admin, world.north.referrer):
        with pytest.raises(PermissionDenied):
            _merge(world, survivor, world.child(), actor=user)
    with pytest.raises(PermissionDenied):
        _merge(world, survivor, hidden)  # the Northbrook front door cannot see the other
    assert policy.may_review_duplicates(world.coordinator)
    _merge(world, survivor, world.child(), actor=world.coordinator)


# Unmerge ---------------------------------------------------------------------------------------


def test_unmerge_is_refused_when_a_moved_record_has_changed_since(world: f.DupWorld) -> None:
    survivor, merged = world.child(), world.child()
    note = f.chronology(merged)
    merge = _merge(world, survivor, merged)
    other = world.child()
    ChronologyEntry.objects.filter(pk=note.pk).update(person=other)
    with pytest.raises(ServiceValidationError, match="changed since"):
        services.unmerge_persons(actor=world.north.front_door, merge=merge, reason="Mistake.")
    assert Person.objects.get(pk=merged.pk).merged_into_id == survivor.pk
    merge.refresh_from_db()
    assert merge.is_live


def test_unmerge_needs_a_reason_and_happens_once(world: f.DupWorld) -> None:
    survivor, merged = world.child(), world.child()
    merge = _merge(world, survivor, merged)
    with pytest.raises(ServiceValidationError):
        services.unmerge_persons(actor=world.north.front_door, merge=merge, reason="")
    services.unmerge_persons(actor=world.north.front_door, merge=merge, reason="Siblings.")
    with pytest.raises(ServiceValidationError, match="already been undone"):
        services.unmerge_persons(actor=world.north.front_door, merge=merge, reason="Again.")
    assert AuditEvent.objects.filter(action="duplicates.person_unmerged").count() == 1


def test_a_merge_into_a_record_merged_away_later_is_undone_in_order(world: f.DupWorld) -> None:
    first, second, third = world.child(), world.child(), world.child()
    note = f.chronology(first)
    inner = _merge(world, second, first)
    outer = _merge(world, third, second)
    assert Person.objects.get(pk=first.pk).merged_into_id == third.pk  # follows the chain
    assert ChronologyEntry.objects.get(pk=note.pk).person_id == third.pk
    with pytest.raises(ServiceValidationError, match="Undo that merge first"):
        services.unmerge_persons(actor=world.north.front_door, merge=inner, reason="Mistake.")
    services.unmerge_persons(actor=world.north.front_door, merge=outer, reason="Mistake.")
    services.unmerge_persons(actor=world.north.front_door, merge=inner, reason="Mistake.")
    assert ChronologyEntry.objects.get(pk=note.pk).person_id == first.pk
    assert not Person.objects.filter(merged_into__isnull=False).exists()


# Deciding pairs and refreshing the queue --------------------------------------------------------


def test_candidate_merge_and_decisions(world: f.DupWorld) -> None:
    left, right = world.child(), world.child()
    pair = f.candidate(left, right)
    merge = services.candidate_merge(
        actor=world.north.front_door, candidate=pair, keep="right", reason="Same child."
    )
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.MERGED
    assert pair.decided_by == world.north.front_door
    assert merge.survivor_id == pair.person_r_id
    assert merge.candidate_id == pair.pk

    services.unmerge_persons(actor=world.north.front_door, merge=merge, reason="Twins.")
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.OPEN  # back in the queue for a fresh decision

    with pytest.raises(ServiceValidationError) as blank:
        services.candidate_decide(
            actor=world.north.front_door, candidate=pair, decision="not_same", reason=""
        )
    assert "reason" in blank.value.message_dict
    services.candidate_decide(
        actor=world.north.front_door, candidate=pair, decision="undecided", reason=""
    )
    services.candidate_decide(
        actor=world.north.front_door, candidate=pair, decision="not_same", reason="Twins."
    )
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_SAME
    assert pair.decision_reason == "Twins."
    assert AuditEvent.objects.filter(action="duplicates.not_same").count() == 2  # one per child


def _pair(left: Person, right: Person, probability: float) -> ProbableDuplicate:
    low, high = sorted((left.pk, right.pk))
    return ProbableDuplicate(
        person_id_l=high,  # deliberately reversed: the service orders them itself
        person_id_r=low,
        match_probability=probability,
        match_weight=8.0,
        explanation=(FieldEvidence("date_of_birth", "Exact match", 6.5),),
    )


def test_record_proposals_adds_rescored_and_never_reproposes_a_decided_pair(
    world: f.DupWorld,
) -> None:
    a, b, c, d = (world.child() for _ in range(4))
    summary = services.record_proposals(pairs=[_pair(a, b, 0.9), _pair(c, d, 0.8)])
    assert (summary.proposed, summary.rescored) == (2, 0)
    pair = DuplicateCandidate.objects.get(person_l=min(a, b, key=lambda p: p.pk))
    assert pair.explanation == [
        {"field": "date_of_birth", "outcome": "Exact match", "match_weight": 6.5}
    ]
    services.candidate_decide(
        actor=world.north.front_door, candidate=pair, decision="not_same", reason="Siblings."
    )
    services.merge_persons(actor=world.north.front_door, survivor=c, merged=d, reason="Same.")
    summary = services.record_proposals(pairs=[_pair(a, b, 0.95), _pair(c, d, 0.99)])
    assert (summary.proposed, summary.skipped_decided, summary.skipped_merged_away) == (0, 1, 1)
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_SAME
    assert pair.match_probability == 0.9
    assert DuplicateCandidate.objects.count() == 2
    assert AuditEvent.objects.filter(action="duplicates.queue_refreshed").count() == 2


def test_refresh_queue_runs_the_matching_model(
    world: f.DupWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = world.child(), world.child()
    calls: list[Any] = []

    def fake(*, threshold: float | None = None) -> list[ProbableDuplicate]:
        calls.append(threshold)
        return [_pair(a, b, 0.97)]

    import harbour.matching.services as matching_services

    monkeypatch.setattr(matching_services, "find_probable_duplicates", fake, raising=False)
    summary = services.refresh_queue(threshold=0.9)
    assert calls == [0.9]
    assert summary.proposed == 1
    assert str(uuid.UUID(str(DuplicateCandidate.objects.get().person_l_id)))
