"""Forms for break-glass (emergency) access: the search, the grant button and the review."""

from __future__ import annotations

from typing import Any

from django import forms

from harbour.access.models import ReviewOutcome
from harbour.access.services import (
    NOTES_MISSING,
    OUTCOME_MISSING,
    REASON_TOO_SHORT,
    validate_reason,
)
from harbour.core.errors import ServiceValidationError
from harbour.core.forms import GovukDateField, GovukForm

PERSON_MISSING = "Choose the person you need emergency access to"


class _ReasonField(forms.CharField):
    """The reason for emergency access: at least 20 characters once spaces are trimmed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": REASON_TOO_SHORT})
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        try:
            validate_reason(value)
        except ServiceValidationError:
            raise forms.ValidationError(REASON_TOO_SHORT, code="reason_too_short") from None


class EmergencySearchForm(GovukForm):
    first_names = forms.CharField(
        label="First names",
        required=False,
        max_length=120,
        help_text="If you know them. People with a similar first name are listed first.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=120,
        error_messages={"required": "Enter their last name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        must_be_past=True,
        help_text="For example, 27 3 2012. Only people with exactly this date of birth are found.",
    )
    reason = _ReasonField(
        label="Why do you need emergency access?",
        help_text=(
            "Say what the emergency is and why you cannot wait for the usual route. "
            "Information governance will read this."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EmergencyGrantForm(GovukForm):
    """The hidden fields behind each "Get emergency access to this person" button."""

    person = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": PERSON_MISSING, "invalid": PERSON_MISSING},
    )
    reason = _ReasonField(widget=forms.HiddenInput, max_length=2000)


class BreakGlassReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Was this emergency access appropriate?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": OUTCOME_MISSING, "invalid_choice": OUTCOME_MISSING},
    )
    notes = forms.CharField(
        label="Review notes",
        required=False,
        max_length=4000,
        help_text="Required if the access was not appropriate: say why, and what will happen next.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("outcome") == ReviewOutcome.INAPPROPRIATE
            and not cleaned.get("notes", "").strip()
        ):
            self.add_error("notes", NOTES_MISSING)
        return cleaned
