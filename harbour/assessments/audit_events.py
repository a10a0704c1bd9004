"""Audit actions for risk assessments."""

from harbour.audit.registry import register

register("assessment.completed", "Completed a risk assessment")
register("assessment.viewed", "Viewed a risk assessment", is_read=True)
register("assessment.view_refused", "Asked for an assessment they may not see", is_refusal=True)
register("assessment.list_viewed", "Viewed a list of assessments", is_read=True)
register("assessment.suggestion_previewed", "Asked Harbour to suggest a level", is_read=True)
