"""Audit actions for the partner API: credentials, every call (like a page view), submissions."""

from harbour.audit.registry import register

register("partner_api.credential_issued", "Issued a partner system's API credential")
register("partner_api.credential_revoked", "Revoked a partner system's API credential")
register("partner_api.call", "A partner system called the API", is_read=True)
register(
    "partner_api.call_refused",
    "A call to the partner API was refused (credential, scope, not found, bad input or too many)",
    is_refusal=True,
)
register("partner_api.referral_submitted", "A partner system submitted a referral")
register(
    "partner_api.referral_outcome_viewed",
    "A partner system read the outcome of its agency's referral",
    is_read=True,
)
register(
    "partner_api.episode_viewed",
    "A partner system read a missing episode its agency reported",
    is_read=True,
)
register("partner_api.intelligence_submitted", "A partner system submitted intelligence")
register(
    "partner_api.child_queried",
    "A partner system asked whether a child is known, and to which agencies",
    is_read=True,
)
