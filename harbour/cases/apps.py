from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "harbour.cases"
    label = "cases"

    def ready(self) -> None:
        from harbour.cases import audit_events  # noqa: F401  registers the vocabulary
