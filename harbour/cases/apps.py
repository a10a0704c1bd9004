from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "harbour.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the audit vocabulary and the cases.* permissions.
        from harbour.cases import audit_events, rules  # noqa: F401
