"""Bearer-token authentication of partner systems (``Authorization: Bearer hbr_...``)."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from . import services
from .models import PartnerCredential

MSG_MALFORMED = "Send the credential as: Authorization: Bearer <token>"


class PartnerTokenAuthentication(BaseAuthentication):
    """The credential's service user is ``request.user``; the credential is ``request.auth``.

    A refused token (unknown, revoked, expired) is a 401; so is no token at all (the view's
    permission then refuses). The refused credential, when known, is kept on the request for
    the audit event.
    """

    keyword = "bearer"

    def authenticate(self, request: Request) -> tuple[Any, PartnerCredential] | None:
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword.encode() or len(header) != 2:
            raise AuthenticationFailed(MSG_MALFORMED)
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(services.MSG_CREDENTIAL_UNKNOWN) from None
        try:
            credential = services.credential_authenticate(token=token)
        except services.CredentialRefused as refusal:
            request._request.partner_refused_credential = refusal.credential  # type: ignore[attr-defined]
            raise AuthenticationFailed(refusal.message) from None
        return credential.service_user, credential

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="harbour-partner-api"'
