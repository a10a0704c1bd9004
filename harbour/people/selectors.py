"""Reads of persons, always scoped by the viewer through the access policy."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from harbour.access import policy
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.matching.keys import normalise_name, soundex
from harbour.people.models import ChronologyEntry, Identifier, Involvement, Person

SEARCH_LIMIT = 50
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z]?[\d\s/-]{6,}[A-Za-z\d]?$")


def person_search(*, viewer: Any, query: str, request: Any = None) -> list[Person]:
    """Persons the viewer may see whose name or identifier matches ``query``."""
    query = query.strip()
    if not query:
        return []
    visible = policy.person_visible_to(viewer)
    if _IDENTIFIER_LIKE.match(query):
        compact = re.sub(r"[\s-]", "", query).upper()
        matches = visible.filter(
            pk__in=Identifier.objects.filter(
                value__in={compact, " ".join(query.split()).upper()}
            ).values("person_id")
        )
    else:
        tokens = normalise_name(query).split()
        if not tokens:
            return []
        first = tokens[0]
        narrowed = Q(search_name__startswith=first) | Q(last_name_key=soundex(first))
        if len(tokens) > 1:
            narrowed |= Q(search_name__startswith=tokens[-1])
        matches = visible.filter(narrowed)
        for token in tokens[1:]:
            matches = matches.filter(search_name__contains=token)
    results = list(
        matches.select_related("home_area").order_by("last_name", "first_names")[:SEARCH_LIMIT]
    )
    record_event(
        actor=viewer,
        action="person.searched",
        subject_type="people.person",
        after={"query": query, "result_count": len(results)},
        request=request,
    )
    return results


def person_get(*, viewer: Any, person_id: Any, request: Any = None) -> Person:
    """One person the viewer may see, with the read audited. Forbidden and missing look alike."""
    person = (
        policy.person_visible_to(viewer)
        .select_related("home_area", "created_by_agency")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        record_event(
            actor=viewer,
            action="person.view_refused",
            subject_type="people.person",
            subject_id=str(person_id),
            request=request,
        )
        raise NotFoundOrForbidden
    record_event(actor=viewer, action="person.viewed", subject=person, request=request)
    return person


def person_involvements(*, person: Person) -> QuerySet[Involvement]:
    """Which agencies know this person and through what (call after ``person_get``)."""
    return person.involvements.select_related("agency").order_by("agency__name", "-started_on")


def person_chronology(*, viewer: Any, person: Person, limit: int = 200) -> list[ChronologyEntry]:
    """The person's timeline, limited to what the viewer's agencies may see.

    Area-wide roles (front door, coordinator) see the whole timeline of a person they can see;
    others see events recorded by their own agencies, plus events of referrals they can see.
    """
    viewer_info = policy.viewer_for(viewer)
    entries = person.chronology.select_related("agency")
    area_wide = bool(viewer_info.area_wide_area_ids) and (
        person.home_area_id in viewer_info.area_wide_area_ids
        or person.referrals.filter(area_id__in=viewer_info.area_wide_area_ids).exists()
    )
    if not area_wide:
        visible_referrals = policy.referral_visible_to(viewer).filter(person=person)
        entries = entries.filter(
            Q(agency_id__in=viewer_info.casework_agency_ids)
            | Q(
                source_type="referrals.referral",
                source_id__in=[str(pk) for pk in visible_referrals.values_list("pk", flat=True)],
            )
        )
    return list(entries.order_by("-occurred_at")[:limit])
