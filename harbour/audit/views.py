"""Information governance pages. Every other role gets 404: these pages do not exist for them.

Information governance sees who did what and why; it never sees case content here.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from harbour.access import policy
from harbour.access.selectors import unreviewed_break_glass_count
from harbour.audit import selectors
from harbour.audit.forms import AuditLogFilterForm, PersonLookupForm
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden


def _require_governance(request: HttpRequest) -> None:
    if not policy.may_review_audit(request.user):
        raise Http404


@require_GET
def governance(request: HttpRequest) -> HttpResponse:
    """The information governance landing page, with a look-up of a person by id."""
    _require_governance(request)
    form = PersonLookupForm(request.GET if "person_id" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("audit:person_access", person_id=form.cleaned_data["person_id"])
    return render(
        request,
        "audit/governance.html",
        {"form": form, "unreviewed_count": unreviewed_break_glass_count(viewer=request.user)},
    )


@require_GET
def person_access(request: HttpRequest, person_id: Any) -> HttpResponse:
    """ "Who has seen this person": every event about them, their referrals and emergency access."""
    _require_governance(request)
    try:
        person = selectors.governance_person(viewer=request.user, person_id=person_id)
    except NotFoundOrForbidden:
        raise Http404 from None
    record_event(
        actor=request.user,
        action="audit.person_access_viewed",
        subject=person,
        request=request,
    )
    history = selectors.person_access_history(
        viewer=request.user, person_id=person.pk, page_number=request.GET.get("page")
    )
    return render(request, "audit/person_access.html", {"person": person, "history": history})


@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filterable by action, user and dates."""
    _require_governance(request)
    filtering = any(request.GET.get(key) for key in request.GET if key != "page")
    form = AuditLogFilterForm(request.GET if filtering else None)
    history = None
    if not filtering or form.is_valid():
        data = form.cleaned_data if filtering else {}
        user = data.get("user")
        filters = selectors.LogFilters(
            action=data.get("action", ""),
            actor_id=user.pk if user is not None else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        record_event(
            actor=request.user,
            action="audit.log_viewed",
            after={
                "action": filters.action,
                "user": user.get_username() if user is not None else "",
                "date_from": filters.date_from,
                "date_to": filters.date_to,
                "page": request.GET.get("page", "1"),
            },
            request=request,
        )
        history = selectors.audit_events_page(
            viewer=request.user, filters=filters, page_number=request.GET.get("page")
        )
    return render(request, "audit/log.html", {"form": form, "history": history})
