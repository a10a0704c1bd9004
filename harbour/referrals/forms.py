"""Forms for the front door. They validate what a person typed; services validate the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from harbour.accounts.models import Agency, Area
from harbour.core.forms import GovukDateField, GovukForm
from harbour.people import validators
from harbour.people.models import Sex, YesNoNotKnown
from harbour.referrals.models import (
    ConcernCategory,
    LawfulBasis,
    PublicReporterRelationship,
    TriageRoute,
    Urgency,
)
from harbour.referrals.services import (
    ChildAsDescribed,
    ConcernDetails,
    PublicReporterDetails,
    StaffReferrerDetails,
)

NEW_CHILD = "new"


def _clean_postcode(value: str) -> str:
    value = value.strip()
    if value:
        validators.validate_uk_postcode(value)
        return validators.normalise_postcode(value)
    return ""


class StaffReferralForm(GovukForm):
    """A professional's referral, with "who already knows this child" candidates."""

    agency = forms.ModelChoiceField(
        label="Which agency are you referring for?",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the agency you are referring for"},
    )
    area = forms.ModelChoiceField(
        label="Which area does the child live in?",
        queryset=Area.objects.all(),
        empty_label="Select an area",
        help_text="The front door for that area will decide what happens next.",
        error_messages={"required": "Select the area the child lives in"},
    )
    child_first_names = forms.CharField(label="Child's first names", required=False, max_length=120)
    child_last_name = forms.CharField(label="Child's last name", required=False, max_length=120)
    child_date_of_birth = GovukDateField(
        label="Child's date of birth",
        required=False,
        must_be_past=True,
        help_text="For example, 27 3 2011. Leave empty if you do not know it.",
    )
    child_age_description = forms.CharField(
        label="Child's age, if you do not know their date of birth",
        required=False,
        max_length=60,
        help_text="For example, about 14",
    )
    child_sex = forms.ChoiceField(
        label="Child's sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.NOT_KNOWN
    )
    child_postcode = forms.CharField(label="Child's postcode", required=False, max_length=10)
    child_school = forms.CharField(label="Child's school", required=False, max_length=200)
    child_identifier = forms.CharField(
        label="NHS number or unique pupil number",
        required=False,
        max_length=20,
        help_text="If you have one. It helps find the right child.",
    )
    person_choice = forms.ChoiceField(
        label="Is this one of these children?",
        required=False,
        widget=forms.RadioSelect,
        choices=[],
    )
    categories = forms.MultipleChoiceField(
        label="What is the concern about?",
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select what the concern is about"},
    )
    narrative = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In your own words: what you saw or were told, when, and by whom.",
        error_messages={"required": "Describe what happened"},
    )
    known_associates = forms.CharField(
        label="People the child is spending time with",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Names, nicknames, ages, descriptions.",
    )
    places = forms.CharField(
        label="Places",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Addresses, shops, hotels, parks or other places mentioned.",
    )
    vehicles = forms.CharField(
        label="Vehicles",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Registration numbers, makes, colours, taxis.",
    )
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent this is"},
    )
    family_aware = forms.ChoiceField(
        label="Does the child's family know you are making this referral?",
        choices=YesNoNotKnown.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family knows about this referral"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis for sharing this information"},
    )
    safeguarding_condition = forms.BooleanField(
        label=(
            "I am relying on the safeguarding of children condition "
            "(Data Protection Act 2018, Schedule 1, paragraph 18)"
        ),
        required=False,
    )
    consent_details = forms.CharField(
        label="If relying on consent: who gave it, and when",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    referrer_role = forms.CharField(label="Your role", required=False, max_length=200)
    referrer_phone = forms.CharField(label="Your phone number", required=False, max_length=40)
    referrer_email = forms.EmailField(
        label="Your email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )

    def __init__(
        self,
        *args: Any,
        agencies: Any,
        candidate_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        if agencies.count() == 1:
            agency_field.initial = agencies.first()
            agency_field.widget = forms.HiddenInput()
        person_field = self.fields["person_choice"]
        assert isinstance(person_field, forms.ChoiceField)
        person_field.choices = [
            *(candidate_choices or []),
            (NEW_CHILD, "No, none of these – this is a child not listed"),
        ]

    def clean_child_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data["child_postcode"])

    def clean_child_identifier(self) -> str:
        return "".join(self.cleaned_data["child_identifier"].split()).upper()

    def without_errors(self) -> StaffReferralForm:
        """Keep what was typed but show no errors: used when only looking for matches."""
        self.full_clean()
        self._errors = ErrorDict()
        return self

    def child(self) -> ChildAsDescribed:
        data = self.cleaned_data
        return ChildAsDescribed(
            first_names=data.get("child_first_names", ""),
            last_name=data.get("child_last_name", ""),
            date_of_birth=data.get("child_date_of_birth"),
            age_description=data.get("child_age_description", ""),
            sex=data.get("child_sex") or Sex.NOT_KNOWN,
            postcode=data.get("child_postcode", ""),
            school=data.get("child_school", ""),
            identifier=data.get("child_identifier", ""),
        )

    def concern(self) -> ConcernDetails:
        data = self.cleaned_data
        return ConcernDetails(
            categories=tuple(data["categories"]),
            narrative=data["narrative"],
            known_associates=data["known_associates"],
            places=data["places"],
            vehicles=data["vehicles"],
            urgency=data["urgency"],
            family_aware=data["family_aware"],
        )

    def referrer(self) -> StaffReferrerDetails:
        data = self.cleaned_data
        return StaffReferrerDetails(
            lawful_basis=data["lawful_basis"],
            safeguarding_condition=data["safeguarding_condition"],
            consent_details=data["consent_details"],
            role=data["referrer_role"],
            phone=data["referrer_phone"],
            email=data["referrer_email"],
        )


class PublicConcernForm(GovukForm):
    """The public / young person form: plain words, nothing required that a child may not know."""

    relationship = forms.ChoiceField(
        label="Who are you?",
        choices=PublicReporterRelationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us who you are, or choose 'I'd rather not say'"},
    )
    area = forms.ModelChoiceField(
        label="Which area is the young person in?",
        queryset=Area.objects.all(),
        empty_label="Select an area",
        error_messages={"required": "Choose the area the young person lives in or is staying in"},
    )
    child_first_names = forms.CharField(
        label="Young person's first name",
        required=False,
        max_length=120,
        help_text="If you know it.",
    )
    child_last_name = forms.CharField(
        label="Young person's last name",
        required=False,
        max_length=120,
        help_text="If you know it.",
    )
    child_age_description = forms.CharField(
        label="How old are they?",
        required=False,
        max_length=60,
        help_text="A guess is fine.",
    )
    child_postcode = forms.CharField(
        label="Their postcode",
        required=False,
        max_length=10,
        help_text="If you know it.",
    )
    categories = forms.MultipleChoiceField(
        label="What are you worried about?",
        choices=[
            (ConcernCategory.SEXUAL_EXPLOITATION, "Someone is pressuring them into sexual things"),
            (
                ConcernCategory.CRIMINAL_EXPLOITATION,
                "Someone is making them carry drugs or money, or commit crimes",
            ),
            (ConcernCategory.TRAFFICKING, "They are being moved around or made to work"),
            (ConcernCategory.ONLINE, "Something is happening online"),
            (ConcernCategory.MISSING, "They keep going missing or staying out"),
            (ConcernCategory.OTHER, "Something else"),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
        error_messages={"required": "Choose at least one thing you are worried about"},
    )
    narrative = forms.CharField(
        label="Tell us what is happening",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you saw or heard, where, and when. Names, places and cars help.",
        error_messages={"required": "Tell us what is happening"},
    )
    urgency = forms.ChoiceField(
        label="Is someone in danger right now?",
        choices=[
            (Urgency.URGENT, "Yes, or I think so"),
            (Urgency.STANDARD, "No"),
        ],
        widget=forms.RadioSelect,
        help_text="If someone is in danger right now, call 999.",
        error_messages={"required": "Tell us if someone is in danger right now"},
    )
    stay_anonymous = forms.ChoiceField(
        label="Do you want to stay anonymous?",
        choices=[("yes", "Yes, do not ask for my name"), ("no", "No, you can contact me")],
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us if you want to stay anonymous"},
    )
    reporter_name = forms.CharField(label="Your name", required=False, max_length=200)
    reporter_phone = forms.CharField(label="Your phone number", required=False, max_length=40)
    reporter_email = forms.EmailField(
        label="Your email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )

    def clean_child_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data["child_postcode"])

    def child(self) -> ChildAsDescribed:
        data = self.cleaned_data
        return ChildAsDescribed(
            first_names=data["child_first_names"],
            last_name=data["child_last_name"],
            age_description=data["child_age_description"],
            postcode=data["child_postcode"],
        )

    def concern(self) -> ConcernDetails:
        data = self.cleaned_data
        return ConcernDetails(
            categories=tuple(data["categories"]),
            narrative=data["narrative"],
            urgency=data["urgency"],
        )

    def reporter(self) -> PublicReporterDetails:
        data = self.cleaned_data
        return PublicReporterDetails(
            relationship=data["relationship"],
            is_anonymous=data["stay_anonymous"] == "yes",
            name=data["reporter_name"],
            phone=data["reporter_phone"],
            email=data["reporter_email"],
        )


class LinkPersonForm(GovukForm):
    person_choice = forms.ChoiceField(
        label="Which child is this referral about?",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Select the child this referral is about, or a new child"},
    )

    def __init__(self, *args: Any, candidate_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person_choice"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            *candidate_choices,
            (NEW_CHILD, "None of these: record a new child from the referral's details"),
        ]


class TriageDecisionForm(GovukForm):
    route = forms.ChoiceField(
        label="What happens next?",
        choices=TriageRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next"},
    )
    rationale = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Which thresholds were met, what checks you made, who you spoke to.",
        error_messages={"required": "Explain the reason for the decision"},
    )
    advice_to_referrer = forms.CharField(
        label="Advice to the referrer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for no further action. The referrer will see this.",
    )
