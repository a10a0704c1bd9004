"""Template context every page needs: demo mode and the navigation for the user's roles."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from harbour.access import policy
from harbour.accounts.models import Role
from harbour.imports.rules import may_import_anything
from harbour.panels import rules as panel_rules


def _nav_items(request: HttpRequest) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [("Home", reverse("core:home"))]
    if policy.may_refer(user):
        items += [
            ("Make a referral", reverse("referrals:create")),
            ("My referrals", reverse("referrals:mine")),
            ("People", reverse("people:search")),
        ]
    if policy.may_triage(user):
        items.append(("Front door queue", reverse("referrals:queue")))
    if policy.may_review_duplicates(user):
        items.append(("Possible duplicates", reverse("duplicates:queue")))
    if may_import_anything(user):
        items.append(("Imports", reverse("imports:sources")))
    if policy.viewer_for(user).has_role(Role.LEAD_PROFESSIONAL):
        items.append(("My cases", reverse("cases:mine")))
    if policy.viewer_for(user).has_role(Role.COORDINATOR):
        items.append(("Missing children", reverse("oversight:missing")))
    if panel_rules.shows_panels_in_navigation(user):
        items.append(("Panels", reverse("panels:list")))
    if panel_rules.shows_panel_actions_in_navigation(user):
        items.append(("Panel actions", reverse("panels:actions")))
    if panel_rules.may_audit_escalations(user):
        items.append(("Escalations", reverse("panels:escalations")))
    if policy.may_list_overdue_reviews(user):
        items.append(("Reviews due", reverse("assessments:overdue")))
    if policy.may_review_audit(user):
        items.append(("Information governance", reverse("audit:governance")))
    if policy.may_administer(user):
        items.append(("Administration", reverse("accounts:manage")))
    items.append(("Notifications", reverse("notifications:inbox")))
    return items


def harbour(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    home = reverse("core:home")
    nav = [
        {
            "label": label,
            "url": url,
            "active": path == url if url == home else path.startswith(url),
        }
        for label, url in _nav_items(request)
    ]
    return {"harbour_demo_mode": settings.HARBOUR_DEMO_MODE, "harbour_nav": nav}
