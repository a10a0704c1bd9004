"""Forms for reviewing a pair and for undoing a merge. Services check the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from harbour.core.forms import GovukForm
from harbour.duplicates.services import REASON_MAX
from harbour.people.models import Person

KEEP_LEFT = "keep_left"
KEEP_RIGHT = "keep_right"
NOT_SAME = "not_same"
UNDECIDED = "undecided"
MERGE_DECISIONS = {KEEP_LEFT: "left", KEEP_RIGHT: "right"}


def _reason_field(label: str, hint: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Reason must be {REASON_MAX} characters or fewer"},
    )


class DecisionForm(GovukForm):
    """Same child (keep which record), not the same child, or not sure yet."""

    decision = forms.ChoiceField(
        label="Are these records the same child?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these records are the same child"},
    )
    reason = _reason_field(
        "Why have you decided this?",
        "For example, the same NHS number, or a sibling at the same address. Needed for a "
        "merge and for 'not the same child'.",
        required=False,
    )

    def __init__(self, *args: Any, left: Person, right: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            (KEEP_LEFT, f"Yes, the same child: keep {left.full_name}'s record (record A)"),
            (KEEP_RIGHT, f"Yes, the same child: keep {right.full_name}'s record (record B)"),
            (NOT_SAME, "No, not the same child"),
            (UNDECIDED, "Not sure yet: leave the pair in the queue"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision in MERGE_DECISIONS and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why these are the same child")
        if decision == NOT_SAME and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why they are not the same child")
        return data


class MergeConfirmForm(GovukForm):
    """The confirmation step: the decision and reason carried from the review page."""

    decision = forms.ChoiceField(
        choices=[(KEEP_LEFT, KEEP_LEFT), (KEEP_RIGHT, KEEP_RIGHT)], widget=forms.HiddenInput
    )
    reason = forms.CharField(max_length=REASON_MAX, widget=forms.HiddenInput)


class UnmergeForm(GovukForm):
    reason = _reason_field(
        "Why should this merge be undone?",
        "For example, the records are of twins. Records added since the merge stay with the "
        "record that was kept.",
        required=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the merge should be undone"
