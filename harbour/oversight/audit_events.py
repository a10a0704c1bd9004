"""Audit actions for the coordinator's oversight page."""

from harbour.audit.registry import register

register("oversight.missing_viewed", "Viewed the missing-episodes oversight page", is_read=True)
