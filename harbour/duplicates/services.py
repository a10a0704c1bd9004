"""Use cases of the duplicates app: refresh the review queue, decide a pair, merge, unmerge.

Each is one transaction with its audit events. A merge (``merging``) moves every row that points
at the merged-away person to the survivor and records each change; the merged-away person's row
stays, marked ``merged_into``. Access never widens beyond what the versioned merge policy allows:
the grounds on which anyone may see the survivor are compared before and after, inside the
transaction, and a merge that would widen them further is refused with nothing written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Agency, Area
from harbour.audit.services import record_event
from harbour.core.errors import ServiceValidationError
from harbour.duplicates.merging import (
    ChangedSinceMerge,
    MergePlan,
    apply_plan,
    live_record_id,
    plan_merge,
    reverse_changes,
)
from harbour.duplicates.models import CandidateStatus, DuplicateCandidate, PersonMerge
from harbour.duplicates.policy import MergePolicy, load_merge_policy
from harbour.people.models import Alias, AliasKind, Person
from harbour.people.services import chronology_record

if TYPE_CHECKING:
    from harbour.matching.records import ProbableDuplicate

#: Longest reason kept (the form says so too).
REASON_MAX = 2000

DECIDE_ACTIONS: dict[str, str] = {
    CandidateStatus.NOT_SAME: "duplicates.not_same",
    CandidateStatus.UNDECIDED: "duplicates.undecided",
}


# The queue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshSummary:
    proposed: int
    rescored: int
    skipped_decided: int
    skipped_merged_away: int

    def __str__(self) -> str:
        return (
            f"{self.proposed} new pairs proposed, {self.rescored} pairs in the queue rescored, "
            f"{self.skipped_decided} already decided, {self.skipped_merged_away} involving a "
            "merged-away record"
        )


def record_proposals(
    *, pairs: Iterable[ProbableDuplicate], now: datetime.datetime | None = None
) -> RefreshSummary:
    """Put the model's pairs in the queue. A pair already decided (merged, or "not the same
    person") is never proposed again; a pair still in the queue is rescored."""
    now = now or timezone.now()
    proposed = rescored = decided = merged_away = 0
    with transaction.atomic():
        for pair in pairs:
            left, right = sorted((pair.person_id_l, pair.person_id_r))
            if Person.objects.filter(pk__in=(left, right), merged_into__isnull=False).exists():
                merged_away += 1
                continue
            explanation = [
                {"field": e.field, "outcome": e.outcome, "match_weight": e.match_weight}
                for e in pair.explanation
            ]
            values = {
                "match_probability": pair.match_probability,
                "match_weight": pair.match_weight,
                "explanation": explanation,
                "last_scored_at": now,
            }
            candidate = (
                DuplicateCandidate.objects.select_for_update()
                .filter(person_l_id=left, person_r_id=right)
                .first()
            )
            if candidate is None:
                DuplicateCandidate.objects.create(person_l_id=left, person_r_id=right, **values)
                proposed += 1
            elif candidate.status in (CandidateStatus.OPEN, CandidateStatus.UNDECIDED):
                DuplicateCandidate.objects.filter(pk=candidate.pk).update(**values)
                rescored += 1
            else:
                decided += 1
        summary = RefreshSummary(proposed, rescored, decided, merged_away)
        record_event(
            actor=None,
            actor_label="system: find_duplicates",
            action="duplicates.queue_refreshed",
            after={
                "proposed": proposed,
                "rescored": rescored,
                "skipped_decided": decided,
                "skipped_merged_away": merged_away,
            },
        )
    return summary


def refresh_queue_request(*, actor: Any, request: Any = None) -> None:
    """A reviewer asks for the register to be checked now (between nightly runs): a background
    task, so the page answers at once; the request is audited."""
    from django.db import transaction

    from harbour.access import policy
    from harbour.core.errors import NotFoundOrForbidden
    from harbour.duplicates.tasks import refresh_duplicates_queue

    if not policy.may_review_duplicates(actor):
        raise NotFoundOrForbidden
    with transaction.atomic():
        record_event(
            actor=actor,
            action="duplicates.queue_refresh_requested",
            subject_type="duplicates.duplicatecandidate",
            request=request,
        )
        transaction.on_commit(refresh_duplicates_queue.enqueue)


def refresh_queue(*, threshold: float | None = None) -> RefreshSummary:
    """De-duplicate the whole register with the matching model and refresh the queue."""
    from harbour.matching.services import find_probable_duplicates

    return record_proposals(pairs=find_probable_duplicates(threshold=threshold))


# Deciding a pair ----------------------------------------------------------------------------


def _check_reviewer(actor: Any, *persons: Person) -> None:
    """The actor reviews duplicates and may see every one of ``persons`` (else: 404)."""
    if not policy.may_review_duplicates(actor):
        raise PermissionDenied
    ids = {person.pk for person in persons}
    if policy.person_visible_to(actor).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied


def _clean_reason(reason: str, *, required: str = "") -> str:
    reason = reason.strip()
    if required and not reason:
        raise ServiceValidationError({"reason": required})
    if len(reason) > REASON_MAX:
        raise ServiceValidationError({"reason": f"Reason must be {REASON_MAX} characters or fewer"})
    return reason


def candidate_decide(
    *,
    actor: Any,
    candidate: DuplicateCandidate,
    decision: str,
    reason: str,
    request: Any = None,
) -> DuplicateCandidate:
    """Record that the pair is not the same child, or leave it undecided (both with reasons)."""
    if decision not in DECIDE_ACTIONS:
        raise ServiceValidationError({"decision": "Select what you have decided"})
    reason = _clean_reason(
        reason,
        required="Enter why they are not the same child"
        if decision == CandidateStatus.NOT_SAME
        else "",
    )
    with transaction.atomic():
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        _check_reviewer(actor, candidate.person_l, candidate.person_r)
        if candidate.status not in (CandidateStatus.OPEN, CandidateStatus.UNDECIDED):
            raise ServiceValidationError(
                {"decision": "This pair has already been decided by someone else"}
            )
        candidate.status = decision
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.decision_reason = reason
        candidate.save(
            update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"]
        )
        for person in (candidate.person_l, candidate.person_r):
            record_event(
                actor=actor,
                action=DECIDE_ACTIONS[decision],
                subject=person,
                after={
                    "candidate": str(candidate.pk),
                    "other_person": str(
                        candidate.person_r_id
                        if person.pk == candidate.person_l_id
                        else candidate.person_l_id
                    ),
                },
                reason=reason,
                request=request,
            )
    return candidate


# Merging ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergePreview:
    """What a merge would do, for the confirmation page (nothing is written)."""

    plan: MergePlan
    policy: MergePolicy
    gains: list[str]
    widening_refused: bool

    @property
    def refusals(self) -> list[str]:
        refusals = list(self.plan.refusals)
        if self.widening_refused:
            refusals.append(_widening_message(self.policy, self.plan.survivor, self.gains))
        return refusals


def _describe_grounds(grounds: policy.AccessGrounds) -> list[str]:
    """Who those grounds let see the record, in words (agencies, area teams, people)."""
    words = [
        str(name)
        for name in Agency.objects.filter(pk__in=grounds.agency_ids)
        .order_by("name")
        .values_list("name", flat=True)
    ]
    words += [
        f"the front door and coordinators in {name}"
        for name in Area.objects.filter(pk__in=grounds.area_ids)
        .order_by("name")
        .values_list("name", flat=True)
    ]
    if grounds.user_ids:
        count = len(grounds.user_ids)
        words.append(f"{count} {'person' if count == 1 else 'people'} with emergency access")
    return words


def _widening_message(merge_policy: MergePolicy, survivor: Person, gains: list[str]) -> str:
    return (
        f"Merging would let {', '.join(gains)} see {survivor.full_name}'s record, and the "
        f"partnership's merge policy (version {merge_policy.version}) does not allow a merge to "
        "widen who can see a child's record. Ask the agencies involved to agree access first."
    )


def merge_preview(*, viewer: Any, survivor: Person, merged: Person) -> MergePreview:
    """The plan, who would gain access, and anything that stops the merge."""
    _check_reviewer(viewer, survivor, merged)
    merge_policy = load_merge_policy()
    plan = plan_merge(survivor=survivor, merged=merged, policy=merge_policy)
    before = policy.person_access_grounds(survivor.pk)
    gains = _describe_grounds(policy.person_access_grounds(merged.pk) - before)
    return MergePreview(
        plan=plan,
        policy=merge_policy,
        gains=gains,
        widening_refused=bool(gains) and not merge_policy.carry_access,
    )


def _alias_for_merged_name(survivor: Person, merged: Person) -> Alias | None:
    """The merged-away record's name as an alias of the survivor, unless already held."""

    def key(first: str, last: str) -> tuple[str, str]:
        return (" ".join(first.lower().split()), " ".join(last.lower().split()))

    held = {key(survivor.first_names, survivor.last_name)}
    held.update(
        key(first, last)
        for first, last in Alias.objects.filter(person=survivor).values_list(
            "first_names", "last_name"
        )
    )
    if key(merged.first_names, merged.last_name) in held:
        return None
    alias = Alias(
        person=survivor,
        kind=AliasKind.AGENCY_SPELLING,
        first_names=merged.first_names,
        last_name=merged.last_name,
        recorded_by_agency=merged.created_by_agency,
    )
    alias.refresh_search_keys()
    alias.save()
    return alias


def _touch(survivor: Person, merged: Person, now: datetime.datetime) -> None:
    """Mark both person rows changed now: the one deliberate exception to "timestamps are left
    alone", so the matching register (which reloads persons by ``updated_at``) drops the
    merged-away record and reloads the survivor, in every process."""
    from harbour.matching.sources import mark_changed

    Person.objects.filter(pk__in=(survivor.pk, merged.pk)).update(updated_at=now)
    for person_id in (survivor.pk, merged.pk):
        transaction.on_commit(partial(mark_changed, person_id))


def merge_persons(
    *,
    actor: Any,
    survivor: Person,
    merged: Person,
    reason: str,
    candidate: DuplicateCandidate | None = None,
    request: Any = None,
) -> PersonMerge:
    """Merge ``merged`` into ``survivor``: every row moves, each move recorded; nothing deleted.

    Refused, with nothing written, when the two are one record, either was merged away already,
    a uniqueness rule the policy does not resolve would break, or access would widen beyond what
    the merge policy allows.
    """
    reason = _clean_reason(reason, required="Enter why these are the same child")
    if survivor.pk == merged.pk:
        raise ServiceValidationError("A record cannot be merged into itself.")
    merge_policy = load_merge_policy()
    with transaction.atomic():
        locked = {
            person.pk: person
            for person in Person.objects.select_for_update().filter(pk__in=(survivor.pk, merged.pk))
        }
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        if survivor.merged_into_id is not None or merged.merged_into_id is not None:
            raise ServiceValidationError(
                "One of these records has already been merged into another. Refresh the page."
            )
        _check_reviewer(actor, survivor, merged)
        if candidate is not None:
            candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
            if candidate.status not in (CandidateStatus.OPEN, CandidateStatus.UNDECIDED):
                raise ServiceValidationError("This pair has already been decided by someone else.")
        plan = plan_merge(survivor=survivor, merged=merged, policy=merge_policy)
        if plan.refusals:
            raise ServiceValidationError(plan.refusals)
        before_survivor = policy.person_access_grounds(survivor.pk)
        before_merged = policy.person_access_grounds(merged.pk)
        changes = apply_plan(plan)
        alias = _alias_for_merged_name(survivor, merged)
        after = policy.person_access_grounds(survivor.pk)
        allowed = before_survivor | before_merged if merge_policy.carry_access else before_survivor
        if not after <= allowed:
            # Rolls back everything above: nothing is written.
            raise ServiceValidationError(
                _widening_message(
                    merge_policy, survivor, _describe_grounds(after - before_survivor)
                )
            )
        now = timezone.now()
        _touch(survivor, merged, now)
        merge = PersonMerge.objects.create(
            survivor=survivor,
            merged=merged,
            candidate=candidate,
            policy_version=merge_policy.version,
            carried_access=merge_policy.carry_access,
            decided_by=actor,
            decided_at=now,
            reason=reason,
            changes=changes,
            created=[] if alias is None else [{"model": "people.alias", "pk": str(alias.pk)}],
            kept=plan.kept,
        )
        if candidate is not None:
            candidate.status = CandidateStatus.MERGED
            candidate.decided_by = actor
            candidate.decided_at = now
            candidate.decision_reason = reason
            candidate.save(
                update_fields=[
                    "status",
                    "decided_by",
                    "decided_at",
                    "decision_reason",
                    "updated_at",
                ]
            )
        moved = dict(plan.counts())
        chronology_record(
            person=survivor,
            occurred_at=now,
            event_type="record_merged",
            summary=f"Another record of this child ({merged.full_name}) was merged into this one",
            agency=None,
            source_type="people.person",
            source_id=str(survivor.pk),
        )
        chronology_record(
            person=merged,
            occurred_at=now,
            event_type="record_merged_away",
            summary=f"This record was merged into {survivor.full_name}'s record",
            agency=None,
            source_type="people.person",
            source_id=str(merged.pk),
        )
        summary = {
            "merge": str(merge.pk),
            "policy_version": merge_policy.version,
            "moved": moved,
            "kept": len(plan.kept),
            "changes": len(changes),
        }
        _audit_both_records(
            actor=actor,
            action="duplicates.person_merged",
            survivor=survivor,
            merged=merged,
            summary=summary,
            reason=reason,
            request=request,
        )
    return merge


def _audit_both_records(
    *,
    actor: Any,
    action: str,
    survivor: Person,
    merged: Person,
    summary: dict[str, Any],
    reason: str,
    request: Any,
) -> None:
    """One event on each record: ``action`` on the survivor, ``action``_away on the other."""
    record_event(
        actor=actor,
        action=action,
        subject=survivor,
        after={**summary, "merged_person": str(merged.pk)},
        reason=reason,
        request=request,
    )
    record_event(
        actor=actor,
        action=f"{action}_away",
        subject=merged,
        after={**summary, "survivor": str(survivor.pk)},
        reason=reason,
        request=request,
    )


def candidate_merge(
    *,
    actor: Any,
    candidate: DuplicateCandidate,
    keep: str,
    reason: str,
    request: Any = None,
) -> PersonMerge:
    """Merge a queued pair, keeping the ``"left"`` or ``"right"`` record."""
    if keep not in ("left", "right"):
        raise ServiceValidationError({"decision": "Select what you have decided"})
    survivor, merged = (
        (candidate.person_l, candidate.person_r)
        if keep == "left"
        else (candidate.person_r, candidate.person_l)
    )
    return merge_persons(
        actor=actor,
        survivor=survivor,
        merged=merged,
        reason=reason,
        candidate=candidate,
        request=request,
    )


def unmerge_persons(
    *, actor: Any, merge: PersonMerge, reason: str, request: Any = None
) -> PersonMerge:
    """Undo a merge exactly: every recorded change written back, the alias it added removed.

    Records added to the survivor since the merge stay with the survivor. Refused, with nothing
    written, when the merge was undone already, either record has been merged again since, or a
    row the merge moved has changed since.
    """
    reason = _clean_reason(reason, required="Enter why the merge should be undone")
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        persons = {
            person.pk: person
            for person in Person.objects.select_for_update().filter(
                pk__in=(merge.survivor_id, merge.merged_id)
            )
        }
        survivor, merged = persons[merge.survivor_id], persons[merge.merged_id]
        if not policy.may_review_duplicates(actor) or not (
            policy.person_visible_to(actor).filter(pk=live_record_id(survivor.pk)).exists()
        ):
            raise PermissionDenied
        if not merge.is_live:
            raise ServiceValidationError("This merge has already been undone.")
        if survivor.merged_into_id is not None:
            raise ServiceValidationError(
                f"{survivor.full_name}'s record has since been merged into another record. "
                "Undo that merge first."
            )
        if merged.merged_into_id != survivor.pk:
            raise ServiceValidationError("The merged record has changed since. Refresh the page.")
        try:
            with transaction.atomic():
                reverse_changes(merge.changes, merge.created)
        except ChangedSinceMerge as error:
            raise ServiceValidationError(str(error)) from error
        except IntegrityError as error:
            raise ServiceValidationError(
                "Records have been added or changed since the merge in a way that stops it "
                "being undone exactly (for example, a newer current risk assessment or a new "
                "live case). Resolve that first."
            ) from error
        now = timezone.now()
        _touch(survivor, merged, now)
        merge.unmerged_by = actor
        merge.unmerged_at = now
        merge.unmerge_reason = reason
        merge.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason", "updated_at"])
        if merge.candidate_id is not None:
            # Back in the queue for a fresh decision; the merge and its undoing stay on record.
            DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
                status=CandidateStatus.OPEN,
                decided_by=None,
                decided_at=None,
                decision_reason="",
            )
        chronology_record(
            person=survivor,
            occurred_at=now,
            event_type="record_unmerged",
            summary=f"The merge of {merged.full_name}'s record into this one was undone",
            agency=None,
            source_type="people.person",
            source_id=str(survivor.pk),
        )
        chronology_record(
            person=merged,
            occurred_at=now,
            event_type="record_unmerged",
            summary=f"The merge of this record into {survivor.full_name}'s was undone",
            agency=None,
            source_type="people.person",
            source_id=str(merged.pk),
        )
        summary = {"merge": str(merge.pk), "changes": len(merge.changes)}
        _audit_both_records(
            actor=actor,
            action="duplicates.person_unmerged",
            survivor=survivor,
            merged=merged,
            summary=summary,
            reason=reason,
            request=request,
        )
    return merge
