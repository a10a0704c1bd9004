"""Probable duplicate pairs awaiting a person's decision, and the merges those decisions made.

A ``PersonMerge`` records every row and field the merge changed (and every row it created), so
that unmerge can put each back exactly; neither table is ever a source of access.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harbour.core.models import BaseModel
from harbour.people.models import Person


class CandidateStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    UNDECIDED = "undecided", "Reviewed, not decided yet"
    MERGED = "merged", "Merged"
    NOT_SAME = "not_same", "Not the same person"


#: Statuses that keep a pair in the review queue.
QUEUE_STATUSES = (CandidateStatus.OPEN, CandidateStatus.UNDECIDED)


class DuplicateCandidate(BaseModel):
    """Two persons the matching model thinks are one child. ``person_l`` has the smaller id."""

    person_l = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_r = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    explanation = models.JSONField(
        default=list, help_text="Each comparison: field, outcome in words, match weight."
    )
    status = models.CharField(
        max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    last_scored_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-match_probability"]
        indexes = [models.Index(fields=["status", "-match_probability"], name="dup_queue_idx")]
        constraints = [
            models.UniqueConstraint(fields=["person_l", "person_r"], name="dup_pair_once"),
            models.CheckConstraint(
                condition=~models.Q(person_l=models.F("person_r")), name="dup_two_persons"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_l_id} ~ {self.person_r_id} ({self.match_probability:.3f})"


class PersonMerge(BaseModel):
    """One decision that ``merged`` is ``survivor``, and exactly what it changed.

    ``changes``: ``[{"model", "pk", "field", "old", "new"}]`` in the order applied (unmerge runs
    them backwards); ``created``: ``[{"model", "pk"}]`` rows the merge added (an alias);
    ``kept``: ``[{"model", "pk", "rule"}]`` rows left on the merged-away record because the
    survivor already held the same thing.
    """

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate,
        on_delete=models.PROTECT,
        related_name="merges",
        null=True,
        blank=True,
    )
    policy_version = models.PositiveIntegerField()
    carried_access = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    reason = models.TextField()
    changes = models.JSONField(default=list)
    created = models.JSONField(default=list)
    kept = models.JSONField(default=list)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(unmerged_at__isnull=True),
                name="merge_one_live_per_merged_person",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="merge_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id}"

    @property
    def is_live(self) -> bool:
        return self.unmerged_at is None
