"""Break-glass pages. Thin: validate input, read through selectors, call one service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from harbour.access import policy, selectors, services
from harbour.access.forms import BreakGlassReviewForm, EmergencyGrantForm, EmergencySearchForm
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.core.templatetags.govuk import govuk_date
from harbour.people.models import Person

#: The persons the user's latest emergency search showed: only these can be granted from the page.
SEARCH_RESULTS_SESSION_KEY = "break_glass_search_results"
#: Grants listed per page for review.
REVIEW_PAGE_SIZE = 25


def _require_break_glass(request: HttpRequest) -> None:
    if not policy.may_break_glass(request.user):
        record_event(actor=request.user, action="access.break_glass_refused", request=request)
        raise Http404


@require_http_methods(["GET", "POST"])
def emergency_search(request: HttpRequest) -> HttpResponse:
    """Search the whole partnership for one person; each result offers emergency access."""
    _require_break_glass(request)
    form = EmergencySearchForm(request.POST if request.method == "POST" else None)
    results: list[Person] | None = None
    visible_ids: set[Any] = set()
    if request.method == "POST" and form.is_valid():
        results = selectors.break_glass_search(
            actor=request.user,
            first_names=form.cleaned_data["first_names"],
            last_name=form.cleaned_data["last_name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
        request.session[SEARCH_RESULTS_SESSION_KEY] = [str(person.pk) for person in results]
        visible_ids = set(
            policy.person_visible_to(request.user)
            .filter(pk__in=[person.pk for person in results])
            .values_list("pk", flat=True)
        )
    return render(
        request,
        "access/emergency_search.html",
        {
            "form": form,
            "results": results,
            "visible_ids": visible_ids,
            "reason": form.cleaned_data["reason"] if results is not None else "",
            "hours": settings.HARBOUR_BREAK_GLASS_HOURS,
        },
    )


@require_POST
def emergency_grant(request: HttpRequest) -> HttpResponse:
    """Grant emergency access to a person the user's last emergency search showed them."""
    _require_break_glass(request)
    form = EmergencyGrantForm(request.POST)
    if form.is_valid():
        shown = request.session.get(SEARCH_RESULTS_SESSION_KEY, [])
        person_id = str(form.cleaned_data["person"])
        if person_id not in shown:
            record_event(
                actor=request.user,
                action="access.break_glass_refused",
                subject_type="people.person",
                subject_id=person_id,
                reason="Not among the results of the user's last emergency search",
                request=request,
            )
            raise Http404
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise Http404
        try:
            grant = services.break_glass_grant(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(SEARCH_RESULTS_SESSION_KEY, None)
            messages.success(
                request,
                f"You have emergency access to {person.full_name} until "
                f"{govuk_date(grant.expires_at)}. Information governance will review it.",
            )
            return redirect(reverse("people:detail", args=[person.pk]))
    # Only a tampered or stale button gets here: start the search again, showing why.
    search_form = EmergencySearchForm()
    return render(
        request,
        "access/emergency_search.html",
        {
            "form": search_form,
            "grant_form": form,
            "results": None,
            "visible_ids": set(),
            "reason": "",
            "hours": settings.HARBOUR_BREAK_GLASS_HOURS,
        },
        status=400,
    )


def _grant_rows(grants: list[Any]) -> list[dict[str, Any]]:
    agencies = selectors.user_agency_names([grant.user_id for grant in grants])
    return [{"grant": grant, "agencies": agencies.get(grant.user_id, "")} for grant in grants]


@require_http_methods(["GET"])
def review_list(request: HttpRequest) -> HttpResponse:
    """Information governance: every use of emergency access, those still to review first."""
    try:
        grants = selectors.break_glass_grants_for_review(viewer=request.user)
    except NotFoundOrForbidden:
        raise Http404 from None
    page = Paginator(grants, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "access/review_list.html",
        {
            "page": page,
            "rows": _grant_rows(list(page.object_list)),
            "unreviewed_count": selectors.unreviewed_break_glass_count(viewer=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def review_grant(request: HttpRequest, grant_id: Any) -> HttpResponse:
    """Information governance: review one use of emergency access."""
    try:
        grant = selectors.break_glass_grant_for_review(viewer=request.user, grant_id=grant_id)
    except NotFoundOrForbidden:
        raise Http404 from None
    form = BreakGlassReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and grant.reviewed_at is None and form.is_valid():
        try:
            services.break_glass_review(
                actor=request.user,
                grant=grant,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Review of {grant.user}'s emergency access saved")
            return redirect("access:review_list")
    return render(
        request,
        "access/review_grant.html",
        {
            "grant": grant,
            "agencies": selectors.user_agency_names([grant.user_id]).get(grant.user_id, ""),
            "form": form,
            "is_own": grant.user_id == request.user.pk,
            "is_live": grant.expires_at > timezone.now(),
        },
    )
