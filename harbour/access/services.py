"""Break-glass (emergency) access: granting it to one person, and reviewing each use afterwards.

See docs/adr/0004-break-glass.md. Both use cases are audited in the same transaction as the change.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from harbour.access import policy
from harbour.access.models import BreakGlassGrant, ReviewOutcome
from harbour.audit.services import record_event
from harbour.core.errors import ServiceValidationError
from harbour.people.models import Person

#: The shortest reason accepted for emergency access, counted after trimming spaces.
MIN_REASON_LENGTH = 20

REASON_TOO_SHORT = "Give a reason of at least 20 characters – say why this is an emergency"
NO_BREAK_GLASS_ROLE = "Your role does not allow emergency access to records"
NOT_INFORMATION_GOVERNANCE = "Only information governance can review emergency access"
OUTCOME_MISSING = "Select whether the emergency access was appropriate"
NOTES_MISSING = (
    "Enter review notes – say why the access was not appropriate and what will happen next"
)
ALREADY_REVIEWED = "This use of emergency access has already been reviewed"
OWN_GRANT = (
    "You cannot review your own use of emergency access – ask another information "
    "governance officer"
)


def validate_reason(reason: str) -> str:
    """The reason without surrounding spaces, or a ServiceValidationError on ``reason``."""
    cleaned = reason.strip()
    if len(cleaned) < MIN_REASON_LENGTH:
        raise ServiceValidationError({"reason": [REASON_TOO_SHORT]})
    return cleaned


@transaction.atomic
def break_glass_grant(
    *, actor: Any, person: Person, reason: str, request: HttpRequest | None = None
) -> BreakGlassGrant:
    """Give ``actor`` time-limited access to ``person`` (and their referrals), flagged for review.

    Raises PermissionDenied when the actor's roles do not allow emergency access, and
    ServiceValidationError when the reason is too short.
    """
    if not policy.may_break_glass(actor):
        raise PermissionDenied(NO_BREAK_GLASS_ROLE)
    cleaned_reason = validate_reason(reason)
    granted_at = timezone.now()
    expires_at = granted_at + datetime.timedelta(hours=settings.HARBOUR_BREAK_GLASS_HOURS)
    grant = BreakGlassGrant.objects.create(
        user=actor,
        person=person,
        reason=cleaned_reason,
        granted_at=granted_at,
        expires_at=expires_at,
    )
    record_event(
        actor=actor,
        action="access.break_glass_granted",
        subject=person,
        after={"grant_id": grant.pk, "granted_at": granted_at, "expires_at": expires_at},
        reason=cleaned_reason,
        request=request,
    )
    policy.forget_viewer(actor)
    return grant


@transaction.atomic
def break_glass_review(
    *,
    actor: Any,
    grant: BreakGlassGrant,
    outcome: str,
    notes: str,
    request: HttpRequest | None = None,
) -> BreakGlassGrant:
    """Record information governance's review of one use of emergency access.

    Raises PermissionDenied unless the actor is information governance, and
    ServiceValidationError when the outcome is missing, notes are missing for an inappropriate
    use, the grant is the reviewer's own, or it has already been reviewed.
    """
    if not policy.may_review_audit(actor):
        raise PermissionDenied(NOT_INFORMATION_GOVERNANCE)
    locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    errors: dict[str, list[str]] = {}
    if locked.reviewed_at is not None:
        raise ServiceValidationError(ALREADY_REVIEWED, code="already_reviewed")
    if locked.user_id == actor.pk:
        raise ServiceValidationError(OWN_GRANT, code="own_grant")
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [OUTCOME_MISSING]
    cleaned_notes = notes.strip()
    if outcome == ReviewOutcome.INAPPROPRIATE and not cleaned_notes:
        errors["notes"] = [NOTES_MISSING]
    if errors:
        raise ServiceValidationError(errors)
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_outcome = outcome
    locked.review_notes = cleaned_notes
    locked.save(
        update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_notes", "updated_at"]
    )
    record_event(
        actor=actor,
        action="access.break_glass_reviewed",
        subject=locked,
        before={"review_outcome": ""},
        after={
            "review_outcome": outcome,
            "review_notes": cleaned_notes,
            "grant_user_id": locked.user_id,
            "person_id": locked.person_id,
        },
        reason=cleaned_notes,
        request=request,
    )
    return locked
