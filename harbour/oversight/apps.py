from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "harbour.oversight"
    label = "oversight"

    def ready(self) -> None:
        from harbour.oversight import audit_events  # noqa: F401  registers the vocabulary
