from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "harbour.assessments"
    label = "assessments"

    def ready(self) -> None:
        from harbour.assessments import audit_events  # noqa: F401  registers the vocabulary
        from harbour.assessments.catalogue import all_catalogues

        all_catalogues()  # a malformed catalogue stops start-up naming the file, line and problem
