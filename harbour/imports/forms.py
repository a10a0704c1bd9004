"""Forms for imports: a source, an upload, the column mapping, and a held row's decision."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from harbour.core.forms import GovukForm
from harbour.imports.fields import FIELDS
from harbour.imports.models import ImportKind

NOT_IMPORTED = ""


class SourceForm(GovukForm):
    name = forms.CharField(
        label="Name of the source",
        max_length=120,
        help_text="What the extract is, so you recognise it next time: "
        "'Children's social care weekly list'",
        error_messages={"required": "Enter a name for the source"},
    )
    kind = forms.ChoiceField(
        label="What does the extract contain?",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the extract contains"},
    )
    agency = forms.ChoiceField(
        label="Agency",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the agency whose extract this is"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = agencies
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0][0]
            self.fields["agency"].widget = forms.HiddenInput()


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload the extract",
        help_text="A CSV file (UTF-8, comma-separated) or an Excel workbook (.xlsx, first sheet). "
        "The first row must name the columns.",
        error_messages={"required": "Select a file to upload"},
    )


class MappingForm(GovukForm):
    """One select per column of the file: which Harbour field it holds."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        headers: list[str],
        initial_mapping: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IMPORTED, "Do not import this column")] + [
            (spec.name, f"{spec.label}{' (needed)' if spec.required else ''}")
            for spec in FIELDS[kind]
        ]
        self.headers = headers
        for position, header in enumerate(headers):
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=f"Column '{header}'",
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, NOT_IMPORTED),
            )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{position}") or ""
            for position, header in enumerate(self.headers)
        }


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Who is this child?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether this is a child Harbour already knows or a new child"
        },
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["decision"]).choices = [
            *[(f"same:{pk}", label) for pk, label in candidates],
            ("new", "A new child: none of these"),
        ]
