"""Scopes: each endpoint names the one scope a credential needs (403 without it)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import PartnerCredential


class HasScope(BasePermission):
    """Passes when the request's credential holds the view's ``required_scope``."""

    message = "This credential may not do that"

    def has_permission(self, request: Request, view: Any) -> bool:
        credential = request.auth
        if not isinstance(credential, PartnerCredential):
            return False
        required: str = view.required_scope
        if required in credential.scopes:
            return True
        self.message = f"This credential does not have the scope {required}, which this needs"
        return False
