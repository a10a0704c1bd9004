"""Home, health check and the service's static pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import Error as DatabaseError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from harbour.access import policy
from harbour.referrals import selectors as referral_selectors


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: what this user can do, by their roles."""
    viewer = policy.viewer_for(request.user)
    context = {
        "memberships": request.user.active_memberships(),  # type: ignore[union-attr]
        "may_refer": policy.may_refer(request.user),
        "may_triage": policy.may_triage(request.user),
        "may_review_audit": policy.may_review_audit(request.user),
        "may_break_glass": policy.may_break_glass(request.user),
        "sees_case_content": viewer.sees_case_content,
        "overdue_count": referral_selectors.overdue_count(viewer=request.user)
        if policy.may_triage(request.user)
        else 0,
        "unread_count": request.user.notifications.filter(read_at__isnull=True).count(),  # type: ignore[union-attr]
    }
    return render(request, "harbour/home.html", context)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "harbour/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "harbour/privacy.html")
