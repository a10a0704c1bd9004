from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "harbour.access"
    label = "access"

    def ready(self) -> None:
        from harbour.access import audit_events  # noqa: F401  registers the vocabulary
