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


#: A person's timeline is read whole (up to this many events) and then filtered by access.
CHRONOLOGY_MAX_EVENTS = 5000


def person_chronology(*, viewer: Any, person: Person, limit: int = 500) -> list[ChronologyEntry]:
    """The person's timeline across modules, showing only events whose source record the viewer
    may see (each source type is checked through its own access policy; an event of a type
    with no policy is never shown)."""
    entries = list(
        person.chronology.select_related("agency").order_by("-occurred_at")[:CHRONOLOGY_MAX_EVENTS]
    )
    ids_by_type: dict[str, set[str]] = {}
    for entry in entries:
        ids_by_type.setdefault(entry.source_type, set()).add(entry.source_id)
    visible: set[tuple[str, str]] = set()
    for source_type, ids in ids_by_type.items():
        visible_to = policy.SOURCE_POLICIES.get(source_type)
        if visible_to is None:
            continue
        for pk in visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True):
            visible.add((source_type, str(pk)))
    return [e for e in entries if (e.source_type, e.source_id) in visible][:limit]
