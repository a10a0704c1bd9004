"""GovukDateField, GovukDateInput and the GOV.UK form defaults."""

import datetime

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from pytest_django.asserts import assertInHTML

from harbour.core.forms import (
    DATE_PARTS,
    GovukDateField,
    GovukDateInput,
    GovukErrorList,
    GovukForm,
    GovukModelForm,
)


class DateOfBirthForm(GovukForm):
    date_of_birth = GovukDateField(label="Date of birth", must_be_past=True)


class OptionalDateForm(GovukForm):
    date_closed = GovukDateField(label="Date closed", required=False)


def _bind(day: str, month: str, year: str, form_class: type[forms.Form] = DateOfBirthForm):
    name = next(iter(form_class.base_fields))
    return form_class(data={f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})


def _only_error(form: forms.Form) -> ValidationError:
    assert not form.is_valid()
    (name,) = form.errors.keys()
    (error,) = form.errors[name].as_data()
    return error


# Valid dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("5", "3", "2020", datetime.date(2020, 3, 5)),
        ("05", "03", "2020", datetime.date(2020, 3, 5)),
        (" 5 ", " 3 ", " 2020 ", datetime.date(2020, 3, 5)),
        ("5", "March", "2020", datetime.date(2020, 3, 5)),
        ("5", "mar", "2020", datetime.date(2020, 3, 5)),
        ("5", "Sept", "2020", datetime.date(2020, 9, 5)),
        ("5", "Dec.", "2019", datetime.date(2019, 12, 5)),
        ("1st", "1", "2020", datetime.date(2020, 1, 1)),
        ("22nd", "2", "2020", datetime.date(2020, 2, 22)),
        ("29", "2", "2024", datetime.date(2024, 2, 29)),
    ],
)
def test_valid_dates_clean_to_a_date(day, month, year, expected):
    form = _bind(day, month, year)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == expected


def test_today_is_not_in_the_future():
    today = timezone.localdate()
    form = _bind(str(today.day), str(today.month), str(today.year))
    assert form.is_valid(), form.errors


def test_optional_date_left_empty_is_none():
    form = _bind("", "", "", OptionalDateForm)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_closed"] is None


def test_future_dates_are_allowed_without_must_be_past():
    form = _bind("1", "1", "2999", OptionalDateForm)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_closed"] == datetime.date(2999, 1, 1)


# Every error message, and the inputs it highlights ------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "code", "parts"),
    [
        ("", "", "", "Enter date of birth", "required", DATE_PARTS),
        ("", "3", "2020", "Date of birth must include a day", "incomplete", ("day",)),
        ("5", "", "2020", "Date of birth must include a month", "incomplete", ("month",)),
        ("5", "3", "", "Date of birth must include a year", "incomplete", ("year",)),
        ("", "", "2020", "Date of birth must include a day and month", "incomplete", DATE_PARTS),
        ("", "3", "", "Date of birth must include a day and year", "incomplete", DATE_PARTS),
        ("5", "", "", "Date of birth must include a month and year", "incomplete", DATE_PARTS),
        ("5", "3", "20", "Year must include 4 numbers", "year_length", ("year",)),
        ("5", "3", "02020", "Year must include 4 numbers", "year_length", ("year",)),
        ("32", "3", "2020", "Date of birth must be a real date", "invalid", ("day",)),
        ("0", "3", "2020", "Date of birth must be a real date", "invalid", ("day",)),
        ("5", "13", "2020", "Date of birth must be a real date", "invalid", ("month",)),
        ("5", "Smarch", "2020", "Date of birth must be a real date", "invalid", ("month",)),
        ("5", "3", "20x0", "Date of birth must be a real date", "invalid", ("year",)),
        ("5", "3", "0000", "Date of birth must be a real date", "invalid", ("year",)),
        ("x", "y", "2020", "Date of birth must be a real date", "invalid", DATE_PARTS),
        ("31", "2", "2020", "Date of birth must be a real date", "invalid", DATE_PARTS),
        ("29", "2", "2023", "Date of birth must be a real date", "invalid", DATE_PARTS),
        ("1", "1", "2999", "Date of birth must be today or in the past", "future", DATE_PARTS),
    ],
)
def test_date_error_messages(day, month, year, message, code, parts):
    error = _only_error(_bind(day, month, year))
    assert list(error) == [message]
    assert error.code == code
    assert error.params == {"parts": parts}


def test_tomorrow_is_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    error = _only_error(_bind(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)))
    assert list(error) == ["Date of birth must be today or in the past"]


def test_optional_date_still_validates_what_was_entered():
    error = _only_error(_bind("5", "", "2020", OptionalDateForm))
    assert list(error) == ["Date closed must include a month"]


def test_missing_parts_are_reported_before_wrong_ones():
    error = _only_error(_bind("45", "", "2020"))
    assert list(error) == ["Date of birth must include a month"]


def test_short_year_is_reported_before_an_impossible_day():
    error = _only_error(_bind("45", "3", "20"))
    assert list(error) == ["Year must include 4 numbers"]


# Names in messages --------------------------------------------------------------------------


def test_label_is_lowercased_only_mid_sentence():
    class Form(GovukForm):
        incident = GovukDateField(label="Date of the incident")

    assert list(_only_error(_bind("", "", "", Form))) == ["Enter date of the incident"]
    assert list(_only_error(_bind("1", "", "2020", Form))) == [
        "Date of the incident must include a month"
    ]


def test_acronyms_keep_their_capitals():
    class Form(GovukForm):
        registered = GovukDateField(label="NHS registration date")

    assert list(_only_error(_bind("", "", "", Form))) == ["Enter NHS registration date"]


def test_lowercase_label_is_capitalised_at_the_start_of_a_sentence():
    class Form(GovukForm):
        seen = GovukDateField(label="date last seen")

    assert list(_only_error(_bind("1", "", "2020", Form))) == [
        "Date last seen must include a month"
    ]


def test_error_name_replaces_a_question_label():
    class Form(GovukForm):
        last_seen = GovukDateField(
            label="When was the child last seen?", error_name="Date last seen"
        )

    assert list(_only_error(_bind("", "", "", Form))) == ["Enter date last seen"]
    assert list(_only_error(_bind("1", "13", "2020", Form))) == [
        "Date last seen must be a real date"
    ]


def test_custom_required_message_is_kept_and_highlights_the_whole_date():
    class Form(GovukForm):
        seen = GovukDateField(error_messages={"required": "Enter the date, or 100% a guess"})

    error = _only_error(_bind("", "", "", Form))
    assert list(error) == ["Enter the date, or 100% a guess"]
    assert error.params == {"parts": DATE_PARTS}


def test_percent_sign_in_a_label_survives_message_interpolation():
    class Form(GovukForm):
        checked = GovukDateField(label="Date 100% checked")

    assert list(_only_error(_bind("1", "", "2020", Form))) == [
        "Date 100% checked must include a month"
    ]


def test_mixin_names_an_unlabelled_date_after_its_field():
    class Form(GovukForm):
        date_of_referral = GovukDateField()

    assert list(_only_error(_bind("", "", "", Form))) == ["Enter date of referral"]


def test_unlabelled_date_without_the_mixin_is_called_date():
    class Form(forms.Form):
        when = GovukDateField()

    assert list(_only_error(_bind("", "", "", Form))) == ["Enter date"]
    assert list(_only_error(_bind("", "4", "2020", Form))) == ["Date must include a day"]


# The field outside a form -------------------------------------------------------------------


def test_field_clean_directly():
    field = GovukDateField(label="Date of birth")
    assert field.clean(["5", "3", "2020"]) == datetime.date(2020, 3, 5)
    with pytest.raises(ValidationError) as raised:
        field.clean(["", "", ""])
    assert raised.value.messages == ["Enter date of birth"]
    with pytest.raises(ValidationError):
        field.clean("not a list")


def test_disabled_field_cleans_its_initial_date():
    class Form(GovukForm):
        date_of_birth = GovukDateField(disabled=True)

    form = Form(data={}, initial={"date_of_birth": datetime.date(2015, 6, 1)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2015, 6, 1)


def test_compress():
    field = GovukDateField()
    assert field.compress([]) is None
    assert field.compress([5, 3, 2020]) == datetime.date(2020, 3, 5)


def test_has_changed():
    field = GovukDateField()
    initial = datetime.date(2020, 3, 5)
    assert not field.has_changed(initial, ["5", "3", "2020"])
    assert field.has_changed(initial, ["6", "3", "2020"])


# The widget ---------------------------------------------------------------------------------


def test_widget_names_ids_and_inputmode():
    context = GovukDateInput().get_context("dob", None, {"id": "id_dob"})["widget"]
    subwidgets = context["subwidgets"]
    assert [s["name"] for s in subwidgets] == ["dob_day", "dob_month", "dob_year"]
    assert [s["attrs"]["id"] for s in subwidgets] == ["id_dob_day", "id_dob_month", "id_dob_year"]
    assert all(s["attrs"]["inputmode"] == "numeric" for s in subwidgets)
    assert [s["label"] for s in subwidgets] == ["Day", "Month", "Year"]


def test_widget_splits_autocomplete_per_part():
    widget = GovukDateInput(attrs={"autocomplete": "bday"})
    subwidgets = widget.get_context("dob", None, {"id": "id_dob"})["widget"]["subwidgets"]
    assert [s["attrs"]["autocomplete"] for s in subwidgets] == [
        "bday-day",
        "bday-month",
        "bday-year",
    ]


def test_widget_decompress_and_read_data():
    widget = GovukDateInput()
    assert widget.decompress(datetime.date(2020, 3, 5)) == [5, 3, 2020]
    assert widget.decompress(None) == [None, None, None]
    data = {"dob_day": "5", "dob_month": "3", "dob_year": "2020"}
    assert widget.value_from_datadict(data, MultiValueDict(), "dob") == ["5", "3", "2020"]
    assert widget.id_for_label("id_dob") == "id_dob_day"


def test_widget_renders_govuk_markup_on_its_own():
    form = DateOfBirthForm(initial={"date_of_birth": datetime.date(2020, 3, 5)})
    html = str(form["date_of_birth"])
    assertInHTML(
        '<label class="govuk-label govuk-date-input__label" for="id_date_of_birth_month">'
        "Month</label>",
        html,
    )
    assertInHTML(
        '<input class="govuk-input govuk-date-input__input govuk-input--width-4" '
        'id="id_date_of_birth_year" name="date_of_birth_year" type="text" value="2020" '
        'inputmode="numeric">',
        html,
    )


# GOV.UK form defaults -----------------------------------------------------------------------


class ReferrerForm(GovukForm):
    full_name = forms.CharField(label="Full name")
    agency = forms.ChoiceField(label="Agency", choices=[("", "Choose"), ("police", "Police")])
    role = forms.ChoiceField(choices=[("sw", "Social worker")], widget=forms.RadioSelect)
    concerns = forms.MultipleChoiceField(
        choices=[("neglect", "Neglect")], widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(widget=forms.Textarea)
    question = forms.CharField(label="What happened?")
    custom = forms.CharField(error_messages={"required": "Tell us the reference"})
    consent = forms.BooleanField(label="I have consent")


def test_required_messages_follow_govuk_style():
    form = ReferrerForm(data={})
    assert not form.is_valid()
    assert form.errors["full_name"] == ["Enter full name"]
    assert form.errors["agency"] == ["Select agency"]
    assert form.errors["role"] == ["Select role"]
    assert form.errors["concerns"] == ["Select concerns"]
    assert form.errors["summary"] == ["Enter summary"]


def test_required_messages_keep_questions_and_custom_messages():
    form = ReferrerForm(data={})
    assert not form.is_valid()
    assert form.errors["question"] == ["This field is required."]
    assert form.errors["custom"] == ["Tell us the reference"]
    assert form.errors["consent"] == ["This field is required."]


def test_required_messages_do_not_leak_between_forms():
    ReferrerForm(data={}).is_valid()
    assert ReferrerForm.base_fields["full_name"].error_messages["required"] == (
        "This field is required."
    )


def test_form_defaults():
    form = ReferrerForm()
    assert form.label_suffix == ""
    assert form.error_class is GovukErrorList
    assert "required" not in str(form["full_name"])


def test_error_list_renders_as_govuk_error_message():
    form = ReferrerForm(data={})
    form.is_valid()
    assertInHTML(
        '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        "Enter full name</p>",
        str(form["full_name"].errors),
    )


def test_model_form_gets_the_same_defaults():
    class GroupForm(GovukModelForm):
        class Meta:
            model = Group
            fields = ("name",)

    form = GroupForm(data={})
    assert not form.is_valid()
    assert form.errors["name"] == ["Enter name"]
    assert form.label_suffix == ""
