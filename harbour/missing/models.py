"""Missing episodes and their police risk gradings."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from harbour.accounts.models import Agency, Area
from harbour.core.models import BaseModel
from harbour.people.models import Person


class MissingFrom(models.TextChoices):
    HOME = "home", "Home"
    CARE = "care", "Care placement"
    EDUCATION = "education", "Education"


class EpisodeCategory(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent (no apparent risk)"
    AWAY_FROM_PLACEMENT = "away_from_placement", "Away from placement without authorisation"


class RiskGrade(models.TextChoices):
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class EpisodeStatus(models.TextChoices):
    OPEN = "open", "Open: the child is missing"
    RETURNED = "returned", "Returned or found"
    CLOSED = "closed", "Closed"


class MissingEpisode(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="missing_episodes")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="missing_episodes")
    missing_from = models.CharField(max_length=20, choices=MissingFrom.choices)
    category = models.CharField(max_length=30, choices=EpisodeCategory.choices)
    status = models.CharField(
        max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.OPEN
    )
    risk_grade = models.CharField(max_length=20, choices=RiskGrade.choices, blank=True)

    reported_at = models.DateTimeField(db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    police_reference = models.CharField(max_length=40, blank=True)
    last_seen_at = models.DateTimeField()
    last_seen_where = models.CharField(max_length=300, blank=True)

    returned_at = models.DateTimeField(null=True, blank=True, db_index=True)
    returned_where = models.CharField(max_length=300, blank=True)
    returned_how = models.CharField(
        "found or returned by",
        max_length=200,
        blank=True,
        help_text="Who found the child or brought them back.",
    )
    returned_with_whom = models.CharField(max_length=300, blank=True)

    placed_out_of_area = models.BooleanField(default=False)
    placing_authority = models.CharField(max_length=200, blank=True)
    host_authority = models.CharField(max_length=200, blank=True)

    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    #: The return-interview clock: due time from the versioned clock policy at return.
    interview_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    clock_policy_version = models.PositiveIntegerField(null=True, blank=True)
    #: When the return home interview was offered (stops the clock: met or breached).
    interview_offered_at = models.DateTimeField(null=True, blank=True)
    #: When Harbour recorded that the clock ran out with no interview offered.
    interview_breach_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["person", "status"], name="episode_person_idx"),
            models.Index(fields=["area", "status", "reported_at"], name="episode_area_idx"),
            models.Index(fields=["area", "returned_at"], name="episode_area_return_idx"),
            # The coordinator's "interview not yet offered" lists, in deadline order.
            models.Index(
                fields=["interview_due_at"],
                condition=models.Q(returned_at__isnull=False, interview_offered_at__isnull=True),
                name="episode_awaiting_offer_idx",
            ),
            # Out-of-area placements, newest first.
            models.Index(
                fields=["-reported_at"],
                condition=models.Q(placed_out_of_area=True),
                name="episode_out_of_area_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="open"),
                name="episode_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True)
                | models.Q(returned_at__gte=models.F("last_seen_at")),
                name="episode_returned_after_last_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: missing from {self.get_missing_from_display()}"

    @property
    def duration(self) -> datetime.timedelta:
        """How long the child was missing (to now while still missing)."""
        end = self.returned_at or timezone.now()
        return end - self.last_seen_at


class EpisodeReport(BaseModel):
    """Each report of the episode: the first, and any later one that joined it."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="reports")
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    joined_existing = models.BooleanField(default=False)

    class Meta:
        ordering = ["reported_at"]

    def __str__(self) -> str:
        return f"Report {self.reported_at:%Y-%m-%d %H:%M}"


class RiskGrading(BaseModel):
    """The police risk grading's history on an episode."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="gradings")
    grade = models.CharField(max_length=20, choices=RiskGrade.choices)
    graded_at = models.DateTimeField()
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["graded_at"]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} at {self.graded_at:%Y-%m-%d %H:%M}"


class RepeatMissingAlert(BaseModel):
    """A repeat-missing trigger that fired for a child (once per trigger per window)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="repeat_alerts")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(MissingEpisode, on_delete=models.PROTECT, related_name="alerts")
    trigger_id = models.CharField(max_length=60)
    policy_version = models.PositiveIntegerField()
    episode_count = models.PositiveIntegerField()
    window_days = models.PositiveIntegerField()
    fired_at = models.DateTimeField()

    class Meta:
        ordering = ["-fired_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "trigger_id"], name="repeat_alert_once_per_episode"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trigger_id} for {self.person_id}"
