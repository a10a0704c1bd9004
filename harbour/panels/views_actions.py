"""Panel action pages: the tracker, one action (with its updates, escalations and the update
form), the escalation log and resolving an escalation. Thin: validate, call one service (which
checks access and audits), render. What a user may not see or change is a 404."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harbour.accounts.models import Agency
from harbour.core.errors import ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.panels import actions
from harbour.panels.forms_actions import (
    ActionUpdateForm,
    EscalationFilterForm,
    EscalationResolveForm,
    TrackerFilterForm,
)
from harbour.panels.models import Escalation, Panel, PanelAction
from harbour.panels.rules import (
    may_resolve_escalation,
    may_update_panel_action,
    panel_actions_visible_to,
)


@dataclasses.dataclass(frozen=True)
class PageNav:
    """What ``harbour/components/pagination.html`` reads from a Django page."""

    number: int
    num_pages: int

    @property
    def paginator(self) -> PageNav:
        return self

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _filtering(request: HttpRequest) -> bool:
    return any(request.GET.get(key) for key in request.GET if key != "page")


# The tracker ----------------------------------------------------------------------------------


@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    """The actions the user may see, overdue first. Unfiltered, it shows actions still to do."""
    visible = panel_actions_visible_to(request.user)
    form = TrackerFilterForm(
        request.GET if _filtering(request) else {"scope": "all", "status": actions.OPEN},
        panels=Panel.objects.filter(pk__in=visible.values("panel_id")).order_by("name"),
        agencies=Agency.objects.filter(pk__in=visible.values("owner_agency_id")).order_by("name"),
    )
    result = None
    if form.is_valid():
        data = form.cleaned_data
        filters = actions.TrackerFilters(
            scope=data["scope"] or "all",
            status=data["status"] or None,
            overdue_only=data["overdue_only"],
            panel_id=data["panel"].pk if data["panel"] else None,
            agency_id=data["agency"].pk if data["agency"] else None,
        )
        try:
            result = actions.action_tracker(
                viewer=request.user,
                today=timezone.localdate(),
                filters=filters,
                page=_page_number(request),
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "panels/actions/tracker.html",
        {
            "form": form,
            "result": result,
            "page_nav": PageNav(result.page, result.pages) if result else None,
        },
    )


# One action -----------------------------------------------------------------------------------


def _action_page(
    request: HttpRequest, action: PanelAction, form: ActionUpdateForm | None
) -> HttpResponse:
    may_update = may_update_panel_action(request.user, action)
    is_chair = action.panel.chair_id == request.user.pk
    if form is None and may_update:
        form = ActionUpdateForm(initial={"status": action.status}, may_move_due_date=is_chair)
    today = timezone.localdate()
    user = request.user
    escalations = [
        (escalation, not escalation.resolved_at and may_resolve_escalation(user, escalation))
        for escalation in actions.action_escalations(action)
    ]
    return render(
        request,
        "panels/actions/action_detail.html",
        {
            "action": action,
            "subject": actions.action_subject(action),
            "is_theme": action.item.person_id is None,
            "meeting_date": timezone.localdate(action.meeting.starts_at),
            "days_overdue": actions.days_overdue(action, today),
            "updates": actions.action_updates(action),
            "escalations": escalations,
            "form": form if may_update else None,
            "no_line_manager": actions.NO_LINE_MANAGER,
        },
    )


@require_GET
def action_detail(request: HttpRequest, action_id: Any) -> HttpResponse:
    action = actions.action_get(viewer=request.user, action_id=action_id, request=request)
    return _action_page(request, action, None)


@require_POST
def action_update(request: HttpRequest, action_id: Any) -> HttpResponse:
    action = actions.action_get(viewer=request.user, action_id=action_id, request=request)
    if not may_update_panel_action(request.user, action):
        raise actions.action_change_refused(actor=request.user, action=action, request=request)
    form = ActionUpdateForm(
        request.POST, may_move_due_date=action.panel.chair_id == request.user.pk
    )
    if form.is_valid():
        try:
            actions.action_update(
                actor=request.user,
                action=action,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                due_on=form.cleaned_data.get("due_on"),
                now=timezone.now(),
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action updated.")
            return redirect("panels:action", action.pk)
    return _action_page(request, action, form)


# Escalations ----------------------------------------------------------------------------------


@require_GET
def escalation_log(request: HttpRequest) -> HttpResponse:
    filtering = _filtering(request)
    form = EscalationFilterForm(request.GET if filtering else None)
    result = None
    if not filtering or form.is_valid():
        data = form.cleaned_data if filtering else {}
        filters = actions.EscalationFilters(
            area=data.get("area") or None,
            agency_id=data["agency"].pk if data.get("agency") else None,
            state=data.get("state") or None,
            escalated_from=data.get("escalated_from"),
            escalated_to=data.get("escalated_to"),
        )
        try:
            result = actions.escalation_log(
                viewer=request.user, filters=filters, page=_page_number(request), request=request
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "panels/actions/escalation_log.html",
        {
            "form": form,
            "result": result,
            "page_nav": PageNav(result.page, result.pages) if result else None,
            "no_line_manager": actions.NO_LINE_MANAGER,
        },
    )


def _after_resolving(request: HttpRequest, escalation: Escalation) -> HttpResponse:
    if panel_actions_visible_to(request.user).filter(pk=escalation.action_id).exists():
        return redirect("panels:action", escalation.action_id)
    return redirect("panels:escalations")


@require_http_methods(["GET", "POST"])
def escalation_resolve(request: HttpRequest, escalation_id: Any) -> HttpResponse:
    escalation = actions.escalation_get(
        viewer=request.user, escalation_id=escalation_id, request=request
    )
    if not may_resolve_escalation(request.user, escalation):
        raise actions.escalation_change_refused(
            actor=request.user, escalation=escalation, request=request
        )
    form = EscalationResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.escalation_resolve(
                actor=request.user,
                escalation=escalation,
                resolution=form.cleaned_data["resolution"],
                now=timezone.now(),
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Escalation resolved.")
            return _after_resolving(request, escalation)
    action_visible = panel_actions_visible_to(request.user).filter(pk=escalation.action_id).exists()
    return render(
        request,
        "panels/actions/escalation_resolve.html",
        {
            "form": form,
            "escalation": escalation,
            "action_visible": action_visible,
            "no_line_manager": actions.NO_LINE_MANAGER,
        },
    )
