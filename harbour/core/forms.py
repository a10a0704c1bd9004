"""GOV.UK form building blocks: the date input widget and field, and a base form.

The ``govuk`` template tags render these as GOV.UK Design System components. Date errors follow
the Design System's date input guidance: one message per problem, built from the field's label,
and the day, month or year inputs that caused it highlighted.
"""

import datetime
import re
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import widgets
from django.forms.utils import ErrorList, flatatt, pretty_name
from django.utils import timezone

#: The parts of a GOV.UK date input, in the order they are shown and submitted.
DATE_PARTS: tuple[str, ...] = ("day", "month", "year")

#: Month names and abbreviations accepted in the month input ("march", "Mar", "sept").
_MONTH_NAMES: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

#: Attributes the date input template writes itself.
_DATE_OWN_ATTRS = frozenset({"id", "name", "type", "value", "class"})


def _is_djangos_required_message(message: Any) -> bool:
    """Whether ``message`` is Django's own "This field is required." (which we replace)."""
    return str(message) == str(forms.Field.default_error_messages["required"])


_DIGITS = re.compile(r"\d+")
_DAY_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")


class GovukDateInput(forms.MultiWidget):
    """Three text inputs (day, month, year) with ``inputmode="numeric"``.

    The inputs are named ``<name>_day``, ``<name>_month`` and ``<name>_year`` and have the ids
    ``<id>_day``, ``<id>_month`` and ``<id>_year``; the ``govuk_field`` and
    ``govuk_error_summary`` tags rely on these ids. An ``autocomplete="bday"`` attribute on the
    widget becomes ``bday-day``, ``bday-month`` and ``bday-year`` on the inputs.
    """

    template_name = "harbour/components/date_input_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        parts: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS
        }
        super().__init__(parts, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        autocomplete = context["widget"]["attrs"].get("autocomplete")
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = subwidget["attrs"]
            if id_:
                sub_attrs["id"] = f"{id_}_{part}"
            if autocomplete:
                sub_attrs["autocomplete"] = f"{autocomplete}-{part}"
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
            subwidget["attrs_html"] = flatatt(
                {key: value for key, value in sub_attrs.items() if key not in _DATE_OWN_ATTRS}
            )
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else id_


def _name_in_sentence(label: str) -> str:
    """The label as it reads mid-sentence: "Date of birth" → "date of birth", "NHS …" kept."""
    first_word = label.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return label
    return label[:1].lower() + label[1:]


def _name_at_start(label: str) -> str:
    return label[:1].upper() + label[1:]


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, cleaned to a ``datetime.date``.

    Error messages follow the GOV.UK date input pattern, built from the field's label
    ("Date of birth"): "Enter date of birth", "Date of birth must include a month",
    "Year must include 4 numbers", "Date of birth must be a real date" and, with
    ``must_be_past=True``, "Date of birth must be today or in the past".

    When the label is a question ("When was the child last seen?"), name the date for the
    messages with ``error_name="Date last seen"``. A ``required`` entry in ``error_messages``
    replaces "Enter …".

    Each error's ``params["parts"]`` names the inputs to highlight (``("month",)`` or all
    three); the template tags read it to mark those inputs and to link the error summary to the
    first of them. The month may be typed as a number or a name ("March", "mar").
    """

    widget = GovukDateInput

    def __init__(
        self, *, must_be_past: bool = False, error_name: str | None = None, **kwargs: Any
    ) -> None:
        self.must_be_past = must_be_past
        self.error_name = error_name
        fields = tuple(forms.CharField(required=False, strip=True) for _ in DATE_PARTS)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    # Messages -------------------------------------------------------------------------------

    @property
    def _label(self) -> str:
        return self.error_name or (str(self.label) if self.label else "Date")

    def _error(self, message: str, code: str, parts: Sequence[str]) -> ValidationError:
        # ValidationError interpolates ``params`` with %, so a % in a label must be escaped.
        return ValidationError(
            message.replace("%", "%%"), code=code, params={"parts": tuple(parts)}
        )

    def _required_error(self) -> ValidationError:
        if not _is_djangos_required_message(self.error_messages["required"]):
            return self._error(str(self.error_messages["required"]), "required", DATE_PARTS)
        return self._error(f"Enter {_name_in_sentence(self._label)}", "required", DATE_PARTS)

    def _incomplete_error(self, missing: Sequence[str]) -> ValidationError:
        # At most two are missing: with none entered at all the message is "Enter …".
        message = f"{_name_at_start(self._label)} must include a {' and '.join(missing)}"
        # One missing input is highlighted alone; more than one highlights the whole date.
        parts = missing if len(missing) == 1 else DATE_PARTS
        return self._error(message, "incomplete", parts)

    def _year_length_error(self) -> ValidationError:
        return self._error("Year must include 4 numbers", "year_length", ("year",))

    def _invalid_error(self, parts: Sequence[str]) -> ValidationError:
        return self._error(
            f"{_name_at_start(self._label)} must be a real date",
            "invalid",
            parts if len(parts) == 1 else DATE_PARTS,
        )

    def _future_error(self) -> ValidationError:
        return self._error(
            f"{_name_at_start(self._label)} must be today or in the past", "future", DATE_PARTS
        )

    # Parsing --------------------------------------------------------------------------------

    @staticmethod
    def _parse_day(text: str) -> int | None:
        match = _DAY_ORDINAL.fullmatch(text.lower())
        if match:
            text = match.group(1)
        return int(text) if _DIGITS.fullmatch(text) and 1 <= int(text) <= 31 else None

    @staticmethod
    def _parse_month(text: str) -> int | None:
        if _DIGITS.fullmatch(text):
            return int(text) if 1 <= int(text) <= 12 else None
        return _MONTH_NAMES.get(text.lower().rstrip("."))

    @staticmethod
    def _parse_year(text: str) -> int | None:
        return int(text) if _DIGITS.fullmatch(text) and int(text) >= 1 else None

    def clean(self, value: Any) -> datetime.date | None:
        if self.disabled and not isinstance(value, list):
            value = cast(GovukDateInput, self.widget).decompress(value)
        if not isinstance(value, list | tuple):
            value = []
        texts = {
            part: str(value[i]).strip() if i < len(value) and value[i] is not None else ""
            for i, part in enumerate(DATE_PARTS)
        }

        # In the Design System's order: nothing entered, something missing, something wrong.
        if not any(texts.values()):
            if self.required:
                raise self._required_error()
            return None
        missing = [part for part in DATE_PARTS if not texts[part]]
        if missing:
            raise self._incomplete_error(missing)
        if _DIGITS.fullmatch(texts["year"]) and len(texts["year"]) != 4:
            raise self._year_length_error()

        day = self._parse_day(texts["day"])
        month = self._parse_month(texts["month"])
        year = self._parse_year(texts["year"])
        if day is None or month is None or year is None:
            wrong = [
                part
                for part, parsed in zip(DATE_PARTS, (day, month, year), strict=True)
                if parsed is None
            ]
            raise self._invalid_error(wrong)
        try:
            result = datetime.date(year, month, day)
        except ValueError:
            # Each part is plausible alone (31, 2, 2026) but together they are not a date.
            raise self._invalid_error(DATE_PARTS) from None

        if self.must_be_past and result > timezone.localdate():
            raise self._future_error()
        self.validate(result)
        self.run_validators(result)
        return result

    def compress(self, data_list: list[Any]) -> datetime.date | None:
        """Build the date from already-clean ``[day, month, year]`` values."""
        if not data_list:
            return None
        day, month, year = data_list
        return datetime.date(int(year), int(month), int(day))


class GovukErrorList(ErrorList):
    """Errors as GOV.UK error messages, if a template renders ``{{ form.errors }}`` directly."""

    template_name = "harbour/components/error_list.html"


class GovukFormMixin(forms.BaseForm):
    """Form defaults for GOV.UK pages.

    - no ``:`` after labels, and GOV.UK error lists;
    - no HTML ``required`` attributes: the browser's own validation messages would pre-empt
      the GOV.UK error summary and messages;
    - ``GovukDateField`` messages name the field by its label even when it was left to be
      derived from the field's name;
    - Django's "This field is required." becomes "Enter full name" (text) or "Select agency"
      (choices), unless the label is a question or the field has its own message.
    """

    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("error_class", GovukErrorList)
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, GovukDateField):
                if not field.label:
                    field.label = pretty_name(name)
                continue
            message = _required_message(str(field.label or pretty_name(name)), field.widget)
            if message and _is_djangos_required_message(field.error_messages.get("required")):
                field.error_messages["required"] = message


def _required_message(label: str, widget: forms.Widget) -> str:
    """GOV.UK's "Enter …" / "Select …" for an empty required field, or "" to keep Django's."""
    if not label or label.rstrip().endswith("?"):
        return ""
    if isinstance(widget, widgets.Select | widgets.RadioSelect):
        return f"Select {_name_in_sentence(label)}"
    if isinstance(widget, widgets.CheckboxInput | widgets.FileInput | widgets.HiddenInput):
        return ""
    if isinstance(widget, widgets.Input | widgets.Textarea):
        return f"Enter {_name_in_sentence(label)}"
    return ""


class GovukForm(GovukFormMixin, forms.Form):
    """A plain form with the GOV.UK defaults."""


class GovukModelForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A model form with the GOV.UK defaults."""
