"""Errors raised by services, carrying messages a practitioner understands."""

from django.core.exceptions import ValidationError
from django.http import Http404


class ServiceValidationError(ValidationError):
    """Raised by a service when its input is invalid; views show it in the error summary."""


class NotFoundOrForbidden(Http404):
    """The record does not exist or the viewer may not see it. Both look the same: 404."""
