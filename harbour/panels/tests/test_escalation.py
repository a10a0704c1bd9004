"""Escalating overdue panel actions: once, on the right day, to the right people; the daily
command and task; and resolving an escalation once."""

from __future__ import annotations

import datetime
import threading
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.missing.tests.factories import frozen, london
from harbour.notifications.models import Notification
from harbour.panels import actions
from harbour.panels.models import Escalation, PanelAction, PanelActionStatus
from harbour.panels.tests.actions_factories import DUE, ActionWorld, action_world
from harbour.panels.tests.factories import PanelWorld

DAY_AFTER = DUE + datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 7) -> datetime.datetime:
    return london(day.year, day.month, day.day, hour, 0)


def escalate(day: datetime.date) -> list[Escalation]:
    return actions.escalate_overdue_actions(today=day, now=at(day))


@pytest.fixture
def aw(north: PanelWorld) -> ActionWorld:
    return action_world(north)


def test_escalation_fires_once_on_the_day_after_the_due_date_to_manager_and_chair(
    aw: ActionWorld,
) -> None:
    action = aw.action()

    assert escalate(DUE - datetime.timedelta(days=1)) == []
    assert escalate(DUE) == []  # due today is not overdue

    [escalation] = escalate(DAY_AFTER)
    assert escalation.action == action
    assert (escalation.due_on, escalation.escalated_on) == (DUE, DAY_AFTER)
    assert escalation.escalated_at == at(DAY_AFTER)
    assert escalation.area_id == aw.world.area.pk
    assert escalation.owner_agency_id == aw.csc.pk
    assert (escalation.owner, escalation.owner_manager, escalation.chair) == (
        aw.owner,
        aw.manager,
        aw.chair,
    )
    assert set(escalation.recipients.all()) == {aw.manager, aw.chair}

    notifications = Notification.objects.filter(subject_id=str(action.pk))
    assert sorted(n.recipient_id for n in notifications) == sorted([aw.manager.pk, aw.chair.pk])
    for notification in notifications:
        assert notification.link_url == f"/panels/actions/{action.pk}/"
        assert "Jade" not in notification.body  # no child's name in an e-mail
        assert "1 day overdue" in notification.body
    [event] = AuditEvent.objects.filter(action="panels.action_escalated")
    assert event.subject_id == str(action.pk)
    assert event.actor is None
    assert event.after["recipient_ids"] == [str(aw.manager.pk), str(aw.chair.pk)]

    assert escalate(DAY_AFTER) == []
    assert escalate(DAY_AFTER + datetime.timedelta(days=1)) == []
    assert escalate(DAY_AFTER + datetime.timedelta(days=30)) == []
    assert Escalation.objects.count() == 1
    assert Notification.objects.filter(subject_id=str(action.pk)).count() == 2
    assert AuditEvent.objects.filter(action="panels.action_escalated").count() == 1


@pytest.mark.parametrize("status", [PanelActionStatus.DONE, PanelActionStatus.CANCELLED])
def test_a_closed_action_never_escalates(aw: ActionWorld, status: str) -> None:
    aw.action(status=status)
    assert escalate(DAY_AFTER + datetime.timedelta(days=60)) == []
    assert not Escalation.objects.exists()


def test_an_action_in_progress_escalates_like_one_not_started(aw: ActionWorld) -> None:
    aw.action(status=PanelActionStatus.IN_PROGRESS)
    assert len(escalate(DAY_AFTER)) == 1


def test_an_action_closed_after_it_escalated_is_not_escalated_again(aw: ActionWorld) -> None:
    action = aw.action()
    escalate(DAY_AFTER)
    actions.action_update(
        actor=aw.owner, action=action, status="done", note="", now=at(DAY_AFTER, 9)
    )
    assert escalate(DAY_AFTER + datetime.timedelta(days=5)) == []


def test_an_owner_without_a_line_manager_escalates_to_the_chair_only(aw: ActionWorld) -> None:
    aw.owner.line_manager = None
    aw.owner.save(update_fields=["line_manager"])
    action = aw.action()

    [escalation] = escalate(DAY_AFTER)
    assert escalation.owner_manager is None
    assert list(escalation.recipients.all()) == [aw.chair]
    assert Notification.objects.filter(subject_id=str(action.pk)).count() == 1

    ig = user_with_role(Role.INFORMATION_GOVERNANCE, aw.csc)
    log = actions.escalation_log(viewer=ig, filters=actions.EscalationFilters())
    assert [row.manager_label for row in log.rows] == [actions.NO_LINE_MANAGER]


def test_an_inactive_line_manager_is_not_told(aw: ActionWorld) -> None:
    aw.manager.is_active = False
    aw.manager.save(update_fields=["is_active"])
    aw.action()
    [escalation] = escalate(DAY_AFTER)
    assert escalation.owner_manager is None
    assert list(escalation.recipients.all()) == [aw.chair]


def test_a_manager_who_chairs_the_panel_is_told_once(aw: ActionWorld) -> None:
    aw.owner.line_manager = aw.chair
    aw.owner.save(update_fields=["line_manager"])
    action = aw.action()
    [escalation] = escalate(DAY_AFTER)
    assert escalation.owner_manager == aw.chair
    assert list(escalation.recipients.all()) == [aw.chair]
    assert Notification.objects.filter(subject_id=str(action.pk)).count() == 1


def test_a_moved_due_date_escalates_again_once_after_the_new_date_passes(aw: ActionWorld) -> None:
    action = aw.action()
    escalate(DAY_AFTER)
    new_due = DUE + datetime.timedelta(days=14)
    actions.action_update(
        actor=aw.chair,
        action=action,
        status=PanelActionStatus.IN_PROGRESS,
        note="The visit is booked; the panel agreed two more weeks.",
        due_on=new_due,
        now=at(DAY_AFTER, 10),
    )

    assert escalate(new_due) == []
    [second] = escalate(new_due + datetime.timedelta(days=1))
    assert (second.due_on, second.escalated_on) == (new_due, new_due + datetime.timedelta(days=1))
    assert escalate(new_due + datetime.timedelta(days=2)) == []
    assert list(
        Escalation.objects.filter(action=action).order_by("due_on").values_list("due_on", flat=True)
    ) == [DUE, new_due]


def test_only_due_actions_escalate_and_the_oldest_first(aw: ActionWorld) -> None:
    older = aw.action(due_on=DUE - datetime.timedelta(days=3))
    due = aw.action(item=aw.theme_item)
    aw.action(due_on=DAY_AFTER)  # due on the day of the run: not yet overdue
    escalated = escalate(DAY_AFTER)
    assert [escalation.action for escalation in escalated] == [older, due]
    assert escalated[0].escalated_on == DAY_AFTER


def test_an_escalation_inserted_by_another_run_meanwhile_is_skipped(aw: ActionWorld) -> None:
    """The unique constraint is the last guard: the insert fails in a savepoint, nothing else is
    written for that action, and the run carries on with the next."""
    first = aw.action()
    second = aw.action(item=aw.theme_item)
    real_recipients = actions.escalation_recipients

    def meanwhile(owner: Any, chair: Any) -> Any:
        """Between this run's check and its insert, "the other run" escalates ``first``."""
        result = real_recipients(owner, chair)
        if not Escalation.objects.filter(action=first).exists():
            Escalation.objects.create(
                action=first,
                due_on=DUE,
                escalated_on=DAY_AFTER,
                escalated_at=at(DAY_AFTER),
                area=aw.world.area,
                owner_agency=aw.csc,
                owner=aw.owner,
                chair=aw.chair,
            )
        return result

    with mock.patch.object(actions, "escalation_recipients", side_effect=meanwhile):
        escalated = escalate(DAY_AFTER)
    assert [escalation.action for escalation in escalated] == [second]
    assert Escalation.objects.filter(action=first).count() == 1
    assert not Notification.objects.filter(subject_id=str(first.pk)).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_escalate_each_action_once() -> None:
    from harbour.panels.tests.factories import panel_world

    aw = action_world(panel_world("eastwick", "Eastwick"))
    for number in range(6):
        aw.action(description=f"Action number {number + 1}")
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(len(escalate(DAY_AFTER)))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 6
    assert Escalation.objects.count() == 6
    assert Notification.objects.filter(subject_type="panels.panelaction").count() == 12


# The command and the task ---------------------------------------------------------------------


def test_the_command_escalates_and_says_how_many(aw: ActionWorld) -> None:
    aw.action()
    out = StringIO()
    call_command("escalate_overdue_panel_actions", "--today", DAY_AFTER.isoformat(), stdout=out)
    assert out.getvalue().strip() == "Escalated 1 overdue panel action(s) as of 2027-03-11."
    again = StringIO()
    call_command("escalate_overdue_panel_actions", "--today", DAY_AFTER.isoformat(), stdout=again)
    assert again.getvalue().strip() == "Escalated 0 overdue panel action(s) as of 2027-03-11."


def test_the_command_uses_the_uk_date(aw: ActionWorld) -> None:
    """At 00:30 on 11 June in London it is still 10 June in UTC: the action due on 10 June is
    overdue by UK reckoning."""
    aw.action(due_on=datetime.date(2027, 6, 10))
    out = StringIO()
    with frozen(london(2027, 6, 11, 0, 30)):
        call_command("escalate_overdue_panel_actions", stdout=out)
    assert "Escalated 1 overdue panel action(s) as of 2027-06-11." in out.getvalue()


def test_the_command_refuses_a_date_it_cannot_read(db: None) -> None:
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("escalate_overdue_panel_actions", "--today", "11/03/2027")


def test_the_task_escalates_like_the_command(aw: ActionWorld, settings: Any) -> None:
    from harbour.panels.tasks import escalate_overdue_panel_actions_task

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    aw.action()
    assert escalate_overdue_panel_actions_task.enqueue(DAY_AFTER.isoformat()).return_value == 1
    assert escalate_overdue_panel_actions_task.enqueue(DAY_AFTER.isoformat()).return_value == 0


# Resolving ------------------------------------------------------------------------------------


def test_the_manager_resolves_an_escalation_once(aw: ActionWorld) -> None:
    aw.action()
    [escalation] = escalate(DAY_AFTER)
    resolved_at = at(DAY_AFTER + datetime.timedelta(days=2), 15)

    with pytest.raises(ServiceValidationError) as empty:
        actions.escalation_resolve(
            actor=aw.manager, escalation=escalation, resolution="  ", now=resolved_at
        )
    assert empty.value.message_dict == {
        "resolution": ["Enter what has been done about the overdue action"]
    }

    resolved = actions.escalation_resolve(
        actor=aw.manager,
        escalation=escalation,
        resolution="Spoke to Lee; the visit is booked for Friday.",
        now=resolved_at,
    )
    assert (resolved.resolved_at, resolved.resolved_by) == (resolved_at, aw.manager)
    assert AuditEvent.objects.filter(
        action="panels.escalation_resolved", actor=aw.manager, subject_id=str(escalation.pk)
    ).exists()

    with pytest.raises(ServiceValidationError) as again:
        actions.escalation_resolve(
            actor=aw.chair, escalation=escalation, resolution="Also chased.", now=resolved_at
        )
    assert again.value.message_dict == {
        "escalation": ["This escalation was already resolved on 13 March 2027"]
    }
    escalation.refresh_from_db()
    assert escalation.resolution == "Spoke to Lee; the visit is booked for Friday."


def test_only_the_manager_or_chair_may_resolve(aw: ActionWorld) -> None:
    aw.action()
    [escalation] = escalate(DAY_AFTER)
    for user in (aw.owner, aw.world.missing.officer):
        with pytest.raises(NotFoundOrForbidden):
            actions.escalation_resolve(
                actor=user, escalation=escalation, resolution="Done.", now=at(DAY_AFTER, 12)
            )
    assert (
        AuditEvent.objects.filter(
            action="panels.escalation_refused", subject_id=str(escalation.pk)
        ).count()
        == 2
    )
    escalation.refresh_from_db()
    assert escalation.resolved_at is None
    actions.escalation_resolve(
        actor=aw.chair, escalation=escalation, resolution="Chased.", now=at(DAY_AFTER, 12)
    )


def test_panel_action_rows_are_left_untouched_by_escalation(aw: ActionWorld) -> None:
    action = aw.action()
    escalate(DAY_AFTER)
    action.refresh_from_db()
    assert (action.status, action.due_on) == (PanelActionStatus.NOT_STARTED, DUE)
    assert PanelAction.objects.count() == 1
