"""Forms for risk assessments. They check what was typed is well-formed; whether an answer is
needed (a narrative for each "yes", an override reason, ...) is the service's call, so the rules
and their messages live in one place (``services``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.boundfield import BoundField

from harbour.accounts.models import Agency, Area
from harbour.assessments.catalogue import Catalogue, Domain, Indicator
from harbour.assessments.models import Answer, Recency, SeenAlone, StartedFrom
from harbour.assessments.services import answer_field, narrative_field, recency_field
from harbour.assessments.suggestion import AnswerInput
from harbour.core.forms import GovukForm


class _Asked(forms.Field):
    """A field shown as a question to answer (no "(optional)" after its label) whose answer the
    service may or may not need, depending on the other answers. Only a value that was given
    is checked here (a radio value that is not one of the choices, say)."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)


class AskedChoiceField(_Asked, forms.ChoiceField):
    pass


class AskedCharField(_Asked, forms.CharField):
    pass


class AskedModelChoiceField(_Asked, forms.ModelChoiceField):  # type: ignore[type-arg]
    pass


@dataclass(frozen=True)
class IndicatorFields:
    indicator: Indicator
    answer: BoundField
    recency: BoundField | None
    narrative: BoundField


@dataclass(frozen=True)
class DomainFields:
    domain: Domain
    rows: tuple[IndicatorFields, ...]


#: What led to an assessment, when it was not started from a referral or a case.
OTHER_STARTS = [
    (StartedFrom.RETURN_INTERVIEW.value, StartedFrom.RETURN_INTERVIEW.label),
    (StartedFrom.REVIEW.value, StartedFrom.REVIEW.label),
]


class AssessmentForm(GovukForm):
    """The whole assessment on one page: the indicators grouped by domain, then (once Harbour
    has suggested a level) the practitioner's decision and the child's voice."""

    catalogue = forms.CharField(widget=forms.HiddenInput, required=False)
    suggested_level_seen = forms.CharField(widget=forms.HiddenInput, required=False)
    started_from = AskedChoiceField(
        label="What led to this assessment?",
        choices=OTHER_STARTS,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select what led to this assessment"},
    )
    agency = AskedModelChoiceField(
        label="Which agency are you completing this assessment for?",
        queryset=Agency.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Select the agency you are completing this assessment for"
        },
    )
    level = AskedChoiceField(
        label="What level of risk do you judge there to be?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select the level of risk you judge there to be"},
    )
    override_reason = AskedCharField(
        label="If your level differs from the suggested level, explain why",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "A different level is recorded as a professional judgement override, higher or "
            "lower. Leave this empty if you agree with the suggestion."
        ),
    )
    rationale = AskedCharField(
        label="Reasons for your judgement",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "What worries you, what reassures you, and anything the questions above did not cover."
        ),
    )
    child_said = AskedCharField(
        label="What the child said",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "In the child's own words where you can. If their views could not be gathered, say why."
        ),
    )
    seen_alone = AskedChoiceField(
        label="Was the child seen alone?",
        choices=SeenAlone.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select whether the child was seen alone"},
    )
    child_wishes = forms.CharField(
        label="What the child wants to happen",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    protective_factors = forms.CharField(
        label="Other protective factors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Strengths and safety around the child that the questions did not cover.",
    )
    contributing_agencies = forms.ModelMultipleChoiceField(
        label="Which other agencies contributed to this assessment?",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "invalid_choice": "Select the agencies that contributed from the list",
            "invalid_pk_value": "Select the agencies that contributed from the list",
        },
    )

    #: The fields of the decision section, in page order.
    DECISION_FIELDS = (
        "level",
        "override_reason",
        "rationale",
        "child_said",
        "seen_alone",
        "child_wishes",
        "protective_factors",
        "contributing_agencies",
    )

    def __init__(
        self,
        *args: Any,
        catalogue: Catalogue,
        agencies: QuerySet[Agency],
        contributors: QuerySet[Agency],
        fixed_start: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue_used = catalogue
        indicator_fields: dict[str, forms.Field] = {}
        for indicator in catalogue.indicators:
            wording = indicator.wording
            indicator_fields[answer_field(indicator.id)] = AskedChoiceField(
                label=wording,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                help_text=indicator.hint,
                error_messages={"invalid_choice": f"Select yes, no or not known for ‘{wording}’"},
            )
            if indicator.asks_recency:
                indicator_fields[recency_field(indicator.id)] = AskedChoiceField(
                    label="If yes, when was this last true?",
                    choices=Recency.choices,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": f"Select when ‘{wording}’ was last true"},
                )
            indicator_fields[narrative_field(indicator.id)] = AskedCharField(
                label="If yes, what do you know about this?",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What happened, when, who said so, and how sure you are.",
            )
        # The indicators come after the hidden fields and "what led to this", before the decision.
        ordered: dict[str, forms.Field] = {}
        for name, field in self.fields.items():
            if name == "level":
                ordered.update(indicator_fields)
            ordered[name] = field
        self.fields = ordered

        level_field = self.fields["level"]
        assert isinstance(level_field, forms.ChoiceField)
        level_field.choices = [(level.id, level.label) for level in catalogue.levels]
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        if agencies.count() == 1:
            agency_field.initial = agencies.first()
            agency_field.widget = forms.HiddenInput()
        contributors_field = self.fields["contributing_agencies"]
        assert isinstance(contributors_field, forms.ModelMultipleChoiceField)
        contributors_field.queryset = contributors
        start_field = self.fields["started_from"]
        assert isinstance(start_field, forms.ChoiceField)
        if fixed_start is not None:
            start_field.choices = [(fixed_start, StartedFrom(fixed_start).label)]
            start_field.initial = fixed_start
            start_field.widget = forms.HiddenInput()

    def mark_suggested(self, level_id: str) -> None:
        """Say which of the level options Harbour suggested."""
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (level.id, f"{level.label} (suggested)" if level.id == level_id else level.label)
            for level in self.catalogue_used.levels
        ]

    def sections(self) -> list[DomainFields]:
        """The indicator fields grouped by the catalogue's domains, for the template."""
        return [
            DomainFields(
                domain=domain,
                rows=tuple(
                    IndicatorFields(
                        indicator=indicator,
                        answer=self[answer_field(indicator.id)],
                        recency=(
                            self[recency_field(indicator.id)] if indicator.asks_recency else None
                        ),
                        narrative=self[narrative_field(indicator.id)],
                    )
                    for indicator in self.catalogue_used.indicators_in(domain.id)
                ),
            )
            for domain in self.catalogue_used.domains
        ]

    def decision_fields(self) -> list[BoundField]:
        return [self[name] for name in self.DECISION_FIELDS]

    def answers(self) -> dict[str, AnswerInput]:
        """The answers given (an unanswered indicator is left out, for the service to name)."""
        data = self.cleaned_data
        answers = {}
        for indicator in self.catalogue_used.indicators:
            answer = data.get(answer_field(indicator.id)) or ""
            if not answer:
                continue
            answers[indicator.id] = AnswerInput(
                answer=answer,
                recency=data.get(recency_field(indicator.id)) or "",
                narrative=data.get(narrative_field(indicator.id)) or "",
            )
        return answers

    def decision(self) -> dict[str, Any]:
        """The decision section's values, as ``assessment_complete`` takes them."""
        data = self.cleaned_data
        return {
            "started_from": data.get("started_from") or "",
            "level": data.get("level") or "",
            "rationale": data.get("rationale") or "",
            "override_reason": data.get("override_reason") or "",
            "child_said": data.get("child_said") or "",
            "seen_alone": data.get("seen_alone") or "",
            "child_wishes": data.get("child_wishes") or "",
            "protective_factors": data.get("protective_factors") or "",
            "contributing_agencies": list(data.get("contributing_agencies") or []),
            "agency": data.get("agency"),
        }


class AreaChoiceForm(GovukForm):
    """Asked only when the child's area is not known from the referral, case or record."""

    area = forms.ModelChoiceField(
        label="Which area is this assessment for?",
        queryset=Area.objects.all(),
        empty_label="Select an area",
        help_text="The area decides which version of the assessment is used.",
        error_messages={
            "required": "Select the area this assessment is for",
            "invalid_choice": "Select the area this assessment is for",
        },
    )


class OverdueFilterForm(GovukForm):
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.all(),
        required=False,
        empty_label="All areas",
        error_messages={"invalid_choice": "Select an area from the list"},
    )
