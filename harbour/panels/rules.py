"""Who may do what with panels, their actions, escalations and minutes.

Seeing a child's record stays the access policy's question (``access.policy``). These rules cover
the panel's own records:

- set up panels and schedule meetings: administrators and exploitation coordinators (for the
  areas their agency serves; a pan-area panel by any coordinator); the chair schedules meetings of
  their own panel;
- a panel action is seen by its owner, the owner's line manager, the panel's chair and the
  coordinators of the panel's area (every coordinator for a pan-area panel); its owner and the
  chair may update it;
- an escalation is seen by whoever may see its action, its recipients, and information governance
  (who audit the escalation log across areas and agencies); its owner's manager and the chair
  resolve it.

Every function returns a queryset or a plain boolean, so a list and "may they see this one?" are
the same rule.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from harbour.access import policy
from harbour.accounts.models import Role
from harbour.panels.models import Escalation, Panel, PanelAction


def _coordinator_area_ids(user: Any) -> frozenset[Any] | None:
    """The areas ``user`` coordinates, or ``None`` if they are not a coordinator."""
    viewer = policy.viewer_for(user)
    if not viewer.has_role(Role.COORDINATOR):
        return None
    return viewer.area_wide_area_ids


def may_set_up_panels(user: Any) -> bool:
    viewer = policy.viewer_for(user)
    return viewer.has_role(Role.ADMINISTRATOR, Role.COORDINATOR)


def may_manage_panel(user: Any, panel: Panel) -> bool:
    """Change a panel's members and terms of reference, or schedule its meetings."""
    viewer = policy.viewer_for(user)
    if viewer.user_id is None:
        return False
    if panel.chair_id == viewer.user_id or viewer.has_role(Role.ADMINISTRATOR):
        return True
    areas = _coordinator_area_ids(user)
    return areas is not None and (panel.area_id is None or panel.area_id in areas)


def panels_visible_to(user: Any) -> QuerySet[Panel]:
    """Panels the user chairs, sits on (actively), or manages."""
    viewer = policy.viewer_for(user)
    if viewer.user_id is None:
        return Panel.objects.none()
    if viewer.has_role(Role.ADMINISTRATOR):
        return Panel.objects.all()
    scope = Q(chair_id=viewer.user_id) | Q(members__user_id=viewer.user_id, members__is_active=True)
    areas = _coordinator_area_ids(user)
    if areas is not None:
        scope |= Q(area__isnull=True) | Q(area_id__in=areas)
    return Panel.objects.filter(pk__in=Panel.objects.filter(scope).values("pk"))


def panel_actions_visible_to(user: Any) -> QuerySet[PanelAction]:
    """Owner, owner's line manager, the panel's chair, the coordinators of the panel's area.

    Written as ``owner_id IN (...) OR panel_id IN (...)`` on the action's own columns, so the
    database can use the owner and panel indexes rather than reading every action."""
    from harbour.accounts.models import User

    viewer = policy.viewer_for(user)
    if viewer.user_id is None or not viewer.sees_case_content:
        return PanelAction.objects.none()
    panel_scope = Q(chair_id=viewer.user_id)
    areas = _coordinator_area_ids(user)
    if areas is not None:
        panel_scope |= Q(area__isnull=True) | Q(area_id__in=areas)
    reports = User.objects.filter(line_manager_id=viewer.user_id).values("pk")
    return PanelAction.objects.filter(
        Q(owner_id=viewer.user_id)
        | Q(owner_id__in=reports)
        | Q(panel_id__in=Panel.objects.filter(panel_scope).values("pk"))
    )


def may_update_panel_action(user: Any, action: PanelAction) -> bool:
    user_id = policy.viewer_for(user).user_id
    return user_id is not None and user_id in (action.owner_id, action.panel.chair_id)


def escalations_visible_to(user: Any) -> QuerySet[Escalation]:
    viewer = policy.viewer_for(user)
    if viewer.user_id is None:
        return Escalation.objects.none()
    if viewer.has_role(Role.INFORMATION_GOVERNANCE):
        return Escalation.objects.all()
    scope = Q(recipients__pk=viewer.user_id) | Q(owner_id=viewer.user_id)
    scope |= Q(action__in=panel_actions_visible_to(user))
    return Escalation.objects.filter(pk__in=Escalation.objects.filter(scope).values("pk"))


def may_resolve_escalation(user: Any, escalation: Escalation) -> bool:
    user_id = policy.viewer_for(user).user_id
    return user_id is not None and user_id in (escalation.owner_manager_id, escalation.chair_id)


def may_audit_escalations(user: Any) -> bool:
    """The escalation log by area and agency: information governance and coordinators."""
    return policy.viewer_for(user).has_role(Role.INFORMATION_GOVERNANCE, Role.COORDINATOR)


def shows_panels_in_navigation(user: Any) -> bool:
    """Panel members, coordinators, administrators, and anyone who chairs or sits on a panel."""
    viewer = policy.viewer_for(user)
    if viewer.user_id is None:
        return False
    if viewer.has_role(Role.PANEL_MEMBER, Role.COORDINATOR, Role.ADMINISTRATOR):
        return True
    return panels_visible_to(user).exists()


def shows_panel_actions_in_navigation(user: Any) -> bool:
    """Whoever may see at least one panel action (owners, their managers, chairs, coordinators)."""
    viewer = policy.viewer_for(user)
    if viewer.has_role(Role.PANEL_MEMBER, Role.COORDINATOR):
        return viewer.sees_case_content
    return panel_actions_visible_to(user).exists()
