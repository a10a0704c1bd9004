"""The partner API (``/api/v1/``): partner systems submit and ask through their agency's policy.

Each partner system has its own revocable credential tied to an agency and scopes; every call is
audited; errors are RFC 9457 problem details; submissions take idempotency keys.
"""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "harbour.api"
    label = "partner_api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        from harbour.api import audit_events  # noqa: F401  registers the vocabulary
