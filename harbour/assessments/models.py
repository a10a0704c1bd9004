"""Risk assessments and their answers. The catalogue itself is versioned data, not a table."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harbour.accounts.models import Agency, Area
from harbour.core.models import BaseModel
from harbour.people.models import Person


class StartedFrom(models.TextChoices):
    TRIAGE = "triage", "Front door triage (exploitation screening)"
    CASE = "case", "A case"
    RETURN_INTERVIEW = "return_interview", "A return home interview"
    REVIEW = "review", "A review of an earlier assessment"


class OverrideDirection(models.TextChoices):
    NONE = "none", "Agrees with the suggestion"
    UP = "up", "Higher than suggested"
    DOWN = "down", "Lower than suggested"


class SeenAlone(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SEEN = "not_seen", "The child was not seen"


class Assessment(BaseModel):
    """One completed assessment of one child, against one catalogue version.

    ``suggested_level`` and ``explanation`` are what Harbour suggested (kept as it was, so the
    assessment always reads as it was answered); ``level`` is the practitioner's decision.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    catalogue_key = models.CharField(max_length=60)
    catalogue_version = models.PositiveIntegerField()
    started_from = models.CharField(max_length=20, choices=StartedFrom.choices)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="assessments",
        null=True,
        blank=True,
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="assessments", null=True, blank=True
    )
    age_at_assessment = models.PositiveIntegerField(null=True, blank=True)

    suggested_level = models.CharField(max_length=20)
    explanation = models.JSONField(
        help_text="The indicators and rules that produced the suggestion, as shown."
    )
    level = models.CharField(max_length=20)
    rationale = models.TextField()
    override_direction = models.CharField(
        max_length=10, choices=OverrideDirection.choices, default=OverrideDirection.NONE
    )
    override_reason = models.TextField(blank=True)

    child_said = models.TextField("what the child said", blank=True)
    seen_alone = models.CharField(max_length=10, choices=SeenAlone.choices)
    child_wishes = models.TextField("the child's wishes", blank=True)
    protective_factors = models.TextField(blank=True)
    contributing_agencies = models.ManyToManyField(Agency, related_name="+", blank=True)

    review_due_on = models.DateField(db_index=True)
    is_current = models.BooleanField(
        default=False,
        help_text="The child's latest assessment: the one whose level and review date count.",
    )
    completed_at = models.DateTimeField(db_index=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_completed"
    )
    completed_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-completed_at"]
        indexes = [
            models.Index(fields=["person", "-completed_at"], name="assessment_person_idx"),
            models.Index(fields=["area", "review_due_on"], name="assessment_review_idx"),
            models.Index(
                fields=["review_due_on"],
                condition=models.Q(is_current=True),
                name="assessment_current_review_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(is_current=True),
                name="assessment_one_current_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="assessment_has_rationale"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(override_direction="none", level=models.F("suggested_level"))
                    | (
                        ~models.Q(override_direction="none")
                        & ~models.Q(level=models.F("suggested_level"))
                        & ~models.Q(override_reason="")
                    )
                ),
                name="assessment_override_is_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.level} ({self.completed_at:%Y-%m-%d})"

    @property
    def is_override(self) -> bool:
        return self.override_direction != OverrideDirection.NONE


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class Recency(models.TextChoices):
    LAST_6_MONTHS = "last_6_months", "Within the last 6 months"
    SIX_TO_12_MONTHS = "6_to_12_months", "6 to 12 months ago"
    NOT_KNOWN = "not_known", "Not known"


class AssessmentAnswer(BaseModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator_id = models.CharField(max_length=80)
    answer = models.CharField(max_length=10, choices=Answer.choices)
    recency = models.CharField(max_length=20, choices=Recency.choices, blank=True)
    narrative = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator_id"], name="assessment_answer_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(answer="yes") | ~models.Q(narrative=""),
                name="assessment_answer_yes_has_narrative",
            ),
            models.CheckConstraint(
                condition=models.Q(recency="") | models.Q(answer="yes"),
                name="assessment_answer_recency_only_for_yes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.answer}"
