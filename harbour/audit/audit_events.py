"""Audit actions about signing in and the audit log itself."""

from harbour.audit.registry import register

register("auth.signed_in", "Signed in")
register("auth.sign_in_failed", "A sign-in attempt failed", is_refusal=True)
register("auth.signed_out", "Signed out")
register("auth.password_changed", "Changed their password (other sessions signed out)")
register("audit.person_access_viewed", "Viewed who has seen a person", is_read=True)
register("audit.log_viewed", "Viewed the audit log", is_read=True)
