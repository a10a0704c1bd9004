"""Risk assessment pages. Thin: read through selectors and the access policy, call one service,
render."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from harbour.access import policy
from harbour.accounts.models import Agency, Area
from harbour.assessments import selectors, services
from harbour.assessments.catalogue import Catalogue, catalogue_for_area
from harbour.assessments.display import explanation_view, level_colour
from harbour.assessments.forms import AreaChoiceForm, AssessmentForm, OverdueFilterForm
from harbour.assessments.models import StartedFrom
from harbour.assessments.suggestion import Suggestion
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.people import selectors as people_selectors
from harbour.people.models import Person

#: Who sees the list of overdue assessment reviews.


def may_list_overdue_reviews(user: Any) -> bool:
    return policy.may_list_overdue_reviews(user)


def _uuid(value: str | None) -> uuid.UUID | None:
    """A query parameter as a UUID; anything malformed is treated as not found."""
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFoundOrForbidden from None


@dataclass(frozen=True)
class Start:
    """Where an assessment starts from: the child, and the referral or case if any."""

    person: Person
    referral: Any
    case: Any
    area: Area | None

    @property
    def fixed_start(self) -> str | None:
        if self.case is not None:
            return StartedFrom.CASE
        if self.referral is not None:
            return StartedFrom.TRIAGE
        return None


def _start(request: HttpRequest) -> Start:
    person_id = _uuid(request.GET.get("person"))
    if person_id is None:
        raise NotFoundOrForbidden
    person = people_selectors.person_get(viewer=request.user, person_id=person_id, request=request)
    referral = case = None
    referral_id = _uuid(request.GET.get("referral"))
    if referral_id is not None:
        referral = (
            policy.referral_visible_to(request.user)
            .select_related("area")
            .filter(pk=referral_id, person=person)
            .first()
        )
        if referral is None:
            raise NotFoundOrForbidden
    case_id = _uuid(request.GET.get("case"))
    if case_id is not None:
        case = (
            policy.case_visible_to(request.user)
            .select_related("area")
            .filter(pk=case_id, person=person)
            .first()
        )
        if case is None:
            raise NotFoundOrForbidden
    area_id = _uuid(request.GET.get("area"))
    area: Area | None
    if area_id is not None:
        area = Area.objects.filter(pk=area_id).first()
        if area is None:
            raise NotFoundOrForbidden
    elif case is not None:
        area = case.area
    elif referral is not None:
        area = referral.area
    else:
        area = person.home_area
    return Start(person=person, referral=referral, case=case, area=area)


def _suggestion_context(suggestion: Suggestion | None, catalogue: Catalogue) -> dict[str, Any]:
    if suggestion is None:
        return {"suggestion": None}
    return {
        "suggestion": suggestion,
        "explanation": explanation_view(suggestion.explanation, catalogue),
    }


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest) -> HttpResponse:
    """Start, answer and complete an assessment: ``?person=<uuid>`` and optionally
    ``&referral=<uuid>`` or ``&case=<uuid>`` (and ``&area=<uuid>`` when the child's area is not
    known). "Get a suggested level" re-shows the page with the suggestion and the decision
    section; "Complete assessment" saves it."""
    if not policy.may_assess(request.user):
        raise NotFoundOrForbidden
    start = _start(request)
    if start.area is None:
        return render(
            request,
            "assessments/area_choice.html",
            {
                "start": start,
                "form": AreaChoiceForm(request.GET if "area" in request.GET else None),
            },
        )
    catalogue = catalogue_for_area(start.area)
    form_kwargs: dict[str, Any] = {
        "catalogue": catalogue,
        "agencies": Agency.objects.filter(pk__in=services.assessing_agency_ids(request.user)),
        "contributors": Agency.objects.filter(is_active=True, areas=start.area).distinct(),
        "fixed_start": start.fixed_start,
    }
    suggestion = None
    if request.method == "POST":
        form = AssessmentForm(request.POST, **form_kwargs)
        if form.is_valid():
            suggestion, assessment = _handle_post(request, form, start, start.area, catalogue)
            if assessment is not None:
                messages.success(request, "Assessment completed.")
                return redirect("assessments:detail", assessment.pk)
    else:
        initial: dict[str, Any] = {}
        if start.fixed_start is None and start.person.assessments.exists():
            initial["started_from"] = StartedFrom.REVIEW
        form = AssessmentForm(initial=initial, **form_kwargs)
    if suggestion is not None:
        form.mark_suggested(suggestion.level)
    context = {
        "form": form,
        "start": start,
        "person": start.person,
        "catalogue": catalogue,
        "age": start.person.age_on(),
        **_suggestion_context(suggestion, catalogue),
    }
    return render(request, "assessments/assessment_form.html", context)


def _handle_post(
    request: HttpRequest, form: AssessmentForm, start: Start, area: Area, catalogue: Catalogue
) -> tuple[Suggestion | None, Any]:
    """Suggest or complete. Returns the suggestion to show (if any) and the saved assessment."""
    if form.cleaned_data["catalogue"] != catalogue.label:
        form.add_error(
            None,
            "The assessment questions changed since this page was opened. Check your answers "
            "against the questions below, then ask for a suggested level again",
        )
        return None, None
    answers = form.answers()
    if request.POST.get("action") == "suggest":
        try:
            previewed = services.assessment_suggest(
                actor=request.user,
                person=start.person,
                area=area,
                answers=answers,
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
            return None, None
        return previewed, None
    suggestion = services.suggestion_for(person=start.person, catalogue=catalogue, answers=answers)
    seen = form.cleaned_data["suggested_level_seen"]
    if suggestion is not None and seen != suggestion.level:
        form.add_error(
            None,
            f"Your answers make the suggested level {catalogue.label_for(suggestion.level)}. "
            "Read the suggestion and check your decision, then complete the assessment",
        )
        return suggestion, None
    decision = form.decision()
    try:
        assessment = services.assessment_complete(
            actor=request.user,
            person=start.person,
            area=area,
            answers=answers,
            referral=start.referral,
            case=start.case,
            request=request,
            **decision,
        )
    except PermissionDenied as error:
        raise NotFoundOrForbidden from error
    except ServiceValidationError as error:
        add_service_errors(form, error)
        return suggestion, None
    return suggestion, assessment


def assessment_detail(request: HttpRequest, assessment_id: Any) -> HttpResponse:
    """One assessment, read with the catalogue version it was answered on."""
    assessment = selectors.assessment_get(
        viewer=request.user, assessment_id=assessment_id, request=request
    )
    catalogue = selectors.catalogue_of(assessment)
    referral_visible = (
        assessment.referral_id is not None
        and policy.referral_visible_to(request.user).filter(pk=assessment.referral_id).exists()
    )
    context = {
        "assessment": assessment,
        "catalogue": catalogue,
        "level_label": catalogue.label_for(assessment.level),
        "level_colour": level_colour(catalogue, assessment.level),
        "suggested_label": catalogue.label_for(assessment.suggested_level),
        "explanation": explanation_view(assessment.explanation, catalogue),
        "domains": selectors.answers_by_domain(assessment, catalogue),
        "referral_visible": referral_visible,
        "is_overdue": assessment.is_current and assessment.review_due_on < timezone.localdate(),
        "may_assess": policy.may_assess(request.user),
    }
    return render(request, "assessments/assessment_detail.html", context)


def person_history(request: HttpRequest, person_id: Any) -> HttpResponse:
    """A child's assessments, newest first, with what changed between each."""
    person = people_selectors.person_get(viewer=request.user, person_id=person_id, request=request)
    history = selectors.assessments_for_person(viewer=request.user, person=person, request=request)
    return render(
        request,
        "assessments/person_history.html",
        {
            "person": person,
            "history": history,
            "today": timezone.localdate(),
            "may_assess": policy.may_assess(request.user),
        },
    )


def overdue_reviews(request: HttpRequest) -> HttpResponse:
    """Children whose current assessment is past its review date (``?area=<uuid>`` narrows)."""
    if not may_list_overdue_reviews(request.user):
        raise NotFoundOrForbidden
    form = OverdueFilterForm(request.GET if "area" in request.GET else None)
    area_ids = None
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        area = form.cleaned_data.get("area") if form.is_bound else None
        area_ids = [area.pk] if area is not None else None
        page = selectors.overdue_reviews_page(
            viewer=request.user,
            area_ids=area_ids,
            page_number=request.GET.get("page"),
            request=request,
        )
    today = timezone.localdate()
    rows = [
        OverdueRow(
            assessment=assessment,
            level_label=selectors.catalogue_of(assessment).label_for(assessment.level),
            level_colour=level_colour(selectors.catalogue_of(assessment), assessment.level),
            days_overdue=(today - assessment.review_due_on).days,
        )
        for assessment in (page.object_list if page is not None else [])
    ]
    return render(
        request,
        "assessments/overdue.html",
        {"form": form, "page": page, "rows": rows},
        status=status,
    )


@dataclass(frozen=True)
class OverdueRow:
    assessment: Any
    level_label: str
    level_colour: str
    days_overdue: int
