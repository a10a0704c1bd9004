"""Request ids: every request gets one, carried into audit events and the response header."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Attach ``request.request_id`` (a trusted upstream id if well formed, else a new one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        try:
            request_id = str(uuid.UUID(incoming))
        except ValueError:
            request_id = str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client address as the server saw it (a proxy's header is not trusted here)."""
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None
