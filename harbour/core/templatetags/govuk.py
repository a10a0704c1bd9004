"""GOV.UK Design System template tags, registered as a template builtin (no ``{% load %}``).

Tags and filters:

``{% govuk_error_summary form [other_form ...] %}``
    The error summary ("There is a problem"): one link per error to the field's first input;
    non-field errors without a link. Renders nothing for unbound or valid forms. Accepts forms
    and formsets; ``None`` arguments are ignored.

``{% govuk_field form.field [label=...] [label_size="l"] [is_page_heading=True] [classes=...]
[hint=...] %}``
    The GOV.UK component for the field's widget: text input, textarea (a character count when
    the widget has ``maxlength``), select, radios, checkboxes, a single checkbox, a date input
    or a file upload, with its label or legend, hint, error message and ``aria-describedby``.
    Labels of optional fields end "(optional)".

``{% govuk_tag text [colour="red"] [classes=...] %}``
    A GOV.UK tag.

``value|govuk_date``
    "5 March 2026", or "5 March 2026 at 2:05pm" for a datetime (Europe/London).

``form|govuk_has_errors``
    Whether a bound form or formset has errors (for an "Error: " page title prefix).

Markup lives in ``harbour/components/*.html``, written from GOV.UK Frontend's own examples;
everything is escaped by the template engine.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms, template
from django.core.exceptions import ValidationError
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils import dateformat
from django.utils.safestring import SafeString

from harbour.core.forms import DATE_PARTS, GovukDateInput

register = template.Library()

#: GOV.UK label and legend sizes; "" is the default (body) size.
LABEL_SIZES: frozenset[str] = frozenset({"", "s", "m", "l", "xl"})
#: GOV.UK Frontend 6 tag colours; "" is the default (blue).
TAG_COLOURS: frozenset[str] = frozenset(
    ["grey", "green", "teal", "turquoise", "purple", "magenta", "pink", "red", "orange", "yellow"]
) | {""}
LONDON = ZoneInfo("Europe/London")

_COMPONENTS = "harbour/components"
#: Attributes never passed through from the widget: those a component writes itself, and
#: ``autofocus`` (Django's sign-in form sets it), which moves screen reader users past the
#: page's heading and skip link.
_OWN_ATTRS: frozenset[str] = frozenset(
    {"id", "name", "class", "type", "value", "checked", "selected", "aria-describedby"}
    | {"required", "autofocus"}
)


# Error summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary; ``target`` is the id to link to, or "" for no link."""

    message: str
    target: str = ""


def _is_form(value: Any) -> bool:
    return isinstance(value, forms.BaseForm | BaseFormSet)


def _errors_of(form: "forms.BaseForm | BaseFormSet[Any]") -> Iterable[SummaryError]:
    if isinstance(form, BaseFormSet):
        if not form.is_bound:
            return
        for message in form.non_form_errors():
            yield SummaryError(str(message))
        for member in form.forms:
            yield from _errors_of(member)
        return
    if not form.is_bound or not form.errors:
        return
    for message in form.non_field_errors():
        yield SummaryError(str(message))
    for bound_field in form:
        for message in bound_field.errors:
            if bound_field.is_hidden:
                yield SummaryError(str(message))
            else:
                yield SummaryError(str(message), field_link_id(bound_field))


@register.simple_tag
def govuk_error_summary(*forms_: Any) -> SafeString:
    """The GOV.UK error summary for one or more forms or formsets (nothing if no errors)."""
    for form in forms_:
        # A missing template variable arrives as "" (or None): nothing to summarise.
        if form not in (None, "") and not _is_form(form):
            raise template.TemplateSyntaxError(
                f"govuk_error_summary expects forms or formsets, not {type(form).__name__}"
            )
    errors = [error for form in forms_ if _is_form(form) for error in _errors_of(form)]
    if not errors:
        return SafeString("")
    return render_to_string(f"{_COMPONENTS}/error_summary.html", {"errors": errors})


@register.filter
def govuk_has_errors(form: Any) -> bool:
    """True when a bound form or formset has errors: ``{% if form|govuk_has_errors %}``.

    Anything that is not a form or formset (a missing variable, say) has none.
    """
    return _is_form(form) and any(True for _ in _errors_of(form))


# Ids --------------------------------------------------------------------------------------


def _base_id(bound_field: BoundField) -> str:
    return bound_field.auto_id or bound_field.html_name


def date_error_parts(bound_field: BoundField) -> tuple[str, ...]:
    """The date inputs (day, month, year) to highlight for a date field's errors.

    ``GovukDateField`` errors name their parts in ``params["parts"]``; any other error on the
    field (from a form's ``clean()``, say) highlights the whole date.
    """
    errors: list[ValidationError] = bound_field.errors.as_data()
    if not errors:
        return ()
    parts: set[str] = set()
    for error in errors:
        named = (getattr(error, "params", None) or {}).get("parts")
        parts.update(named if named else DATE_PARTS)
    return tuple(part for part in DATE_PARTS if part in parts)


def field_link_id(bound_field: BoundField) -> str:
    """The id of the input an error summary link for this field should focus.

    Date inputs: the first day/month/year input with an error. Radios and checkboxes: the
    first option. Anything else: the input itself.
    """
    widget = bound_field.field.widget
    base_id = _base_id(bound_field)
    if isinstance(widget, GovukDateInput):
        parts = date_error_parts(bound_field) or DATE_PARTS
        return f"{base_id}_{parts[0]}"
    if isinstance(widget, widgets.RadioSelect):  # CheckboxSelectMultiple included
        options = _choice_options(bound_field)
        return str(options[0]["id"]) if options else base_id
    return bound_field.id_for_label or base_id


# Fields -----------------------------------------------------------------------------------


def _attrs_html(attrs: dict[str, Any], *, skip: Iterable[str] = ()) -> SafeString:
    """Widget attributes the component does not write itself, escaped (``autocomplete`` …)."""
    excluded = _OWN_ATTRS | set(skip)
    return flatatt({key: value for key, value in attrs.items() if key not in excluded})


def _widget_context(bound_field: BoundField, attrs: dict[str, Any]) -> dict[str, Any]:
    if bound_field.field.disabled:
        attrs = {**attrs, "disabled": True}
    context: dict[str, Any] = bound_field.field.widget.get_context(
        bound_field.html_name, bound_field.value(), attrs
    )["widget"]
    return context


def _choice_options(bound_field: BoundField) -> list[dict[str, Any]]:
    """Radio or checkbox options: id, value, label, checked and extra attributes."""
    widget_context = _widget_context(bound_field, {"id": _base_id(bound_field)})
    empty_labels = {"---------", getattr(bound_field.field, "empty_label", None)}
    options = []
    for _group, group_options, _index in widget_context["optgroups"]:
        for option in group_options:
            value = "" if option["value"] is None else str(option["value"])
            if value == "" and option["label"] in empty_labels:
                continue  # a select's "---------" has no place among radios
            options.append(
                {
                    "id": option["attrs"].get("id", ""),
                    "value": value,
                    "label": option["label"],
                    "checked": bool(option["selected"]),
                    "attrs_html": _attrs_html(option["attrs"]),
                }
            )
    return options


def _component_for(widget: widgets.Widget) -> str:
    if isinstance(widget, GovukDateInput):
        return "date_input"
    if isinstance(widget, widgets.RadioSelect):  # CheckboxSelectMultiple included
        return "choices"
    if isinstance(widget, widgets.Select):
        return "select"
    if isinstance(widget, widgets.CheckboxInput):
        return "checkbox"
    if isinstance(widget, widgets.Textarea):
        return "textarea"
    if isinstance(widget, widgets.ClearableFileInput | widgets.HiddenInput):
        return "other"  # the "clear" checkbox has no GOV.UK equivalent
    if isinstance(widget, widgets.FileInput):
        return "file_upload"
    if isinstance(widget, widgets.Input):
        return "input"
    return "other"


def _join(*ids: str) -> str:
    return " ".join(i for i in ids if i)


@register.simple_tag
def govuk_field(
    bound_field: BoundField,
    *,
    label: str | None = None,
    label_size: str = "",
    is_page_heading: bool = False,
    classes: str = "",
    hint: str | None = None,
) -> SafeString:
    """Render a bound field as its GOV.UK component (see the module docstring)."""
    if not isinstance(bound_field, BoundField):
        raise template.TemplateSyntaxError(
            f"govuk_field expects a bound field (form.name), not {type(bound_field).__name__}"
        )
    if label_size not in LABEL_SIZES:
        raise template.TemplateSyntaxError(
            f"govuk_field label_size must be one of {sorted(LABEL_SIZES)}, not {label_size!r}"
        )
    if bound_field.is_hidden:
        return SafeString(bound_field.as_hidden())

    field = bound_field.field
    widget = field.widget
    component = _component_for(widget)
    base_id = _base_id(bound_field)
    hint_text = bound_field.help_text if hint is None else hint
    errors = list(bound_field.errors)
    hint_id = f"{base_id}-hint" if hint_text else ""
    error_id = f"{base_id}-error" if errors else ""
    context: dict[str, Any] = {
        "field": bound_field,
        "id": base_id,
        "name": bound_field.html_name,
        "label": bound_field.label if label is None else label,
        # A single checkbox is a statement to tick, not a question one may skip.
        "optional": not field.required and component != "checkbox",
        "label_size": label_size,
        "is_page_heading": is_page_heading,
        "classes": classes,
        "hint": hint_text,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "described_by": _join(hint_id, error_id),
    }
    renderer = _RENDERERS[component]
    context.update(renderer(bound_field, context))
    return render_to_string(f"{_COMPONENTS}/{component}.html", context)


def _input_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    widget = cast(widgets.Input, bound_field.field.widget)
    widget_context = _widget_context(bound_field, {})
    attrs: dict[str, Any] = dict(widget_context["attrs"])
    input_type = widget.input_type
    if input_type == "number":
        # GOV.UK asks for numbers with a text input: type=number misbehaves (scrolling, "e").
        input_type = "text"
        decimal = isinstance(bound_field.field, forms.FloatField | forms.DecimalField)
        attrs.setdefault("inputmode", "decimal" if decimal else "numeric")
        for key in ("min", "max", "step"):
            attrs.pop(key, None)
    email = input_type == "email"
    return {
        "type": input_type,
        "value": widget_context["value"],
        "spellcheck_off": email,
        "attrs_html": _attrs_html(attrs, skip=("spellcheck",) if email else ()),
    }


def _textarea_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    widget_context = _widget_context(bound_field, {})
    attrs: dict[str, Any] = dict(widget_context["attrs"])
    maxlength = attrs.pop("maxlength", None)
    attrs.pop("cols", None)  # GOV.UK textareas are full width
    rows = attrs.pop("rows", 5)
    info_id = f"{context['id']}-info" if maxlength else ""
    return {
        "value": widget_context["value"],
        "rows": rows,
        # The character count replaces maxlength, so a long paste can still be edited down.
        "maxlength": maxlength,
        "info_id": info_id,
        "described_by": _join(info_id, context["described_by"]),
        "attrs_html": _attrs_html(attrs),
    }


def _select_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    widget_context = _widget_context(bound_field, {"id": context["id"]})
    groups = [
        {
            "label": group_name,
            "options": [
                {
                    "value": "" if option["value"] is None else str(option["value"]),
                    "label": option["label"],
                    "selected": bool(option["selected"]),
                    "attrs_html": _attrs_html(option["attrs"]),
                }
                for option in options
            ],
        }
        for group_name, options, _index in widget_context["optgroups"]
    ]
    return {"groups": groups, "attrs_html": _attrs_html(widget_context["attrs"])}


def _choices_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    multiple = isinstance(bound_field.field.widget, widgets.CheckboxSelectMultiple)
    return {
        "kind": "checkboxes" if multiple else "radios",
        "input_type": "checkbox" if multiple else "radio",
        "options": _choice_options(bound_field),
    }


def _checkbox_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    widget_context = _widget_context(bound_field, {})
    attrs: dict[str, Any] = widget_context["attrs"]
    return {
        "value": widget_context["value"],
        "checked": bool(attrs.get("checked")),
        "attrs_html": _attrs_html(attrs),
    }


def _date_input_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    widget = cast(GovukDateInput, bound_field.field.widget)
    widget_context = _widget_context(bound_field, {"id": context["id"]})
    parts = date_error_parts(bound_field)
    for subwidget in widget_context["subwidgets"]:
        subwidget["has_error"] = subwidget["part"] in parts
    widget_context["classes"] = context["classes"]
    return {
        "date_input": render_to_string(widget.template_name, {"widget": widget_context}),
    }


def _file_upload_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    widget_context = _widget_context(bound_field, {})
    return {"attrs_html": _attrs_html(widget_context["attrs"])}


def _other_context(bound_field: BoundField, context: dict[str, Any]) -> dict[str, Any]:
    attrs = {"aria-describedby": context["described_by"]} if context["described_by"] else {}
    return {"widget_html": bound_field.as_widget(attrs=attrs)}


_RENDERERS = {
    "input": _input_context,
    "textarea": _textarea_context,
    "select": _select_context,
    "choices": _choices_context,
    "checkbox": _checkbox_context,
    "date_input": _date_input_context,
    "file_upload": _file_upload_context,
    "other": _other_context,
}


# Tags and dates ---------------------------------------------------------------------------


@register.simple_tag
def govuk_tag(text: str, *, colour: str = "", classes: str = "") -> SafeString:
    """A GOV.UK tag: ``{% govuk_tag "Overdue" colour="red" %}``."""
    if colour not in TAG_COLOURS:
        raise template.TemplateSyntaxError(
            f"govuk_tag colour must be one of {sorted(TAG_COLOURS)}, not {colour!r}"
        )
    return render_to_string(
        f"{_COMPONENTS}/tag.html", {"text": text, "colour": colour, "classes": classes}
    )


def _govuk_time(value: datetime.datetime) -> str:
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@register.filter(expects_localtime=False)
def govuk_date(value: Any) -> str:
    """GOV.UK style dates: "5 March 2026"; datetimes add the London time, "at 2:05pm"."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LONDON)
        return f"{dateformat.format(value, 'j F Y')} at {_govuk_time(value)}"
    if isinstance(value, datetime.date):
        return dateformat.format(value, "j F Y")
    return ""  # like Django's own date filter, a non-date renders as nothing
