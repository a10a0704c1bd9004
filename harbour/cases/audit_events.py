"""Audit actions for cases."""

from harbour.audit.registry import register

register("case.opened", "Opened a case")
register("case.viewed", "Viewed a case", is_read=True)
register("case.view_refused", "Asked for a case they may not see", is_refusal=True)
register("case.list_viewed", "Viewed a list of cases", is_read=True)
register("case.agency_joined", "An agency joined a case")
register("case.agency_left", "An agency left a case")
register("case.lead_changed", "Changed the lead professional")
register("case.goal_added", "Added a plan goal")
register("case.action_added", "Added a plan action")
register("case.action_updated", "Updated a plan action")
register("case.reviewed", "Recorded a case review")
register("case.stepped_down", "Stepped a case down to monitoring")
register("case.closed", "Closed a case")
register("case.reopened", "Reopened a case")
