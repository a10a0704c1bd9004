"""Forms for finding people."""

from django import forms

from harbour.core.forms import GovukForm


class PersonSearchForm(GovukForm):
    q = forms.CharField(
        label="Search by name or identifier",
        max_length=120,
        help_text="A last name (with first name if you know it), an NHS number or a pupil number.",
        error_messages={"required": "Enter a name or identifier to search for"},
    )
