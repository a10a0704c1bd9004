"""Referrals (concerns) and the front door's triage decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harbour.accounts.models import Agency, Area
from harbour.core.models import BaseModel
from harbour.people.models import Person, Sex, YesNoNotKnown


class ReferralSource(models.TextChoices):
    STAFF = "staff", "Professional (Harbour)"
    PUBLIC = "public", "Public or young person form"
    PARTNER_API = "partner_api", "Partner system"


class Urgency(models.TextChoices):
    STANDARD = "standard", "Standard"
    URGENT = "urgent", "Urgent – the child may be at immediate risk"


class ConcernCategory(models.TextChoices):
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Child sexual exploitation"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Child criminal exploitation (county lines)"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    ONLINE = "online", "Online exploitation"
    MISSING = "missing", "Missing from home, care or education"
    OTHER = "other", "Other concern"


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task (UK GDPR Article 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR Article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Article 6(1)(d))"
    CONSENT = "consent", "Consent (UK GDPR Article 6(1)(a))"


class PublicReporterRelationship(models.TextChoices):
    YOUNG_PERSON_SELF = "self", "I am the young person this is about"
    FRIEND = "friend", "A friend of the young person"
    FAMILY = "family", "A parent, carer or family member"
    PUBLIC = "public", "A member of the public"
    PROFESSIONAL = "professional", "Someone who works with children"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "I'd rather not say"


class ReferralStatus(models.TextChoices):
    AWAITING_TRIAGE = "awaiting_triage", "Awaiting triage"
    DECIDED = "decided", "Decision made"


class Referral(BaseModel):
    """A concern about a child, from whoever raised it, until the front door decides."""

    reference = models.CharField(max_length=20, unique=True)
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_TRIAGE
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="referrals")
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_received"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="referrals", null=True, blank=True
    )

    # The child as the referrer described them (kept as given, even once linked to a person).
    subject_first_names = models.CharField(max_length=120, blank=True)
    subject_last_name = models.CharField(max_length=120, blank=True)
    subject_date_of_birth = models.DateField(null=True, blank=True)
    subject_age_description = models.CharField(max_length=60, blank=True)
    subject_sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.NOT_KNOWN)
    subject_postcode = models.CharField(max_length=8, blank=True)
    subject_school = models.CharField(max_length=200, blank=True)
    subject_identifier = models.CharField(
        max_length=40, blank=True, help_text="An NHS number or unique pupil number, if known."
    )

    narrative = models.TextField("what happened")
    known_associates = models.TextField(blank=True)
    places = models.TextField(blank=True)
    vehicles = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    family_aware = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default=YesNoNotKnown.NOT_KNOWN
    )
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    safeguarding_condition = models.BooleanField(
        "DPA 2018 Schedule 1 safeguarding condition", default=False
    )
    consent_details = models.TextField(blank=True)

    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        null=True,
        blank=True,
    )
    referrer_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_made", null=True, blank=True
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    public_relationship = models.CharField(
        max_length=20, choices=PublicReporterRelationship.choices, blank=True
    )
    is_anonymous = models.BooleanField(default=False)

    received_at = models.DateTimeField(db_index=True)
    decision_due_at = models.DateTimeField()
    triage_policy_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["area", "status", "-urgency", "received_at"], name="referral_queue_idx"
            ),
            models.Index(fields=["referrer", "-received_at"], name="referral_referrer_idx"),
            models.Index(fields=["person", "-received_at"], name="referral_person_idx"),
            models.Index(fields=["referrer_agency"], name="referral_ref_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def subject_name(self) -> str:
        name = f"{self.subject_first_names} {self.subject_last_name}".strip()
        return name or "Name not given"


class ReferralConcern(BaseModel):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="concerns")
    category = models.CharField(max_length=30, choices=ConcernCategory.choices)

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "category"], name="referral_concern_unique")
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class TriageRoute(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action, with advice"
    EARLY_HELP = "early_help", "Early help"
    EXPLOITATION_SCREENING = "exploitation_screening", "Exploitation screening"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion or section 47 enquiry"
    POLICE_INTELLIGENCE = "police_intelligence", "Police intelligence only"
    PANEL_DISCUSSION = "panel_discussion", "Panel discussion (MACE)"


class TriageDecision(BaseModel):
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="decision")
    route = models.CharField(max_length=30, choices=TriageRoute.choices)
    rationale = models.TextField()
    advice_to_referrer = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="triage_decisions"
    )
    decided_at = models.DateTimeField()
    was_overdue = models.BooleanField(default=False)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.referral.reference}: {self.get_route_display()}"
