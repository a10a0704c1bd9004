"""Errors as RFC 9457 problem details (``application/problem+json``), from one handler.

Every error the API returns has ``type``, ``title``, ``status``, ``detail`` and ``instance``
(``urn:uuid:<request id>``, also sent as ``X-Request-ID``: quote it to the Harbour team), and a
validation error adds ``errors: [{field, message}]`` with the field as a dotted path into the
request body (``child.date_of_birth``, ``items.0.value``). A service's ``ServiceValidationError``
becomes field errors in the same plain words the web pages show; forbidden and missing records
are the same 404.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from harbour.core.errors import ServiceValidationError

from .idempotency import IdempotencyKeyMissing, IdempotencyKeyReused

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:harbour:problem:"

#: (type slug, title) for each kind of problem.
_KINDS: dict[type[Exception], tuple[str, str]] = {
    IdempotencyKeyMissing: ("idempotency-key-required", "Idempotency key needed"),
    IdempotencyKeyReused: ("idempotency-key-reused", "Idempotency key already used"),
    exceptions.ValidationError: ("validation-error", "Your request has problems"),
    exceptions.ParseError: ("malformed-request", "The request body is not valid JSON"),
    exceptions.NotAuthenticated: ("not-authenticated", "Not authenticated"),
    exceptions.AuthenticationFailed: ("not-authenticated", "Not authenticated"),
    exceptions.PermissionDenied: ("forbidden", "Not allowed"),
    exceptions.NotFound: ("not-found", "Not found"),
    exceptions.MethodNotAllowed: ("method-not-allowed", "Method not allowed"),
    exceptions.NotAcceptable: ("not-acceptable", "Response format not available"),
    exceptions.UnsupportedMediaType: ("unsupported-media-type", "Send JSON"),
    exceptions.Throttled: ("rate-limited", "Too many requests"),
}
MSG_NOT_FOUND = "There is nothing here that this credential may see"
MSG_SERVER_ERROR = (
    "Something went wrong in Harbour. Nothing was saved. Try again later, quoting the instance"
)


class ServiceFieldErrors(exceptions.ValidationError):
    """A service's validation errors, mapped onto the API's field names."""


def flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as ``[{field, message}]`` with dotted field paths."""
    if isinstance(detail, Mapping):
        errors: list[dict[str, str]] = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            errors.extend(flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return errors
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return [{"field": prefix, "message": str(item)} for item in detail]
        errors = []
        for index, item in enumerate(detail):
            if item:
                errors.extend(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    return [{"field": prefix, "message": str(detail)}]


def service_errors(error: ServiceValidationError, fields: Mapping[str, str]) -> ServiceFieldErrors:
    """The service's messages on the API's field names (``fields`` maps service → API)."""
    if hasattr(error, "error_dict"):
        detail: dict[str, list[str]] = {}
        for name, messages in error.message_dict.items():
            api_name = fields.get(name, name if name != "__all__" else "non_field_errors")
            detail.setdefault(api_name, []).extend(messages)
        return ServiceFieldErrors(detail)
    return ServiceFieldErrors({"non_field_errors": list(error.messages)})


def problem(
    *,
    status_code: int,
    slug: str,
    title: str,
    detail: str,
    request: Any,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    request_id = getattr(request, "request_id", "") if request is not None else ""
    body: dict[str, Any] = {
        "type": f"{TYPE_BASE}{slug}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "instance": f"urn:uuid:{request_id}" if request_id else "",
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=MEDIA_TYPE)


def _kind(exc: Exception) -> tuple[str, str]:
    for cls in type(exc).__mro__:
        if cls in _KINDS:
            return _KINDS[cls]
    return "about:blank", "Error"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's ``EXCEPTION_HANDLER`` for the partner API."""
    request = context.get("request")
    view = context.get("view")
    if isinstance(exc, ServiceValidationError):
        exc = service_errors(exc, getattr(view, "service_fields", {}))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(MSG_NOT_FOUND)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Partner API error", exc_info=exc)
        return problem(
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
            slug="server-error",
            title="Server error",
            detail=MSG_SERVER_ERROR,
            request=request,
        )
    slug, title = _kind(exc)
    headers: dict[str, str] = {}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    auth_header = getattr(exc, "auth_header", None)  # set by DRF for 401s
    if auth_header:
        headers["WWW-Authenticate"] = str(auth_header)
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        return problem(
            status_code=status.HTTP_400_BAD_REQUEST,
            slug=slug,
            title=title,
            detail="Correct the fields listed in errors and send the request again",
            request=request,
            errors=errors,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if isinstance(exc, exceptions.Throttled):
        detail = (
            f"This credential has sent too many requests. Try again in {headers['Retry-After']} "
            "seconds"
            if "Retry-After" in headers
            else "This credential has sent too many requests. Try again later"
        )
    return problem(
        status_code=exc.status_code,
        slug=slug,
        title=title,
        detail=str(detail),
        request=request,
        headers=headers or None,
    )
