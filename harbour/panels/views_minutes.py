"""Minutes pages. Thin: find the meeting, call one minutes service (which checks, records and
audits), render. Minutes the viewer may not have, or of a meeting not held, are a 404.

- ``minutes``: the viewer's own copy in the page (recorded as a web-page copy each time it is
  opened), with a link to download it as a PDF; the chair also sees links to send the minutes and
  to the log of copies.
- ``minutes_pdf``: the viewer's own copy as a PDF download (recorded as a PDF copy).
- ``minutes_distribute``: the chair chooses possible recipients; each gets a copy and a message.
- ``minutes_copies``: the chair's log of every copy made.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.panels import minutes
from harbour.panels.forms_minutes import MinutesDistributeForm
from harbour.panels.models import Meeting, MinutesFormat
from harbour.panels.services import is_chair


def _meeting(meeting_id: Any) -> Meeting:
    meeting = Meeting.objects.select_related("panel").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundOrForbidden
    return meeting


@require_GET
def minutes_page(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = _meeting(meeting_id)
    produced = minutes.minutes_copy_produce(
        actor=request.user,
        meeting=meeting,
        recipient=request.user,
        format=MinutesFormat.HTML,
        now=timezone.now(),
        request=request,
    )
    assert isinstance(produced.body, str)
    context = {
        "meeting": meeting,
        "content": produced.content,
        # Exactly the document recorded (and hashed) for this copy, rendered by our template.
        "document": mark_safe(produced.body),  # noqa: S308
        "is_chair": is_chair(request.user, meeting.panel),
    }
    response = render(request, "panels/minutes/page.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = _meeting(meeting_id)
    produced = minutes.minutes_copy_produce(
        actor=request.user,
        meeting=meeting,
        recipient=request.user,
        format=MinutesFormat.PDF,
        now=timezone.now(),
        request=request,
    )
    assert isinstance(produced.body, bytes)
    day = timezone.localdate(meeting.starts_at)
    filename = f"minutes-{slugify(meeting.panel.name)}-{day:%Y-%m-%d}.pdf"
    response = HttpResponse(produced.body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def minutes_distribute_page(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = _meeting(meeting_id)
    minutes.require_minutes_chair(actor=request.user, meeting=meeting, request=request)
    possible = minutes.minutes_possible_recipients(meeting)
    form = MinutesDistributeForm(
        request.POST if request.method == "POST" else None, possible=possible
    )
    if request.method == "POST" and form.is_valid():
        try:
            copies = minutes.minutes_distribute(
                actor=request.user,
                meeting=meeting,
                recipients=list(form.cleaned_data["recipients"]),
                now=timezone.now(),
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            people = "person" if len(copies) == 1 else "people"
            messages.success(request, f"Minutes sent to {len(copies)} {people}.")
            return redirect("panels:minutes_copies", meeting.pk)
    return render(request, "panels/minutes/distribute.html", {"meeting": meeting, "form": form})


@require_GET
def minutes_copies_page(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = _meeting(meeting_id)
    rows = minutes.minutes_copies_log(actor=request.user, meeting=meeting, request=request)
    return render(request, "panels/minutes/copies.html", {"meeting": meeting, "rows": rows})
