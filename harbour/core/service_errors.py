"""Showing a service's validation errors on the form that called it."""

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
