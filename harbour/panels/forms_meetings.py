"""Forms for setting up panels, their members and meetings, the confidentiality agreement, the
draft agenda and an agency's request for discussion.

They check what a person typed; the services check the rest. Field names match the services'
error keys, so a service's message lands on its field.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from django import forms
from django.utils import timezone

from harbour.accounts.models import Agency, User
from harbour.core.forms import GovukDateField, GovukForm
from harbour.panels import selectors
from harbour.panels.models import Panel
from harbour.panels.policy import load_panel_types

#: "10", "10am", "10.30", "2:30pm", "14:30".
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?$")
_NAMED_TIMES = {"midday": datetime.time(12, 0), "noon": datetime.time(12, 0)}
_TIME_INVALID = "Enter the time the meeting starts, like 10am, 2:30pm or 14:30"


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def parse_time(text: str) -> datetime.time | None:
    """A time of day as people write it, or ``None`` if it is not one."""
    text = text.strip().lower().replace(" ", "")
    if text in _NAMED_TIMES:
        return _NAMED_TIMES[text]
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class _ChairField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


class PanelForm(GovukForm):
    """Set up a panel (type and area too) or change one (name, chair, terms of reference)."""

    type_key = forms.ChoiceField(
        label="Type of panel",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of panel"},
    )
    area = forms.ChoiceField(
        label="Area",
        choices=(),
        required=False,
        help_text="The borough the panel serves. Choose \u201cAll areas\u201d for a panel across "
        "the whole partnership.",
        error_messages={"invalid_choice": "Select an area from the list"},
    )
    name = forms.CharField(
        label="Name of the panel",
        max_length=200,
        error_messages={"max_length": "The panel's name must be 200 characters or fewer"},
    )
    chair = _ChairField(
        label="Chair",
        queryset=User.objects.none(),
        empty_label="Choose a chair",
        error_messages={
            "required": "Choose the panel's chair",
            "invalid_choice": "Choose a chair from the list",
        },
    )
    terms_of_reference = forms.CharField(label="Terms of reference", widget=_textarea(8))

    def __init__(self, *args: Any, viewer: Any, panel: Panel | None = None, **kwargs: Any) -> None:
        if panel is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": panel.name,
                    "chair": panel.chair_id,
                    "terms_of_reference": panel.terms_of_reference,
                },
            )
        super().__init__(*args, **kwargs)
        chair = self.fields["chair"]
        assert isinstance(chair, forms.ModelChoiceField)
        chair.queryset = selectors.chair_candidates()
        if panel is not None:
            del self.fields["type_key"]
            del self.fields["area"]
            return
        type_key = self.fields["type_key"]
        assert isinstance(type_key, forms.ChoiceField)
        type_key.choices = [
            (key, panel_type.name) for key, panel_type in load_panel_types().types.items()
        ]
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        self._areas = {str(a.pk): a for a in selectors.areas_for_new_panels(viewer)}
        area.choices = [
            ("", "All areas"),
            *((key, a.name) for key, a in self._areas.items()),
        ]

    def clean_area(self) -> Any:
        value = self.cleaned_data.get("area") or ""
        return self._areas.get(value)


class MemberAddForm(GovukForm):
    member = forms.ChoiceField(
        label="Who is joining the panel?",
        choices=(),
        help_text="Each person sits for one agency they work for.",
        error_messages={
            "required": "Choose who is joining the panel",
            "invalid_choice": "Choose someone from the list",
        },
    )

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a person"), *selectors.membership_choices(panel)]

    def clean_member(self) -> tuple[User, Agency]:
        user_id, _, agency_id = str(self.cleaned_data["member"]).partition(":")
        try:
            user = User.objects.get(pk=uuid.UUID(user_id))
            agency = Agency.objects.get(pk=uuid.UUID(agency_id))
        except (ValueError, User.DoesNotExist, Agency.DoesNotExist):
            raise forms.ValidationError("Choose someone from the list") from None
        return user, agency


class MeetingScheduleForm(GovukForm):
    starts_at = GovukDateField(label="Date", error_name="The meeting's date")
    starts_time = forms.CharField(
        label="Time",
        max_length=20,
        help_text="For example, 10am or 2:30pm.",
        error_messages={"required": "Enter the time the meeting starts"},
    )
    place = forms.CharField(
        label="Place",
        max_length=300,
        required=False,
        help_text="The building and room. Leave empty if the meeting is only a call.",
        error_messages={"max_length": "The place must be 300 characters or fewer"},
    )
    call_details = forms.CharField(
        label="Call details",
        max_length=500,
        required=False,
        help_text="How to join by video or phone. Leave empty if everyone meets in person.",
        error_messages={"max_length": "The call details must be 500 characters or fewer"},
    )

    def clean_starts_time(self) -> datetime.time:
        parsed = parse_time(self.cleaned_data["starts_time"])
        if parsed is None:
            raise forms.ValidationError(_TIME_INVALID)
        return parsed

    def starts_at_value(self) -> datetime.datetime | None:
        """The date and time entered, in UK time (call after ``is_valid``)."""
        day = self.cleaned_data.get("starts_at")
        time = self.cleaned_data.get("starts_time")
        if day is None or time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, time))


class ConfidentialityForm(GovukForm):
    confirmed = forms.BooleanField(
        label="I confirm I will keep to this agreement for this meeting",
        error_messages={"required": "Confirm that you will keep to the confidentiality agreement"},
    )


class ThemeForm(GovukForm):
    title = forms.CharField(
        label="Theme, place or person of interest",
        max_length=200,
        help_text="For example, a hotel, a park, a takeaway, or a pattern the panel should "
        "discuss.",
        error_messages={
            "required": "Enter the theme, place or person of interest to discuss",
            "max_length": "The title must be 200 characters or fewer",
        },
    )


class MoveForm(GovukForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class AgendaActionForm(GovukForm):
    """No fields: carries the service's reasons for not adopting or publishing."""


class DiscussionRequestForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Which agency is asking?",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency that is asking",
            "invalid_choice": "Choose an agency from the list",
        },
    )
    reason = forms.CharField(
        label="Why should the panel discuss this child?",
        widget=_textarea(6),
        help_text="Say what worries you and what a multi-agency discussion could add.",
        error_messages={"required": "Explain why the panel should discuss this child"},
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        #: The user's only casework agency: the select is hidden and the page names it.
        self.only_agency: Agency | None = None
        if len(agencies) == 1:
            self.only_agency = agencies[0]
            field.widget = forms.HiddenInput()
            field.initial = agencies[0].pk
