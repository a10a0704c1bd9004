"""Forms for the administrators' partner-credential pages. They only read what was typed; the
services decide what is allowed (field names match the services' arguments)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from harbour.accounts.models import Agency, Role
from harbour.core.forms import GovukForm

from . import services
from .models import Scope

NEVER = "never"
EXPIRY_CHOICES = [
    (NEVER, "Never (until it is revoked)"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
]


class CredentialIssueForm(GovukForm):
    name = forms.CharField(
        label="Name of the partner system",
        help_text="For example, Northbrook Police records system",
        max_length=120,
        error_messages={
            "required": services.MSG_NAME,
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        help_text="The system sees and does only what this agency's staff in the role could",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Select an agency",
            "invalid_choice": "Select an agency from the list",
        },
    )
    role = forms.ChoiceField(
        label="Role the system acts in",
        choices=[("", "Choose a role")]
        + [(role, Role(role).label) for role in services.PARTNER_ROLES],
        error_messages={"required": services.MSG_ROLE, "invalid_choice": services.MSG_ROLE},
    )
    scopes = forms.MultipleChoiceField(
        label="What the system may do",
        help_text="Select all that apply",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": services.MSG_SCOPES, "invalid_choice": services.MSG_SCOPES},
    )
    expires = forms.ChoiceField(
        label="When the credential expires",
        choices=EXPIRY_CHOICES,
        initial=NEVER,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select when the credential expires",
            "invalid_choice": "Select when the credential expires",
        },
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies


class CredentialRevokeForm(GovukForm):
    reason = forms.CharField(
        label="Why are you revoking it? (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )
