"""Named predicates (django-rules) built on the policy's querysets, for templates and checks.

They answer single-record questions with the same queryset lists use, so they cannot disagree.
"""

from typing import Any

import rules

from harbour.access import policy


@rules.predicate
def can_view_person(user: Any, person: Any) -> bool:
    return person is not None and policy.person_visible_to(user).filter(pk=person.pk).exists()


@rules.predicate
def can_view_referral(user: Any, referral: Any) -> bool:
    return referral is not None and policy.referral_visible_to(user).filter(pk=referral.pk).exists()


@rules.predicate
def can_triage(user: Any) -> bool:
    return policy.may_triage(user)


@rules.predicate
def can_review_audit(user: Any) -> bool:
    return policy.may_review_audit(user)


rules.add_perm("people.view_person", can_view_person)
rules.add_perm("referrals.view_referral", can_view_referral)
rules.add_perm("referrals.triage", can_triage)
rules.add_perm("audit.review", can_review_audit)
