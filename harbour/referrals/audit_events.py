"""Audit actions for referrals and triage."""

from harbour.audit.registry import register

register("referral.created", "Made a referral")
register("referral.public_submitted", "A concern was sent through the public form")
register("referral.viewed", "Viewed a referral", is_read=True)
register("referral.view_refused", "Asked for a referral they may not see", is_refusal=True)
register("referral.queue_viewed", "Viewed the front door queue", is_read=True)
register("referral.list_viewed", "Viewed a list of their referrals", is_read=True)
register("referral.person_linked", "Linked a referral to a person")
register("referral.triaged", "Decided a referral's route")
register("referral.triage_refused", "Tried to triage without the front-door role", is_refusal=True)
register(
    "referral.public_rate_limited",
    "The public form refused a submission: too many",
    is_refusal=True,
)
