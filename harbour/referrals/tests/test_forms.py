"""Referral forms: every validation message, by its exact words."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from harbour.accounts.models import Agency
from harbour.referrals.forms import (
    NEW_CHILD,
    LinkPersonForm,
    PublicConcernForm,
    StaffReferralForm,
    TriageDecisionForm,
)
from harbour.referrals.tests.factories import FrontDoorSetup, public_form_data, staff_form_data

pytestmark = pytest.mark.django_db


def _staff_form(north: FrontDoorSetup, **overrides: Any) -> StaffReferralForm:
    return StaffReferralForm(
        staff_form_data(north, **overrides), agencies=Agency.objects.filter(pk=north.school.pk)
    )


def _errors(form: Any) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


# StaffReferralForm -----------------------------------------------------------------------


def test_staff_form_valid(north: FrontDoorSetup) -> None:
    form = _staff_form(north, child_postcode=" nb12ab ", child_identifier="943 476 5919")
    assert form.is_valid(), form.errors
    child = form.child()
    assert child.postcode == "NB1 2AB"
    assert child.identifier == "9434765919"
    assert child.date_of_birth == datetime.date(2011, 3, 27)
    assert form.concern().categories == ("criminal_exploitation",)
    referrer = form.referrer()
    assert referrer.lawful_basis == "public_task"
    assert referrer.safeguarding_condition is True


STAFF_REQUIRED = [
    ("agency", "Select the agency you are referring for"),
    ("area", "Select the area the child lives in"),
    ("categories", "Select what the concern is about"),
    ("narrative", "Describe what happened"),
    ("urgency", "Select how urgent this is"),
    ("family_aware", "Select whether the family knows about this referral"),
    ("lawful_basis", "Select the lawful basis for sharing this information"),
    ("child_sex", "Select child's sex"),
]


@pytest.mark.parametrize(("field", "message"), STAFF_REQUIRED)
def test_staff_form_required_messages(north: FrontDoorSetup, field: str, message: str) -> None:
    assert _errors(_staff_form(north, **{field: None})) == {field: [message]}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"child_postcode": "NB1"},
            "child_postcode",
            "Enter a real UK postcode, like AB1 2CD",
            id="postcode",
        ),
        pytest.param(
            {"referrer_email": "rita-at-school"},
            "referrer_email",
            "Enter an email address in the correct format, like name@example.org",
            id="email",
        ),
        pytest.param(
            {"child_date_of_birth_month": ""},
            "child_date_of_birth",
            "Child's date of birth must include a month",
            id="dob-incomplete",
        ),
        pytest.param(
            {"child_date_of_birth_day": "31", "child_date_of_birth_month": "2"},
            "child_date_of_birth",
            "Child's date of birth must be a real date",
            id="dob-not-real",
        ),
        pytest.param(
            {"child_date_of_birth_year": "11"},
            "child_date_of_birth",
            "Year must include 4 numbers",
            id="dob-year",
        ),
        pytest.param(
            {"child_date_of_birth_year": str(timezone.localdate().year + 1)},
            "child_date_of_birth",
            "Child's date of birth must be today or in the past",
            id="dob-future",
        ),
        pytest.param(
            {"categories": ["gangs"]},
            "categories",
            "Select a valid choice. gangs is not one of the available choices.",
            id="category-unknown",
        ),
        pytest.param(
            {"agency": "00000000-0000-0000-0000-000000000000"},
            "agency",
            "Select a valid choice. That choice is not one of the available choices.",
            id="agency-not-theirs",
        ),
    ],
)
def test_staff_form_invalid_values(
    north: FrontDoorSetup, overrides: dict[str, Any], field: str, message: str
) -> None:
    assert _errors(_staff_form(north, **overrides)) == {field: [message]}


def test_staff_form_optional_child_details(north: FrontDoorSetup) -> None:
    """A referrer may not know the child's name, date of birth, postcode or identifier."""
    form = _staff_form(
        north,
        child_first_names="",
        child_last_name="",
        child_date_of_birth_day="",
        child_date_of_birth_month="",
        child_date_of_birth_year="",
    )
    assert form.is_valid(), form.errors
    assert form.child().date_of_birth is None


def test_staff_form_offers_only_the_users_agencies(
    north: FrontDoorSetup, south: FrontDoorSetup
) -> None:
    form = _staff_form(north, agency=str(south.school.pk))
    assert _errors(form) == {
        "agency": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_staff_form_one_agency_is_hidden_and_chosen(north: FrontDoorSetup) -> None:
    form = StaffReferralForm(agencies=Agency.objects.filter(pk=north.school.pk))
    assert form.fields["agency"].widget.input_type == "hidden"
    assert form.fields["agency"].initial == north.school


def test_staff_form_candidates_become_choices(north: FrontDoorSetup) -> None:
    form = StaffReferralForm(
        staff_form_data(north, person_choice="abc"),
        agencies=Agency.objects.filter(pk=north.school.pk),
        candidate_choices=[("abc", "Amelia Ashdown")],
    )
    assert form.fields["person_choice"].choices == [
        ("abc", "Amelia Ashdown"),
        (NEW_CHILD, "No, none of these – this is a child not listed"),
    ]
    assert form.is_valid(), form.errors
    unknown = _staff_form(north, person_choice="not-a-candidate")
    assert _errors(unknown) == {
        "person_choice": [
            "Select a valid choice. not-a-candidate is not one of the available choices."
        ]
    }


def test_staff_form_without_errors_keeps_what_was_typed(north: FrontDoorSetup) -> None:
    form = _staff_form(north, narrative=None, child_last_name="Ashdown").without_errors()
    assert form.errors == {}
    assert form.cleaned_data["child_last_name"] == "Ashdown"


# PublicConcernForm -----------------------------------------------------------------------


def test_public_form_valid(north: FrontDoorSetup) -> None:
    form = PublicConcernForm(public_form_data(north, child_postcode="sw1a1aa"))
    assert form.is_valid(), form.errors
    assert form.child().postcode == "SW1A 1AA"
    assert form.reporter().is_anonymous is True
    assert form.concern().urgency == "standard"


PUBLIC_REQUIRED = [
    ("relationship", "Tell us who you are, or choose 'I'd rather not say'"),
    ("area", "Choose the area the young person lives in or is staying in"),
    ("categories", "Choose at least one thing you are worried about"),
    ("narrative", "Tell us what is happening"),
    ("urgency", "Tell us if someone is in danger right now"),
    ("stay_anonymous", "Tell us if you want to stay anonymous"),
]


@pytest.mark.parametrize(("field", "message"), PUBLIC_REQUIRED)
def test_public_form_required_messages(north: FrontDoorSetup, field: str, message: str) -> None:
    assert _errors(PublicConcernForm(public_form_data(north, **{field: None}))) == {
        field: [message]
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"child_postcode": "12345"},
            "child_postcode",
            "Enter a real UK postcode, like AB1 2CD",
            id="postcode",
        ),
        pytest.param(
            {"reporter_email": "not an email"},
            "reporter_email",
            "Enter an email address like name@example.com",
            id="email",
        ),
    ],
)
def test_public_form_invalid_values(
    north: FrontDoorSetup, overrides: dict[str, Any], field: str, message: str
) -> None:
    assert _errors(PublicConcernForm(public_form_data(north, **overrides))) == {field: [message]}


def test_public_form_asks_nothing_a_child_may_not_know(north: FrontDoorSetup) -> None:
    form = PublicConcernForm(
        public_form_data(north, child_first_names="", child_age_description="", child_postcode="")
    )
    assert form.is_valid(), form.errors


# TriageDecisionForm and LinkPersonForm --------------------------------------------------


def test_triage_form_messages() -> None:
    assert _errors(TriageDecisionForm({})) == {
        "route": ["Select what happens next"],
        "rationale": ["Explain the reason for the decision"],
    }
    assert _errors(TriageDecisionForm({"route": "shrug", "rationale": "Because."})) == {
        "route": ["Select a valid choice. shrug is not one of the available choices."]
    }


def test_triage_form_advice_is_optional_here() -> None:
    """The form accepts NFA without advice; the service refuses it (see test_services)."""
    form = TriageDecisionForm({"route": "no_further_action", "rationale": "Checked; no concern."})
    assert form.is_valid(), form.errors


def test_link_person_form_messages() -> None:
    assert _errors(LinkPersonForm({}, candidate_choices=[("p1", "Amelia Ashdown")])) == {
        "person_choice": ["Select the child this referral is about, or a new child"]
    }
    assert _errors(
        LinkPersonForm({"person_choice": "p2"}, candidate_choices=[("p1", "Amelia Ashdown")])
    ) == {"person_choice": ["Select a valid choice. p2 is not one of the available choices."]}


def test_link_person_form_always_offers_a_new_child() -> None:
    form = LinkPersonForm({"person_choice": NEW_CHILD}, candidate_choices=[])
    assert form.is_valid(), form.errors
    assert form.fields["person_choice"].choices == [
        (NEW_CHILD, "None of these: record a new child from the referral's details")
    ]
