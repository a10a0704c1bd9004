"""Audit actions for break-glass access."""

from harbour.audit.registry import register

register(
    "access.break_glass_searched",
    "Searched the whole partnership for emergency access",
    is_read=True,
)
register("access.break_glass_granted", "Was granted emergency (break-glass) access to a person")
register("access.break_glass_reviewed", "Reviewed a use of emergency access")
register(
    "access.break_glass_refused",
    "Asked for emergency access their role does not allow, or to a person not found",
    is_refusal=True,
)
