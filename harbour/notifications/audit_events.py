"""Audit actions for notifications."""

from harbour.audit.registry import register

register("notification.created", "A notification was sent to a user")
register("notification.read", "A user opened their notification")
