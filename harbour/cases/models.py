"""Cases, the agencies in them, plans (goals and actions), reviews and status changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import Truncator

from harbour.accounts.models import Agency, Area
from harbour.core.models import BaseModel
from harbour.people.models import Person, YesNoNotKnown
from harbour.referrals.models import ConcernCategory


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    STEPPED_DOWN = "stepped_down", "Stepped down (monitoring)"
    CLOSED = "closed", "Closed"


#: A live case is one the partnership is still working (open) or watching (stepped down).
LIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.STEPPED_DOWN)


class ClosureReason(models.TextChoices):
    RISK_REDUCED = "risk_reduced", "Risk reduced: plan goals met"
    MOVED_AWAY = "moved_away", "Moved out of the partnership's area"
    TRANSFERRED = "transferred", "Transferred to another service"
    TURNED_18 = "turned_18", "Turned 18: handed to adult services"
    NO_FURTHER_ROLE = "no_further_role", "No further role for the partnership"
    DECLINED = "declined", "Family declined support (consent-based work)"
    OTHER = "other", "Other (explained in the note)"


class Case(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cases")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="cases", null=True, blank=True
    )
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_led"
    )
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases_led")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_opened"
    )
    plan_review_due_on = models.DateField(null=True, blank=True, db_index=True)
    monitoring_until = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["lead_professional", "status"], name="case_lead_idx"),
            models.Index(fields=["person", "status"], name="case_person_idx"),
            models.Index(fields=["area", "status"], name="case_area_idx"),
        ]
        constraints = [
            # A child has at most one live case (open or stepped down): new work joins it.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["open", "stepped_down"]),
                name="case_one_live_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Case for {self.person} ({self.get_status_display()})"


class CaseExploitationType(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_types")
    category = models.CharField(max_length=30, choices=ConcernCategory.choices)

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="case_type_unique")
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class CaseAgency(BaseModel):
    """An agency's membership of a case. While active, its staff may see the child."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agency_memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_memberships")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=models.Q(left_at__isnull=True),
                name="case_agency_one_active",
            )
        ]
        indexes = [models.Index(fields=["agency", "left_at"], name="case_agency_active_idx")]

    def __str__(self) -> str:
        return f"{self.agency} in {self.case_id}"


class PlanGoal(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField()
    agreed_with_child = models.CharField(max_length=10, choices=YesNoNotKnown.choices)
    child_words = models.TextField("the child's words", blank=True)
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return Truncator(self.description).chars(80)


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PlanAction(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.SET_NULL, related_name="actions", null=True, blank=True
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_actions"
    )
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="plan_action_owner_idx")]

    def __str__(self) -> str:
        return self.description[:60]


class PlanActionUpdate(BaseModel):
    """One update to an action: its status then, and what the person updating it said."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    CHANGE_PLAN = "change_plan", "Change the plan"
    STEP_DOWN = "step_down", "Step down to monitoring"
    CLOSE = "close", "Close the case"
    ESCALATE = "escalate", "Escalate (strategy discussion or panel)"


class CaseReview(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    summary = models.TextField()
    child_views = models.TextField("the child's views", blank=True)
    next_review_due_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on"]

    def __str__(self) -> str:
        return f"Review {self.reviewed_on}: {self.get_outcome_display()}"


class CaseStatusChange(BaseModel):
    """The case's status history: opened, stepped down, closed, reopened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
