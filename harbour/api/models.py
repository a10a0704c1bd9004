"""Partner credentials, idempotency records and intelligence that partner systems submit.

A ``PartnerCredential`` is one partner system's revocable key: a bearer token shown once and kept
only as a SHA-256 hash, found by a short prefix. It acts through a *service user* (a Harbour user
with no usable password and one membership in the credential's agency), so every access policy
and service treats the partner system exactly as it treats that agency's staff in that role.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from harbour.accounts.models import Agency, Area
from harbour.core.models import BaseModel
from harbour.people.models import Person
from harbour.return_interviews.intelligence import IntelligenceKind


class Scope(models.TextChoices):
    """What a credential may do. Each endpoint needs exactly one of these."""

    REFERRALS_WRITE = "referrals:write", "Submit referrals"
    REFERRALS_READ = "referrals:read", "Read the outcome of the agency's referrals"
    MISSING_WRITE = "missing:write", "Report missing episodes, returns and closures"
    INTELLIGENCE_WRITE = "intelligence:write", "Submit intelligence about a child"
    CHILDREN_QUERY = "children:query", "Ask whether a child is known, and to which agencies"


class PartnerCredential(BaseModel):
    """One partner system's key to the API, tied to an agency, a role and scopes."""

    name = models.CharField(max_length=120, help_text="The partner system, e.g. 'Police RMS'.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="partner_credentials")
    role = models.CharField(max_length=40)
    scopes = models.JSONField(default=list)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_credential"
    )
    #: The token's public part ("hbr_<prefix>_<secret>"): how a presented token is found.
    prefix = models.CharField(max_length=16, unique=True)
    #: SHA-256 of the whole token, hex. The token itself is never stored.
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_credentials_created",
        null=True,
        blank=True,
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_credentials_revoked",
        null=True,
        blank=True,
    )
    revoked_reason = models.CharField(max_length=300, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.is_revoked:
            return "Revoked"
        if self.is_expired():
            return "Expired"
        return "Active"

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes]


class IdempotencyRecord(BaseModel):
    """The response to a successful submission, kept under the caller's ``Idempotency-Key``.

    The unique constraint is what makes a retried or concurrent call with the same key create
    nothing: the second insert fails and its whole transaction (the submission) rolls back.
    """

    credential = models.ForeignKey(
        PartnerCredential, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "key"], name="api_idempotency_key_unique_per_credential"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credential_id}:{self.key}"


class PartnerIntelligence(BaseModel):
    """Intelligence about a child sent by a partner system: shared with the area's police
    exploitation officers and coordinators, on the child's chronology."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="partner_intelligence"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    credential = models.ForeignKey(
        PartnerCredential, on_delete=models.PROTECT, related_name="intelligence"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()
    observed_on = models.DateField(null=True, blank=True)
    summary = models.TextField()
    lawful_basis = models.CharField(max_length=20)
    partner_reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "partner intelligence"
        indexes = [models.Index(fields=["person", "-received_at"], name="api_intel_person_idx")]

    def __str__(self) -> str:
        return f"Intelligence from {self.agency} about {self.person_id}"


class PartnerIntelligenceItem(BaseModel):
    """A name, nickname, place, vehicle, phone number or online account, normalised as a return
    home interview's items are (so the same car mentioned twice matches)."""

    intelligence = models.ForeignKey(
        PartnerIntelligence, on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(max_length=20, choices=IntelligenceKind.choices)
    value = models.CharField(max_length=200)
    platform = models.CharField(max_length=60, blank=True)
    detail = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["kind", "value"], name="api_intel_value_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
