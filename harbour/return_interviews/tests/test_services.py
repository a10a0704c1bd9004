"""The services: every validation message, nothing half-written, and sharing on completion
reaching exactly the right people."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.notifications.models import Notification
from harbour.people.models import ChronologyEntry, Involvement, InvolvementKind
from harbour.return_interviews import services
from harbour.return_interviews.intelligence import (
    KIND_MESSAGE,
    PHONE_MESSAGE,
    PLATFORM_MESSAGE,
    VALUE_MESSAGE,
    VEHICLE_MESSAGE,
    IntelligenceInput,
)
from harbour.return_interviews.models import (
    IntelligenceItem,
    InterviewFactor,
    InterviewOutcome,
    ReturnInterview,
)
from harbour.return_interviews.selectors import interview_visible_to
from harbour.return_interviews.tests.factories import (
    HOUR,
    RhiWorld,
    complete,
    make_episode,
    offered,
)

pytestmark = pytest.mark.django_db


def _messages(excinfo: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _returned(world: RhiWorld, hours_ago: int = 5, **kwargs):
    return make_episode(world, returned_at=timezone.now() - hours_ago * HOUR, **kwargs)


# The offer --------------------------------------------------------------------------------


def test_offer_records_the_worker_agency_access_audit_and_chronology(world: RhiWorld) -> None:
    episode = _returned(world)
    interview = offered(world, episode)
    assert interview.offered_by == world.worker
    assert interview.offered_by_agency == world.charity
    assert interview.outcome == ""
    assert Involvement.objects.filter(
        person=world.person,
        agency=world.charity,
        kind=InvolvementKind.HOLDS_RECORD,
        source_type=services.SOURCE_TYPE,
        source_id=str(interview.pk),
    ).exists()
    assert policy.person_visible_to(world.worker).filter(pk=world.person.pk).exists()
    event = AuditEvent.objects.get(action="return_interview.offered")
    assert event.after["within_clock"] is True
    # The offer stops the episode's own clock (the missing app's field and chronology entry).
    episode.refresh_from_db()
    assert episode.interview_offered_at == interview.offered_at
    assert ChronologyEntry.objects.filter(event_type="missing.interview_offered").exists()
    entry = ChronologyEntry.objects.get(event_type="return_interview.offered")
    assert entry.source_type == "return_interviews.interview"
    assert entry.source_id == str(interview.pk)


def test_offer_refused_when_the_child_has_not_returned(world: RhiWorld) -> None:
    episode = make_episode(world, returned_at=None)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_offer(actor=world.worker, episode=episode, offered_at=timezone.now())
    assert _messages(excinfo)["episode"] == ["The child has not returned yet"]
    assert not ReturnInterview.objects.exists()


def test_offer_refused_before_the_return(world: RhiWorld) -> None:
    episode = _returned(world)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_offer(
            actor=world.worker, episode=episode, offered_at=episode.returned_at - HOUR
        )
    assert _messages(excinfo)["offered_at"] == [
        "The interview cannot be offered before the child returned"
    ]
    assert not ReturnInterview.objects.exists()
    assert not AuditEvent.objects.filter(action="return_interview.offered").exists()


def test_offer_refused_in_the_future_or_without_a_time(world: RhiWorld) -> None:
    episode = _returned(world)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_offer(
            actor=world.worker, episode=episode, offered_at=timezone.now() + HOUR
        )
    assert _messages(excinfo)["offered_at"] == [
        "The time the interview was offered cannot be in the future"
    ]
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_offer(actor=world.worker, episode=episode, offered_at=None)
    assert _messages(excinfo)["offered_at"] == ["Enter when the interview was offered"]


def test_offer_refused_twice(world: RhiWorld) -> None:
    episode = _returned(world)
    offered(world, episode)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        offered(world, episode, after=2 * HOUR)
    assert _messages(excinfo)["episode"] == [
        "A return interview is already recorded for this episode"
    ]
    assert ReturnInterview.objects.count() == 1


def test_offer_refused_when_the_episode_already_records_an_offer(world: RhiWorld) -> None:
    episode = _returned(world)
    episode.interview_offered_at = episode.returned_at + HOUR
    episode.save(update_fields=["interview_offered_at"])
    with pytest.raises(services.ServiceValidationError) as excinfo:
        offered(world, episode, after=2 * HOUR)
    assert _messages(excinfo)["episode"] == [
        "A return interview is already recorded for this episode"
    ]


@pytest.mark.parametrize(
    "role", [Role.LEAD_PROFESSIONAL, Role.COORDINATOR, Role.POLICE_EXPLOITATION, Role.FRONT_DOOR]
)
def test_only_an_independent_worker_may_offer(world: RhiWorld, role: str) -> None:
    episode = _returned(world)
    actor = user_with_role(role, world.cases.north.csc)
    with pytest.raises(PermissionDenied, match="independent return interview worker"):
        services.interview_offer(actor=actor, episode=episode, offered_at=timezone.now())
    assert not ReturnInterview.objects.exists()


def test_a_worker_for_another_area_may_not_offer(world: RhiWorld) -> None:
    episode = _returned(world)
    elsewhere = user_with_role(Role.RETURN_INTERVIEW, world.south.csc)
    with pytest.raises(PermissionDenied):
        services.interview_offer(actor=elsewhere, episode=episode, offered_at=timezone.now())


def test_offer_after_late_offer_is_recorded_outside_the_clock(world: RhiWorld) -> None:
    episode = _returned(world, hours_ago=100)
    offered(world, episode, after=73 * HOUR)
    assert AuditEvent.objects.get(action="return_interview.offered").after["within_clock"] is False
    assert (
        "outside 72 hours"
        in ChronologyEntry.objects.get(event_type="return_interview.offered").summary
    )


# Refusal and "not offered" ----------------------------------------------------------------


def test_refusal_records_what_carers_know(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    services.interview_record_refusal(
        actor=world.worker, interview=interview, carers_know="Mum knows and has the number."
    )
    interview.refresh_from_db()
    assert interview.outcome == InterviewOutcome.REFUSED
    assert interview.carers_know == "Mum knows and has the number."
    assert ChronologyEntry.objects.filter(event_type="return_interview.refused").exists()
    assert not Notification.objects.filter(subject=services.NOTIFICATION_SUBJECT).exists()


def test_refusal_needs_what_carers_know_and_an_open_offer(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_record_refusal(actor=world.worker, interview=interview, carers_know=" ")
    assert _messages(excinfo)["carers_know"] == ["Enter what the child's parents or carers know"]
    services.interview_record_refusal(actor=world.worker, interview=interview, carers_know="Dad.")
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_record_refusal(actor=world.worker, interview=interview, carers_know="x")
    assert _messages(excinfo)["interview"] == ["This interview's outcome is already recorded"]


def test_refusal_only_by_a_worker(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    with pytest.raises(PermissionDenied):
        services.interview_record_refusal(actor=world.lead, interview=interview, carers_know="x")


def test_not_offered_records_the_reason(world: RhiWorld) -> None:
    episode = _returned(world)
    interview = services.interview_record_not_offered(
        actor=world.worker, episode=episode, reason="Moved to Scotland the day after."
    )
    assert interview.outcome == InterviewOutcome.NOT_OFFERED
    assert interview.offered_at is None
    assert ChronologyEntry.objects.filter(event_type="return_interview.not_offered").exists()


def test_not_offered_validation(world: RhiWorld) -> None:
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_record_not_offered(
            actor=world.worker, episode=make_episode(world, returned_at=None), reason=""
        )
    assert _messages(excinfo) == {
        "episode": ["The child has not returned yet"],
        "reason": ["Enter why the interview was not offered"],
    }
    episode = _returned(world)
    offered(world, episode)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        services.interview_record_not_offered(actor=world.worker, episode=episode, reason="x")
    assert _messages(excinfo)["episode"] == [
        "A return interview is already recorded for this episode"
    ]


def test_an_episode_not_offered_can_still_be_offered(world: RhiWorld) -> None:
    episode = _returned(world)
    services.interview_record_not_offered(actor=world.worker, episode=episode, reason="No answer.")
    interview = offered(world, episode, after=2 * HOUR)
    assert interview.outcome == ""
    assert interview.not_offered_reason == ""
    event = AuditEvent.objects.get(action="return_interview.offered")
    assert event.before == {"outcome": "not_offered", "not_offered_reason": "No answer."}


# Completion -------------------------------------------------------------------------------


def test_complete_saves_everything(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    items = [
        IntelligenceInput(kind="nickname", value="Bigz", detail="Older, drives a black Audi"),
        IntelligenceInput(kind="vehicle", value="ab12-cde"),
        IntelligenceInput(kind="phone", value="+44 7700 900-123"),
        IntelligenceInput(kind="online_account", value="@bigz_99", platform="Snapchat"),
        IntelligenceInput(kind="place", value="Flat above the takeaway, Station Road"),
    ]
    interview = complete(world, interview, intelligence_items=items)
    assert interview.outcome == InterviewOutcome.ACCEPTED
    assert interview.conducted_by == world.worker
    assert interview.conducted_by_agency == world.charity
    assert interview.checklist_version == 1
    assert interview.shared_at is not None
    assert set(InterviewFactor.objects.values_list("kind", "code")) == {
        ("push", "conflict_at_home"),
        ("pull", "older_boyfriend_girlfriend"),
        ("pull", "gifts_or_money"),
    }
    assert list(IntelligenceItem.objects.values_list("kind", "value", "platform")) == [
        ("nickname", "Bigz", ""),
        ("vehicle", "AB12 CDE", ""),
        ("phone", "07700900123", ""),
        ("online_account", "bigz_99", "Snapchat"),
        ("place", "Flat above the takeaway, Station Road", ""),
    ]
    assert ChronologyEntry.objects.filter(
        event_type="return_interview.completed", source_type="return_interviews.interview"
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"conducted_at": None}, "conducted_at", "Enter when the interview took place"),
        ({"conducted_where": " "}, "conducted_where", "Enter where the interview took place"),
        (
            {"where_child_was": ""},
            "where_child_was",
            "Enter where the child was, or that they did not say",
        ),
        (
            {"child_wishes": ""},
            "child_wishes",
            "Enter what the child wants to happen, or that they did not say",
        ),
        (
            {"safety_information": ""},
            "safety_information",
            "Enter the safety information and helplines given",
        ),
        ({"push_factors": ["made_up"]}, "push_factors", "Choose push factors from the list"),
        ({"pull_factors": ["bullying"]}, "pull_factors", "Choose pull factors from the list"),
    ],
)
def test_complete_validation_messages(world, overrides, field, message) -> None:
    interview = offered(world, _returned(world))
    with pytest.raises(services.ServiceValidationError) as excinfo:
        complete(world, interview, **overrides)
    assert _messages(excinfo)[field] == [message]


def test_complete_refuses_an_interview_before_the_return(world: RhiWorld) -> None:
    episode = _returned(world)
    interview = offered(world, episode)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        complete(world, interview, conducted_at=episode.returned_at - datetime.timedelta(minutes=1))
    assert _messages(excinfo)["conducted_at"] == [
        "The interview cannot be before the child returned"
    ]


def test_complete_refuses_before_the_offer_and_in_the_future(world: RhiWorld) -> None:
    episode = _returned(world)
    interview = offered(world, episode, after=2 * HOUR)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        complete(world, interview, conducted_at=episode.returned_at + HOUR)
    assert _messages(excinfo)["conducted_at"] == ["The interview cannot be before it was offered"]
    with pytest.raises(services.ServiceValidationError) as excinfo:
        complete(world, interview, conducted_at=timezone.now() + HOUR)
    assert _messages(excinfo)["conducted_at"] == ["The interview cannot be in the future"]


@pytest.mark.parametrize(
    ("item", "key", "message"),
    [
        (IntelligenceInput(kind="", value="Bigz", row=2), "intel_2_kind", KIND_MESSAGE),
        (IntelligenceInput(kind="name", value=" ", row=3), "intel_3_value", VALUE_MESSAGE),
        (
            IntelligenceInput(kind="vehicle", value="black audi", row=1),
            "intel_1_value",
            VEHICLE_MESSAGE,
        ),
        (IntelligenceInput(kind="phone", value="12345", row=4), "intel_4_value", PHONE_MESSAGE),
        (
            IntelligenceInput(kind="online_account", value="bigz", row=5),
            "intel_5_platform",
            PLATFORM_MESSAGE,
        ),
    ],
)
def test_complete_intelligence_messages(world, item, key, message) -> None:
    interview = offered(world, _returned(world))
    with pytest.raises(services.ServiceValidationError) as excinfo:
        complete(world, interview, intelligence_items=[item])
    assert _messages(excinfo)[key] == [message]


def test_an_item_from_outside_a_form_is_named_by_its_position(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    items = [
        IntelligenceInput(kind="name", value="Tee"),
        IntelligenceInput(kind="phone", value="not a number"),
    ]
    with pytest.raises(services.ServiceValidationError) as excinfo:
        complete(world, interview, intelligence_items=items)
    assert _messages(excinfo)["intelligence_items"] == [f"Intelligence item 2: {PHONE_MESSAGE}"]


def test_nothing_half_written_when_completion_fails(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    events_before = AuditEvent.objects.count()
    chronology_before = ChronologyEntry.objects.count()
    involvements_before = Involvement.objects.count()
    notifications_before = Notification.objects.count()
    items = [
        IntelligenceInput(kind="name", value="Tee"),
        IntelligenceInput(kind="phone", value="x"),
    ]
    with pytest.raises(services.ServiceValidationError):
        complete(world, interview, intelligence_items=items)
    interview.refresh_from_db()
    assert interview.outcome == ""
    assert interview.completed_at is None
    assert interview.shared_at is None
    assert interview.where_child_was == ""
    assert not InterviewFactor.objects.exists()
    assert not IntelligenceItem.objects.exists()
    assert Notification.objects.count() == notifications_before
    assert AuditEvent.objects.count() == events_before
    assert ChronologyEntry.objects.count() == chronology_before
    assert Involvement.objects.count() == involvements_before


def test_nothing_half_written_when_sharing_fails(world: RhiWorld, monkeypatch) -> None:
    """A failure after the interview was saved (the third notification) rolls it all back."""
    interview = offered(world, _returned(world))
    real_send = services.notification_send
    sent: list[object] = []

    def failing_send(**kwargs):
        if len(sent) == 2:
            raise RuntimeError("mail queue down")
        sent.append(kwargs["recipient"])
        return real_send(**kwargs)

    monkeypatch.setattr(services, "notification_send", failing_send)
    notifications_before = Notification.objects.count()
    with pytest.raises(RuntimeError):
        complete(world, interview, intelligence_items=[IntelligenceInput(kind="name", value="T")])
    interview.refresh_from_db()
    assert interview.outcome == ""
    assert interview.shared_at is None
    assert not InterviewFactor.objects.exists()
    assert not IntelligenceItem.objects.exists()
    assert Notification.objects.count() == notifications_before
    assert not AuditEvent.objects.filter(action="return_interview.completed").exists()
    assert not Involvement.objects.filter(
        source_id=str(interview.pk), agency=world.cases.police
    ).exists()


def test_complete_refuses_a_refused_or_completed_interview(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    complete(world, interview)
    with pytest.raises(services.ServiceValidationError) as excinfo:
        complete(world, interview)
    assert _messages(excinfo)["interview"] == ["This interview's outcome is already recorded"]


def test_only_a_worker_may_complete(world: RhiWorld) -> None:
    interview = offered(world, _returned(world))
    with pytest.raises(PermissionDenied):
        services.interview_complete(
            actor=world.officer,
            interview=interview,
            conducted_at=timezone.now(),
            conducted_where="x",
        )


# Sharing ----------------------------------------------------------------------------------


def test_sharing_reaches_exactly_the_right_people(world: RhiWorld) -> None:
    interview = complete(world, offered(world, _returned(world)))
    notified = set(
        Notification.objects.filter(subject=services.NOTIFICATION_SUBJECT).values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {world.officer.pk, world.coordinator.pk, world.lead.pk}
    # Exactly one each, linked to the interview, with no child's name (the e-mail leaves).
    assert Notification.objects.filter(subject=services.NOTIFICATION_SUBJECT).count() == 3
    for notification in Notification.objects.filter(subject=services.NOTIFICATION_SUBJECT):
        assert notification.subject_id == str(interview.pk)
        assert notification.link_url == f"/return-interviews/{interview.pk}/"
        assert world.person.first_names not in notification.body
    for outsider in (
        world.south_officer,
        world.south_coordinator,
        world.south_lead,
        world.other_lead,
        world.constable,
        world.inactive_officer,
        world.cases.nurse,
        world.cases.north.front_door,
        world.cases.north.referrer,
        world.worker,
    ):
        assert not Notification.objects.filter(
            recipient=outsider, subject=services.NOTIFICATION_SUBJECT
        ).exists()


def test_the_shared_people_can_see_the_interview_and_others_cannot(world: RhiWorld) -> None:
    interview = complete(world, offered(world, _returned(world)))
    for insider in (world.officer, world.coordinator, world.lead, world.worker):
        assert interview_visible_to(insider).filter(pk=interview.pk).exists(), insider
    for outsider in (world.south_officer, world.south_coordinator, world.south_lead):
        assert not interview_visible_to(outsider).filter(pk=interview.pk).exists(), outsider
    holders = set(
        Involvement.objects.filter(
            kind=InvolvementKind.HOLDS_RECORD, source_id=str(interview.pk)
        ).values_list("agency_id", flat=True)
    )
    assert holders == {world.charity.pk, world.cases.police.pk, world.cases.north.csc.pk}


def test_sharing_without_a_live_case_has_no_lead_professional(world: RhiWorld) -> None:
    from harbour.cases import services as case_services

    case_services.case_close(
        actor=world.cases.north.front_door, case=world.case, reason="risk_reduced", note=""
    )
    complete(world, offered(world, _returned(world)))
    notified = set(
        Notification.objects.filter(subject=services.NOTIFICATION_SUBJECT).values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {world.officer.pk, world.coordinator.pk}


def test_an_episode_in_another_borough_is_shared_there(world: RhiWorld) -> None:
    south_worker = user_with_role(Role.RETURN_INTERVIEW, world.south.csc)
    episode = make_episode(world, area=world.south.area, returned_at=timezone.now() - HOUR)
    interview = services.interview_offer(
        actor=south_worker, episode=episode, offered_at=timezone.now()
    )
    services.interview_complete(
        actor=south_worker,
        interview=interview,
        conducted_at=timezone.now(),
        conducted_where="School",
        where_child_was="Did not say",
        child_wishes="Did not say",
        safety_information="Childline",
    )
    notified = set(
        Notification.objects.filter(subject=services.NOTIFICATION_SUBJECT).values_list(
            "recipient_id", flat=True
        )
    )
    # The child's lead professional (a Northbrook case) and Southmoor's officer and coordinator.
    assert notified == {world.south_officer.pk, world.south_coordinator.pk, world.lead.pk}


# The clock --------------------------------------------------------------------------------


def test_clock_met_by_the_offer_not_the_interview(world: RhiWorld) -> None:
    episode = _returned(world, hours_ago=200)
    interview = offered(world, episode, after=71 * HOUR)
    clock = services.interview_clock(episode=episode, interview=interview)
    assert clock.met
    assert not clock.breached
    assert not clock.running


def test_clock_running_then_breached(world: RhiWorld) -> None:
    episode = _returned(world, hours_ago=1)
    clock = services.interview_clock(episode=episode)
    assert clock.running
    assert clock.time_left == episode.interview_due_at - clock.now
    assert services.interview_clock(episode=episode, now=episode.interview_due_at).breached


def test_clock_without_a_due_time_uses_the_statutory_72_hours(world: RhiWorld) -> None:
    episode = _returned(world, set_due=False)
    assert episode.interview_due_at is None
    clock = services.interview_clock(episode=episode)
    assert clock.due_at == episode.returned_at + 72 * HOUR


def test_clock_not_started_before_the_return(world: RhiWorld) -> None:
    clock = services.interview_clock(episode=make_episode(world, returned_at=None))
    assert not clock.started
    assert not clock.running
    assert not clock.met
    assert not clock.breached
