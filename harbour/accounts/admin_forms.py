"""Forms for the administration pages, and for a new user setting their password.

The forms only read what was typed; the services decide what is allowed, and their messages go
on these fields by name (``add_service_errors``), so field names match the services' arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import QuerySet

from harbour.accounts import services
from harbour.accounts.models import Agency, AgencyType, Area, Role, Team, User
from harbour.core.forms import GovukForm, GovukFormMixin

NO_TEAM = ""


def _team_choices(teams: Iterable[Team]) -> list[Any]:
    """Teams grouped under their agency's name, after a "No team" choice."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for team in teams:
        grouped.setdefault(team.agency.name, []).append((str(team.pk), team.name))
    return [(NO_TEAM, "No team"), *grouped.items()]


class UserSearchForm(GovukForm):
    q = forms.CharField(label="Name, username or email address", required=False, max_length=200)
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="All agencies",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        self.fields["q"].error_messages["max_length"] = (
            "Search words must be 200 characters or fewer"
        )


class RoleFieldsForm(GovukForm):
    """Agency, role and team: one membership."""

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Select an agency",
            "invalid_choice": "Select an agency from the list",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={
            "required": services.ROLE_REQUIRED,
            "invalid_choice": "Select a role from the list",
        },
    )
    team = forms.ChoiceField(
        label="Team",
        required=False,
        help_text="Only a team in the agency you chose",
        error_messages={"invalid_choice": "Select a team from the list"},
    )

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], teams: Iterable[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        self._teams = {str(team.pk): team for team in teams}
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ChoiceField)
        team_field.choices = _team_choices(self._teams.values())

    def clean_team(self) -> Team | None:
        value = self.cleaned_data.get("team") or NO_TEAM
        return None if value == NO_TEAM else self._teams[value]


class UserCreateForm(RoleFieldsForm):
    username = forms.CharField(
        label="Username",
        help_text="They sign in with this. Letters, numbers and @ . + - _ only.",
        error_messages={"required": "Enter a username"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_name = forms.CharField(
        label="First name", error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will email them a link to set their password",
        error_messages={"required": services.EMAIL_REQUIRED, "invalid": services.EMAIL_INVALID},
    )
    job_title = forms.CharField(label="Job title", required=False)

    field_order = ["username", "first_name", "last_name", "email", "job_title", "agency", "role"]


class MembershipAddForm(RoleFieldsForm):
    """Give an existing user another role."""


class AgencyAreasForm(GovukForm):
    areas = forms.ModelMultipleChoiceField(
        label="Areas it serves",
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={
            "required": services.AREAS_REQUIRED,
            "invalid_choice": "Select areas from the list",
            "invalid_pk_value": "Select areas from the list",
        },
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas_field = self.fields["areas"]
        assert isinstance(areas_field, forms.ModelMultipleChoiceField)
        areas_field.queryset = areas


class AgencyCreateForm(AgencyAreasForm):
    name = forms.CharField(
        label="Agency name", error_messages={"required": "Enter the agency's name"}
    )
    agency_type = forms.ChoiceField(
        label="Type of agency",
        choices=AgencyType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of agency",
            "invalid_choice": "Select the type of agency",
        },
    )

    field_order = ["name", "agency_type", "areas"]


class AreaCreateForm(GovukForm):
    name = forms.CharField(label="Area name", error_messages={"required": "Enter the area's name"})
    code = forms.CharField(
        label="Short code",
        help_text="Used in addresses of pages and in reports, for example northbrook",
        error_messages={"required": "Enter a short code"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )


class SetYourPasswordForm(GovukFormMixin, SetPasswordForm[User]):
    """A new user's password, checked by the project's validators with plain-words messages.

    Problems with the password go on the first field and a mismatch on the second, as the
    GOV.UK Design System asks.
    """

    error_messages = {"password_mismatch": "The two passwords do not match"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = "Create a password"
        first.help_text = (
            "At least 12 characters. Not a common password, not all numbers, not like your name."
        )
        first.error_messages["required"] = "Enter a password"
        second.label = "Type the password again"
        second.help_text = ""
        second.error_messages["required"] = "Type the password again"

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")
        password = self.cleaned_data.get("new_password1")
        if password:
            for problem in services.password_problems(password, self.user):
                self.add_error("new_password1", problem)
        super(SetPasswordForm, self).clean()  # Django's own checks are replaced by the above
        return self.cleaned_data
