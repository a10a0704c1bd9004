"""Areas, agencies, teams, users and memberships (a role in an agency)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from harbour.core.models import BaseModel


class Area(BaseModel):
    """A local authority area ("borough") of the partnership."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. 'northbrook'.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyType(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    LICENSING = "licensing", "Licensing"
    VOLUNTARY = "voluntary", "Voluntary or commissioned"
    CARE_PROVIDER = "care_provider", "Care provider (children's homes, fostering)"
    OTHER = "other", "Other"


class Agency(BaseModel):
    """An organisation in the partnership, serving one or more areas."""

    name = models.CharField(max_length=200, unique=True)
    agency_type = models.CharField(max_length=40, choices=AgencyType.choices)
    areas = models.ManyToManyField(Area, related_name="agencies")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(BaseModel):
    """A team inside an agency (e.g. a MASH team, an exploitation team)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    FRONT_DOOR = "front_door", "Front door (MASH) practitioner"
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional or social worker"
    POLICE_EXPLOITATION = "police_exploitation", "Police exploitation officer"
    RETURN_INTERVIEW = "return_interview", "Return interview worker"
    COORDINATOR = "coordinator", "Exploitation coordinator"
    PANEL_MEMBER = "panel_member", "Panel member"
    LICENSING = "licensing", "Licensing officer"
    TRAINING_LEAD = "training_lead", "Training lead or line manager"
    BOARD_MEMBER = "board_member", "Board member"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance"
    ADMINISTRATOR = "administrator", "Administrator"
    CARE_PROVIDER = "care_provider", "Carer or care provider"


class User(AbstractUser):
    """A person who signs in to Harbour. Their roles come from memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        related_name="reports",
        null=True,
        blank=True,
        help_text="Who an overdue panel action of theirs is escalated to, with the panel's chair.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def active_memberships(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(is_active=True, agency__is_active=True).select_related(
            "agency", "team"
        )


class Membership(BaseModel):
    """One role for one user in one agency (optionally in a team)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.agency}"
