"""Panel action pages through Django's test client: the tracker, one action and its update form,
the escalation log and resolving an escalation."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.missing.tests.factories import london
from harbour.panels import actions
from harbour.panels.models import Escalation, PanelActionStatus
from harbour.panels.tests.actions_factories import (
    ActionWorld,
    action_world,
    agenda_items,
    pan_area_panel,
    panel_action,
)
from harbour.panels.tests.factories import PanelWorld


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def aw(north: PanelWorld) -> ActionWorld:
    return action_world(north)


def _escalated(aw: ActionWorld, **fields: Any) -> Escalation:
    """An action that fell due three days ago and escalated the day after."""
    action = aw.action(due_on=_today() - datetime.timedelta(days=3), **fields)
    [escalation] = actions.escalate_overdue_actions(
        today=_today() - datetime.timedelta(days=2), now=timezone.now()
    )
    assert escalation.action == action
    return escalation


# The tracker ----------------------------------------------------------------------------------


def test_the_tracker_shows_overdue_actions_first_with_a_red_tag(aw: ActionWorld) -> None:
    _escalated(aw, description="Share the school's attendance record with the police.")
    aw.action(due_on=_today() + datetime.timedelta(days=5), item=aw.theme_item)

    response = _client(aw.chair).get(reverse("panels:actions"))
    assert response.status_code == 200
    body = _text(response)
    assert "2 actions, 1 overdue" in body
    assert 'govuk-tag--red">Overdue by 3 days</strong>' in body
    assert body.index("Share the school") < body.index("Taxi ranks near the bus station")
    assert "Child: Jade Example" in body
    assert "Theme: Taxi ranks" in body
    assert "Escalated" in body
    assert 'value="mine"' in body
    assert "All actions I can see" in body
    assert AuditEvent.objects.filter(action="panels.action_tracker_viewed").count() == 1


def test_the_tracker_filters_from_the_form(aw: ActionWorld) -> None:
    aw.action(description="Owned by the lead professional.")
    officer = aw.world.missing.officer
    aw.action(owner=officer, agency=aw.world.missing.police, description="Owned by the police.")
    url = reverse("panels:actions")
    body = _text(_client(aw.chair).get(url, {"agency": str(aw.world.missing.police.pk)}))
    assert "Owned by the police." in body
    assert "Owned by the lead professional." not in body
    body = _text(_client(aw.owner).get(url, {"scope": "mine", "status": "open"}))
    assert "Owned by the lead professional." in body
    assert "Owned by the police." not in body


def test_the_tracker_says_when_there_is_nothing_to_show(aw: ActionWorld) -> None:
    body = _text(_client(aw.world.missing.officer).get(reverse("panels:actions")))
    assert "There are no panel actions to show with these filters." in body


def test_a_bad_filter_is_shown_in_the_error_summary(aw: ActionWorld) -> None:
    response = _client(aw.chair).get(reverse("panels:actions"), {"status": "finished"})
    body = _text(response)
    assert "govuk-error-summary" in body
    assert "Select a status from the list" in body
    assert "<title>Error: " in body


# One action -----------------------------------------------------------------------------------


def test_the_action_page_shows_the_action_its_updates_and_escalations(aw: ActionWorld) -> None:
    escalation = _escalated(aw)
    action = escalation.action
    actions.action_update(
        actor=aw.owner,
        action=action,
        status="in_progress",
        note="Visit booked.",
        now=timezone.now(),
    )
    body = _text(_client(aw.manager).get(reverse("panels:action", args=[action.pk])))
    assert "Jade Example" in body
    assert "Visit booked." in body
    assert "Overdue by 3 days" in body
    assert "Mina Manager" in body
    assert reverse("panels:escalation_resolve", args=[escalation.pk]) in body
    assert "Update the action" not in body  # the manager does not update it


def test_a_forbidden_action_page_is_a_404(aw: ActionWorld, south: PanelWorld) -> None:
    action = aw.action()
    for user in (south.missing.coordinator, aw.world.health_member):
        assert _client(user).get(reverse("panels:action", args=[action.pk])).status_code == 404
        response = _client(user).post(
            reverse("panels:action_update", args=[action.pk]), {"status": "done"}
        )
        assert response.status_code == 404
    action.refresh_from_db()
    assert action.status == PanelActionStatus.NOT_STARTED


def test_the_manager_cannot_post_an_update(aw: ActionWorld) -> None:
    action = aw.action()
    response = _client(aw.manager).post(
        reverse("panels:action_update", args=[action.pk]), {"status": "done"}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="panels.action_refused", actor=aw.manager, subject_id=str(action.pk)
    ).exists()


def test_only_the_chair_is_offered_a_new_due_date(aw: ActionWorld) -> None:
    action = aw.action()
    url = reverse("panels:action", args=[action.pk])
    assert 'name="due_on_day"' in _text(_client(aw.chair).get(url))
    owner_page = _text(_client(aw.owner).get(url))
    assert "Update the action" in owner_page
    assert 'name="due_on_day"' not in owner_page


def test_an_update_with_errors_shows_the_error_summary(aw: ActionWorld) -> None:
    action = aw.action()
    response = _client(aw.owner).post(
        reverse("panels:action_update", args=[action.pk]), {"status": "cancelled", "note": ""}
    )
    assert response.status_code == 200
    body = _text(response)
    assert "govuk-error-summary" in body
    assert "Add a note saying why the action is cancelled" in body
    assert 'href="#id_note"' in body


def test_the_chair_moves_the_due_date_through_the_form(aw: ActionWorld) -> None:
    action = aw.action()
    new_due = _today() + datetime.timedelta(days=21)
    response = _client(aw.chair).post(
        reverse("panels:action_update", args=[action.pk]),
        {
            "status": "in_progress",
            "note": "Agreed at the panel.",
            "due_on_day": new_due.day,
            "due_on_month": new_due.month,
            "due_on_year": new_due.year,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:action", args=[action.pk])
    action.refresh_from_db()
    assert (action.status, action.due_on) == ("in_progress", new_due)


# Escalations ----------------------------------------------------------------------------------


def test_the_escalation_log_is_for_auditors_and_those_with_escalations(aw: ActionWorld) -> None:
    _escalated(aw)
    url = reverse("panels:escalations")
    unrelated = user_with_role(Role.LEAD_PROFESSIONAL, aw.csc)
    assert _client(unrelated).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="panels.escalation_refused", actor=unrelated).exists()
    ig = user_with_role(Role.INFORMATION_GOVERNANCE, AgencyFactory())
    for user in (ig, aw.manager, aw.owner):
        assert _client(user).get(url).status_code == 200, user
    other_coordinator = user_with_role(Role.COORDINATOR, AgencyFactory())
    body = _text(_client(other_coordinator).get(url))
    assert "0 escalations" in body
    assert "No escalations match these filters." in body


def test_the_log_names_no_line_manager_and_hides_the_action_from_auditors(
    aw: ActionWorld,
) -> None:
    aw.owner.line_manager = None
    aw.owner.save(update_fields=["line_manager"])
    _escalated(aw, description="Visit the address the child was found at.")
    ig = user_with_role(Role.INFORMATION_GOVERNANCE, AgencyFactory())
    body = _text(_client(ig).get(reverse("panels:escalations")))
    assert "No line manager recorded" in body
    assert "Visit the address" not in body
    assert "An action of Northbrook MACE" in body
    assert "Northbrook" in body
    assert 'govuk-tag--orange">Open</strong>' in body
    chair_body = _text(_client(aw.chair).get(reverse("panels:escalations")))
    assert "Visit the address the child was found at." in chair_body


def test_the_log_filters_by_area_and_agency(aw: ActionWorld, south: PanelWorld) -> None:
    north_escalation = _escalated(aw)
    southern = action_world(south)
    south_escalation = _escalated(southern)
    officer = aw.world.missing.officer
    panel = pan_area_panel(chair=aw.chair)
    meeting = panel.meetings.create(starts_at=london(2027, 3, 5, 14, 0), place="Town hall")
    _, theme = agenda_items(aw.world, meeting)
    panel_action(
        item=theme,
        owner=officer,
        agency=aw.world.missing.police,
        due_on=_today() - datetime.timedelta(days=3),
    )
    [pan_escalation] = actions.escalate_overdue_actions(today=_today(), now=timezone.now())
    actions.escalation_resolve(
        actor=southern.manager,
        escalation=south_escalation,
        resolution="Chased and done.",
        now=timezone.now(),
    )
    ig = user_with_role(Role.INFORMATION_GOVERNANCE, AgencyFactory())

    def log_ids(**filters: Any) -> set:
        page = actions.escalation_log(viewer=ig, filters=actions.EscalationFilters(**filters))
        return {row.escalation.pk for row in page.rows}

    assert log_ids() == {north_escalation.pk, south_escalation.pk, pan_escalation.pk}
    assert log_ids(area=str(aw.world.area.pk)) == {north_escalation.pk}
    assert log_ids(area=actions.PAN_AREA) == {pan_escalation.pk}
    assert log_ids(agency_id=aw.world.missing.police.pk) == {pan_escalation.pk}
    assert log_ids(agency_id=south.missing.csc.pk) == {south_escalation.pk}
    assert log_ids(state="resolved") == {south_escalation.pk}
    assert log_ids(state="open") == {north_escalation.pk, pan_escalation.pk}
    assert log_ids(escalated_from=_today()) == {pan_escalation.pk}
    assert log_ids(escalated_to=_today() - datetime.timedelta(days=1)) == {
        north_escalation.pk,
        south_escalation.pk,
    }

    page = actions.escalation_log(viewer=ig, filters=actions.EscalationFilters())
    by_area = {count.label: (count.open, count.resolved) for count in page.by_area}
    assert by_area == {"Northbrook": (1, 0), "Southmere": (0, 1), "Pan-area": (1, 0)}
    assert [count.label for count in page.by_area][-1] == "Pan-area"
    [southmere] = [count for count in page.by_area if count.label == "Southmere"]
    assert southmere.median_days_to_resolve == 2  # escalated two days ago, resolved today
    by_agency = {count.label: (count.open, count.resolved) for count in page.by_agency}
    assert by_agency == {
        "Northbrook Children's Services": (1, 0),
        "Northbrook Police": (1, 0),
        "Southmere Children's Services": (0, 1),
    }

    # The page: the area filter, and the counts tables.
    response = _client(ig).get(reverse("panels:escalations"), {"area": str(aw.world.area.pk)})
    body = _text(response)
    assert "1 escalation<" in body
    assert "By area" in body
    assert "By the owner's agency" in body
    pan = _text(_client(ig).get(reverse("panels:escalations"), {"area": actions.PAN_AREA}))
    assert "1 escalation<" in pan
    assert "Pan-area" in pan


def test_the_log_refuses_an_end_date_before_the_start(aw: ActionWorld) -> None:
    ig = user_with_role(Role.INFORMATION_GOVERNANCE, AgencyFactory())
    response = _client(ig).get(
        reverse("panels:escalations"),
        {
            "escalated_from_day": "10",
            "escalated_from_month": "3",
            "escalated_from_year": "2027",
            "escalated_to_day": "1",
            "escalated_to_month": "3",
            "escalated_to_year": "2027",
        },
    )
    body = _text(response)
    assert "The end date must be the same as or after the start date" in body
    assert not AuditEvent.objects.filter(action="panels.escalation_log_viewed").exists()


def test_resolving_through_the_page(aw: ActionWorld) -> None:
    escalation = _escalated(aw)
    url = reverse("panels:escalation_resolve", args=[escalation.pk])
    assert _client(aw.owner).get(url).status_code == 404
    assert _client(aw.world.missing.officer).get(url).status_code == 404

    manager = _client(aw.manager)
    empty = _text(manager.post(url, {"resolution": ""}))
    assert "Enter what has been done about the overdue action" in empty
    response = manager.post(url, {"resolution": "Spoke to Lee; done by Friday."})
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:action", args=[escalation.action_id])
    escalation.refresh_from_db()
    assert escalation.resolved_by == aw.manager

    again = _text(_client(aw.chair).post(url, {"resolution": "Chased too."}))
    assert "This escalation was already resolved on" in again
    assert "This escalation was resolved on" in _text(_client(aw.chair).get(url))
