"""The access policy: who may see which persons and referrals.

Rules (issue 2):
- a user sees a person or referral when their agency made or received it, or is involved with
  the person;
- front-door practitioners and coordinators see everything in their areas;
- information governance sees the audit log, not case content, unless granted break-glass;
- board members see no named record; administrators manage users and agencies, no case content;
- a live break-glass grant lets its holder see that one person and their referrals;
- a person merged into another (``Person.merged_into``, see ``harbour.duplicates``) is seen by
  nobody: everything that pointed at them moved to the survivor. What made the merged-away record
  visible on the person row itself (the agency that created it, its home area) counts for the
  survivor; the merge service refuses any merge that would widen access beyond what the versioned
  merge policy allows (``person_access_grounds`` is the same rule as a set of agencies and areas).

Every function returns a queryset, so "may they see this one?" is the same query as the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from harbour.accounts.models import Role

if TYPE_CHECKING:
    from harbour.assessments.models import Assessment
    from harbour.cases.models import Case
    from harbour.missing.models import MissingEpisode
    from harbour.people.models import Person
    from harbour.referrals.models import Referral
    from harbour.return_interviews.models import ReturnInterview

#: Roles that see everything in their agency's areas.
AREA_WIDE_ROLES = frozenset({Role.FRONT_DOOR, Role.COORDINATOR})
#: Roles that never see named case content through their role.
NO_CASE_CONTENT_ROLES = frozenset(
    {Role.BOARD_MEMBER, Role.INFORMATION_GOVERNANCE, Role.ADMINISTRATOR}
)
#: Roles that may ask for break-glass access.
BREAK_GLASS_ROLES = frozenset(set(Role) - {Role.BOARD_MEMBER, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Viewer:
    """What the policy needs to know about a signed-in user, read once per request."""

    user_id: Any
    roles: frozenset[str]
    casework_agency_ids: frozenset[Any]
    area_wide_area_ids: frozenset[Any]
    roles_by_agency: dict[Any, frozenset[str]]

    @property
    def sees_case_content(self) -> bool:
        return bool(self.casework_agency_ids)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


_NOBODY = Viewer(None, frozenset(), frozenset(), frozenset(), {})


def viewer_for(user: Any) -> Viewer:
    """The user's roles, agencies and areas (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOBODY
    cached = getattr(user, "_harbour_viewer", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    roles: set[str] = set()
    casework: set[Any] = set()
    area_wide: set[Any] = set()
    by_agency: dict[Any, set[str]] = {}
    for membership in user.memberships.filter(
        is_active=True, agency__is_active=True
    ).prefetch_related("agency__areas"):
        roles.add(membership.role)
        by_agency.setdefault(membership.agency_id, set()).add(membership.role)
        if membership.role not in NO_CASE_CONTENT_ROLES:
            casework.add(membership.agency_id)
        if membership.role in AREA_WIDE_ROLES:
            area_wide.update(area.pk for area in membership.agency.areas.all())
    viewer = Viewer(
        user_id=user.pk,
        roles=frozenset(roles),
        casework_agency_ids=frozenset(casework),
        area_wide_area_ids=frozenset(area_wide),
        roles_by_agency={agency: frozenset(r) for agency, r in by_agency.items()},
    )
    user._harbour_viewer = viewer
    return viewer


def forget_viewer(user: Any) -> None:
    """Drop the cached viewer (after memberships or grants change)."""
    if hasattr(user, "_harbour_viewer"):
        del user._harbour_viewer


def _break_glass_person_ids(viewer: Viewer) -> list[Any]:
    """The persons of the viewer's live break-glass grants (a handful of rows at most)."""
    from harbour.access.models import BreakGlassGrant

    return list(
        BreakGlassGrant.objects.filter(
            user_id=viewer.user_id, expires_at__gt=timezone.now()
        ).values_list("person_id", flat=True)
    )


def _agency_involved(viewer: Viewer, person_ref: str) -> Exists:
    """One of the viewer's agencies is involved with the person at ``person_ref``.

    A correlated EXISTS (an index probe per candidate row), not ``IN (subquery)``: with millions
    of involvements PostgreSQL cannot hash the subquery and the IN form took minutes.
    """
    from harbour.people.models import Involvement

    return Exists(
        Involvement.objects.filter(
            person_id=OuterRef(person_ref),
            agency_id__in=viewer.casework_agency_ids,
            ended_on__isnull=True,
        )
    )


def person_visible_to(user: Any) -> QuerySet[Person]:
    """The persons ``user`` may see. Use for lists and for single fetches alike."""
    from harbour.people.models import Person
    from harbour.referrals.models import Referral

    viewer = viewer_for(user)
    persons = Person.objects.filter(merged_into__isnull=True)
    if viewer.user_id is None:
        return persons.none()
    allowed = Q(pk__in=_break_glass_person_ids(viewer))
    merged_in = Q()
    if viewer.casework_agency_ids:
        allowed |= Q(created_by_agency_id__in=viewer.casework_agency_ids)
        allowed |= Q(_agency_involved(viewer, "pk"))
        merged_in |= Q(created_by_agency_id__in=viewer.casework_agency_ids)
    if viewer.area_wide_area_ids:
        allowed |= Q(home_area_id__in=viewer.area_wide_area_ids)
        allowed |= Q(
            Exists(
                Referral.objects.filter(
                    person_id=OuterRef("pk"), area_id__in=viewer.area_wide_area_ids
                )
            )
        )
        merged_in |= Q(home_area_id__in=viewer.area_wide_area_ids)
    if merged_in:
        # The person-row grounds of records merged into this one (see the module docstring).
        allowed |= Q(Exists(Person.objects.filter(merged_in, merged_into_id=OuterRef("pk"))))
    return persons.filter(allowed)


@dataclass(frozen=True)
class AccessGrounds:
    """Why a person is visible, as sets: casework staff of ``agency_ids``, front door and
    coordinators of agencies serving ``area_ids``, and the holders of live break-glass grants
    (``user_ids``) see them. The same rule as ``person_visible_to``, for comparing before and
    after a change (a merge must not widen it unless the merge policy says so)."""

    agency_ids: frozenset[Any]
    area_ids: frozenset[Any]
    user_ids: frozenset[Any]

    def __or__(self, other: AccessGrounds) -> AccessGrounds:
        return AccessGrounds(
            self.agency_ids | other.agency_ids,
            self.area_ids | other.area_ids,
            self.user_ids | other.user_ids,
        )

    def __le__(self, other: AccessGrounds) -> bool:
        return (
            self.agency_ids <= other.agency_ids
            and self.area_ids <= other.area_ids
            and self.user_ids <= other.user_ids
        )

    def __sub__(self, other: AccessGrounds) -> AccessGrounds:
        return AccessGrounds(
            self.agency_ids - other.agency_ids,
            self.area_ids - other.area_ids,
            self.user_ids - other.user_ids,
        )

    def __bool__(self) -> bool:
        return bool(self.agency_ids or self.area_ids or self.user_ids)


def person_access_grounds(person_id: Any) -> AccessGrounds:
    """The grounds on which anyone may see the person now (empty for a merged-away person)."""
    from harbour.access.models import BreakGlassGrant
    from harbour.people.models import Involvement, Person
    from harbour.referrals.models import Referral

    person = Person.objects.filter(pk=person_id).values("merged_into_id").first()
    if person is None or person["merged_into_id"] is not None:
        return AccessGrounds(frozenset(), frozenset(), frozenset())
    rows = Person.objects.filter(Q(pk=person_id) | Q(merged_into_id=person_id)).values_list(
        "created_by_agency_id", "home_area_id"
    )
    agencies = {agency for agency, _ in rows if agency is not None}
    areas = {area for _, area in rows if area is not None}
    agencies.update(
        Involvement.objects.filter(person_id=person_id, ended_on__isnull=True).values_list(
            "agency_id", flat=True
        )
    )
    areas.update(Referral.objects.filter(person_id=person_id).values_list("area_id", flat=True))
    users = BreakGlassGrant.objects.filter(
        person_id=person_id, expires_at__gt=timezone.now()
    ).values_list("user_id", flat=True)
    return AccessGrounds(frozenset(agencies), frozenset(areas), frozenset(users))


def merged_person_survivor(user: Any, person_id: Any) -> Person | None:
    """Where a merged-away person's page should go: the survivor, if ``user`` may see it.

    ``None`` when the person was not merged away, or the viewer may not see the survivor (the
    page is then a 404 like any other person they may not see).
    """
    from harbour.people.models import Person

    survivor_id = (
        Person.objects.filter(pk=person_id, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .first()
    )
    if survivor_id is None:
        return None
    return person_visible_to(user).filter(pk=survivor_id).first()


def referral_visible_to(user: Any) -> QuerySet[Referral]:
    """The referrals ``user`` may see. Use for lists and for single fetches alike."""
    from harbour.referrals.models import Referral

    viewer = viewer_for(user)
    referrals = Referral.objects.all()
    if viewer.user_id is None:
        return referrals.none()
    allowed = Q(person_id__in=_break_glass_person_ids(viewer))
    if viewer.casework_agency_ids:
        allowed |= Q(referrer_agency_id__in=viewer.casework_agency_ids)
        allowed |= Q(receiving_agency_id__in=viewer.casework_agency_ids)
        allowed |= Q(_agency_involved(viewer, "person_id"))
    if viewer.area_wide_area_ids:
        allowed |= Q(area_id__in=viewer.area_wide_area_ids)
    return referrals.filter(allowed)


def case_visible_to(user: Any) -> QuerySet[Case]:
    """Cases the user may see: their agency is (still) in the case, they lead it, their role
    covers the case's area, or they hold break-glass access to the child."""
    from harbour.cases.models import Case, CaseAgency

    viewer = viewer_for(user)
    cases = Case.objects.all()
    if viewer.user_id is None:
        return cases.none()
    allowed = Q(person_id__in=_break_glass_person_ids(viewer))
    if viewer.casework_agency_ids:
        allowed |= Q(lead_professional_id=viewer.user_id)
        allowed |= Q(
            Exists(
                CaseAgency.objects.filter(
                    case_id=OuterRef("pk"),
                    agency_id__in=viewer.casework_agency_ids,
                    left_at__isnull=True,
                )
            )
        )
    if viewer.area_wide_area_ids:
        allowed |= Q(area_id__in=viewer.area_wide_area_ids)
    return cases.filter(allowed)


def assessment_visible_to(user: Any) -> QuerySet[Assessment]:
    """Assessments of the children the user may see (an assessment is part of the child's
    record: whoever may see the child may see how the risk to them was judged)."""
    from harbour.assessments.models import Assessment

    viewer = viewer_for(user)
    if viewer.user_id is None:
        return Assessment.objects.none()
    return Assessment.objects.filter(
        Exists(person_visible_to(user).filter(pk=OuterRef("person_id")))
    )


def episode_visible_to(user: Any) -> QuerySet[MissingEpisode]:
    """Missing episodes of the children the user may see."""
    from harbour.missing.models import MissingEpisode

    if viewer_for(user).user_id is None:
        return MissingEpisode.objects.none()
    return MissingEpisode.objects.filter(
        Exists(person_visible_to(user).filter(pk=OuterRef("person_id")))
    )


def interview_visible_to(user: Any) -> QuerySet[ReturnInterview]:
    """Return home interviews of the children the user may see."""
    from harbour.return_interviews.models import ReturnInterview

    if viewer_for(user).user_id is None:
        return ReturnInterview.objects.none()
    return ReturnInterview.objects.filter(
        Exists(person_visible_to(user).filter(pk=OuterRef("person_id")))
    )


def person_matchable_by(user: Any) -> QuerySet[Person]:
    """Persons that may appear as "who already knows this child" candidates for ``user``.

    The front door checks the whole partnership (that is its job, and linking is what then gives
    its agency access); everyone else is matched only against persons they can already see.
    """
    from harbour.people.models import Person

    viewer = viewer_for(user)
    if viewer.has_role(Role.FRONT_DOOR):
        return Person.objects.filter(merged_into__isnull=True)
    return person_visible_to(user)


# Capabilities by role: what a user may do, separate from which records they may see.


def may_triage(user: Any) -> bool:
    return viewer_for(user).has_role(Role.FRONT_DOOR)


def areas_user_triages(user: Any) -> frozenset[Any]:
    viewer = viewer_for(user)
    return viewer.area_wide_area_ids if viewer.has_role(Role.FRONT_DOOR) else frozenset()


def may_refer(user: Any) -> bool:
    return viewer_for(user).sees_case_content


#: Roles that complete exploitation risk assessments.
ASSESSING_ROLES = frozenset(
    {
        Role.FRONT_DOOR,
        Role.LEAD_PROFESSIONAL,
        Role.POLICE_EXPLOITATION,
        Role.RETURN_INTERVIEW,
        Role.COORDINATOR,
    }
)
#: Roles that open cases and manage plans (the lead professional is named on the case).
CASE_MANAGING_ROLES = frozenset({Role.FRONT_DOOR, Role.LEAD_PROFESSIONAL, Role.COORDINATOR})


def may_assess(user: Any) -> bool:
    return viewer_for(user).has_role(*ASSESSING_ROLES)


def may_manage_cases(user: Any) -> bool:
    return viewer_for(user).has_role(*CASE_MANAGING_ROLES)


#: Roles that see the list of children whose assessment review is overdue.
OVERDUE_REVIEW_LIST_ROLES = frozenset({Role.FRONT_DOOR, Role.COORDINATOR, Role.LEAD_PROFESSIONAL})


def may_list_overdue_reviews(user: Any) -> bool:
    return viewer_for(user).has_role(*OVERDUE_REVIEW_LIST_ROLES)


#: Roles that review probable duplicates and merge or unmerge records: the front door (who
#: checks who already knows each child) and the exploitation coordinators, for the children of
#: their areas. Administrators manage the system, not case content, so they do not.
DUPLICATE_REVIEWING_ROLES = frozenset({Role.FRONT_DOOR, Role.COORDINATOR})


def may_review_duplicates(user: Any) -> bool:
    return viewer_for(user).has_role(*DUPLICATE_REVIEWING_ROLES)


def may_review_audit(user: Any) -> bool:
    return viewer_for(user).has_role(Role.INFORMATION_GOVERNANCE)


def may_break_glass(user: Any) -> bool:
    return viewer_for(user).has_role(*BREAK_GLASS_ROLES)


def may_administer(user: Any) -> bool:
    return viewer_for(user).has_role(Role.ADMINISTRATOR)


#: The access policy of each kind of record a chronology entry can point at.
def _partner_intelligence_visible_to(user: Any) -> QuerySet[Any]:
    from harbour.api.selectors import intelligence_visible_to

    return intelligence_visible_to(user)


SOURCE_POLICIES: dict[str, Callable[[Any], QuerySet[Any]]] = {
    "people.person": person_visible_to,
    "referrals.referral": referral_visible_to,
    "cases.case": case_visible_to,
    "assessments.assessment": assessment_visible_to,
    "missing.episode": episode_visible_to,
    "return_interviews.interview": interview_visible_to,
    "partner_api.intelligence": _partner_intelligence_visible_to,
}
