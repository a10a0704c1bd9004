"""The return home interview of a missing episode, its push and pull factors and the
intelligence items the child mentioned."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harbour.accounts.models import Agency
from harbour.core.models import BaseModel
from harbour.missing.models import MissingEpisode
from harbour.people.models import Person
from harbour.return_interviews.intelligence import IntelligenceKind


class InterviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted: the interview took place"
    REFUSED = "refused", "Refused by the child"
    NOT_OFFERED = "not_offered", "Not offered"


class FactorKind(models.TextChoices):
    PUSH = "push", "Push factor"
    PULL = "pull", "Pull factor"


class ReturnInterview(BaseModel):
    """One per episode. Offered (outcome blank) → accepted (completed) or refused; or recorded
    as not offered, with the reason."""

    episode = models.OneToOneField(
        MissingEpisode, on_delete=models.PROTECT, related_name="return_interview"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="return_interviews")

    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    offered_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome = models.CharField(max_length=20, choices=InterviewOutcome.choices, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    carers_know = models.TextField(
        "what the child's parents or carers know", blank=True, help_text="When the child refused."
    )
    not_offered_reason = models.TextField("why the interview was not offered", blank=True)

    conducted_at = models.DateTimeField(null=True, blank=True)
    conducted_where = models.CharField(max_length=300, blank=True)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    conducted_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    checklist_version = models.PositiveIntegerField(null=True, blank=True)

    # What the child said.
    push_narrative = models.TextField("push factors in the child's words", blank=True)
    pull_narrative = models.TextField("pull factors in the child's words", blank=True)
    where_child_was = models.TextField("where the child was", blank=True)
    with_whom = models.TextField("who the child was with", blank=True)
    how_travelled = models.TextField("how the child travelled", blank=True)
    harm_suffered = models.TextField("harm the child suffered", blank=True)
    disclosures = models.TextField(blank=True)
    exploitation_indicators = models.TextField("exploitation indicators noticed", blank=True)
    safety_information = models.TextField("safety information and helplines given", blank=True)
    child_wishes = models.TextField("what the child wants to happen", blank=True)
    recommendations = models.TextField(blank=True)

    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="rhi_person_idx"),
            models.Index(fields=["outcome", "offered_at"], name="rhi_outcome_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["", "accepted", "refused", "not_offered"]),
                name="rhi_outcome_valid",
            ),
            # Everything but "not offered" starts from an offer.
            models.CheckConstraint(
                condition=models.Q(outcome="not_offered")
                | models.Q(offered_at__isnull=False, offered_by_agency__isnull=False),
                name="rhi_offered_unless_not_offered",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="not_offered") | ~models.Q(not_offered_reason=""),
                name="rhi_not_offered_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="refused") | ~models.Q(carers_know=""),
                name="rhi_refused_has_carers_know",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="accepted")
                | models.Q(conducted_at__isnull=False, completed_at__isnull=False),
                name="rhi_accepted_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Return interview for {self.person}"

    @property
    def is_complete(self) -> bool:
        return self.outcome == InterviewOutcome.ACCEPTED

    @property
    def awaiting_outcome(self) -> bool:
        """Offered, and neither completed nor refused yet."""
        return self.outcome == ""


class InterviewFactor(BaseModel):
    """A push or pull factor ticked from the checklist version the interview was answered on."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(max_length=10, choices=FactorKind.choices)
    code = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "code"]
        indexes = [models.Index(fields=["kind", "code"], name="rhi_factor_code_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "kind", "code"], name="rhi_factor_once_per_interview"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.code}"


class IntelligenceItem(BaseModel):
    """A name, nickname, place, vehicle, phone number or online account the child mentioned,
    with the value normalised (registrations "AB12 CDE", phones "07700900123")."""

    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.CASCADE, related_name="intelligence_items"
    )
    kind = models.CharField(max_length=20, choices=IntelligenceKind.choices)
    value = models.CharField(max_length=200)
    platform = models.CharField(max_length=60, blank=True, help_text="For online accounts.")
    detail = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["kind", "value"], name="rhi_intel_value_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
