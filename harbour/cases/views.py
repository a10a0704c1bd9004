"""Case pages. Thin: validate input, read through selectors (which audit), call one service,
render. A case the viewer may not see, or may not change, is a 404 like a missing one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from harbour.access import policy
from harbour.cases import selectors, services
from harbour.cases.forms import (
    ActionForm,
    ActionUpdateForm,
    AgencyJoinForm,
    AgencyLeaveForm,
    CaseOpenForm,
    CloseForm,
    GoalForm,
    LeadChangeForm,
    ReopenForm,
    ReviewForm,
    StepDownForm,
)
from harbour.cases.models import Case, CaseStatus, PlanAction
from harbour.cases.rules import may_update_action, may_write_case
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.forms import GovukForm
from harbour.core.service_errors import add_service_errors
from harbour.referrals import selectors as referral_selectors

#: The assessments app's "start an assessment" page (it takes ``person`` and ``case``).
ASSESSMENT_START_PATH = "/assessments/new/"


def _case(request: HttpRequest, case_id: Any) -> Case:
    return selectors.case_get(viewer=request.user, case_id=case_id, request=request)


def _writable_case(request: HttpRequest, case_id: Any) -> Case:
    case = _case(request, case_id)
    if not may_write_case(request.user, case):
        raise NotFoundOrForbidden
    return case


def _form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: GovukForm,
    run: Callable[[dict[str, Any]], object],
    success: str,
    template: str = "cases/case_form.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show ``form``; on a valid POST call the service, then back to the case page."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except PermissionDenied as error:
            raise NotFoundOrForbidden from error
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("cases:detail", case.pk)
    return render(request, template, {"case": case, "form": form, **(context or {})})


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# Lists and the case page ------------------------------------------------------------------


def my_cases(request: HttpRequest) -> HttpResponse:
    if not policy.may_refer(request.user):
        raise NotFoundOrForbidden
    rows = selectors.my_cases(viewer=request.user, request=request)
    overdue = sum(1 for row in rows if row.has_overdue)
    missing = selectors.missing_for_children([row.case.person_id for row in rows])
    rows_with_missing = [(row, missing.get(row.case.person_id)) for row in rows]
    return render(
        request,
        "cases/my_cases.html",
        {"rows": rows, "rows_with_missing": rows_with_missing, "overdue_count": overdue},
    )


def case_detail(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    assessment = selectors.current_assessment(case.person)
    may_write = may_write_case(request.user, case)
    actions = list(case.actions.select_related("owner", "owner_agency", "goal"))
    context = {
        "case": case,
        "today": timezone.localdate(),
        "assessment": assessment,
        "risk_level_label": _level_label(assessment),
        "assessment_start_url": ASSESSMENT_START_PATH
        + "?"
        + urlencode({"person": str(case.person_id), "case": str(case.pk)}),
        "may_write": may_write and case.status != CaseStatus.CLOSED,
        "may_assess": policy.may_assess(request.user) and case.status != CaseStatus.CLOSED,
        "may_change_status": may_write,
        "memberships": case.agency_memberships.select_related("agency").order_by(
            "left_at", "agency__name"
        ),
        "goals": case.goals.all(),
        "actions": actions,
        "updatable_action_ids": {
            action.pk
            for action in actions
            if case.status != CaseStatus.CLOSED
            and (may_write or action.owner_id == request.user.pk)
        },
        "reviews": case.reviews.select_related("reviewed_by"),
        "status_changes": case.status_changes.select_related("changed_by"),
    }
    return render(request, "cases/case_detail.html", context)


# Opening ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    """Open a case from a triage decision: ``/cases/new/?referral=<uuid>``."""
    if not policy.may_manage_cases(request.user):
        raise NotFoundOrForbidden
    try:
        referral_id = uuid.UUID(request.GET.get("referral", ""))
    except ValueError:
        raise NotFoundOrForbidden from None
    referral = referral_selectors.referral_get(
        viewer=request.user, referral_id=referral_id, request=request
    )
    form = CaseOpenForm(
        _post(request),
        area=referral.area,
        initial={"exploitation_types": [concern.category for concern in referral.concerns.all()]},
    )
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["lead_professional"]
        try:
            case = services.case_open(
                actor=request.user,
                referral=referral,
                lead_professional=membership.user,
                lead_agency=membership.agency,
                exploitation_types=form.cleaned_data["exploitation_types"],
                agencies=form.cleaned_data["agencies"],
                plan_review_due_on=form.cleaned_data["plan_review_due_on"],
                request=request,
            )
        except PermissionDenied as error:
            raise NotFoundOrForbidden from error
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case opened for {case.person.full_name}.")
            return redirect("cases:detail", case.pk)
    existing = (
        selectors.live_case_for_person(viewer=request.user, person=referral.person)
        if referral.person is not None
        else None
    )
    context = {
        "referral": referral,
        "form": form,
        "blockers": [message for _, message in services.case_open_blockers(referral=referral)],
        "existing": existing,
    }
    return render(request, "cases/case_open.html", context)


# Agencies and the lead --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agency_join(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = AgencyJoinForm(_post(request), case=case)
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.case_agency_join(
            actor=request.user, case=case, agency=data["agency"], request=request
        ),
        success="The agency has joined the case.",
        context={
            "page_title": "Add an agency to the case",
            "intro": "Joining the case lets the agency's staff see the child's record.",
            "button": "Add agency",
        },
    )


@require_http_methods(["GET", "POST"])
def agency_leave(request: HttpRequest, case_id: Any, agency_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    membership = (
        case.agency_memberships.filter(agency_id=agency_id, left_at__isnull=True)
        .select_related("agency")
        .first()
    )
    if membership is None:
        raise NotFoundOrForbidden
    agency = membership.agency
    form = AgencyLeaveForm(_post(request))
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.case_agency_leave(
            actor=request.user, case=case, agency=agency, reason=data["reason"], request=request
        ),
        success=f"{agency} has left the case.",
        context={
            "page_title": f"Remove {agency} from the case",
            "intro": f"{agency}'s staff will no longer see the child's record through this "
            "case. They keep any access they have another way, such as a referral.",
            "button": "Remove agency",
            "warning": agency.pk == case.lead_agency_id,
        },
    )


@require_http_methods(["GET", "POST"])
def lead_change(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = LeadChangeForm(_post(request), case=case)

    def run(data: dict[str, Any]) -> object:
        membership = data["lead_professional"]
        return services.case_change_lead(
            actor=request.user,
            case=case,
            lead_professional=membership.user,
            lead_agency=membership.agency,
            reason=data["reason"],
            request=request,
        )

    return _form_page(
        request,
        case=case,
        form=form,
        run=run,
        success="The lead professional has changed.",
        context={
            "page_title": "Change the lead professional",
            "intro": f"The lead professional is {case.lead_professional} ({case.lead_agency}). "
            "The new lead professional's agency joins the case if it is not already in it.",
            "button": "Change lead professional",
        },
    )


# The plan and reviews ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = GoalForm(_post(request))
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.goal_add(actor=request.user, case=case, request=request, **data),
        success="Goal added to the plan.",
        context={
            "page_title": "Add a goal to the plan",
            "intro": "Goals are agreed with the child wherever possible, in their words.",
            "button": "Add goal",
        },
    )


@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = ActionForm(_post(request), case=case)
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.action_add(
            actor=request.user, case=case, request=request, **data
        ),
        success="Action added to the plan.",
        context={"page_title": "Add an action to the plan", "button": "Add action"},
    )


@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, case_id: Any, action_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    action: PlanAction | None = (
        case.actions.filter(pk=action_id).select_related("owner", "owner_agency").first()
    )
    if action is None or not may_update_action(request.user, action):
        raise NotFoundOrForbidden
    form = ActionUpdateForm(_post(request), initial={"status": action.status})
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.action_update(
            actor=request.user, action=action, request=request, **data
        ),
        success="Action updated.",
        template="cases/action_update.html",
        context={"action": action, "updates": action.updates.select_related("changed_by")},
    )


@require_http_methods(["GET", "POST"])
def review_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = ReviewForm(_post(request))
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.review_record(
            actor=request.user, case=case, request=request, **data
        ),
        success="Review recorded.",
        context={
            "page_title": "Record a review",
            "intro": "The date of the next review becomes the plan's review date.",
            "button": "Record review",
        },
    )


# Status -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def step_down(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = StepDownForm(_post(request))
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.case_step_down(
            actor=request.user, case=case, request=request, **data
        ),
        success="The case has stepped down to monitoring.",
        context={
            "page_title": "Step the case down to monitoring",
            "intro": "The agencies stay in the case while it is monitored.",
            "button": "Step down",
        },
    )


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = CloseForm(_post(request))
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.case_close(
            actor=request.user, case=case, request=request, **data
        ),
        success="The case is closed.",
        context={
            "page_title": "Close the case",
            "intro": "The agencies stay in a closed case, and keep access to the child's record, "
            "until they leave it.",
            "button": "Close case",
        },
    )


@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _writable_case(request, case_id)
    form = ReopenForm(_post(request))
    title = "Reopen the case" if case.status == CaseStatus.CLOSED else "Return the case to open"
    return _form_page(
        request,
        case=case,
        form=form,
        run=lambda data: services.case_reopen(
            actor=request.user, case=case, request=request, **data
        ),
        success="The case is open.",
        context={"page_title": title, "button": title},
    )


def _level_label(assessment: Any) -> str:
    """The level as the assessment's own catalogue version names it."""
    if assessment is None:
        return ""
    from harbour.assessments.selectors import catalogue_of

    return catalogue_of(assessment).label_for(assessment.level)
