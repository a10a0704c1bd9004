"""Information governance forms: finding a person by id, and filtering the audit log."""

from __future__ import annotations

from typing import Any

from django import forms

from harbour.accounts.models import User
from harbour.audit import registry
from harbour.core.forms import GovukDateField, GovukForm
from harbour.people.models import Person

PERSON_ID_MISSING = "Enter the person's ID"
PERSON_ID_INVALID = (
    "Enter the person's ID in the correct format, like 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
)
PERSON_NOT_FOUND = "No person has this ID – check it and try again"
ACTION_INVALID = "Select an action from the list"
END_BEFORE_START = "End date must be the same as or after the start date"


def user_not_found(username: str) -> str:
    return f"No user has the username ‘{username}’ – check the spelling"


class PersonLookupForm(GovukForm):
    person_id = forms.UUIDField(
        label="Person ID",
        help_text="The ID is shown on the person's record and in the audit log.",
        error_messages={"required": PERSON_ID_MISSING, "invalid": PERSON_ID_INVALID},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_person_id(self) -> Any:
        person_id = self.cleaned_data["person_id"]
        if not Person.objects.filter(pk=person_id).exists():
            raise forms.ValidationError(PERSON_NOT_FOUND, code="not_found")
        return person_id


class AuditLogFilterForm(GovukForm):
    action = forms.ChoiceField(
        label="Action",
        required=False,
        error_messages={"invalid_choice": ACTION_INVALID},
    )
    user = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        help_text="The username the person signs in with.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    date_from = GovukDateField(
        label="Start date", required=False, help_text="For example, 1 3 2026"
    )
    date_to = GovukDateField(label="End date", required=False, help_text="For example, 31 3 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "All actions")]
        choices += [(action.code, action.description) for action in registry.all_actions()]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]

    def clean_user(self) -> User | None:
        username = self.cleaned_data["user"].strip()
        if not username:
            return None
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(user_not_found(username), code="unknown_user")
        return user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start is not None and end is not None and end < start:
            self.add_error("date_to", END_BEFORE_START)
        return cleaned
