from django.apps import AppConfig


class ReturnInterviewsConfig(AppConfig):
    name = "harbour.return_interviews"
    label = "return_interviews"
    verbose_name = "Return home interviews"

    def ready(self) -> None:
        # Registers the audit vocabulary and checks the factor checklists at start-up.
        from harbour.return_interviews import audit_events, checklist  # noqa: F401

        checklist.all_checklists()
