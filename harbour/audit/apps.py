from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "harbour.audit"
    label = "audit"

    def ready(self) -> None:
        from harbour.audit import audit_events  # noqa: F401  registers the vocabulary
