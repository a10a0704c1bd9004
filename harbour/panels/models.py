"""Panels, their members, meetings, agendas, attendance and confidentiality confirmations.

A panel is of a type defined in ``policy/panel_types.v<N>.toml`` (``type_key``, ``type_version``)
and serves one area or, with ``area`` empty, the whole partnership. A meeting's agenda items are
children (or, for themes, no child); each item's pre-read is frozen from the child's record when
the agenda is published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harbour.accounts.models import Agency, Area
from harbour.core.models import BaseModel
from harbour.people.models import Person


class Panel(BaseModel):
    type_key = models.CharField(max_length=40)
    type_version = models.PositiveIntegerField()
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="panels",
        null=True,
        blank=True,
        help_text="Empty for a pan-area panel, which serves the whole partnership.",
    )
    name = models.CharField(max_length=200, unique=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panels_chaired"
    )
    terms_of_reference = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PanelMember(BaseModel):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["panel", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency}) on {self.panel}"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft: agenda being prepared"
    PUBLISHED = "published", "Agenda published"
    HELD = "held", "Held"


class Meeting(BaseModel):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(db_index=True)
    place = models.CharField(max_length=300, blank=True)
    call_details = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    agenda_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["panel", "-starts_at"], name="meeting_panel_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(place="", call_details=""),
                name="meeting_has_place_or_call",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", agenda_published_at__isnull=True)
                | (~models.Q(status="draft") & models.Q(agenda_published_at__isnull=False)),
                name="meeting_published_when_not_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.panel} – {self.starts_at:%Y-%m-%d %H:%M}"


class AgendaReason(models.TextChoices):
    ROUTED_AT_TRIAGE = "routed_at_triage", "Routed to the panel at triage"
    HIGH_RISK_REVIEW_DUE = "high_risk_review_due", "High risk: review due"
    REPEAT_MISSING = "repeat_missing", "Repeat missing"
    AGENCY_REQUEST = "agency_request", "An agency asked to discuss"


class AgencyDiscussionRequest(BaseModel):
    """An agency asks the panel to discuss a child at low or medium risk."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    requested_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        indexes = [
            models.Index(
                fields=["area", "requested_at"],
                condition=models.Q(closed_at__isnull=True),
                name="panel_request_open_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="panel_request_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.agency} asks to discuss {self.person}"


class AgendaItem(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty for a theme, place or person of interest.",
    )
    title = models.CharField(max_length=200, blank=True)
    reasons = models.JSONField(default=list, help_text="AgendaReason values, in order.")
    pre_read = models.TextField(blank=True, help_text="Frozen from the record at publication.")
    order = models.PositiveIntegerField()
    requested_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    request_reason = models.TextField(blank=True)
    discussion_requests = models.ManyToManyField(
        AgencyDiscussionRequest, related_name="agenda_items", blank=True
    )

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_order_once"),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=models.Q(person__isnull=False),
                name="agenda_item_child_once",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(title=""),
                name="agenda_item_child_or_title",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.person or self.title}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(BaseModel):
    """One agency's (and, if named, one person's) attendance at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    child_attended = models.BooleanField(default=False)
    carers_attended = models.BooleanField(default=False)
    views_given_how = models.TextField(
        blank=True, help_text="Whether and how the child or their carers gave their views."
    )

    class Meta:
        ordering = ["meeting", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="attendance_user_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "agency"],
                condition=models.Q(user__isnull=True),
                name="attendance_agency_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.agency}: {self.get_status_display()}"


class ConfidentialityConfirmation(BaseModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="confidentiality_confirmations"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreement_version = models.PositiveIntegerField()
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="confidentiality_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} confirmed v{self.agreement_version} for {self.meeting}"
