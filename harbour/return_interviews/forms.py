"""Forms for return home interviews. They check what a person typed; the services check the
rest. Field names match the services' error keys, so a service's message lands on its field.

A moment in time is a GOV.UK date input plus a time text input ("2:30pm" or "14:30"), read as
UK time. Intelligence items are five fixed rows (kind, value, platform, detail): no JavaScript
is needed, and blank rows are ignored.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings

from harbour.core.forms import GovukDateField, GovukForm
from harbour.return_interviews.checklist import PULL, PUSH, current_checklist
from harbour.return_interviews.intelligence import (
    IntelligenceError,
    IntelligenceInput,
    IntelligenceKind,
    clean_item,
)

#: How many blank intelligence rows the completion form offers.
INTELLIGENCE_ROWS = 5

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?$")


def parse_time(text: str) -> datetime.time | None:
    """ "14:30", "2:30pm", "2.30 pm", "2pm", "midday", "midnight" → a time; None if not one."""
    text = text.strip().lower().replace(" ", "")
    if text in {"midday", "noon", "12noon"}:
        return datetime.time(12, 0)
    if text == "midnight":
        return datetime.time(0, 0)
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    ampm = match["ampm"]
    if ampm is None and match["minute"] is None:
        return None  # "14" alone is ambiguous
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _time_field(label: str, name: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=10,
        help_text="For example, 2:30pm or 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
        error_messages={"required": f"Enter the time {name}"},
    )


class _MomentForm(GovukForm):
    """A date field ``<moment>`` and a time field ``<moment>_time``, combined into one aware
    datetime in ``cleaned_data[<moment>]``."""

    moment = ""
    moment_name = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get(self.moment)
        text = cleaned.get(f"{self.moment}_time")
        if text:
            time = parse_time(text)
            if time is None:
                self.add_error(
                    f"{self.moment}_time",
                    f"Enter the time {self.moment_name} as a real time, like 2:30pm or 14:30",
                )
            elif isinstance(day, datetime.date):
                london = ZoneInfo(settings.TIME_ZONE)
                cleaned[self.moment] = datetime.datetime.combine(day, time, tzinfo=london)
        return cleaned


class OfferForm(_MomentForm):
    moment = "offered_at"
    moment_name = "the interview was offered"

    offered_at = GovukDateField(
        label="Date the interview was offered",
        help_text="For example, 27 3 2027. The 72 hours run from the child's return.",
        error_messages={"required": "Enter the date the interview was offered"},
    )
    offered_at_time = _time_field("Time the interview was offered", "the interview was offered")


class RefusalForm(GovukForm):
    carers_know = forms.CharField(
        label="What do the child's parents or carers know?",
        widget=_textarea(4),
        help_text="That the child refused, and what they were told about the missing episode "
        "and about support they can ask for later.",
        error_messages={"required": "Enter what the child's parents or carers know"},
    )


class NotOfferedForm(GovukForm):
    reason = forms.CharField(
        label="Why was the interview not offered?",
        widget=_textarea(4),
        help_text="For example, the child could not be contacted, or has moved out of the area.",
        error_messages={"required": "Enter why the interview was not offered"},
    )


class CompleteForm(_MomentForm):
    moment = "conducted_at"
    moment_name = "of the interview"

    conducted_at = GovukDateField(
        label="Date of the interview",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date of the interview"},
    )
    conducted_at_time = _time_field("Time of the interview", "of the interview")
    conducted_where = forms.CharField(
        label="Where did the interview take place?",
        max_length=300,
        error_messages={"required": "Enter where the interview took place"},
    )
    push_factors = forms.MultipleChoiceField(
        label="Push factors: what made the child want to leave",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that the child talked about.",
        error_messages={"invalid_choice": "Choose push factors from the list"},
    )
    push_narrative = forms.CharField(
        label="Push factors in the child's words", widget=_textarea(4), required=False
    )
    pull_factors = forms.MultipleChoiceField(
        label="Pull factors: what drew the child away",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that the child talked about.",
        error_messages={"invalid_choice": "Choose pull factors from the list"},
    )
    pull_narrative = forms.CharField(
        label="Pull factors in the child's words", widget=_textarea(4), required=False
    )
    where_child_was = forms.CharField(
        label="Where was the child?",
        widget=_textarea(3),
        help_text="If they did not say, write that.",
        error_messages={"required": "Enter where the child was, or that they did not say"},
    )
    with_whom = forms.CharField(
        label="Who was the child with?", widget=_textarea(3), required=False
    )
    how_travelled = forms.CharField(
        label="How did the child travel?", widget=_textarea(3), required=False
    )
    harm_suffered = forms.CharField(
        label="Harm the child suffered", widget=_textarea(3), required=False
    )
    disclosures = forms.CharField(label="Disclosures", widget=_textarea(3), required=False)
    exploitation_indicators = forms.CharField(
        label="Exploitation indicators noticed", widget=_textarea(3), required=False
    )
    safety_information = forms.CharField(
        label="Safety information and helplines given",
        widget=_textarea(3),
        error_messages={"required": "Enter the safety information and helplines given"},
    )
    child_wishes = forms.CharField(
        label="What does the child want to happen?",
        widget=_textarea(3),
        help_text="In their words. If they did not say, write that.",
        error_messages={
            "required": "Enter what the child wants to happen, or that they did not say"
        },
    )
    recommendations = forms.CharField(label="Recommendations", widget=_textarea(3), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        checklist = current_checklist()
        for name, kind in (("push_factors", PUSH), ("pull_factors", PULL)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = checklist.choices(kind)
        kinds = [("", "Choose what the item is"), *IntelligenceKind.choices]
        for row in range(1, INTELLIGENCE_ROWS + 1):
            self.fields[f"intel_{row}_kind"] = forms.ChoiceField(
                label=f"Item {row}: what is it?", choices=kinds, required=False
            )
            self.fields[f"intel_{row}_value"] = forms.CharField(
                label=f"Item {row}: name, place, registration, number or handle",
                max_length=200,
                required=False,
            )
            self.fields[f"intel_{row}_platform"] = forms.CharField(
                label=f"Item {row}: platform",
                max_length=60,
                required=False,
                help_text="For an online account, like Snapchat or Instagram.",
            )
            self.fields[f"intel_{row}_detail"] = forms.CharField(
                label=f"Item {row}: detail", widget=_textarea(2), required=False
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("intel_")]

    def intelligence_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"intel_{row}_{part}"] for part in ("kind", "value", "platform", "detail")]
            for row in range(1, INTELLIGENCE_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        items: list[IntelligenceInput] = []
        for row in range(1, INTELLIGENCE_ROWS + 1):
            parts = {
                part: (cleaned.get(f"intel_{row}_{part}") or "").strip()
                for part in ("kind", "value", "platform", "detail")
            }
            if not any(parts.values()):
                continue
            item = IntelligenceInput(
                kind=parts["kind"],
                value=parts["value"],
                platform=parts["platform"],
                detail=parts["detail"],
                row=row,
            )
            try:
                items.append(clean_item(item))
            except IntelligenceError as error:
                self.add_error(f"intel_{row}_{error.field}", error.message)
        cleaned["intelligence_items"] = items
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """What ``services.interview_complete`` takes, from the cleaned data."""
        data = self.cleaned_data
        names = [name for name in self.fields if not name.startswith("intel_")]
        arguments = {name: data[name] for name in names if name != "conducted_at_time"}
        arguments["intelligence_items"] = data["intelligence_items"]
        return arguments
