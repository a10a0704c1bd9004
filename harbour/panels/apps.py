"""Panels: multi-agency exploitation panels (MACE / CSEP) where agencies decide together.

Panel types as versioned data, meetings with attendance and quorum, an agenda Harbour proposes
and the chair edits, a confidentiality agreement confirmed before the agenda's detail opens,
time-limited access to an agenda child's pre-read, decisions and owned actions.
"""

from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "harbour.panels"
    label = "panels"

    def ready(self) -> None:
        from harbour.panels import audit_events  # noqa: F401  registers the vocabulary
        from harbour.panels.policy import load_panel_types

        load_panel_types()  # a malformed policy file stops start-up with its name and problem
