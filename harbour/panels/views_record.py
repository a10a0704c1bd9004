"""Meeting record pages. Thin: check the form, call one service in ``record.py``, render.

Every page is behind sign-in (``LoginRequiredMiddleware``); a meeting or item the user may not
record is a 404 like a missing one (``record.meeting_for_record`` / ``item_for_record`` audit the
refusal).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from harbour.core.service_errors import call_service
from harbour.panels import record
from harbour.panels.forms_record import (
    ActionForm,
    AttendanceForm,
    DecisionForm,
    ItemRecordForm,
    MarkHeldForm,
)
from harbour.panels.models import AgendaItem, Meeting


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _item_title(item: AgendaItem) -> str:
    return item.person.full_name if item.person is not None else item.title


def _record_page(
    request: HttpRequest, meeting: Meeting, mark_held_form: MarkHeldForm | None = None
) -> HttpResponse:
    meeting_record = record.meeting_record_for(
        viewer=request.user, meeting=meeting, now=timezone.now(), request=request
    )
    return render(
        request,
        "panels/record/meeting_record.html",
        {
            "record": meeting_record,
            "meeting": meeting,
            "panel": meeting.panel,
            "form": mark_held_form or MarkHeldForm(),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET"])
def meeting_record(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = record.meeting_for_record(viewer=request.user, meeting_id=meeting_id, request=request)
    return _record_page(request, meeting)


@require_POST
def mark_held(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = record.meeting_for_record(viewer=request.user, meeting_id=meeting_id, request=request)
    form = MarkHeldForm(request.POST)
    form.is_valid()
    done = call_service(
        form,
        lambda: record.meeting_mark_held(
            actor=request.user, meeting=meeting, now=timezone.now(), request=request
        ),
    )
    if not done:
        return _record_page(request, meeting, form)
    messages.success(request, "The meeting is marked as held")
    return redirect("panels:record", meeting.pk)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = record.meeting_for_record(viewer=request.user, meeting_id=meeting_id, request=request)
    form = AttendanceForm(_post(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        entries = form.entries()
        if call_service(
            form,
            lambda: record.attendance_record(
                actor=request.user,
                meeting=meeting,
                entries=entries,
                now=timezone.now(),
                request=request,
            ),
        ):
            messages.success(request, "Attendance recorded")
            return redirect("panels:record", meeting.pk)
    return render(
        request,
        "panels/record/attendance.html",
        {"form": form, "meeting": meeting, "panel": meeting.panel},
    )


@require_http_methods(["GET", "POST"])
def item_record(request: HttpRequest, item_id: Any) -> HttpResponse:
    item = record.item_for_record(viewer=request.user, item_id=item_id, request=request)
    form = ItemRecordForm(_post(request), item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: record.item_record(
                actor=request.user,
                item=item,
                discussion_summary=data["discussion_summary"],
                child_attended=data.get("child_attended", False),
                carers_attended=data.get("carers_attended", False),
                views_given_how=data.get("views_given_how", ""),
                now=timezone.now(),
                request=request,
            ),
        ):
            messages.success(request, f"Discussion of {_item_title(item)} recorded")
            return redirect("panels:item_record", item.pk)
    record.item_viewed(viewer=request.user, item=item, request=request)
    return render(
        request,
        "panels/record/item_record.html",
        {
            "form": form,
            "item": item,
            "item_title": _item_title(item),
            "meeting": item.meeting,
            "panel": item.meeting.panel,
            "needs_child_voice_prompt": record.needs_child_voice_prompt(item),
            "decisions": record.decision_rows(item),
            "actions": item.actions.select_related("owner", "owner_agency"),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def decision_add(request: HttpRequest, item_id: Any) -> HttpResponse:
    item = record.item_for_record(viewer=request.user, item_id=item_id, request=request)
    form = DecisionForm(_post(request), item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: record.decision_record(
                actor=request.user,
                item=item,
                kind=data["kind"],
                detail=data["detail"],
                risk_level=data.get("risk_level", ""),
                now=timezone.now(),
                request=request,
            ),
        ):
            messages.success(request, "Decision recorded")
            return redirect("panels:item_record", item.pk)
    return render(
        request,
        "panels/record/item_form.html",
        {
            "form": form,
            "item": item,
            "item_title": _item_title(item),
            "page_title": "Record a decision",
            "button": "Record the decision",
        },
    )


@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, item_id: Any) -> HttpResponse:
    item = record.item_for_record(viewer=request.user, item_id=item_id, request=request)
    form = ActionForm(_post(request), item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner, owner_agency = data["owner"]
        if call_service(
            form,
            lambda: record.action_create(
                actor=request.user,
                item=item,
                description=data["description"],
                owner=owner,
                owner_agency=owner_agency,
                due_on=data["due_on"],
                now=timezone.now(),
                request=request,
            ),
        ):
            messages.success(request, f"Action agreed: {owner} has been told")
            return redirect("panels:item_record", item.pk)
    return render(
        request,
        "panels/record/item_form.html",
        {
            "form": form,
            "item": item,
            "item_title": _item_title(item),
            "page_title": "Agree an action",
            "button": "Agree the action",
        },
    )
