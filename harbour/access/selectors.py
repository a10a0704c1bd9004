"""Reads for break-glass access: the partnership-wide emergency search, and grants to review."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest

from harbour.access import policy
from harbour.access.models import BreakGlassGrant
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.matching.keys import normalise_name, soundex
from harbour.people.models import Person

#: At most this many persons are shown by an emergency search.
BREAK_GLASS_SEARCH_LIMIT = 10


def break_glass_search(
    *,
    actor: Any,
    first_names: str,
    last_name: str,
    date_of_birth: datetime.date,
    reason: str = "",
    request: HttpRequest | None = None,
) -> list[Person]:
    """Persons anywhere in the partnership with this exact date of birth and a similar surname.

    Searches every person, not only those the actor may see: that is the point of emergency
    access. A similar surname is the same Soundex code or a stored name starting with the
    surname (so "Smith" finds "Smith-Jones"). Closer first names come first; at most
    ``BREAK_GLASS_SEARCH_LIMIT`` are returned. The search and its criteria are audited.
    """
    if not policy.may_break_glass(actor):
        raise PermissionDenied("Your role does not allow emergency access to records")
    surname = normalise_name(last_name)
    given = normalise_name(first_names)
    results: list[Person] = []
    if surname:
        first_given = given.split(" ", 1)[0] if given else ""
        closer_first = [
            When(search_name__startswith=f"{surname} {given}".strip(), then=Value(0)),
        ]
        if first_given:
            closer_first.append(When(first_name_key=soundex(first_given), then=Value(1)))
        ranked = (
            Person.objects.filter(date_of_birth=date_of_birth)
            .filter(Q(last_name_key=soundex(last_name)) | Q(search_name__startswith=surname))
            .annotate(closeness=Case(*closer_first, default=Value(2), output_field=IntegerField()))
            .select_related("home_area")
            .order_by("closeness", "last_name", "first_names", "id")
        )
        results = list(ranked[:BREAK_GLASS_SEARCH_LIMIT])
    record_event(
        actor=actor,
        action="access.break_glass_searched",
        subject_type="people.person",
        after={
            "first_names": first_names.strip(),
            "last_name": last_name.strip(),
            "date_of_birth": date_of_birth,
            "result_ids": [person.pk for person in results],
        },
        reason=reason.strip(),
        request=request,
    )
    return results


def break_glass_grants_for_review(*, viewer: Any) -> QuerySet[BreakGlassGrant]:
    """Every grant, for information governance: unreviewed first, then the most recent."""
    if not policy.may_review_audit(viewer):
        raise NotFoundOrForbidden
    return BreakGlassGrant.objects.select_related("user", "person", "reviewed_by").order_by(
        Case(When(reviewed_at__isnull=True, then=Value(0)), default=Value(1)),
        "-granted_at",
    )


def break_glass_grant_for_review(*, viewer: Any, grant_id: Any) -> BreakGlassGrant:
    """One grant, for information governance. Anyone else: NotFoundOrForbidden."""
    grant = break_glass_grants_for_review(viewer=viewer).filter(pk=grant_id).first()
    if grant is None:
        raise NotFoundOrForbidden
    return grant


def unreviewed_break_glass_count(*, viewer: Any) -> int:
    """How many grants information governance has still to review."""
    return break_glass_grants_for_review(viewer=viewer).filter(reviewed_at__isnull=True).count()


def user_agency_names(user_ids: list[Any]) -> dict[Any, str]:
    """Each user's active agencies, as "Agency A, Agency B" (for review and audit tables)."""
    from harbour.accounts.models import Membership

    names: dict[Any, set[str]] = {}
    memberships = Membership.objects.filter(user_id__in=set(user_ids), is_active=True).values_list(
        "user_id", "agency__name"
    )
    for user_id, agency_name in memberships:
        names.setdefault(user_id, set()).add(agency_name)
    return {user_id: ", ".join(sorted(agencies)) for user_id, agencies in names.items()}
