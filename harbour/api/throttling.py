"""Rate limiting per credential (DRF throttling on the default cache).

The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["partner"]`` (e.g. ``"120/min"``), read
on every request so it can be changed in settings (and in tests) without a restart of the
class. With several processes the cache must be shared (``CACHE_URL``, e.g. Redis).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import PartnerCredential


class PartnerRateThrottle(SimpleRateThrottle):
    scope = "partner"

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate is not None else None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        credential = request.auth
        if not isinstance(credential, PartnerCredential):
            return None
        return f"throttle_{self.scope}_{credential.pk}"
