"""Request and response shapes of the partner API (the OpenAPI schema is built from these).

Requests are only read here (types, lengths, choices); what is allowed and what it means is
decided by the services, whose messages come back as field errors. Every text field has the
length limit of the column it lands in, so no input can fail in the database.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from harbour.missing.models import EpisodeCategory, EpisodeStatus, MissingFrom, RiskGrade
from harbour.people.models import IdentifierKind, Sex, YesNoNotKnown
from harbour.referrals.models import (
    ConcernCategory,
    LawfulBasis,
    ReferralStatus,
    TriageRoute,
    Urgency,
)
from harbour.return_interviews.intelligence import IntelligenceKind

MAX_TEXT = 20_000


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


# Problems ------------------------------------------------------------------------------------


class FieldErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Dotted path into the request body, e.g. child.sex")
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URI naming the kind of problem")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(help_text="urn:uuid:<request id>: quote it to Harbour")

    def get_fields(self) -> dict[str, Any]:
        """``errors`` is added here: as a class attribute it would hide ``Serializer.errors``."""
        fields: dict[str, Any] = super().get_fields()
        fields["errors"] = FieldErrorSerializer(
            many=True, required=False, help_text="For validation errors"
        )
        return fields


# Referrals -------------------------------------------------------------------------------------


class ChildSerializer(serializers.Serializer[Any]):
    first_names = _text(120)
    last_name = _text(120)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    age_description = _text(60, help_text="If the date of birth is not known, e.g. 'about 14'")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.NOT_KNOWN)
    postcode = _text(10)
    school = _text(200)
    identifier = _text(40, help_text="An NHS number or unique pupil number, if known")


class ConcernSerializer(serializers.Serializer[Any]):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernCategory.choices),
        min_length=1,
        max_length=len(ConcernCategory.choices),
    )
    narrative = serializers.CharField(max_length=MAX_TEXT, help_text="What happened")
    known_associates = _text(MAX_TEXT)
    places = _text(MAX_TEXT)
    vehicles = _text(MAX_TEXT)
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, default=Urgency.STANDARD
    )
    family_aware = serializers.ChoiceField(
        choices=YesNoNotKnown.choices, required=False, default=YesNoNotKnown.NOT_KNOWN
    )


class ReferrerSerializer(serializers.Serializer[Any]):
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    safeguarding_condition = serializers.BooleanField(required=False, default=False)
    consent_details = _text(MAX_TEXT)
    name = _text(200)
    role = _text(200)
    phone = _text(40)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class ReferralSubmitSerializer(serializers.Serializer[Any]):
    area = serializers.CharField(
        max_length=20, help_text="The short code of the child's area, e.g. northbrook"
    )
    person_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The Harbour person id, if the child is known to your agency",
    )
    child = ChildSerializer()
    concern = ConcernSerializer()
    referrer = ReferrerSerializer()


class ReferralDecisionSerializer(serializers.Serializer[Any]):
    route = serializers.ChoiceField(choices=TriageRoute.choices)
    route_label = serializers.CharField()
    decided_at = serializers.DateTimeField()
    advice_to_referrer = serializers.CharField(allow_blank=True)


class ReferralOutcomeSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    received_at = serializers.DateTimeField()
    decision_due_at = serializers.DateTimeField()
    decision = ReferralDecisionSerializer(allow_null=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        decision = getattr(instance, "decision", None)
        return {
            "id": str(instance.pk),
            "reference": instance.reference,
            "status": instance.status,
            "received_at": serializers.DateTimeField().to_representation(instance.received_at),
            "decision_due_at": serializers.DateTimeField().to_representation(
                instance.decision_due_at
            ),
            "decision": None
            if decision is None
            else {
                "route": decision.route,
                "route_label": decision.get_route_display(),
                "decided_at": serializers.DateTimeField().to_representation(decision.decided_at),
                "advice_to_referrer": decision.advice_to_referrer,
            },
        }


# Missing episodes --------------------------------------------------------------------------------


class EpisodeReportSerializer(serializers.Serializer[Any]):
    person_id = serializers.UUIDField(help_text="The Harbour person id of the child")
    missing_from = serializers.ChoiceField(choices=MissingFrom.choices)
    category = serializers.ChoiceField(choices=EpisodeCategory.choices)
    last_seen_at = serializers.DateTimeField()
    last_seen_where = serializers.CharField(max_length=300)
    reported_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Defaults to now"
    )
    risk_grade = serializers.ChoiceField(
        choices=RiskGrade.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Police only",
    )
    police_reference = _text(200)
    placed_out_of_area = serializers.BooleanField(required=False, default=False)
    placing_authority = _text(200)
    host_authority = _text(200)
    note = _text(MAX_TEXT)


class EpisodeReturnSerializer(serializers.Serializer[Any]):
    returned_at = serializers.DateTimeField()
    returned_where = serializers.CharField(max_length=300)
    returned_how = serializers.CharField(
        max_length=200, help_text="Who found the child or brought them back"
    )
    returned_with_whom = _text(300)


class EpisodeCloseSerializer(serializers.Serializer[Any]):
    """No fields: closing needs only the episode."""


class EpisodeSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    person_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=EpisodeStatus.choices)
    risk_grade = serializers.CharField(allow_blank=True)
    reported_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField(allow_null=True)
    interview_due_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class EpisodeReportedSerializer(EpisodeSerializer):
    joined_existing = serializers.BooleanField(
        help_text="True when the child already had an open episode and this report joined it"
    )


# Intelligence ----------------------------------------------------------------------------------


class IntelligenceItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=IntelligenceKind.choices)
    value = serializers.CharField(max_length=200)
    detail = _text(2000)
    platform = _text(60, help_text="For online accounts, e.g. Snapchat")


class IntelligenceSubmitSerializer(serializers.Serializer[Any]):
    person_id = serializers.UUIDField(help_text="The Harbour person id of the child")
    summary = serializers.CharField(max_length=MAX_TEXT)
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    observed_on = serializers.DateField(required=False, allow_null=True, default=None)
    partner_reference = _text(60, help_text="Your system's own reference")
    items = serializers.ListField(
        child=IntelligenceItemSerializer(), required=False, default=list, max_length=50
    )


class IntelligenceReceivedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    person_id = serializers.UUIDField()
    received_at = serializers.DateTimeField()
    items = serializers.IntegerField(help_text="How many items were kept")


# Is this child known? ---------------------------------------------------------------------------


class IdentifierSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField(max_length=40)


class ChildQuerySerializer(serializers.Serializer[Any]):
    first_names = _text(120)
    last_name = _text(120)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    postcode = _text(10)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, default="")
    identifiers = serializers.ListField(
        child=IdentifierSerializer(), required=False, default=list, max_length=10
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("first_names") or attrs.get("last_name") or attrs.get("identifiers")):
            raise serializers.ValidationError(
                {"last_name": ["Enter the child's name, or an identifier such as an NHS number"]}
            )
        return attrs


class AgencySerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    agency_type = serializers.CharField()


class KnownCandidateSerializer(serializers.Serializer[Any]):
    person_id = serializers.UUIDField()
    score = serializers.FloatField(help_text="How strongly the details match (higher: stronger)")
    reasons = serializers.ListField(child=serializers.CharField())
    agencies = AgencySerializer(many=True, help_text="Agencies currently involved")


class ChildKnownSerializer(serializers.Serializer[Any]):
    known = serializers.BooleanField(help_text="True when a child your agency may see matches")
    candidates = KnownCandidateSerializer(many=True)
