"""Audit actions for administering users, their roles, agencies and areas."""

from harbour.audit.registry import register

register("accounts.user_created", "Added a user")
register("accounts.membership_added", "Gave a user a role in an agency")
register("accounts.membership_ended", "Ended a user's role in an agency")
register("accounts.user_deactivated", "Deactivated a user (they can no longer sign in)")
register("accounts.agency_created", "Added an agency")
register("accounts.agency_updated", "Changed the areas an agency serves")
register("accounts.area_created", "Added an area")
register("accounts.users_listed", "Viewed or searched the list of users", is_read=True)
register("accounts.password_set", "Set their password from a set-password link")
