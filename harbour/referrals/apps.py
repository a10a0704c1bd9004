from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "harbour.referrals"
    label = "referrals"

    def ready(self) -> None:
        from harbour.referrals import audit_events  # noqa: F401  registers the vocabulary
        from harbour.referrals.policy import load_triage_policy

        load_triage_policy()  # a malformed policy file stops start-up with its name and problem
