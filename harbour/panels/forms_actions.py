"""Forms for panel actions: the tracker's filters, updating an action, the escalation log's
filters and resolving an escalation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from harbour.accounts.models import Agency, Area
from harbour.core.forms import GovukDateField, GovukForm
from harbour.panels.actions import OPEN, PAN_AREA
from harbour.panels.models import Panel, PanelActionStatus

SCOPE_CHOICES = [("mine", "My actions"), ("all", "All actions I can see")]
STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    (OPEN, "Not started or in progress"),
    *PanelActionStatus.choices,
]
STATE_CHOICES = [("", "Open and resolved"), ("open", "Open"), ("resolved", "Resolved")]


class _NamedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TrackerFilterForm(GovukForm):
    scope = forms.ChoiceField(
        label="Whose actions",
        choices=SCOPE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select whose actions to show"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=STATUS_FILTER_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    overdue_only = forms.BooleanField(label="Only overdue actions", required=False)
    panel = _NamedChoiceField(
        label="Panel",
        queryset=Panel.objects.none(),
        required=False,
        empty_label="Any panel",
        error_messages={"invalid_choice": "Select a panel from the list"},
    )
    agency = _NamedChoiceField(
        label="Owner's agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )

    def __init__(
        self,
        *args: Any,
        panels: QuerySet[Panel],
        agencies: QuerySet[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class ActionUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=PanelActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status"},
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=(
            "What has happened. Needed when cancelling, when moving the due date, or when the "
            "status stays the same."
        ),
    )
    due_on = GovukDateField(
        label="New due date",
        required=False,
        help_text=(
            "Only if the panel agreed to move it. For example, 27 3 2027. The action is "
            "escalated again if the new date passes."
        ),
    )

    def __init__(self, *args: Any, may_move_due_date: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_move_due_date:
            del self.fields["due_on"]


class EscalationFilterForm(GovukForm):
    area = forms.ChoiceField(
        label="Area",
        required=False,
        error_messages={"invalid_choice": "Select an area from the list"},
    )
    agency = _NamedChoiceField(
        label="Owner's agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    state = forms.ChoiceField(
        label="State",
        choices=STATE_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select open or resolved"},
    )
    escalated_from = GovukDateField(
        label="Escalated on or after",
        required=False,
        help_text="For example, 1 3 2027",
    )
    escalated_to = GovukDateField(
        label="Escalated on or before",
        required=False,
        help_text="For example, 31 3 2027",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = [(str(area.pk), area.name) for area in Area.objects.order_by("name")]
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            ("", "Any area"),
            *areas,
            (PAN_AREA, "Pan-area panels"),
        ]
        self.fields["agency"].queryset = Agency.objects.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("escalated_from"), data.get("escalated_to")
        if start and end and end < start:
            self.add_error(
                "escalated_to", "The end date must be the same as or after the start date"
            )
        return data


class EscalationResolveForm(GovukForm):
    resolution = forms.CharField(
        label="What has been done about the overdue action?",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="For example, who you spoke to, what was agreed and by when.",
    )
