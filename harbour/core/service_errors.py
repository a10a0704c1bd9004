"""Showing a service's validation errors on the form that called it."""

from collections.abc import Callable

from django import forms

from harbour.core.errors import ServiceValidationError


def add_service_errors(form: forms.BaseForm, error: ServiceValidationError) -> None:
    """Attach each message to its field (or to the form when the field is not on it)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def call_service(form: forms.BaseForm, call: Callable[[], object]) -> bool:
    """Call a service for a valid ``form``; on its validation error put the messages on the form.

    True when the service ran; False when the page should show the form again with its errors."""
    try:
        call()
    except ServiceValidationError as error:
        add_service_errors(form, error)
        return False
    return True
