"""Who may act on return home interviews, as plain predicates for services and views.

The interview is offered, recorded and completed by someone independent of the child's carers:
a user holding the ``return_interview`` role (the commissioned return interview service) in an
active agency that serves the episode's area. Carers, social workers and the police record the
episode and the return, never the interview (ADR 0009).
"""

from __future__ import annotations

from typing import Any

from harbour.accounts.models import Agency, Membership, Role


def _worker_memberships(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, role=Role.RETURN_INTERVIEW, is_active=True, agency__is_active=True
    )


def worker_agency(user: Any, area_id: Any) -> Agency | None:
    """The agency through which ``user`` is an independent return interview worker for the
    area (the first by name when several), or None."""
    membership = (
        _worker_memberships(user)
        .filter(agency__areas=area_id)
        .select_related("agency")
        .order_by("agency__name")
        .first()
    )
    return membership.agency if membership is not None else None


def worker_area_ids(user: Any) -> set[Any]:
    """The areas ``user`` conducts return interviews for."""
    return set(
        _worker_memberships(user)
        .filter(agency__areas__isnull=False)
        .values_list("agency__areas", flat=True)
    )


def is_worker(user: Any) -> bool:
    return bool(_worker_memberships(user).exists())
