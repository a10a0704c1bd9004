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
    discussion_summary = models.TextField(blank=True)
    child_attended = models.BooleanField(default=False)
    carers_attended = models.BooleanField(default=False)
    views_given_how = models.TextField(
        blank=True,
        help_text="Whether and how the child or their carers gave their views for this meeting.",
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


class DecisionKind(models.TextChoices):
    RISK_LEVEL_AGREED = "risk_level_agreed", "Risk level agreed"
    PLAN_CHANGES = "plan_changes", "Changes to the child's plan"
    STRATEGY_DISCUSSION = "strategy_discussion", "Refer for a strategy discussion"
    DISRUPTION = "disruption", "Disruption to consider"
    NO_FURTHER_PANEL = "no_further_panel", "No further panel discussion needed"
    OTHER = "other", "Other decision"


class Decision(BaseModel):
    """One decision the panel made on an agenda item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=40, choices=DecisionKind.choices)
    risk_level = models.CharField(
        max_length=40,
        blank=True,
        help_text="The assessment catalogue's level id, for 'risk level agreed'.",
    )
    detail = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(detail=""), name="panel_decision_has_detail"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="risk_level_agreed") | ~models.Q(risk_level=""),
                name="panel_decision_risk_level_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail[:60]}"


class PanelActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


#: Statuses in which an action is still owed (and can become overdue).
OPEN_ACTION_STATUSES = (PanelActionStatus.NOT_STARTED, PanelActionStatus.IN_PROGRESS)


class PanelAction(BaseModel):
    """An action the panel agreed on an item, owned by a named user in their agency."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="actions", help_text="The item's meeting."
    )
    panel = models.ForeignKey(
        Panel, on_delete=models.PROTECT, related_name="actions", help_text="The meeting's panel."
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_actions"
    )
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=PanelActionStatus.choices, default=PanelActionStatus.NOT_STARTED
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="panel_action_owner_idx"),
            models.Index(fields=["panel", "status", "due_on"], name="panel_action_panel_idx"),
            models.Index(
                fields=["due_on"],
                condition=models.Q(status__in=["not_started", "in_progress"]),
                name="panel_action_open_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(description=""), name="panel_action_has_description"
            ),
            models.CheckConstraint(
                condition=models.Q(status="done", completed_at__isnull=False)
                | (~models.Q(status="done") & models.Q(completed_at__isnull=True)),
                name="panel_action_completed_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class PanelActionUpdate(BaseModel):
    """One update to a panel action: its status before and after, and what was said."""

    action = models.ForeignKey(PanelAction, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=20, choices=PanelActionStatus.choices)
    to_status = models.CharField(max_length=20, choices=PanelActionStatus.choices)
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Escalation(BaseModel):
    """An overdue panel action escalated to the owner's line manager and the panel's chair.

    At most one per action and due date: an action escalates once when it becomes overdue, and
    again only if its due date is moved and that date passes too. ``area`` (empty for a pan-area
    panel) and ``owner_agency`` are copied so the log can be audited by area and agency.
    """

    action = models.ForeignKey(PanelAction, on_delete=models.PROTECT, related_name="escalations")
    due_on = models.DateField(help_text="The due date that passed.")
    escalated_on = models.DateField(db_index=True)
    escalated_at = models.DateTimeField()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty when no line manager was recorded for the owner.",
    )
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-escalated_at"]
        indexes = [
            models.Index(fields=["area", "-escalated_at"], name="escalation_area_idx"),
            models.Index(fields=["owner_agency", "-escalated_at"], name="escalation_agency_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["action", "due_on"], name="escalation_once_per_due"),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolution="")
                | (models.Q(resolved_at__isnull=False) & ~models.Q(resolution="")),
                name="escalation_resolved_with_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalated {self.escalated_on}: {self.action}"


class MinutesFormat(models.TextChoices):
    HTML = "html", "Web page"
    PDF = "pdf", "PDF"


class MinutesCopy(BaseModel):
    """One copy of a meeting's minutes, made for one recipient (restricted distribution).

    The copy holds only the items whose child the recipient may see; which items it included and
    how many it withheld are recorded with a hash of what was produced.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes_copies")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(max_length=10, choices=MinutesFormat.choices)
    produced_at = models.DateTimeField()
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    included_item_ids = models.JSONField(default=list)
    withheld_items = models.PositiveIntegerField(default=0)
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-produced_at"]
        indexes = [models.Index(fields=["meeting", "recipient"], name="minutes_copy_meeting_idx")]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting} for {self.recipient} ({self.format})"
