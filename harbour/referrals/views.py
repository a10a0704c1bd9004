"""Front-door pages. Thin: validate input, read through selectors, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from harbour.access import policy
from harbour.accounts.auth import signed_in_user
from harbour.accounts.models import Agency
from harbour.audit.services import record_event
from harbour.core.errors import ServiceValidationError
from harbour.core.middleware import client_ip
from harbour.core.service_errors import add_service_errors
from harbour.matching.scorer import Candidate, ChildDetails
from harbour.matching.services import match_child_for_viewer
from harbour.people.models import Person
from harbour.referrals import selectors, services
from harbour.referrals.forms import (
    NEW_CHILD,
    LinkPersonForm,
    PublicConcernForm,
    StaffReferralForm,
    TriageDecisionForm,
)
from harbour.referrals.models import Referral, ReferralStatus, TriageRoute

PUBLIC_REFERENCE_SESSION_KEY = "public_concern_reference"


def _candidate_choices(candidates: list[Candidate]) -> list[tuple[str, str]]:
    return [(str(candidate.person.pk), candidate.person.full_name) for candidate in candidates]


def _details_from(data: dict[str, Any]) -> ChildDetails:
    identifier = data.get("child_identifier") or data.get("subject_identifier") or ""
    identifiers: tuple[tuple[str, str], ...] = ()
    if identifier:
        kind = "nhs_number" if identifier.isdigit() else "upn"
        identifiers = ((kind, identifier),)
    return ChildDetails(
        first_names=data.get("child_first_names") or "",
        last_name=data.get("child_last_name") or "",
        date_of_birth=data.get("child_date_of_birth"),
        postcode=data.get("child_postcode") or "",
        sex=data.get("child_sex") or "",
        identifiers=identifiers,
    )


def _referral_details(referral: Referral) -> ChildDetails:
    return _details_from(
        {
            "child_first_names": referral.subject_first_names,
            "child_last_name": referral.subject_last_name,
            "child_date_of_birth": referral.subject_date_of_birth,
            "child_postcode": referral.subject_postcode,
            "child_sex": referral.subject_sex,
            "subject_identifier": referral.subject_identifier.replace(" ", ""),
        }
    )


@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    """Make a referral. "Check who already knows this child" re-shows the form with matches."""
    if not policy.may_refer(request.user):
        raise Http404
    agencies = Agency.objects.filter(pk__in=policy.viewer_for(request.user).casework_agency_ids)
    candidates: list[Candidate] = []
    if request.method == "POST":
        looking_for_matches = request.POST.get("action") == "match"
        lookup = StaffReferralForm(request.POST, agencies=agencies).without_errors()
        candidates = match_child_for_viewer(
            viewer=request.user, details=_details_from(lookup.cleaned_data), request=request
        )
        form = StaffReferralForm(
            request.POST, agencies=agencies, candidate_choices=_candidate_choices(candidates)
        )
        if looking_for_matches:
            form.without_errors()
        elif form.is_valid():
            choice = form.cleaned_data.get("person_choice")
            person = None
            if choice and choice != NEW_CHILD:
                person = Person.objects.filter(pk=choice).first()
            try:
                referral = services.referral_create_staff(
                    actor=request.user,
                    agency=form.cleaned_data["agency"],
                    area=form.cleaned_data["area"],
                    child=form.child(),
                    concern=form.concern(),
                    referrer=form.referrer(),
                    person=person,
                    request=request,
                )
            except ServiceValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Referral sent. Its reference is {referral.reference}.")
                return redirect("referrals:detail", referral.pk)
    else:
        form = StaffReferralForm(
            agencies=agencies,
            initial={
                "referrer_email": signed_in_user(request).email,
                "referrer_role": signed_in_user(request).job_title,
            },
        )
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "candidates": candidates, "checked": request.method == "POST"},
    )


def my_referrals(request: HttpRequest) -> HttpResponse:
    if not policy.may_refer(request.user):
        raise Http404
    page = selectors.referrals_made_by(
        viewer=request.user, page_number=request.GET.get("page"), request=request
    )
    return render(request, "referrals/my_referrals.html", {"page": page})


def triage_queue(request: HttpRequest) -> HttpResponse:
    if not policy.may_triage(request.user):
        raise Http404
    page = selectors.triage_queue(
        viewer=request.user, page_number=request.GET.get("page"), request=request
    )
    return render(
        request,
        "referrals/queue.html",
        {
            "page": page,
            "now": timezone.now(),
            "overdue_count": selectors.overdue_count(viewer=request.user),
        },
    )


def _triage_context(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    may_triage = (
        referral.status == ReferralStatus.AWAITING_TRIAGE
        and referral.area_id in policy.areas_user_triages(request.user)
    )
    context: dict[str, Any] = {"may_triage": may_triage}
    if may_triage and referral.person_id is None:
        candidates = match_child_for_viewer(
            viewer=request.user, details=_referral_details(referral), request=request
        )
        context["candidates"] = candidates
        context["link_form"] = LinkPersonForm(candidate_choices=_candidate_choices(candidates))
    if may_triage:
        context["decision_form"] = TriageDecisionForm()
    return context


def _next_steps(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    """After a decision: start an assessment (exploitation screening and beyond) or open a case."""
    from harbour.cases.services import case_open_blockers

    if referral.status != ReferralStatus.DECIDED or referral.person is None:
        return {}
    visible_cases = list(policy.case_visible_to(request.user).filter(person=referral.person)[:1])
    steps = {
        "assess": policy.may_assess(request.user)
        and referral.decision.route != TriageRoute.NO_FURTHER_ACTION,
        "open_case": policy.may_manage_cases(request.user)
        and not case_open_blockers(referral=referral),
        "cases": visible_cases,
    }
    return steps if any(steps.values()) else {}


def referral_detail(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.referral_get(viewer=request.user, referral_id=referral_id, request=request)
    context = {
        "referral": referral,
        "now": timezone.now(),
        "next_steps": _next_steps(request, referral),
        **_triage_context(request, referral),
    }
    return render(request, "referrals/referral_detail.html", context)


@require_POST
def referral_link(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.referral_for_action(viewer=request.user, referral_id=referral_id)
    if referral.area_id not in policy.areas_user_triages(request.user):
        raise Http404
    candidates = match_child_for_viewer(viewer=request.user, details=_referral_details(referral))
    form = LinkPersonForm(request.POST, candidate_choices=_candidate_choices(candidates))
    if form.is_valid():
        try:
            if form.cleaned_data["person_choice"] == NEW_CHILD:
                services.referral_link_new_person(
                    actor=request.user, referral=referral, request=request
                )
                messages.success(request, "A new record was made for the child and linked.")
            else:
                person = Person.objects.get(pk=form.cleaned_data["person_choice"])
                services.referral_link_person(
                    actor=request.user, referral=referral, person=person, request=request
                )
                messages.success(request, f"Referral linked to {person.full_name}.")
            return redirect("referrals:detail", referral.pk)
        except (ServiceValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                raise Http404 from error
            add_service_errors(form, error)
    referral = selectors.referral_get(viewer=request.user, referral_id=referral_id, request=request)
    context = {
        "referral": referral,
        "now": timezone.now(),
        **_triage_context(request, referral),
        "link_form": form,
    }
    return render(request, "referrals/referral_detail.html", context, status=400)


@require_POST
def referral_decide(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.referral_for_action(viewer=request.user, referral_id=referral_id)
    if referral.area_id not in policy.areas_user_triages(request.user):
        record_event(
            actor=request.user,
            action="referral.triage_refused",
            subject=referral,
            request=request,
        )
        raise Http404
    form = TriageDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.referral_triage(
                actor=request.user,
                referral=referral,
                route=form.cleaned_data["route"],
                rationale=form.cleaned_data["rationale"],
                advice_to_referrer=form.cleaned_data["advice_to_referrer"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Decision recorded for {referral.reference}.")
            return redirect("referrals:queue")
    referral = selectors.referral_get(viewer=request.user, referral_id=referral_id, request=request)
    context = {
        "referral": referral,
        "now": timezone.now(),
        **_triage_context(request, referral),
        "decision_form": form,
    }
    return render(request, "referrals/referral_detail.html", context, status=400)


@login_not_required
@require_http_methods(["GET", "POST"])
def public_concern(request: HttpRequest) -> HttpResponse:
    """The public and young people's form. No sign-in; anonymous allowed; rate-limited."""
    if request.method == "POST":
        form = PublicConcernForm(request.POST)
        if services.public_form_rate_limited(client_address=client_ip(request)):
            record_event(
                actor=None,
                actor_label="public form",
                action="referral.public_rate_limited",
                request=request,
            )
            return render(request, "referrals/public_rate_limited.html", status=429)
        if form.is_valid():
            try:
                referral = services.referral_submit_public(
                    area=form.cleaned_data["area"],
                    child=form.child(),
                    concern=form.concern(),
                    reporter=form.reporter(),
                    request=request,
                )
            except ServiceValidationError as error:
                add_service_errors(form, error)
            else:
                request.session[PUBLIC_REFERENCE_SESSION_KEY] = referral.reference
                return redirect("public_concern_sent")
    else:
        form = PublicConcernForm()
    return render(request, "referrals/public_form.html", {"form": form})


@login_not_required
def public_concern_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(PUBLIC_REFERENCE_SESSION_KEY)
    if not reference:
        return redirect(reverse("public_concern"))
    return render(request, "referrals/public_sent.html", {"reference": reference})
