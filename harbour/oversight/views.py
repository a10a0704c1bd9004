"""The coordinator's missing-episodes page. Thin: figures and lists come from selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.oversight import selectors


def missing_oversight(request: HttpRequest) -> HttpResponse:
    if not selectors.may_oversee_missing(request.user):
        raise NotFoundOrForbidden
    areas = selectors.viewer_areas(request.user)
    due, overdue = selectors.interviews_awaiting_offer(viewer=request.user, area_ids=areas)
    open_episodes = selectors.open_episodes(viewer=request.user, area_ids=areas)
    out_of_area = selectors.out_of_area_placements(viewer=request.user, area_ids=areas)
    context = {
        "areas": selectors.area_names(areas),
        "open_episodes": open_episodes,
        "interviews_due": due,
        "interviews_overdue": overdue,
        "shares": selectors.interviews_offered_in_time(viewer=request.user, area_ids=areas),
        "refused": selectors.interviews_refused(viewer=request.user),
        "repeats": selectors.children_with_repeat_episodes(viewer=request.user, area_ids=areas),
        "out_of_area": out_of_area,
    }
    record_event(
        actor=request.user,
        action="oversight.missing_viewed",
        subject_type="missing.missingepisode",
        after={"shown": [str(e.pk) for e in (*open_episodes, *due, *overdue, *out_of_area)]},
        request=request,
    )
    return render(request, "oversight/missing.html", context)
