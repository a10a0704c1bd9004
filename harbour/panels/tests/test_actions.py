"""Panel actions: reading one, updating it, and the action tracker's scope, filters, order and
queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.missing.tests.factories import london
from harbour.panels import actions
from harbour.panels.actions import TrackerFilters
from harbour.panels.models import PanelAction, PanelActionStatus, PanelActionUpdate
from harbour.panels.tests.actions_factories import (
    DUE,
    ActionWorld,
    action_world,
    agenda_items,
    pan_area_panel,
    panel_action,
)
from harbour.panels.tests.factories import PanelWorld

TODAY = DUE + datetime.timedelta(days=3)
NOW = london(2027, 3, 13, 11, 0)


@pytest.fixture
def aw(north: PanelWorld) -> ActionWorld:
    return action_world(north)


def tracker_ids(viewer, **filters) -> list:
    page = actions.action_tracker(viewer=viewer, today=TODAY, filters=TrackerFilters(**filters))
    return [row.action.pk for row in page.rows]


# Reading one action ---------------------------------------------------------------------------


def test_action_get_audits_the_read_and_the_refusal(aw: ActionWorld, south: PanelWorld) -> None:
    action = aw.action()
    assert actions.action_get(viewer=aw.manager, action_id=action.pk) == action
    assert AuditEvent.objects.filter(
        action="panels.action_viewed", actor=aw.manager, subject_id=str(action.pk)
    ).exists()

    with pytest.raises(NotFoundOrForbidden):
        actions.action_get(viewer=south.missing.coordinator, action_id=action.pk)
    with pytest.raises(NotFoundOrForbidden):
        actions.action_get(viewer=aw.manager, action_id="not-an-id")
    refused = AuditEvent.objects.filter(action="panels.action_refused")
    assert sorted(refused.values_list("subject_id", flat=True)) == sorted(
        [str(action.pk), "not-an-id"]
    )


# Updating -------------------------------------------------------------------------------------


def test_the_owner_moves_an_action_on_and_each_update_is_kept(aw: ActionWorld) -> None:
    action = aw.action()
    actions.action_update(actor=aw.owner, action=action, status="in_progress", note="", now=NOW)
    done_at = NOW + datetime.timedelta(days=1)
    done = actions.action_update(
        actor=aw.owner, action=action, status="done", note="Visit made.", now=done_at
    )
    assert (done.status, done.completed_at) == ("done", done_at)

    reopened = actions.action_update(
        actor=aw.chair,
        action=action,
        status="in_progress",
        note="The panel wants a second visit.",
        now=done_at + datetime.timedelta(hours=2),
    )
    assert (reopened.status, reopened.completed_at) == ("in_progress", None)
    updates = PanelActionUpdate.objects.filter(action=action).order_by("changed_at")
    assert [(u.from_status, u.to_status, u.changed_by) for u in updates] == [
        ("not_started", "in_progress", aw.owner),
        ("in_progress", "done", aw.owner),
        ("done", "in_progress", aw.chair),
    ]
    events = AuditEvent.objects.filter(action="panels.action_updated", subject_id=str(action.pk))
    assert events.count() == 3
    assert events.order_by("id").last().before["status"] == "done"


@pytest.mark.parametrize(
    ("status", "note", "errors"),
    [
        ("", "x", {"status": ["Select the action's status"]}),
        ("finished", "x", {"status": ["Select the action's status"]}),
        ("cancelled", "  ", {"note": ["Add a note saying why the action is cancelled"]}),
        ("not_started", "", {"note": ["Add a note saying what has happened"]}),
    ],
)
def test_update_validation(aw: ActionWorld, status: str, note: str, errors: dict) -> None:
    action = aw.action()
    with pytest.raises(ServiceValidationError) as raised:
        actions.action_update(actor=aw.owner, action=action, status=status, note=note, now=NOW)
    assert raised.value.message_dict == errors
    assert not PanelActionUpdate.objects.exists()


def test_a_note_alone_is_an_update(aw: ActionWorld) -> None:
    action = aw.action()
    actions.action_update(
        actor=aw.owner, action=action, status="not_started", note="Waiting for a date.", now=NOW
    )
    assert PanelActionUpdate.objects.get().note == "Waiting for a date."


def test_only_the_owner_and_chair_may_update(aw: ActionWorld) -> None:
    action = aw.action()
    for user in (aw.manager, aw.world.missing.officer):
        with pytest.raises(NotFoundOrForbidden):
            actions.action_update(actor=user, action=action, status="done", note="x", now=NOW)
    assert AuditEvent.objects.filter(action="panels.action_refused").count() == 2
    action.refresh_from_db()
    assert action.status == "not_started"


def test_the_chair_moves_the_due_date_with_a_note(aw: ActionWorld) -> None:
    action = aw.action()
    new_due = datetime.date(2027, 3, 31)
    with pytest.raises(ServiceValidationError) as no_note:
        actions.action_update(
            actor=aw.chair, action=action, status="not_started", note="", due_on=new_due, now=NOW
        )
    assert no_note.value.message_dict == {"note": ["Add a note saying why the due date has moved"]}

    moved = actions.action_update(
        actor=aw.chair,
        action=action,
        status="not_started",
        note="Agreed at the panel.",
        due_on=new_due,
        now=NOW,
    )
    assert moved.due_on == new_due
    update = PanelActionUpdate.objects.get()
    assert (
        update.note == "Due date moved from 10 March 2027 to 31 March 2027.\nAgreed at the panel."
    )
    event = AuditEvent.objects.get(action="panels.action_updated")
    assert (event.before["due_on"], event.after["due_on"]) == ("2027-03-10", "2027-03-31")
    assert event.after["due_date_moved"] is True


@pytest.mark.parametrize(
    ("who", "status", "due_on", "message"),
    [
        ("owner", "in_progress", datetime.date(2027, 3, 31), "Only the panel's chair can move"),
        ("chair", "in_progress", datetime.date(2027, 3, 12), "must be today or in the future"),
        ("chair", "done", datetime.date(2027, 3, 31), "Only an action still to be done"),
    ],
)
def test_due_date_rules(
    aw: ActionWorld, who: str, status: str, due_on: datetime.date, message: str
) -> None:
    action = aw.action()
    actor = aw.owner if who == "owner" else aw.chair
    with pytest.raises(ServiceValidationError) as raised:
        actions.action_update(
            actor=actor, action=action, status=status, note="Moved.", due_on=due_on, now=NOW
        )
    assert message in raised.value.message_dict["due_on"][0]
    action.refresh_from_db()
    assert action.due_on == DUE


def test_the_same_due_date_is_not_a_move(aw: ActionWorld) -> None:
    action = aw.action()
    updated = actions.action_update(
        actor=aw.owner, action=action, status="in_progress", note="", due_on=DUE, now=NOW
    )
    assert updated.due_on == DUE


# The tracker: who sees what -------------------------------------------------------------------


def test_tracker_scoping(aw: ActionWorld, south: PanelWorld) -> None:
    action = aw.action()
    coordinator_here = user_with_role(Role.COORDINATOR, aw.csc)
    unrelated = user_with_role(Role.LEAD_PROFESSIONAL, aw.csc)
    for viewer in (aw.owner, aw.manager, aw.chair, coordinator_here):
        assert tracker_ids(viewer) == [action.pk], viewer
    for viewer in (south.missing.coordinator, unrelated, aw.world.health_member):
        assert tracker_ids(viewer) == [], viewer


def test_a_pan_area_panels_actions_are_seen_by_every_coordinator(
    aw: ActionWorld, south: PanelWorld
) -> None:
    panel = pan_area_panel(chair=aw.chair)
    meeting = panel.meetings.create(starts_at=london(2027, 3, 5, 14, 0), place="Town hall")
    _, theme = agenda_items(aw.world, meeting)
    action = panel_action(item=theme, owner=south.missing.officer, agency=south.missing.police)
    assert tracker_ids(south.missing.coordinator) == [action.pk]
    assert tracker_ids(aw.world.missing.officer) == []


def test_tracker_rows_overdue_first_with_days_overdue_and_escalation(aw: ActionWorld) -> None:
    later = aw.action(due_on=TODAY + datetime.timedelta(days=7), item=aw.theme_item)
    done = aw.action(due_on=DUE - datetime.timedelta(days=30), status="done")
    today = aw.action(due_on=TODAY)
    overdue = aw.action(due_on=DUE)
    longest = aw.action(due_on=DUE - datetime.timedelta(days=2))
    actions.escalate_overdue_actions(today=DUE, now=NOW)  # only ``longest`` is overdue then

    page = actions.action_tracker(viewer=aw.chair, today=TODAY)
    assert [row.action for row in page.rows] == [longest, overdue, today, later, done]
    assert [row.days_overdue for row in page.rows] == [5, 3, 0, 0, 0]
    assert [row.escalated for row in page.rows] == [True, False, False, False, False]
    assert (page.total, page.overdue_count, page.page, page.pages) == (5, 2, 1, 1)
    first = page.rows[0]
    assert first.subject == "Jade Example"
    assert not first.is_theme
    assert (page.rows[3].subject, page.rows[3].is_theme) == (
        "Taxi ranks near the bus station",
        True,
    )
    assert first.panel == aw.world.panel
    assert first.meeting_date == datetime.date(2027, 3, 4)
    assert (first.owner, first.agency, first.status) == (aw.owner, aw.csc, "not_started")
    event = AuditEvent.objects.get(action="panels.action_tracker_viewed")
    assert event.actor == aw.chair
    assert event.after["shown_action_ids"] == [str(row.action.pk) for row in page.rows]


def test_tracker_filters(aw: ActionWorld) -> None:
    officer = aw.world.missing.officer
    police = aw.world.missing.police
    mine = aw.action(due_on=DUE)
    officers = aw.action(owner=officer, agency=police, due_on=TODAY + datetime.timedelta(days=1))
    done = aw.action(status="done")
    other_meeting = aw.world.meeting(london(2027, 3, 18, 10, 0))
    other_panel = pan_area_panel(chair=aw.chair)
    other_meeting.panel = other_panel
    other_meeting.save()
    _, theme = agenda_items(aw.world, other_meeting)
    elsewhere = panel_action(item=theme, owner=aw.owner, agency=aw.csc, due_on=TODAY)

    chair = aw.chair
    assert set(tracker_ids(chair)) == {mine.pk, officers.pk, done.pk, elsewhere.pk}
    assert set(tracker_ids(aw.owner, scope="mine")) == {mine.pk, done.pk, elsewhere.pk}
    assert set(tracker_ids(chair, scope="mine")) == set()
    assert tracker_ids(chair, status="done") == [done.pk]
    assert set(tracker_ids(chair, status="open")) == {mine.pk, officers.pk, elsewhere.pk}
    assert tracker_ids(chair, overdue_only=True) == [mine.pk]
    assert tracker_ids(chair, panel_id=other_panel.pk) == [elsewhere.pk]
    assert tracker_ids(chair, agency_id=police.pk) == [officers.pk]
    with pytest.raises(ServiceValidationError):
        tracker_ids(chair, status="finished")
    with pytest.raises(ServiceValidationError):
        tracker_ids(chair, scope="everyone")


def test_tracker_pages(aw: ActionWorld) -> None:
    made = [aw.action(due_on=TODAY + datetime.timedelta(days=n)) for n in range(5)]
    first = actions.action_tracker(viewer=aw.chair, today=TODAY, per_page=2)
    last = actions.action_tracker(viewer=aw.chair, today=TODAY, page=9, per_page=2)
    assert (first.total, first.pages, [r.action for r in first.rows]) == (5, 3, made[:2])
    assert (last.page, [r.action for r in last.rows]) == (3, made[4:])


def test_tracker_reads_the_actions_in_two_queries_however_many_rows(aw: ActionWorld) -> None:
    """One count and one page query: no query per row (the child, meeting, owner, agency and
    whether it escalated come with the page)."""

    def action_queries(count: int) -> int:
        PanelAction.objects.all().delete()
        for number in range(count):
            item = aw.theme_item if number % 2 else aw.child_item
            owner = aw.owner if number % 3 else aw.world.missing.officer
            panel_action(item=item, owner=owner, agency=aw.csc, due_on=DUE)
        viewer = user_with_role(Role.COORDINATOR, AgencyFactory(areas=[aw.world.area]))
        actions.action_tracker(viewer=viewer, today=TODAY)  # warm the viewer's roles
        with CaptureQueriesContext(connection) as queries:
            page = actions.action_tracker(viewer=viewer, today=TODAY)
        assert len(page.rows) == count
        return sum('"panels_panelaction"' in q["sql"] for q in queries.captured_queries)

    assert action_queries(2) == action_queries(12) == 2


@pytest.mark.parametrize("status", list(PanelActionStatus.values))
def test_every_status_shows_its_label(aw: ActionWorld, status: str) -> None:
    aw.action(status=status)
    [row] = actions.action_tracker(viewer=aw.owner, today=TODAY).rows
    assert row.status_label == PanelActionStatus(status).label
