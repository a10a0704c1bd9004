"""Reads for the partner API, each scoped by the credential's service user through the access
policy, and the access policy of partner intelligence (for the chronology)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from harbour.access import policy
from harbour.accounts.models import Agency, Role
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.matching.scorer import ChildDetails
from harbour.matching.services import match_child_for_viewer
from harbour.people.models import Involvement
from harbour.referrals.models import Referral

from .models import PartnerCredential, PartnerIntelligence

#: Roles that see partner intelligence about the children of their agencies' areas.
INTELLIGENCE_READING_ROLES = frozenset({Role.POLICE_EXPLOITATION, Role.COORDINATOR})


def intelligence_visible_to(user: Any) -> QuerySet[PartnerIntelligence]:
    """Partner intelligence the user may see: about a child they may see, and either sent by
    one of their agencies or in an area where they are a police exploitation officer or a
    coordinator. Others involved with the child (a school, a GP) do not see it."""
    viewer = policy.viewer_for(user)
    if viewer.user_id is None or not viewer.casework_agency_ids:
        return PartnerIntelligence.objects.none()
    reading_agency_ids = [
        agency_id
        for agency_id, roles in viewer.roles_by_agency.items()
        if roles.intersection(INTELLIGENCE_READING_ROLES)
    ]
    allowed = Q(agency_id__in=viewer.casework_agency_ids)
    if reading_agency_ids:
        area_ids = Agency.areas.through.objects.filter(agency_id__in=reading_agency_ids).values(
            "area_id"
        )
        allowed |= Q(area_id__in=area_ids)
    return PartnerIntelligence.objects.filter(allowed).filter(
        Exists(policy.person_visible_to(user).filter(pk=OuterRef("person_id")))
    )


def referral_outcome_get(
    *, credential: PartnerCredential, referral_id: Any, request: Any = None
) -> Referral:
    """A referral the credential's agency made (and may still see), with its decision. Any other
    referral, or none, is the same 404. Reading it is audited."""
    viewer = credential.service_user
    referral = (
        policy.referral_visible_to(viewer)
        .filter(referrer_agency=credential.agency, pk=referral_id)
        .select_related("decision")
        .first()
    )
    if referral is None:
        raise NotFoundOrForbidden
    record_event(
        actor=viewer,
        action="partner_api.referral_outcome_viewed",
        subject=referral,
        after={"credential_id": str(credential.pk), "status": referral.status},
        request=request,
    )
    return referral


def episode_get(*, credential: PartnerCredential, episode_id: Any, request: Any = None) -> Any:
    """A missing episode the credential's agency reported (and may still see): its status,
    return and interview clock. Any other episode, or none, is the same 404. Audited."""
    from harbour.missing.models import MissingEpisode

    viewer = credential.service_user
    episode: MissingEpisode | None = (
        policy.episode_visible_to(viewer)
        .filter(pk=episode_id, reports__reported_by_agency=credential.agency)
        .distinct()
        .first()
    )
    if episode is None:
        raise NotFoundOrForbidden
    record_event(
        actor=viewer,
        action="partner_api.episode_viewed",
        subject=episode,
        after={"credential_id": str(credential.pk), "status": episode.status},
        request=request,
    )
    return episode


@dataclass
class KnownCandidate:
    """A person the caller may see who may be the child asked about, and who knows them."""

    person_id: Any
    score: float
    reasons: list[str]
    agencies: list[Agency] = field(default_factory=list)


def children_known(
    *, credential: PartnerCredential, details: ChildDetails, request: Any = None
) -> list[KnownCandidate]:
    """ "Is this child known, and to which agencies?" Only persons the caller's agency may see
    are answered (never whether anyone else exists), each with the agencies currently
    involved. The question and the answer's person ids are audited."""
    viewer = credential.service_user
    candidates = match_child_for_viewer(viewer=viewer, details=details, request=request)
    visible_ids = set(
        policy.person_visible_to(viewer)
        .filter(pk__in=[c.person.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    answer = [c for c in candidates if c.person.pk in visible_ids]
    involvements = (
        Involvement.objects.filter(
            person_id__in=[c.person.pk for c in answer],
            ended_on__isnull=True,
            agency__is_active=True,
        )
        .select_related("agency")
        .order_by("agency__name")
    )
    agencies_by_person: dict[Any, dict[Any, Agency]] = {}
    for involvement in involvements:
        agencies_by_person.setdefault(involvement.person_id, {}).setdefault(
            involvement.agency_id, involvement.agency
        )
    known = [
        KnownCandidate(
            person_id=c.person.pk,
            score=float(c.score),
            reasons=[str(reason) for reason in c.reasons],
            agencies=list(agencies_by_person.get(c.person.pk, {}).values()),
        )
        for c in answer
    ]
    record_event(
        actor=viewer,
        action="partner_api.child_queried",
        subject_type="people.person",
        after={
            "credential_id": str(credential.pk),
            "person_ids": [str(k.person_id) for k in known],
        },
        request=request,
    )
    return known
