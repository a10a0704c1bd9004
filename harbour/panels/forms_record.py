"""Forms for the meeting record: attendance, an item's discussion, a decision, an action.

They check what a person typed; the services in ``record.py`` check the rest. Field names match
the services' error keys, so a service's message lands on its field.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from harbour.accounts.models import Agency, User
from harbour.core.forms import GovukDateField, GovukForm
from harbour.panels.models import (
    AgendaItem,
    AttendanceStatus,
    DecisionKind,
    Meeting,
    PanelMember,
)
from harbour.panels.record import (
    AttendanceEntry,
    AttendanceRow,
    attendance_rows,
    decision_catalogue,
    owner_memberships,
)

#: An agency-only row left as it is: the agency is not recorded at all.
NOT_RECORDED = ""


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AttendanceForm(GovukForm):
    """One set of radios per row of ``attendance_rows``: each member must be given a status;
    an agency without a member may be left "not recorded"."""

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        self.rows: list[AttendanceRow] = attendance_rows(meeting)
        kwargs.setdefault("initial", {row.key: row.status for row in self.rows if row.status})
        super().__init__(*args, **kwargs)
        for row in self.rows:
            if row.user is not None:
                self.fields[row.key] = forms.ChoiceField(
                    label=row.label,
                    choices=AttendanceStatus.choices,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Select whether {row.user} was present, sent apologies "
                        "or was absent"
                    },
                )
            else:
                self.fields[row.key] = forms.ChoiceField(
                    label=row.label,
                    choices=[*AttendanceStatus.choices, (NOT_RECORDED, "Not expected")],
                    widget=forms.RadioSelect,
                    required=False,
                    initial=NOT_RECORDED,
                    help_text="No panel member from this agency. Record it if someone came "
                    "without being named here.",
                )

    def member_fields(self) -> list[forms.BoundField]:
        return [self[row.key] for row in self.rows if row.user is not None]

    def agency_fields(self) -> list[forms.BoundField]:
        return [self[row.key] for row in self.rows if row.user is None]

    def entries(self) -> list[AttendanceEntry]:
        """The attendance to record (agency rows left "not expected" are left out)."""
        chosen = []
        for row in self.rows:
            status = self.cleaned_data.get(row.key) or NOT_RECORDED
            if status != NOT_RECORDED:
                chosen.append(AttendanceEntry(agency=row.agency, user=row.user, status=status))
        return chosen


class ItemRecordForm(GovukForm):
    discussion_summary = forms.CharField(
        label="Summary of the discussion",
        widget=_textarea(8),
        help_text="What the panel heard and discussed. Record decisions and actions separately.",
        error_messages={"required": "Enter a summary of what the panel discussed"},
    )
    child_attended = forms.BooleanField(label="The child attended", required=False)
    carers_attended = forms.BooleanField(label="Their parents or carers attended", required=False)
    views_given_how = forms.CharField(
        label="How were the child's views given?",
        widget=_textarea(4),
        required=False,
        help_text="Say how the child's views were sought, or why they were not. For example, "
        "their social worker met them before the meeting and shared what they said.",
    )

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "discussion_summary": item.discussion_summary,
                "child_attended": item.child_attended,
                "carers_attended": item.carers_attended,
                "views_given_how": item.views_given_how,
            },
        )
        super().__init__(*args, **kwargs)
        if item.person_id is None:  # a theme: no child, no carers
            for name in ("child_attended", "carers_attended", "views_given_how"):
                del self.fields[name]


class DecisionForm(GovukForm):
    kind = forms.ChoiceField(
        label="What did the panel decide?",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of decision the panel made"},
    )
    risk_level = forms.ChoiceField(
        label="Risk level agreed",
        choices=(),
        required=False,
        help_text="Only for 'Risk level agreed'.",
        error_messages={"invalid_choice": "Select a risk level from the list"},
    )
    detail = forms.CharField(
        label="Details of the decision",
        widget=_textarea(5),
        error_messages={"required": "Enter what the panel decided"},
    )

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = decision_catalogue(item).levels
        field = self.fields["risk_level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not applicable"), *((level.id, level.label) for level in levels)]
        if item.person_id is None:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [
                choice for choice in DecisionKind.choices if choice[0] != "risk_level_agreed"
            ]
            del self.fields["risk_level"]


def _owner_value(user_id: Any, agency_id: Any) -> str:
    return f"{user_id}:{agency_id}"


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What is the action?",
        widget=_textarea(4),
        error_messages={"required": "Enter what the action is"},
    )
    owner = forms.ChoiceField(
        label="Owner",
        choices=(),
        help_text="The named person who will carry out the action, and the agency they do it "
        "for. They are told about it.",
        error_messages={
            "required": "Choose who owns the action",
            "invalid_choice": "Choose an owner from the list",
        },
    )
    due_on = GovukDateField(label="Due date", help_text="For example, 27 3 2027.")

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        panel = item.meeting.panel
        members = set(
            PanelMember.objects.filter(panel=panel, is_active=True).values_list(
                "user_id", "agency_id"
            )
        )
        on_panel: list[tuple[str, str]] = []
        others: list[tuple[str, str]] = []
        seen: set[str] = set()
        for membership in owner_memberships(panel):
            value = _owner_value(membership.user_id, membership.agency_id)
            if value in seen:
                continue  # several roles in one agency: one choice
            seen.add(value)
            choice = (value, f"{membership.user} — {membership.agency}")
            is_member = (membership.user_id, membership.agency_id) in members
            (on_panel if is_member else others).append(choice)
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose an owner"),
            ("Panel members", on_panel),
            ("Others in the agencies serving the area", others),
        ]

    def clean_owner(self) -> tuple[User, Agency]:
        user_id, _, agency_id = str(self.cleaned_data["owner"]).partition(":")
        try:
            user = User.objects.get(pk=uuid.UUID(user_id))
            agency = Agency.objects.get(pk=uuid.UUID(agency_id))
        except (ValueError, User.DoesNotExist, Agency.DoesNotExist):
            raise forms.ValidationError("Choose an owner from the list") from None
        return user, agency


class MarkHeldForm(GovukForm):
    """No fields: carries the service's reasons for not marking the meeting held."""
