from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "harbour.people"
    label = "people"

    def ready(self) -> None:
        from harbour.people import audit_events  # noqa: F401  registers the vocabulary
