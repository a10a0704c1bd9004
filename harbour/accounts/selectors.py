"""Reads for administrators: users, agencies, areas and teams. No case content is involved.

Only an administrator may read these; to anyone else every one of them looks like a page that
does not exist (``NotFoundOrForbidden``, a 404).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest

from harbour.access import policy
from harbour.accounts.models import Agency, Area, Membership, Team, User
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden

#: Users per page of the users list.
USERS_PAGE_SIZE = 50


def _require_administrator(viewer: Any) -> None:
    if not policy.may_administer(viewer):
        raise NotFoundOrForbidden


def _active_memberships() -> Prefetch[Any]:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(is_active=True).select_related("agency", "team"),
        to_attr="current_memberships",
    )


def user_list(
    *,
    viewer: User,
    query: str = "",
    agency: Agency | None = None,
    page_number: Any = 1,
    request: HttpRequest | None = None,
) -> Page[User]:
    """A page of users, searched by name, username or e-mail (every word must match) and
    filtered to those with a current role in ``agency``; each has ``current_memberships``.
    The page is audited: who looked, what they searched for and which users they were shown."""
    _require_administrator(viewer)
    users = User.objects.all()
    for word in query.split():
        users = users.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    if agency is not None:
        users = users.filter(
            pk__in=Membership.objects.filter(agency=agency, is_active=True).values("user_id")
        )
    users = users.prefetch_related(_active_memberships()).order_by(
        "last_name", "first_name", "username"
    )
    page = Paginator(users, USERS_PAGE_SIZE).get_page(page_number)
    record_event(
        actor=viewer,
        action="accounts.users_listed",
        subject_type="accounts.user",
        after={
            "query": query,
            "agency": str(agency.pk) if agency is not None else None,
            "page": page.number,
            "user_ids": [str(user.pk) for user in page.object_list],
        },
        request=request,
    )
    return page


def user_get(*, viewer: User, user_id: Any) -> User:
    """One user, for the administrator's page about them."""
    _require_administrator(viewer)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFoundOrForbidden
    return user


def user_memberships(*, viewer: User, user: User) -> QuerySet[Membership]:
    """All of a user's roles, current ones first."""
    _require_administrator(viewer)
    return (
        Membership.objects.filter(user=user)
        .select_related("agency", "team")
        .order_by("-is_active", "agency__name", "role")
    )


def membership_get(*, viewer: User, user: User, membership_id: Any) -> Membership:
    """One of ``user``'s roles."""
    _require_administrator(viewer)
    membership = (
        Membership.objects.filter(user=user, pk=membership_id)
        .select_related("user", "agency")
        .first()
    )
    if membership is None:
        raise NotFoundOrForbidden
    return membership


def agency_list(*, viewer: User) -> QuerySet[Agency]:
    """Every agency with the areas it serves and its number of people with a current role."""
    _require_administrator(viewer)
    return (
        Agency.objects.prefetch_related("areas")
        .annotate(
            current_members=Count(
                "memberships__user",
                filter=Q(memberships__is_active=True, memberships__user__is_active=True),
                distinct=True,
            )
        )
        .order_by("name")
    )


def agency_get(*, viewer: User, agency_id: Any) -> Agency:
    _require_administrator(viewer)
    agency = Agency.objects.filter(pk=agency_id).prefetch_related("areas").first()
    if agency is None:
        raise NotFoundOrForbidden
    return agency


def area_list(*, viewer: User) -> QuerySet[Area]:
    """Every area, with the number of agencies serving it."""
    _require_administrator(viewer)
    return Area.objects.annotate(agency_count=Count("agencies", distinct=True)).order_by("name")


def team_list(*, viewer: User) -> QuerySet[Team]:
    """The teams of active agencies, by agency, for choosing a user's team."""
    _require_administrator(viewer)
    return (
        Team.objects.filter(agency__is_active=True)
        .select_related("agency")
        .order_by("agency__name", "name")
    )
