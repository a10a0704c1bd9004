"""The imports app: agency extracts of persons, referrals and missing episodes."""

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "harbour.imports"
    label = "imports"

    def ready(self) -> None:
        from harbour.imports import audit_events  # noqa: F401  registers the vocabulary
