"""Missing-episode pages. Thin: validate input, read through selectors, call one service, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from harbour.access import policy
from harbour.core.errors import ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.missing import clocks, selectors, services
from harbour.missing.forms import (
    EpisodeCloseForm,
    EpisodeGradeForm,
    EpisodeReportForm,
    EpisodeReturnForm,
)
from harbour.missing.models import EpisodeStatus, MissingEpisode


def _posted(request: HttpRequest) -> Any:
    """The POST data on a POST (even an empty one, so the form is bound), else None."""
    return request.POST if request.method == "POST" else None


def _may_record(request: HttpRequest) -> bool:
    return policy.viewer_for(request.user).has_role(*services.RECORDING_ROLES)


def _may_grade(request: HttpRequest) -> bool:
    return policy.viewer_for(request.user).has_role(*services.GRADING_ROLES)


def open_episodes(request: HttpRequest) -> HttpResponse:
    if not policy.viewer_for(request.user).sees_case_content:
        raise Http404
    page = selectors.open_episodes(
        viewer=request.user, page_number=request.GET.get("page"), request=request
    )
    now = timezone.now()
    rows = [(episode, clocks.interview_clock_state(episode, now)) for episode in page.object_list]
    return render(request, "missing/open_episodes.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def episode_report(request: HttpRequest) -> HttpResponse:
    """Report a child missing: ``?person=<uuid>`` names a child the reporter can see."""
    if not _may_record(request):
        raise Http404
    try:
        person_id = uuid.UUID(request.GET.get("person", ""))
    except ValueError:
        raise Http404 from None
    person = policy.person_visible_to(request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    form = EpisodeReportForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode, created = services.episode_report(
                actor=request.user,
                person=person,
                missing_from=data["missing_from"],
                category=data["category"],
                last_seen_at=data["last_seen_at_moment"],
                last_seen_where=data["last_seen_where"],
                risk_grade=data["risk_grade"],
                police_reference=data["police_reference"],
                placed_out_of_area=data["placed_out_of_area"],
                placing_authority=data["placing_authority"],
                host_authority=data["host_authority"],
                note=data["note"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(request, "Missing episode reported")
            else:
                messages.info(
                    request,
                    "This child was already reported missing: your report was added to the "
                    "open episode",
                )
            return redirect("missing:detail", episode.pk)
    return render(request, "missing/report_form.html", {"form": form, "person": person})


def _actions(request: HttpRequest, episode: MissingEpisode) -> dict[str, bool]:
    may_record = _may_record(request)
    return {
        "may_return": may_record and episode.status == EpisodeStatus.OPEN,
        "may_grade": _may_grade(request) and episode.status != EpisodeStatus.CLOSED,
        "may_close": may_record and episode.status == EpisodeStatus.RETURNED,
    }


def episode_detail(request: HttpRequest, episode_id: Any) -> HttpResponse:
    episode = selectors.episode_get(viewer=request.user, episode_id=episode_id, request=request)
    clock = clocks.interview_clock_state(episode, timezone.now())
    context = {
        "episode": episode,
        "clock": clock,
        "clock_remaining": clocks.format_duration(clock.remaining) if clock.remaining else "",
        "duration": clocks.format_duration(episode.duration),
        **_actions(request, episode),
    }
    return render(request, "missing/episode_detail.html", context)


@require_http_methods(["GET", "POST"])
def episode_return(request: HttpRequest, episode_id: Any) -> HttpResponse:
    episode = selectors.episode_for_action(viewer=request.user, episode_id=episode_id)
    if not _actions(request, episode)["may_return"]:
        raise Http404
    form = EpisodeReturnForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.episode_record_return(
                actor=request.user,
                episode=episode,
                returned_at=data["returned_at_moment"],
                returned_where=data["returned_where"],
                returned_how=data["returned_how"],
                returned_with_whom=data["returned_with_whom"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Return recorded: the return home interview clock started")
            return redirect("missing:detail", episode.pk)
    return render(request, "missing/return_form.html", {"form": form, "episode": episode})


@require_http_methods(["GET", "POST"])
def episode_grade(request: HttpRequest, episode_id: Any) -> HttpResponse:
    episode = selectors.episode_for_action(viewer=request.user, episode_id=episode_id)
    if not _actions(request, episode)["may_grade"]:
        raise Http404
    form = EpisodeGradeForm(_posted(request), initial={"grade": episode.risk_grade})
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_grade(
                actor=request.user,
                episode=episode,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Risk grading recorded")
            return redirect("missing:detail", episode.pk)
    return render(request, "missing/grade_form.html", {"form": form, "episode": episode})


@require_http_methods(["GET", "POST"])
def episode_close(request: HttpRequest, episode_id: Any) -> HttpResponse:
    episode = selectors.episode_for_action(viewer=request.user, episode_id=episode_id)
    if not _may_record(request):
        raise Http404
    form = EpisodeCloseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_close(actor=request.user, episode=episode, request=request)
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Missing episode closed")
            return redirect("missing:detail", episode.pk)
    return render(request, "missing/close_form.html", {"form": form, "episode": episode})
