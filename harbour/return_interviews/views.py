"""Return interview pages: the queue, the interview, and the forms that offer, record and
complete an interview. Thin: fetch through the selectors, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.forms import GovukForm
from harbour.core.service_errors import add_service_errors
from harbour.missing.models import MissingEpisode
from harbour.return_interviews import selectors, services
from harbour.return_interviews.checklist import PULL, PUSH, get_checklist
from harbour.return_interviews.forms import CompleteForm, NotOfferedForm, OfferForm, RefusalForm
from harbour.return_interviews.models import ReturnInterview
from harbour.return_interviews.rules import is_worker, worker_agency


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _run(
    request: HttpRequest, form: GovukForm, call: Callable[[], ReturnInterview], success: str
) -> HttpResponse | None:
    """Call the service for a valid form; its errors land on the form. A redirect to the
    interview on success, else None (show the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        interview = call()
    except PermissionDenied as error:
        raise NotFoundOrForbidden from error
    except ServiceValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success)
    return redirect("return_interviews:detail", interview.pk)


def _episode(request: HttpRequest, episode_id: Any) -> MissingEpisode:
    return selectors.episode_for_worker(viewer=request.user, episode_id=episode_id, request=request)


def _workable_interview(request: HttpRequest, interview_id: Any) -> ReturnInterview:
    """An interview the user may see and act on as a worker for its area, awaiting its
    outcome; anything else is a 404."""
    interview = selectors.interview_get(
        viewer=request.user, interview_id=interview_id, request=request
    )
    if worker_agency(request.user, interview.episode.area_id) is None:
        raise NotFoundOrForbidden
    return interview


def _form_page(
    request: HttpRequest, form: GovukForm, *, person: Any, back_url: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        "return_interviews/interview_form.html",
        {"form": form, "person": person, "back_url": back_url, **context},
    )


# The queue and the interview --------------------------------------------------------------


def queue(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_queue(request.user):
        raise NotFoundOrForbidden
    rows = selectors.interview_queue(viewer=request.user, request=request)
    context = {"queue": rows, "is_worker": is_worker(request.user)}
    return render(request, "return_interviews/queue.html", context)


def interview_detail(request: HttpRequest, interview_id: Any) -> HttpResponse:
    interview = selectors.interview_get(
        viewer=request.user, interview_id=interview_id, request=request
    )
    factors: dict[str, list[str]] = {PUSH: [], PULL: []}
    if interview.checklist_version is not None:
        checklist = get_checklist(interview.checklist_version)
        for factor in interview.factors.all():
            factors[factor.kind].append(checklist.label_for(factor.kind, factor.code))
    clock = services.interview_clock(episode=interview.episode, interview=interview)
    may_act = (
        interview.awaiting_outcome
        and worker_agency(request.user, interview.episode.area_id) is not None
    )
    context = {
        "interview": interview,
        "episode": interview.episode,
        "clock": clock,
        "push_factors": factors[PUSH],
        "pull_factors": factors[PULL],
        "items": interview.intelligence_items.all(),
        "may_act": may_act,
    }
    return render(request, "return_interviews/interview_detail.html", context)


# The offer and its outcome ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, episode_id: Any) -> HttpResponse:
    episode = _episode(request, episode_id)
    form = OfferForm(_post(request))
    done = _run(
        request,
        form,
        lambda: services.interview_offer(
            actor=request.user,
            episode=episode,
            offered_at=form.cleaned_data["offered_at"],
            request=request,
        ),
        "The offer of a return interview is recorded.",
    )
    return done or _form_page(
        request,
        form,
        person=episode.person,
        back_url="return_interviews:queue",
        page_title="Record the offer of a return interview",
        intro="The interview must be offered within 72 hours of the child's return, by someone "
        "independent of their carers.",
        button="Record the offer",
        episode=episode,
    )


@require_http_methods(["GET", "POST"])
def not_offered(request: HttpRequest, episode_id: Any) -> HttpResponse:
    episode = _episode(request, episode_id)
    form = NotOfferedForm(_post(request))
    done = _run(
        request,
        form,
        lambda: services.interview_record_not_offered(
            actor=request.user, episode=episode, reason=form.cleaned_data["reason"], request=request
        ),
        "The reason the interview was not offered is recorded.",
    )
    return done or _form_page(
        request,
        form,
        person=episode.person,
        back_url="return_interviews:queue",
        page_title="Record that no interview was offered",
        intro="An episode without an offer within 72 hours counts as a breach of the clock.",
        button="Record the reason",
        episode=episode,
    )


@require_http_methods(["GET", "POST"])
def refusal(request: HttpRequest, interview_id: Any) -> HttpResponse:
    interview = _workable_interview(request, interview_id)
    form = RefusalForm(_post(request))
    done = _run(
        request,
        form,
        lambda: services.interview_record_refusal(
            actor=request.user,
            interview=interview,
            carers_know=form.cleaned_data["carers_know"],
            request=request,
        ),
        "The child's refusal is recorded.",
    )
    return done or _form_page(
        request,
        form,
        person=interview.person,
        back_url="return_interviews:detail",
        back_id=interview.pk,
        page_title="Record that the child refused the interview",
        button="Record the refusal",
        episode=interview.episode,
    )


@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, interview_id: Any) -> HttpResponse:
    interview = _workable_interview(request, interview_id)
    form = CompleteForm(_post(request))
    done = _run(
        request,
        form,
        lambda: services.interview_complete(
            actor=request.user, interview=interview, request=request, **form.service_arguments()
        ),
        "The interview is complete and has been shared with the police exploitation team, the "
        "coordinator and the lead professional.",
    )
    return done or render(
        request,
        "return_interviews/complete.html",
        {"form": form, "interview": interview, "episode": interview.episode},
    )
