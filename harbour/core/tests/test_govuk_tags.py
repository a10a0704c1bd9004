"""The GOV.UK template tags and filters, and the base and form page templates."""

import datetime
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.http import HttpResponse
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import include, path
from pytest_django.asserts import assertInHTML

from harbour.core.forms import GovukDateField, GovukForm
from harbour.core.templatetags import govuk

UTC = datetime.UTC


def _render(source: str, **context) -> str:
    """Render template source; the govuk tags are builtins, so there is no {% load %}."""
    return Template(source).render(Context(context))


def _field(form: forms.Form, name: str, **kwargs) -> str:
    return str(govuk.govuk_field(form[name], **kwargs))


def _logout(request):
    return HttpResponse()


# The base template's sign-out form needs accounts:logout; this module is its own URLconf.
urlpatterns = [
    path("accounts/", include(([path("logout/", _logout, name="logout")], "accounts"))),
]


class _Tags(HTMLParser):
    """Every start tag as (name, attributes), and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _ids(html: str) -> list[str]:
    return [attrs["id"] or "" for _tag, attrs in _tags(html).tags if "id" in attrs]


# Forms used below ---------------------------------------------------------------------------


class PersonForm(GovukForm):
    full_name = forms.CharField(label="Full name", help_text="As on their school record")
    nickname = forms.CharField(label="Known as", required=False)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    age = forms.IntegerField(label="Age")
    date_of_birth = GovukDateField(label="Date of birth", must_be_past=True)
    agency = forms.ChoiceField(
        choices=[("", "Choose an agency"), ("police", "Police"), ("school", "School")]
    )
    concern = forms.ChoiceField(
        label="Main concern",
        choices=[("neglect", "Neglect"), ("abuse", "Abuse")],
        widget=forms.RadioSelect,
    )
    flags = forms.MultipleChoiceField(
        label="Flags",
        choices=[("missing", "Missing"), ("exploited", "At risk of exploitation")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea, max_length=500)
    consent = forms.BooleanField(label="The family agreed to this referral", required=False)
    reference = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("nickname") == "clash":
            raise forms.ValidationError("Those details match <another> referral")
        return cleaned


VALID = {
    "full_name": "Alex Example",
    "email": "alex@example.org",
    "age": "12",
    "date_of_birth_day": "5",
    "date_of_birth_month": "3",
    "date_of_birth_year": "2014",
    "agency": "police",
    "concern": "neglect",
    "summary": "Seen alone at night.",
}


def _invalid(**overrides: str) -> PersonForm:
    form = PersonForm(data={**VALID, **overrides})
    assert not form.is_valid()
    return form


# Error summary ------------------------------------------------------------------------------


def _summary(*forms_) -> str:
    return str(govuk.govuk_error_summary(*forms_))


def _summary_links(html: str) -> list[str]:
    return [attrs["href"] or "" for tag, attrs in _tags(html).tags if tag == "a"]


def test_error_summary_renders_nothing_for_unbound_or_valid_forms():
    assert _summary(PersonForm()) == ""
    valid = PersonForm(data=VALID)
    assert valid.is_valid(), valid.errors
    assert _summary(valid) == ""
    assert _summary(None, "") == ""


def test_error_summary_markup():
    html = _summary(_invalid(full_name=""))
    assertInHTML(
        """
        <div class="govuk-error-summary" data-module="govuk-error-summary">
          <div role="alert">
            <h2 class="govuk-error-summary__title">There is a problem</h2>
            <div class="govuk-error-summary__body">
              <ul class="govuk-list govuk-error-summary__list">
                <li><a href="#id_full_name">Enter full name</a></li>
              </ul>
            </div>
          </div>
        </div>
        """,
        html,
    )


@pytest.mark.parametrize(
    ("overrides", "link"),
    [
        ({"full_name": ""}, "#id_full_name"),
        ({"email": "not-an-email"}, "#id_email"),
        ({"agency": ""}, "#id_agency"),
        ({"summary": ""}, "#id_summary"),
        ({"concern": ""}, "#id_concern_0"),
        ({"flags": "unknown"}, "#id_flags_0"),
        (
            {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
            "#id_date_of_birth_day",
        ),
        ({"date_of_birth_month": ""}, "#id_date_of_birth_month"),
        ({"date_of_birth_year": "14"}, "#id_date_of_birth_year"),
        ({"date_of_birth_month": "13"}, "#id_date_of_birth_month"),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "#id_date_of_birth_day"),
    ],
)
def test_error_summary_links_to_the_first_input_of_the_field(overrides, link):
    assert _summary_links(_summary(_invalid(**overrides))) == [link]


def test_error_summary_links_point_at_ids_on_the_page():
    form = _invalid(full_name="", concern="", date_of_birth_month="", flags="unknown", summary="")
    page = "".join(_field(form, name) for name in form.fields)
    ids = _ids(page)
    links = _summary_links(_summary(form))
    assert len(links) == 5
    for link in links:
        assert link.removeprefix("#") in ids


def test_error_summary_follows_field_order_with_non_field_errors_first():
    form = _invalid(nickname="clash", full_name="", summary="")
    html = _summary(form)
    items = [line.strip() for line in html.splitlines() if "Enter" in line or "match" in line]
    assert items[0] == "Those details match &lt;another&gt; referral"
    assert "Enter full name" in items[1]
    assert "Enter summary" in items[2]


def test_non_field_errors_have_no_link():
    html = _summary(_invalid(nickname="clash"))
    assertInHTML("<li>Those details match &lt;another&gt; referral</li>", html)
    assert _summary_links(html) == []


def test_hidden_field_errors_are_listed_without_a_link():
    class Form(GovukForm):
        token = forms.IntegerField(widget=forms.HiddenInput)

    html = _summary(Form(data={"token": "x"}))
    assertInHTML("<li>Enter a whole number.</li>", html)
    assert _summary_links(html) == []


def test_error_summary_escapes_user_input():
    html = _summary(_invalid(agency="<script>alert(1)</script>"))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_error_summary_combines_several_forms_and_prefixes():
    first = _invalid(full_name="")
    second = PersonForm(data={f"child-{k}": v for k, v in VALID.items()}, prefix="child")
    second.data = {**second.data, "child-summary": ""}
    assert not second.is_valid()
    assert _summary_links(_summary(first, second)) == ["#id_full_name", "#id_child-summary"]


def test_error_summary_in_a_template_takes_several_forms():
    html = _render(
        "{% govuk_error_summary form other %}", form=_invalid(full_name=""), other=PersonForm()
    )
    assert _summary_links(html) == ["#id_full_name"]


def test_error_summary_reads_formsets():
    class NameForm(GovukForm):
        name = forms.CharField(label="Name")

    formset_class = forms.formset_factory(NameForm, extra=0, min_num=1, validate_min=True)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-name": "",
        "form-1-name": "Sam",
    }
    html = _summary(formset_class(data=data))
    assert _summary_links(html) == ["#id_form-0-name"]
    assert _summary(formset_class()) == ""


def test_error_summary_rejects_other_objects():
    with pytest.raises(TemplateSyntaxError):
        govuk.govuk_error_summary(object())


def test_has_errors_filter():
    assert _render("{% if form|govuk_has_errors %}yes{% endif %}", form=_invalid(age="x")) == "yes"
    assert _render("{% if form|govuk_has_errors %}yes{% endif %}", form=PersonForm()) == ""
    assert _render("{% if form|govuk_has_errors %}yes{% endif %}") == ""
    assert _render("{% if form|govuk_has_errors %}yes{% endif %}", form="text") == ""


# Text inputs --------------------------------------------------------------------------------


def test_text_input_with_hint():
    assertInHTML(
        """
        <div class="govuk-form-group">
          <label class="govuk-label" for="id_full_name">Full name</label>
          <div id="id_full_name-hint" class="govuk-hint">As on their school record</div>
          <input class="govuk-input" id="id_full_name" name="full_name" type="text"
            aria-describedby="id_full_name-hint">
        </div>
        """,
        _field(PersonForm(), "full_name"),
    )


def test_text_input_with_error():
    assertInHTML(
        """
        <div class="govuk-form-group govuk-form-group--error">
          <label class="govuk-label" for="id_full_name">Full name</label>
          <div id="id_full_name-hint" class="govuk-hint">As on their school record</div>
          <p id="id_full_name-error" class="govuk-error-message">
            <span class="govuk-visually-hidden">Error:</span> Enter full name
          </p>
          <input class="govuk-input govuk-input--error" id="id_full_name" name="full_name"
            type="text" aria-describedby="id_full_name-hint id_full_name-error">
        </div>
        """,
        _field(_invalid(full_name=""), "full_name"),
    )


def test_optional_fields_say_so_and_required_fields_have_no_asterisk():
    html = _field(PersonForm(), "nickname")
    assertInHTML('<label class="govuk-label" for="id_nickname">Known as (optional)</label>', html)
    assert "*" not in _field(PersonForm(), "full_name")
    assert "(optional)" not in _field(PersonForm(), "full_name")


def test_label_size_page_heading_and_classes():
    html = _field(
        PersonForm(),
        "full_name",
        label_size="l",
        is_page_heading=True,
        classes="govuk-input--width-20",
    )
    assertInHTML(
        '<h1 class="govuk-label-wrapper">'
        '<label class="govuk-label govuk-label--l" for="id_full_name">Full name</label></h1>',
        html,
    )
    assert 'class="govuk-input govuk-input--width-20"' in html


def test_label_and_hint_overrides():
    html = _field(PersonForm(), "full_name", label="What is the child's name?", hint="")
    assert "What is the child&#x27;s name?" in html
    assert "govuk-hint" not in html
    assert "aria-describedby" not in html
    html = _field(PersonForm(), "nickname", hint="Any name <they> use")
    assertInHTML(
        '<div id="id_nickname-hint" class="govuk-hint">Any name &lt;they&gt; use</div>', html
    )


def test_invalid_label_size_is_refused():
    with pytest.raises(TemplateSyntaxError):
        govuk.govuk_field(PersonForm()["full_name"], label_size="huge")
    with pytest.raises(TemplateSyntaxError):
        govuk.govuk_field("full_name")


def test_email_input_turns_spellcheck_off_and_passes_autocomplete_through():
    html = _field(PersonForm(), "email")
    assertInHTML(
        '<input class="govuk-input" id="id_email" name="email" type="email" spellcheck="false"'
        ' autocomplete="email" maxlength="320">',
        html,
    )


def test_autofocus_is_dropped():
    class Form(GovukForm):
        username = forms.CharField(widget=forms.TextInput(attrs={"autofocus": True}))

    assert "autofocus" not in _field(Form(), "username")


def test_number_input_is_a_numeric_text_input():
    html = _field(PersonForm(data={"age": "12"}), "age")
    assertInHTML(
        '<input class="govuk-input" id="id_age" name="age" type="text" value="12"'
        ' inputmode="numeric">',
        html,
    )


def test_decimal_input_gets_the_decimal_keyboard():
    class Form(GovukForm):
        weight = forms.DecimalField(max_digits=5, decimal_places=2)

    assert 'inputmode="decimal"' in _field(Form(), "weight")


def test_password_is_never_echoed_back():
    class Form(GovukForm):
        password = forms.CharField(
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
        )

    html = _field(Form(data={"password": "secret-value"}), "password")
    assertInHTML(
        '<input class="govuk-input" id="id_password" name="password" type="password"'
        ' autocomplete="current-password">',
        html,
    )
    assert "secret-value" not in html


def test_user_input_is_escaped_in_values():
    form = _invalid(full_name='"><script>alert(1)</script>', age="x")
    html = _field(form, "full_name")
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_labels_and_errors_are_escaped():
    class Form(GovukForm):
        name = forms.CharField(label="Name <b>bold</b>")

        def clean_name(self):
            raise forms.ValidationError(f"{self.data['name']} is not allowed")

    html = _field(Form(data={"name": "<img src=x>"}), "name")
    assert "<b>" not in html
    assert "<img" not in html
    assert "Name &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x&gt; is not allowed" in html


def test_disabled_field_is_disabled():
    class Form(GovukForm):
        name = forms.CharField(disabled=True)

    assert " disabled" in _field(Form(initial={"name": "Sam"}), "name")


def test_several_errors_on_one_field_are_all_shown():
    class Form(GovukForm):
        name = forms.CharField()

        def clean_name(self):
            raise forms.ValidationError(["First problem", "Second problem"])

    html = _field(Form(data={"name": "x"}), "name")
    assertInHTML(
        '<p id="id_name-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> First problem<br>Second problem</p>',
        html,
    )


# Textarea -----------------------------------------------------------------------------------


def test_textarea_with_maxlength_becomes_a_character_count():
    html = _field(PersonForm(data={"summary": "Seen <late>"}), "summary")
    assertInHTML(
        """
        <div class="govuk-form-group govuk-character-count" data-module="govuk-character-count"
          data-maxlength="500">
          <label class="govuk-label" for="id_summary">Summary</label>
          <textarea class="govuk-textarea govuk-js-character-count" id="id_summary"
            name="summary" rows="10" aria-describedby="id_summary-info">Seen &lt;late&gt;</textarea>
          <div id="id_summary-info" class="govuk-hint govuk-character-count__message">
            You can enter up to 500 characters
          </div>
        </div>
        """,
        html,
    )
    assert " maxlength=" not in html


def test_plain_textarea():
    class Form(GovukForm):
        notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), help_text="Be brief")

    html = _field(Form(), "notes")
    assertInHTML(
        """
        <div class="govuk-form-group">
          <label class="govuk-label" for="id_notes">Notes</label>
          <div id="id_notes-hint" class="govuk-hint">Be brief</div>
          <textarea class="govuk-textarea" id="id_notes" name="notes" rows="5"
            aria-describedby="id_notes-hint"></textarea>
        </div>
        """,
        html,
    )


def test_textarea_with_error_and_character_count_describes_all_three():
    html = _field(_invalid(summary=""), "summary")
    assert 'aria-describedby="id_summary-info id_summary-error"' in html
    assert "govuk-textarea govuk-textarea--error govuk-js-character-count" in html


# Select -------------------------------------------------------------------------------------


def test_select_with_selected_option_and_error():
    html = _field(_invalid(agency="", age="x"), "agency")
    assertInHTML(
        """
        <div class="govuk-form-group govuk-form-group--error">
          <label class="govuk-label" for="id_agency">Agency</label>
          <p id="id_agency-error" class="govuk-error-message">
            <span class="govuk-visually-hidden">Error:</span> Select agency
          </p>
          <select class="govuk-select govuk-select--error" id="id_agency" name="agency"
            aria-describedby="id_agency-error">
            <option value="" selected>Choose an agency</option>
            <option value="police">Police</option>
            <option value="school">School</option>
          </select>
        </div>
        """,
        html,
    )
    assert 'value="school" selected' in _field(PersonForm(data={"agency": "school"}), "agency")


def test_select_keeps_option_groups():
    class Form(GovukForm):
        team = forms.ChoiceField(
            choices=[("North", [("n1", "North 1"), ("n2", "North 2")]), ("South", [("s1", "S")])]
        )

    html = _field(Form(), "team")
    assertInHTML(
        '<optgroup label="North"><option value="n1">North 1</option>'
        '<option value="n2">North 2</option></optgroup>',
        html,
    )


# Radios and checkboxes ----------------------------------------------------------------------


def test_radios():
    html = _field(PersonForm(data={"concern": "abuse"}), "concern", label_size="m")
    assertInHTML(
        """
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Main concern</legend>
            <div class="govuk-radios" data-module="govuk-radios">
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="id_concern_0" name="concern" type="radio"
                  value="neglect">
                <label class="govuk-label govuk-radios__label" for="id_concern_0">Neglect</label>
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="id_concern_1" name="concern" type="radio"
                  value="abuse" checked>
                <label class="govuk-label govuk-radios__label" for="id_concern_1">Abuse</label>
              </div>
            </div>
          </fieldset>
        </div>
        """,
        html,
    )


def test_radios_with_error_hint_and_page_heading():
    form = _invalid(concern="")
    html = _field(
        form,
        "concern",
        is_page_heading=True,
        label_size="l",
        hint="Choose one",
        classes="govuk-radios--inline",
    )
    assertInHTML(
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">'
        '<h1 class="govuk-fieldset__heading">Main concern</h1></legend>',
        html,
    )
    assert 'aria-describedby="id_concern-hint id_concern-error">' in html
    assert 'class="govuk-radios govuk-radios--inline"' in html
    assert "govuk-form-group govuk-form-group--error" in html


def test_radios_drop_the_model_choice_empty_label():
    class Form(GovukForm):
        answer = forms.TypedChoiceField(
            choices=[("", "---------"), ("y", "Yes"), ("n", "No")],
            widget=forms.RadioSelect,
            required=False,
        )

    html = _field(Form(), "answer")
    assert "---------" not in html
    assert 'id="id_answer_1"' in html
    assert _summary_links(_summary(Form(data={"answer": "maybe"}))) == ["#id_answer_1"]


def test_checkboxes_are_optional_and_keep_checked_values():
    html = _field(PersonForm(data={"flags": ["exploited"]}), "flags")
    assertInHTML('<legend class="govuk-fieldset__legend">Flags (optional)</legend>', html)
    assertInHTML(
        '<input class="govuk-checkboxes__input" id="id_flags_1" name="flags" type="checkbox"'
        ' value="exploited" checked>',
        html,
    )
    assert 'data-module="govuk-checkboxes"' in html


def test_single_checkbox_is_not_marked_optional():
    html = _field(PersonForm(data={"consent": "on"}), "consent", hint="Ask them first")
    assertInHTML(
        """
        <div class="govuk-form-group">
          <div class="govuk-checkboxes" data-module="govuk-checkboxes">
            <div class="govuk-checkboxes__item">
              <input class="govuk-checkboxes__input" id="id_consent" name="consent"
                type="checkbox" checked aria-describedby="id_consent-hint">
              <label class="govuk-label govuk-checkboxes__label" for="id_consent">
                The family agreed to this referral
              </label>
              <div id="id_consent-hint" class="govuk-hint govuk-checkboxes__hint">
                Ask them first
              </div>
            </div>
          </div>
        </div>
        """,
        html,
    )


# Date input ---------------------------------------------------------------------------------


def test_date_input_with_one_part_in_error():
    form = _invalid(date_of_birth_month="", date_of_birth_day="7")
    html = _field(form, "date_of_birth", hint="For example, 27 3 2014")
    assertInHTML(
        """
        <div class="govuk-form-group govuk-form-group--error">
          <fieldset class="govuk-fieldset" role="group"
            aria-describedby="id_date_of_birth-hint id_date_of_birth-error">
            <legend class="govuk-fieldset__legend">Date of birth</legend>
            <div id="id_date_of_birth-hint" class="govuk-hint">For example, 27 3 2014</div>
            <p id="id_date_of_birth-error" class="govuk-error-message">
              <span class="govuk-visually-hidden">Error:</span>
              Date of birth must include a month
            </p>
            <div class="govuk-date-input" id="id_date_of_birth">
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label" for="id_date_of_birth_day">
                    Day
                  </label>
                  <input class="govuk-input govuk-date-input__input govuk-input--width-2"
                    id="id_date_of_birth_day" name="date_of_birth_day" type="text" value="7"
                    inputmode="numeric">
                </div>
              </div>
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label"
                    for="id_date_of_birth_month">Month</label>
                  <input class="govuk-input govuk-date-input__input govuk-input--error
                    govuk-input--width-2" id="id_date_of_birth_month" name="date_of_birth_month"
                    type="text" inputmode="numeric">
                </div>
              </div>
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label"
                    for="id_date_of_birth_year">Year</label>
                  <input class="govuk-input govuk-date-input__input govuk-input--width-4"
                    id="id_date_of_birth_year" name="date_of_birth_year" type="text"
                    value="2014" inputmode="numeric">
                </div>
              </div>
            </div>
          </fieldset>
        </div>
        """,
        html,
    )


def _error_inputs(html: str) -> list[str]:
    return [
        attrs["id"] or ""
        for tag, attrs in _tags(html).tags
        if tag == "input" and "govuk-input--error" in (attrs.get("class") or "")
    ]


def test_date_input_highlights_the_whole_date_when_empty():
    form = _invalid(date_of_birth_day="", date_of_birth_month="", date_of_birth_year="")
    assert _error_inputs(_field(form, "date_of_birth")) == [
        "id_date_of_birth_day",
        "id_date_of_birth_month",
        "id_date_of_birth_year",
    ]


def test_date_input_highlights_the_whole_date_for_form_level_errors():
    class Form(PersonForm):
        def clean_date_of_birth(self):
            raise forms.ValidationError("Date of birth must be after the referral")

    form = Form(data=VALID)
    assert not form.is_valid()
    assert len(_error_inputs(_field(form, "date_of_birth"))) == 3
    assert _summary_links(_summary(form)) == ["#id_date_of_birth_day"]


def test_date_input_unbound_shows_initial_date_and_optional_legend():
    class Form(GovukForm):
        closed = GovukDateField(label="Date closed", required=False)

    html = _field(
        Form(initial={"closed": datetime.date(2025, 11, 2)}),
        "closed",
        label_size="l",
        is_page_heading=True,
    )
    assertInHTML(
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">'
        '<h1 class="govuk-fieldset__heading">Date closed (optional)</h1></legend>',
        html,
    )
    assert 'value="2" ' in html
    assert 'value="11" ' in html
    assert 'value="2025" ' in html
    assert _error_inputs(html) == []


def test_date_input_escapes_what_was_typed():
    html = _field(_invalid(date_of_birth_day='"><b>'), "date_of_birth")
    assert "<b>" not in html
    assert 'value="&quot;&gt;&lt;b&gt;"' in html


# Other widgets ------------------------------------------------------------------------------


def test_hidden_field_renders_a_hidden_input():
    html = _field(PersonForm(initial={"reference": "R1"}), "reference")
    assertInHTML('<input type="hidden" name="reference" value="R1" id="id_reference">', html)


def test_file_upload():
    class Form(GovukForm):
        letter = forms.FileField(widget=forms.FileInput)

    html = _field(Form(), "letter")
    assertInHTML('<input class="govuk-file-upload" id="id_letter" name="letter" type="file">', html)


def test_unknown_widgets_still_get_label_hint_and_error():
    class Form(GovukForm):
        when = forms.SplitDateTimeField(help_text="Date and time")

    html = _field(Form(data={}), "when")
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'id="id_when-hint"' in html
    assert 'aria-describedby="id_when-hint id_when-error"' in html


def test_field_tag_in_a_template():
    html = _render(
        '{% govuk_field form.full_name label_size="s" classes="govuk-input--width-10" %}',
        form=PersonForm(),
    )
    assert 'class="govuk-label govuk-label--s"' in html
    assert 'class="govuk-input govuk-input--width-10"' in html


# Tags and dates -----------------------------------------------------------------------------


def test_govuk_tag():
    assert _render('{% govuk_tag "Overdue" colour="red" %}') == (
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    )
    assert _render("{% govuk_tag text %}", text="<b>New</b>") == (
        '<strong class="govuk-tag">&lt;b&gt;New&lt;/b&gt;</strong>'
    )
    assert 'class="govuk-tag govuk-tag--red app-tag--overdue"' in _render(
        '{% govuk_tag "Overdue" colour="red" classes="app-tag--overdue" %}'
    )
    with pytest.raises(TemplateSyntaxError):
        _render('{% govuk_tag "x" colour="blue-ish" %}')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 3, 5), "5 March 2026"),
        (datetime.date(2026, 12, 25), "25 December 2026"),
        (datetime.datetime(2026, 3, 5, 14, 5, tzinfo=UTC), "5 March 2026 at 2:05pm"),
        (datetime.datetime(2026, 7, 1, 13, 5, tzinfo=UTC), "1 July 2026 at 2:05pm"),
        (datetime.datetime(2026, 7, 1, 23, 30, tzinfo=UTC), "2 July 2026 at 12:30am"),
        (datetime.datetime(2026, 3, 5, 9, 0, tzinfo=UTC), "5 March 2026 at 9am"),
        (datetime.datetime(2026, 3, 5, 12, 0, tzinfo=UTC), "5 March 2026 at midday"),
        (datetime.datetime(2026, 3, 5, 0, 0, tzinfo=UTC), "5 March 2026 at midnight"),
        (datetime.datetime(2026, 3, 5, 12, 45, tzinfo=UTC), "5 March 2026 at 12:45pm"),
        (
            datetime.datetime(2026, 3, 5, 9, 15, tzinfo=ZoneInfo("America/New_York")),
            "5 March 2026 at 2:15pm",
        ),
        (datetime.datetime(2026, 3, 5, 16, 0), "5 March 2026 at 4pm"),
        (None, ""),
        ("", ""),
        ("yesterday", ""),
    ],
)
def test_govuk_date(value, expected):
    assert govuk.govuk_date(value) == expected


def test_govuk_date_in_a_template_uses_london_time():
    moment = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert _render("{{ moment|govuk_date }}", moment=moment) == "1 June 2026 at 9am"


# Base and form page templates ---------------------------------------------------------------


NAV = [
    {"label": "Home", "url": "/", "active": False},
    {"label": "My referrals", "url": "/referrals/mine/", "active": True},
    {"label": "People", "url": "/people/", "active": False},
]


def _page(template_name: str = "harbour/base.html", **context) -> str:
    context.setdefault("csp_nonce", "n0nce")
    context.setdefault("user", AnonymousUser())
    context.setdefault("DEFAULT_MESSAGE_LEVELS", constants.DEFAULT_LEVELS)
    return render_to_string(template_name, context)


@pytest.fixture
def logout_url(settings):
    settings.ROOT_URLCONF = __name__
    return "/accounts/logout/"


def test_base_page_structure():
    html = _page()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en" class="govuk-template">' in html
    assert '<body class="govuk-template__body">' in html
    assert "<title> – Harbour</title>" in html
    assertInHTML(
        '<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">'
        "Skip to main content</a>",
        html,
    )
    assertInHTML('<a href="/" class="govuk-generic-header__homepage-link">Harbour</a>', html)
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assertInHTML('<a class="govuk-footer__link" href="/accessibility/">Accessibility</a>', html)
    assertInHTML('<a class="govuk-footer__link" href="/privacy/">Privacy</a>', html)
    assert '/static/harbour/harbour.css"' in html


def test_base_page_is_not_dressed_as_gov_uk():
    html = _page().lower()
    for forbidden in ("crown", "crest", "govuk-header__logo", "gds transport", "gov.uk"):
        assert forbidden not in html


def test_base_page_obeys_the_content_security_policy():
    tags = _tags(_page(harbour_nav=NAV, harbour_demo_mode=True))
    for tag, attrs in tags.tags:
        assert "style" not in attrs, tag
        assert tag != "style"
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("nonce") == "n0nce"
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert len(scripts) == 2
    assert any("js-enabled" in text for text in tags.scripts)
    module = next(text for text in tags.scripts if "initAll" in text)
    assert "import { initAll } from '/static/harbour/govuk-frontend.min.js'" in module


def test_base_page_has_no_navigation_when_signed_out_with_no_items():
    html = _page()
    assert "govuk-service-navigation" not in html
    assert "Sign out" not in html


def test_base_page_navigation_marks_the_active_item():
    request = SimpleNamespace(path="/referrals/mine/")
    html = _page(harbour_nav=NAV, request=request)
    assertInHTML(
        '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
        '<a class="govuk-service-navigation__link" href="/referrals/mine/" aria-current="page">'
        '<strong class="govuk-service-navigation__active-fallback">My referrals</strong></a></li>',
        html,
    )
    assertInHTML(
        '<li class="govuk-service-navigation__item">'
        '<a class="govuk-service-navigation__link" href="/people/">People</a></li>',
        html,
    )
    assert 'data-module="govuk-service-navigation"' in html
    request = SimpleNamespace(path="/referrals/mine/42/")
    assert 'aria-current="true"' in _page(harbour_nav=NAV, request=request)


def test_base_page_escapes_navigation_labels():
    html = _page(harbour_nav=[{"label": "<i>x</i>", "url": "/x/", "active": False}])
    assert "&lt;i&gt;x&lt;/i&gt;" in html


def test_signed_in_user_sees_their_name_and_a_sign_out_form(logout_url):
    user = SimpleNamespace(
        is_authenticated=True, username="sam", get_full_name=lambda: "Sam <Smith>"
    )
    html = _page(user=user, harbour_nav=NAV, csrf_token="tok3n")
    assert "Sam &lt;Smith&gt;" in html
    assertInHTML(
        '<form class="app-account-nav__form" method="post" action="/accounts/logout/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="tok3n">'
        '<button type="submit" class="app-link-button">Sign out</button></form>',
        html,
    )
    assert '<section aria-label="Service information"' in html


def test_signed_in_user_without_a_full_name_sees_their_username(logout_url):
    user = SimpleNamespace(is_authenticated=True, username="sam.p", get_full_name=lambda: "")
    assert "sam.p" in _page(user=user)


def test_demo_banner_only_in_demo_mode():
    banner = "Demo – synthetic data only. Never enter a real person&#x27;s details."
    raw = "Demo – synthetic data only. Never enter a real person's details."
    html = _page(harbour_demo_mode=True)
    assert raw in html or banner in html
    assert 'class="govuk-phase-banner govuk-width-container"' in html
    assert "govuk-phase-banner" not in _page(harbour_demo_mode=False)


def test_messages_become_notification_banners():
    messages = [
        Message(constants.SUCCESS, "Referral <sent>"),
        Message(constants.INFO, "Your session will end soon"),
    ]
    html = _page(messages=messages)
    assertInHTML(
        """
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
          aria-labelledby="govuk-notification-banner-title-1"
          data-module="govuk-notification-banner">
          <div class="govuk-notification-banner__header">
            <h2 class="govuk-notification-banner__title"
              id="govuk-notification-banner-title-1">Success</h2>
          </div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">Referral &lt;sent&gt;</p>
          </div>
        </div>
        """,
        html,
    )
    assertInHTML(
        '<h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title-2">'
        "Important</h2>",
        html,
    )
    assert 'class="govuk-notification-banner" role="region"' in html


def test_page_ids_are_unique():
    messages = [Message(constants.SUCCESS, "One"), Message(constants.SUCCESS, "Two")]
    ids = _ids(_page(messages=messages, harbour_nav=NAV))
    assert len(ids) == len(set(ids))


_CHILD = (
    '{% extends "harbour/form_page.html" %}'
    "{% block title %}Refer a child{% endblock %}"
    "{% block form %}<form method=post>{% govuk_field form.full_name %}</form>{% endblock %}"
)


def test_form_page_puts_the_error_summary_above_the_form():
    html = Template(_CHILD).render(
        Context({"form": _invalid(full_name=""), "csp_nonce": "n", "user": AnonymousUser()})
    )
    assert "<title>Error: Refer a child – Harbour</title>" in html
    assert html.index("govuk-error-summary") < html.index("<form method=post>")
    assert 'class="govuk-grid-column-two-thirds"' in html


def test_base_page_leaves_the_error_prefix_to_the_page():
    html = _page(form=_invalid(full_name=""))
    assert "<title> – Harbour</title>" in html


def test_form_page_without_errors():
    html = Template(_CHILD).render(
        Context({"form": PersonForm(), "csp_nonce": "n", "user": AnonymousUser()})
    )
    assert "<title>Refer a child – Harbour</title>" in html
    assert "govuk-error-summary" not in html
