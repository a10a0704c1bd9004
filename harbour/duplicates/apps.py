"""Duplicates: the review queue of probable duplicate persons, and merge / unmerge.

Probable pairs come from the matching model (``harbour.matching``); a person decides. A merge
keeps every source record and identifier, records exactly what it moved, and unmerge puts it back.
"""

from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "harbour.duplicates"
    label = "duplicates"

    def ready(self) -> None:
        # Registers the audit vocabulary; loading the policy checks its file at start-up.
        from harbour.duplicates import audit_events  # noqa: F401
        from harbour.duplicates.policy import load_merge_policy

        load_merge_policy()
