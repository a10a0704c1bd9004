"""Who may change a case, as plain predicates (for services and views) and django-rules perms.

Seeing a case is the access policy's question (``policy.case_visible_to``); changing one is
narrower: the lead professional, a user with a case-managing role in an agency that is (still)
in the case, or the front door or coordinator of the case's area. The owner of a plan action may
also update that action.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from harbour.access import policy
from harbour.cases.models import Case, CaseAgency, PlanAction


def may_write_case(user: Any, case: Case) -> bool:
    """Whether ``user`` may change ``case`` (its agencies, lead, plan, reviews and status)."""
    viewer = policy.viewer_for(user)
    if viewer.user_id is None or not viewer.sees_case_content:
        return False
    if case.lead_professional_id == viewer.user_id:
        return True
    if case.area_id in viewer.area_wide_area_ids:
        return True
    managing_agencies = [
        agency_id
        for agency_id, roles in viewer.roles_by_agency.items()
        if roles & policy.CASE_MANAGING_ROLES
    ]
    if not managing_agencies:
        return False
    return CaseAgency.objects.filter(
        case_id=case.pk, agency_id__in=managing_agencies, left_at__isnull=True
    ).exists()


def may_update_action(user: Any, action: PlanAction) -> bool:
    """The action's owner may update it; so may anyone who may change its case."""
    viewer = policy.viewer_for(user)
    if viewer.user_id is None or not viewer.sees_case_content:
        return False
    return action.owner_id == viewer.user_id or may_write_case(user, action.case)


@predicate
def can_view_case(user: Any, case: Any) -> bool:
    return case is not None and policy.case_visible_to(user).filter(pk=case.pk).exists()


@predicate
def can_manage_case(user: Any, case: Any) -> bool:
    return case is not None and may_write_case(user, case)


add_perm("cases.view_case", can_view_case)  # type: ignore[no-untyped-call]
add_perm("cases.manage_case", can_manage_case)  # type: ignore[no-untyped-call]
