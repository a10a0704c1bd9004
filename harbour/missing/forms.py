"""Forms for missing episodes. They validate what a person typed; services validate the rest.

A moment (last seen, returned) is a GOV.UK date input plus a time typed as "14:30": the date
field carries the moment's name (``last_seen_at``) so the service's errors about the moment land
on it. Times are UK clock times (GMT or BST as the date says).
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from harbour.core.forms import GovukDateField, GovukForm
from harbour.missing.models import EpisodeCategory, MissingFrom, RiskGrade

LONDON = ZoneInfo("Europe/London")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})\s*(am|pm)?$|^(\d{1,2})\s*(am|pm)$", re.IGNORECASE)

MSG_TIME_REQUIRED = "Enter the time, for example 14:30"
MSG_TIME_INVALID = "Enter a real time, for example 14:30 or 2:30pm"
MSG_TIME_SKIPPED = "That time did not exist in the UK: the clocks went forward an hour at 1am"


def parse_time(text: str) -> datetime.time | None:
    """ "14:30", "9.05", "2:30pm", "2pm" → a time; anything else → None."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    if match.group(4):
        hour, minute, meridiem = int(match.group(4)), 0, match.group(5)
    else:
        hour, minute, meridiem = int(match.group(1)), int(match.group(2)), match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def uk_moment(date: datetime.date, time: datetime.time) -> datetime.datetime | None:
    """The aware moment of a UK wall-clock date and time; None for a time the spring clock change
    skipped. An hour the autumn change repeats is read as its first (BST) occurrence."""
    moment = datetime.datetime.combine(date, time, tzinfo=LONDON)
    round_trip = moment.astimezone(datetime.UTC).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


class MomentFormMixin(GovukForm):
    """Combines each ``<name>`` date field and ``<name_time>`` text field into a moment."""

    #: (date field, time field) pairs.
    moments: tuple[tuple[str, str], ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for date_name, time_name in self.moments:
            text = (self.data.get(self.add_prefix(time_name)) or "").strip()
            date = cleaned.get(date_name)
            if not text:
                continue  # the time field itself reports that it is required
            time = parse_time(text)
            if time is None:
                self.add_error(time_name, MSG_TIME_INVALID)
                continue
            if date is None:
                continue
            moment = uk_moment(date, time)
            if moment is None:
                self.add_error(time_name, MSG_TIME_SKIPPED)
                continue
            cleaned[f"{date_name}_moment"] = moment
        return cleaned


def _time_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=10,
        error_messages={"required": MSG_TIME_REQUIRED},
        help_text="Use the 24-hour clock or am and pm, for example 14:30 or 2:30pm",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )


class EpisodeReportForm(MomentFormMixin):
    moments = (("last_seen_at", "last_seen_time"),)

    missing_from = forms.ChoiceField(
        label="Where is the child missing from?",
        choices=MissingFrom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the child is missing from"},
    )
    category = forms.ChoiceField(
        label="Category of absence",
        choices=EpisodeCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the category of absence"},
    )
    last_seen_at = GovukDateField(
        label="Date the child was last seen",
        error_name="Date last seen",
        must_be_past=True,
        help_text="For example, 27 3 2026",
    )
    last_seen_time = _time_field("Time the child was last seen")
    last_seen_where = forms.CharField(
        label="Where was the child last seen?",
        max_length=300,
        error_messages={"required": "Enter where the child was last seen"},
    )
    police_reference = forms.CharField(
        label="Police reference", required=False, max_length=40, help_text="If there is one."
    )
    risk_grade = forms.ChoiceField(
        label="Police risk grading",
        required=False,
        choices=[("", "Not graded yet"), *RiskGrade.choices],
        help_text="Police only.",
    )
    placed_out_of_area = forms.BooleanField(label="The child is placed out of area", required=False)
    placing_authority = forms.CharField(label="Placing authority", required=False, max_length=200)
    host_authority = forms.CharField(label="Host authority", required=False, max_length=200)
    note = forms.CharField(
        label="What else should the partnership know?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EpisodeReturnForm(MomentFormMixin):
    moments = (("returned_at", "returned_time"),)

    returned_at = GovukDateField(
        label="Date the child was found or returned",
        error_name="Date of return",
        must_be_past=True,
        help_text="For example, 27 3 2026",
    )
    returned_time = _time_field("Time the child was found or returned")
    returned_where = forms.CharField(
        label="Where was the child found, or where did they return to?",
        max_length=300,
        error_messages={"required": "Enter where the child was found or returned to"},
    )
    returned_how = forms.CharField(
        label="Who found the child or brought them back?",
        max_length=200,
        error_messages={"required": "Enter who found the child or brought them back"},
    )
    returned_with_whom = forms.CharField(
        label="Who was the child with?", required=False, max_length=300
    )


class EpisodeGradeForm(GovukForm):
    grade = forms.ChoiceField(
        label="Police risk grading",
        choices=RiskGrade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the police risk grading"},
    )
    reason = forms.CharField(
        label="Reason for the grading",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for the grading"},
    )


class EpisodeCloseForm(GovukForm):
    """Closing has nothing to type: the form carries the service's errors to the summary."""
