"""Named predicates (django-rules) built on the policy's querysets, for templates and checks.

They answer single-record questions with the same queryset lists use, so they cannot disagree.
"""

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from harbour.access import policy


@predicate
def can_view_person(user: Any, person: Any) -> bool:
    return person is not None and policy.person_visible_to(user).filter(pk=person.pk).exists()


@predicate
def can_view_referral(user: Any, referral: Any) -> bool:
    return referral is not None and policy.referral_visible_to(user).filter(pk=referral.pk).exists()


@predicate
def can_triage(user: Any) -> bool:
    return policy.may_triage(user)


@predicate
def can_review_audit(user: Any) -> bool:
    return policy.may_review_audit(user)


add_perm("people.view_person", can_view_person)
add_perm("referrals.view_referral", can_view_referral)
add_perm("referrals.triage", can_triage)
add_perm("audit.review", can_review_audit)
