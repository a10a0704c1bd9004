"""Repeat-missing triggers: firing exactly at their thresholds, once, to the right people."""

from __future__ import annotations

import datetime

import pytest

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.cases.models import Case
from harbour.missing import services
from harbour.missing.models import MissingEpisode, RepeatMissingAlert
from harbour.missing.tests.factories import MissingWorld, frozen, london, record_return, report
from harbour.notifications.models import Notification
from harbour.people.models import ChronologyEntry

pytestmark = pytest.mark.django_db

START = london(2026, 1, 5, 18, 0)


def _episode_at(world: MissingWorld, moment: datetime.datetime, **kwargs) -> MissingEpisode:
    """An episode reported at ``moment`` (last seen an hour before), the child back 3 hours on."""
    with frozen(moment + datetime.timedelta(hours=3)):
        episode, created = report(
            world,
            last_seen_at=moment - datetime.timedelta(hours=1),
            reported_at=moment,
            **kwargs,
        )
        assert created
        record_return(world, episode, returned_at=moment + datetime.timedelta(hours=2))
    return episode


def _fired(trigger_id: str) -> list[RepeatMissingAlert]:
    return list(RepeatMissingAlert.objects.filter(trigger_id=trigger_id).order_by("fired_at"))


def test_the_third_episode_in_30_days_fires_and_the_second_does_not(world):
    _episode_at(world, START)
    second = _episode_at(world, START + datetime.timedelta(days=10))
    assert RepeatMissingAlert.objects.count() == 0
    assert not second.alerts.exists()

    third = _episode_at(world, START + datetime.timedelta(days=20))
    alerts = {alert.trigger_id: alert for alert in third.alerts.all()}
    assert set(alerts) == {"3-in-30-days", "3-in-90-days"}
    alert = alerts["3-in-30-days"]
    assert (alert.episode_count, alert.window_days, alert.policy_version) == (3, 30, 1)
    assert alert.person == world.child
    assert alert.area == world.area
    summaries = list(
        ChronologyEntry.objects.filter(event_type="missing.repeat_alert").values_list(
            "summary", flat=True
        )
    )
    assert "Repeat missing: 3 episodes in 30 days — assessment review prompted" in summaries
    assert "Repeat missing: 3 episodes in 90 days — assessment review prompted" in summaries


def test_the_window_ends_at_the_episode_and_excludes_one_exactly_30_days_before(world):
    _episode_at(world, START)
    _episode_at(world, START + datetime.timedelta(days=10))
    third = _episode_at(world, START + datetime.timedelta(days=30))
    assert [a.trigger_id for a in third.alerts.all()] == ["3-in-90-days"]


def test_one_minute_inside_the_window_counts(world):
    _episode_at(world, START)
    _episode_at(world, START + datetime.timedelta(days=10))
    third = _episode_at(world, START + datetime.timedelta(days=30, minutes=-1))
    assert {a.trigger_id for a in third.alerts.all()} == {"3-in-30-days", "3-in-90-days"}


def test_three_episodes_over_60_days_fire_only_the_90_day_trigger(world):
    _episode_at(world, START)
    _episode_at(world, START + datetime.timedelta(days=30))
    third = _episode_at(world, START + datetime.timedelta(days=60))
    assert [a.trigger_id for a in third.alerts.all()] == ["3-in-90-days"]


def test_a_trigger_fires_once_per_window_and_evaluating_again_changes_nothing(world):
    for days in (0, 5, 10):
        _episode_at(world, START + datetime.timedelta(days=days))
    fourth = _episode_at(world, START + datetime.timedelta(days=15))
    assert not fourth.alerts.exists()
    before = Notification.objects.count()
    assert services.evaluate_repeat_triggers(episode=fourth, now=START) == []
    third = MissingEpisode.objects.order_by("reported_at")[2]
    assert services.evaluate_repeat_triggers(episode=third, now=START) == []
    assert len(_fired("3-in-30-days")) == 1
    assert Notification.objects.count() == before


def test_a_new_window_fires_again(world):
    for days in (0, 5, 10):
        _episode_at(world, START + datetime.timedelta(days=days))
    # 100 days on, three more: both windows have moved past the first alerts.
    for days in (110, 115):
        _episode_at(world, START + datetime.timedelta(days=days))
    assert len(_fired("3-in-30-days")) == 1
    latest = _episode_at(world, START + datetime.timedelta(days=120))
    assert {a.trigger_id for a in latest.alerts.all()} == {"3-in-30-days", "3-in-90-days"}


def test_the_alert_reaches_the_lead_professional_and_the_areas_coordinators_only(world):
    Case.objects.create(
        person=world.child,
        area=world.area,
        lead_professional=world.lead,
        lead_agency=world.csc,
        status="open",
        opened_at=START,
        opened_by=world.lead,
    )
    police_coordinator = user_with_role(Role.COORDINATOR, world.police)
    elsewhere = AgencyFactory(areas=[AreaFactory(code="southmere", name="Southmere")])
    other_area_coordinator = user_with_role(Role.COORDINATOR, elsewhere)
    inactive = user_with_role(Role.COORDINATOR, world.csc, is_active=False)

    for days in (0, 10, 20):
        _episode_at(world, START + datetime.timedelta(days=days))

    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {world.lead.pk, world.coordinator.pk, police_coordinator.pk}
    assert other_area_coordinator.pk not in recipients
    assert inactive.pk not in recipients
    assert world.officer.pk not in recipients
    # One notification per trigger fired (both fired) per person.
    assert Notification.objects.filter(recipient=world.lead).count() == 2
    notification = Notification.objects.filter(recipient=world.lead).first()
    assert notification.subject == "Repeat missing: an assessment review is prompted"
    assert world.child.full_name not in notification.body  # e-mail leaves Harbour: no name


def test_a_closed_case_lead_is_not_told(world):
    Case.objects.create(
        person=world.child,
        area=world.area,
        lead_professional=world.lead,
        lead_agency=world.csc,
        status="closed",
        opened_at=START,
        opened_by=world.lead,
    )
    for days in (0, 10, 20):
        _episode_at(world, START + datetime.timedelta(days=days))
    assert not Notification.objects.filter(recipient=world.lead).exists()
    assert Notification.objects.filter(recipient=world.coordinator).exists()
