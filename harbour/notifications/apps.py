from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "harbour.notifications"
    label = "notifications"

    def ready(self) -> None:
        from harbour.notifications import audit_events  # noqa: F401  registers the vocabulary
