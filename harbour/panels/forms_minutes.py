"""Forms for the minutes pages: the chair chooses who to send the minutes to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from harbour.core.forms import GovukForm
from harbour.panels.minutes import PossibleRecipient


class RecipientChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Possible recipients as checkboxes, each labelled with their name and agency."""

    def __init__(self, *args: Any, agencies: dict[Any, str], **kwargs: Any) -> None:
        self.agencies = agencies
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        name = str(obj.get_full_name() or obj.get_username())
        agency = self.agencies.get(obj.pk, "")
        return f"{name}, {agency}" if agency else name


class MinutesDistributeForm(GovukForm):
    """Only the meeting's possible recipients are offered (``minutes_possible_recipients``)."""

    def __init__(
        self, data: Any = None, *, possible: Sequence[PossibleRecipient], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["recipients"] = RecipientChoiceField(
            queryset=get_user_model()
            .objects.filter(pk__in=[entry.user.pk for entry in possible])
            .order_by("last_name", "first_name", "username"),
            agencies={entry.user.pk: entry.agency for entry in possible},
            widget=forms.CheckboxSelectMultiple,
            label="Who should get the minutes?",
            help_text=(
                "Each person gets their own copy, showing only the items they may see, and a "
                "message telling them it is ready. Select all that apply."
            ),
            error_messages={
                "required": "Select at least one person to send the minutes to",
                "invalid_choice": "Select only people on the list",
                "invalid_pk_value": "Select only people on the list",
            },
        )
