"""Forms for finding people."""

from django import forms

from harbour.core.forms import GovukForm
from harbour.people.models import IdentifierKind


class PersonSearchForm(GovukForm):
    q = forms.CharField(
        label="Search by name or identifier",
        max_length=120,
        help_text="A last name (with first name if you know it), an NHS number or a pupil number.",
        error_messages={"required": "Enter a name or identifier to search for"},
    )


class IdentifierForm(GovukForm):
    kind = forms.ChoiceField(
        label="Type of identifier",
        choices=IdentifierKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of identifier"},
    )
    value = forms.CharField(
        label="Identifier",
        max_length=40,
        help_text="For example, an NHS number like 943 476 5919.",
        error_messages={"required": "Enter the identifier"},
    )


class AddressForm(GovukForm):
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={"required": "Enter address line 1, typically the building and street"},
    )
    line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=120, required=False)
    postcode = forms.CharField(
        label="Postcode", max_length=10, error_messages={"required": "Enter a postcode"}
    )
    is_current = forms.BooleanField(
        label="This is where they live now", required=False, initial=True
    )
