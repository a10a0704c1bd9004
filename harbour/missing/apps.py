from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "harbour.missing"
    label = "missing"

    def ready(self) -> None:
        from harbour.missing import audit_events  # noqa: F401  registers the vocabulary
        from harbour.missing.policy import load_clock_policy

        load_clock_policy()  # a malformed policy file stops start-up with its name and problem
