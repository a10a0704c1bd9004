from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "harbour.demo"
    label = "demo"
    verbose_name = "Demo partnership"

    def ready(self) -> None:
        from harbour.demo import audit_events  # noqa: F401  registers the vocabulary
