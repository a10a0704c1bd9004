"""Panel and meeting pages: the panels list, setting up and changing a panel, its members and
meetings, a meeting's agenda with pre-reads (behind the confidentiality agreement), the chair's
draft agenda, and an agency asking the panel to discuss a child.

Thin: read through ``selectors`` (which scope and audit), call one service, render. Every page
is behind sign-in (``LoginRequiredMiddleware``); what a user may not see or change is a 404 like
a missing record.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harbour.access import policy
from harbour.accounts.models import Agency
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.core.service_errors import call_service
from harbour.panels import rules, selectors, services
from harbour.panels.forms_meetings import (
    AgendaActionForm,
    ConfidentialityForm,
    DiscussionRequestForm,
    MeetingScheduleForm,
    MemberAddForm,
    MoveForm,
    PanelForm,
    ThemeForm,
)
from harbour.panels.minutes import minutes_recipients
from harbour.panels.models import Meeting, MeetingStatus, Panel, PanelMember
from harbour.panels.record import may_record
from harbour.people.selectors import person_get

#: Past meetings shown per page on a panel's page.
PAST_MEETINGS_PER_PAGE = 10


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


# Panels ---------------------------------------------------------------------------------------


@require_GET
def panel_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "panels/meetings/panel_list.html",
        {
            "rows": selectors.panels_overview(viewer=request.user, now=timezone.now()),
            "may_set_up": rules.may_set_up_panels(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def panel_create(request: HttpRequest) -> HttpResponse:
    if not rules.may_set_up_panels(request.user):
        record_event(actor=request.user, action="panels.panel_change_refused", request=request)
        raise NotFoundOrForbidden()
    form = PanelForm(_post(request), viewer=request.user)
    created: list[Panel] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: created.append(
                services.panel_create(
                    actor=request.user,
                    type_key=data["type_key"],
                    area=data["area"],
                    name=data["name"],
                    chair=data["chair"],
                    terms_of_reference=data["terms_of_reference"],
                    now=timezone.now(),
                    request=request,
                )
            ),
        ):
            messages.success(request, f"{created[0].name} has been set up")
            return redirect("panels:detail", created[0].pk)
    return render(
        request,
        "panels/meetings/panel_form.html",
        {"form": form, "panel": None, "page_title": "Set up a panel", "button": "Set up panel"},
    )


@require_http_methods(["GET", "POST"])
def panel_edit(request: HttpRequest, panel_id: Any) -> HttpResponse:
    panel = selectors.panel_for_management(viewer=request.user, panel_id=panel_id, request=request)
    form = PanelForm(_post(request), viewer=request.user, panel=panel)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: services.panel_update(
                actor=request.user,
                panel=panel,
                name=data["name"],
                chair=data["chair"],
                terms_of_reference=data["terms_of_reference"],
                now=timezone.now(),
                request=request,
            ),
        ):
            messages.success(request, "The panel's details have been changed")
            return redirect("panels:detail", panel.pk)
    return render(
        request,
        "panels/meetings/panel_form.html",
        {
            "form": form,
            "panel": panel,
            "page_title": f"Change {panel.name}",
            "button": "Save changes",
        },
    )


@require_GET
def panel_detail(request: HttpRequest, panel_id: Any) -> HttpResponse:
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id, request=request)
    now = timezone.now()
    past = Paginator(selectors.past_meetings(panel=panel, now=now), PAST_MEETINGS_PER_PAGE)
    return render(
        request,
        "panels/meetings/panel_detail.html",
        {
            "panel": panel,
            "type_name": selectors.panel_type_name(panel),
            "members": selectors.active_members(panel),
            "may_manage": rules.may_manage_panel(request.user, panel),
            "is_member": services.is_member(request.user, panel),
            "is_chair": services.is_chair(request.user, panel),
            "upcoming": selectors.upcoming_meetings(panel=panel, now=now),
            "past_page": past.get_page(_page_number(request)),
        },
    )


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, panel_id: Any) -> HttpResponse:
    panel = selectors.panel_for_management(viewer=request.user, panel_id=panel_id, request=request)
    form = MemberAddForm(_post(request), panel=panel)
    if request.method == "POST" and form.is_valid():
        user, agency = form.cleaned_data["member"]
        if call_service(
            form,
            lambda: services.panel_member_add(
                actor=request.user,
                panel=panel,
                user=user,
                agency=agency,
                now=timezone.now(),
                request=request,
            ),
        ):
            messages.success(request, f"{user} has joined the panel for {agency}")
            return redirect("panels:detail", panel.pk)
    return render(request, "panels/meetings/member_add.html", {"form": form, "panel": panel})


@require_POST
def member_remove(request: HttpRequest, panel_id: Any, member_id: Any) -> HttpResponse:
    panel = selectors.panel_for_management(viewer=request.user, panel_id=panel_id, request=request)
    member = (
        PanelMember.objects.select_related("user", "panel")
        .filter(pk=member_id, panel=panel)
        .first()
    )
    if member is None:
        raise NotFoundOrForbidden()
    services.panel_member_remove(
        actor=request.user, member=member, now=timezone.now(), request=request
    )
    messages.success(request, f"{member.user} is no longer a member of the panel")
    return redirect("panels:detail", panel.pk)


@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, panel_id: Any) -> HttpResponse:
    panel = selectors.panel_for_management(viewer=request.user, panel_id=panel_id, request=request)
    now = timezone.now()
    suggested = selectors.suggested_meeting_date(panel=panel, now=now)
    form = MeetingScheduleForm(
        _post(request), initial={"starts_at": suggested} if suggested else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: services.meeting_schedule(
                actor=request.user,
                panel=panel,
                starts_at=form.starts_at_value(),
                place=data["place"],
                call_details=data["call_details"],
                now=now,
                request=request,
            ),
        ):
            messages.success(request, "The meeting has been scheduled")
            return redirect("panels:detail", panel.pk)
    return render(
        request,
        "panels/meetings/meeting_schedule.html",
        {
            "form": form,
            "panel": panel,
            "suggested": suggested,
            "interval_days": services.panel_type_for(panel).meeting_interval_days,
        },
    )


# A meeting and its agenda ---------------------------------------------------------------------


@require_GET
def meeting_detail(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """The agenda with pre-reads, for the chair and members who have confirmed the agreement."""
    meeting = selectors.meeting_get(viewer=request.user, meeting_id=meeting_id, request=request)
    panel = meeting.panel
    is_chair = services.is_chair(request.user, panel)
    if meeting.status == MeetingStatus.DRAFT and not is_chair:
        # Nothing about any child yet: just when and where.
        return render(
            request, "panels/meetings/meeting_draft.html", {"meeting": meeting, "panel": panel}
        )
    if not selectors.has_confirmed(request.user, meeting):
        return redirect("panels:confirm", meeting.pk)
    now = timezone.now()
    detail = selectors.agenda_detail_for(
        viewer=request.user, meeting=meeting, now=now, request=request
    )
    return render(
        request,
        "panels/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "panel": panel,
            "rows": selectors.agenda_rows(detail=detail, now=now),
            "pre_read_last_day": selectors.pre_read_last_day(detail.pre_read_access_ends_at),
            "is_chair": is_chair,
            "may_record": may_record(request.user, meeting),
            "may_read_minutes": meeting.status == MeetingStatus.HELD
            and request.user in minutes_recipients(meeting),
        },
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """The panel type's confidentiality agreement, confirmed once per meeting."""
    meeting = selectors.meeting_get(viewer=request.user, meeting_id=meeting_id, request=request)
    if request.method == "GET" and selectors.has_confirmed(request.user, meeting):
        return redirect("panels:meeting", meeting.pk)
    form = ConfidentialityForm(_post(request))
    if request.method == "POST" and form.is_valid():
        services.confidentiality_confirm(actor=request.user, meeting=meeting, now=timezone.now())
        return redirect("panels:meeting", meeting.pk)
    return render(
        request,
        "panels/meetings/confirm.html",
        {
            "form": form,
            "meeting": meeting,
            "panel": meeting.panel,
            "agreement": services.panel_type_for(meeting.panel).confidentiality,
        },
    )


def _agenda_edit_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    theme_form: ThemeForm | None = None,
    action_form: AgendaActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = selectors.draft_agenda_for(
        viewer=request.user, meeting=meeting, now=timezone.now(), request=request
    )
    return render(
        request,
        "panels/meetings/agenda_edit.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "draft": draft,
            "theme_form": theme_form or ThemeForm(),
            "action_form": action_form or AgendaActionForm(),
            "pre_read_days": services.panel_type_for(
                meeting.panel
            ).pre_read_access_days_after_meeting,
        },
        status=status,
    )


@require_GET
def agenda_edit(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = selectors.meeting_for_agenda_edit(
        viewer=request.user, meeting_id=meeting_id, request=request
    )
    return _agenda_edit_page(request, meeting)


@require_POST
def agenda_theme_add(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = selectors.meeting_for_agenda_edit(
        viewer=request.user, meeting_id=meeting_id, request=request
    )
    form = ThemeForm(request.POST)
    if form.is_valid() and call_service(
        form,
        lambda: services.agenda_item_add_theme(
            actor=request.user,
            meeting=meeting,
            title=form.cleaned_data["title"],
            now=timezone.now(),
            request=request,
        ),
    ):
        messages.success(request, f"{form.cleaned_data['title'].strip()} added to the agenda")
        return redirect("panels:agenda_edit", meeting.pk)
    return _agenda_edit_page(request, meeting, theme_form=form)


@require_POST
def agenda_adopt(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = selectors.meeting_for_agenda_edit(
        viewer=request.user, meeting_id=meeting_id, request=request
    )
    form = AgendaActionForm(request.POST)
    form.is_valid()
    if call_service(
        form,
        lambda: services.agenda_adopt_proposal(
            actor=request.user, meeting=meeting, now=timezone.now()
        ),
    ):
        messages.success(request, "The proposed children have been added to the agenda")
        return redirect("panels:agenda_edit", meeting.pk)
    return _agenda_edit_page(request, meeting, action_form=form)


@require_POST
def agenda_publish(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    meeting = selectors.meeting_for_agenda_edit(
        viewer=request.user, meeting_id=meeting_id, request=request
    )
    form = AgendaActionForm(request.POST)
    form.is_valid()
    if call_service(
        form,
        lambda: services.agenda_publish(actor=request.user, meeting=meeting, now=timezone.now()),
    ):
        messages.success(request, "The agenda has been published: members can now read it")
        return redirect("panels:meeting", meeting.pk)
    return _agenda_edit_page(request, meeting, action_form=form)


@require_POST
def agenda_item_move(request: HttpRequest, item_id: Any) -> HttpResponse:
    item = selectors.agenda_item_for_edit(viewer=request.user, item_id=item_id, request=request)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.agenda_item_move(
            actor=request.user,
            item=item,
            direction=form.cleaned_data["direction"],
            now=timezone.now(),
            request=request,
        )
    return redirect("panels:agenda_edit", item.meeting_id)


@require_POST
def agenda_item_remove(request: HttpRequest, item_id: Any) -> HttpResponse:
    item = selectors.agenda_item_for_edit(viewer=request.user, item_id=item_id, request=request)
    name = item.person.full_name if item.person is not None else item.title
    services.agenda_item_remove(actor=request.user, item=item, now=timezone.now(), request=request)
    messages.success(request, f"{name} removed from the agenda")
    return redirect("panels:agenda_edit", item.meeting_id)


# An agency asks the panel to discuss a child ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def discussion_request(request: HttpRequest) -> HttpResponse:
    try:
        person_id = uuid.UUID(request.GET.get("person", ""))
    except ValueError:
        raise NotFoundOrForbidden() from None
    person = person_get(viewer=request.user, person_id=person_id, request=request)
    agencies = Agency.objects.filter(
        pk__in=policy.viewer_for(request.user).casework_agency_ids, is_active=True
    ).order_by("name")
    if not agencies:
        raise NotFoundOrForbidden()
    form = DiscussionRequestForm(_post(request), agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: services.discussion_request_create(
                actor=request.user,
                person=person,
                agency=data["agency"],
                reason=data["reason"],
                now=timezone.now(),
            ),
        ):
            messages.success(
                request,
                f"Your request has been sent: the panel will consider {person.full_name} "
                "when it prepares its next agenda",
            )
            return redirect("people:detail", person.pk)
    panels = (
        Panel.objects.filter(area_id=person.home_area_id).order_by("name")
        if person.home_area_id
        else Panel.objects.none()
    )
    return render(
        request,
        "panels/meetings/discussion_request.html",
        {"form": form, "person": person, "panels": panels},
    )
