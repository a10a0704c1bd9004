from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harbour.accounts"
    label = "accounts"

    def ready(self) -> None:
        from harbour.accounts import audit_events  # noqa: F401  registers the vocabulary
