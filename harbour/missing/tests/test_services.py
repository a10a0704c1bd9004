"""Missing-episode services: reporting and joining, grading, returns and the clock, closing,
bad input refused with clear messages and nothing half-written."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import ServiceValidationError
from harbour.missing import services
from harbour.missing.models import (
    EpisodeReport,
    EpisodeStatus,
    MissingEpisode,
    RiskGrading,
)
from harbour.missing.tests.factories import MissingWorld, frozen, london, record_return, report
from harbour.people.models import ChronologyEntry, Involvement
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = london(2026, 3, 28, 23, 45)  # a Saturday night, just before the clocks go forward


def _errors(excinfo: pytest.ExceptionInfo[ServiceValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _counts() -> tuple[int, int, int, int, int]:
    return (
        MissingEpisode.objects.count(),
        EpisodeReport.objects.count(),
        RiskGrading.objects.count(),
        ChronologyEntry.objects.filter(source_type="missing.episode").count(),
        AuditEvent.objects.filter(action__startswith="missing.").count(),
    )


# Reporting ----------------------------------------------------------------------------------


def test_a_report_opens_an_episode_with_its_report_audit_involvement_and_chronology(world):
    with frozen(NOW):
        episode, created = report(
            world,
            last_seen_at=london(2026, 3, 28, 21, 0),
            risk_grade="medium",
            police_reference="NB-2026-0042",
            reported_at=None,
        )
    assert created
    assert episode.status == EpisodeStatus.OPEN
    assert episode.area == world.area
    assert episode.reported_by_agency == world.police
    assert episode.reported_at == NOW
    assert [r.joined_existing for r in episode.reports.all()] == [False]
    assert [g.grade for g in episode.gradings.all()] == ["medium"]
    assert AuditEvent.objects.filter(
        action="missing.episode_reported", subject_id=str(episode.pk)
    ).exists()
    assert Involvement.objects.filter(
        person=world.child,
        agency=world.police,
        kind="holds_record",
        source_type="missing.episode",
        source_id=str(episode.pk),
    ).exists()
    entry = ChronologyEntry.objects.get(
        source_type="missing.episode", event_type="missing.reported"
    )
    assert entry.source_id == str(episode.pk)
    assert "last seen 28 March 2026 at 21:00" in entry.summary


def test_a_second_report_of_the_same_absence_joins_the_open_episode(world):
    with frozen(NOW):
        first, _ = report(world, last_seen_at=london(2026, 3, 28, 21, 0))
        second, created = report(
            world,
            actor=world.lead,
            last_seen_at=london(2026, 3, 28, 21, 15),
            police_reference="NB-2026-0042",
            note="Carer called us too",
        )
    assert not created
    assert second.pk == first.pk
    assert MissingEpisode.objects.filter(person=world.child).count() == 1
    reports = list(first.reports.all())
    assert [r.joined_existing for r in reports] == [False, True]
    assert reports[1].reported_by_agency == world.csc
    first.refresh_from_db()
    assert first.police_reference == "NB-2026-0042"  # a blank filled in by the later report
    assert AuditEvent.objects.filter(action="missing.episode_report_joined").count() == 1


def test_a_report_of_an_absence_already_returned_is_refused(world):
    with frozen(london(2026, 3, 20, 12, 0)):
        episode, _ = report(world, last_seen_at=london(2026, 3, 19, 20, 0))
        record_return(world, episode, returned_at=london(2026, 3, 20, 9, 0))
        before = _counts()
        with pytest.raises(ServiceValidationError) as excinfo:
            report(world, actor=world.lead, last_seen_at=london(2026, 3, 19, 22, 0))
    message = _errors(excinfo)["last_seen_at"][0]
    assert message.startswith("This absence is already recorded: the child was last seen ")
    assert "19 March 2026 at 20:00" in message
    assert "returned 20 March 2026 at 09:00" in message
    assert _counts() == before


def test_a_new_absence_after_the_return_is_a_new_episode(world):
    with frozen(london(2026, 3, 20, 12, 0)):
        episode, _ = report(world, last_seen_at=london(2026, 3, 19, 20, 0))
        record_return(world, episode, returned_at=london(2026, 3, 20, 9, 0))
        again, created = report(world, last_seen_at=london(2026, 3, 20, 10, 0))
    assert created
    assert again.pk != episode.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"missing_from": "shops"}, "missing_from", "Select where the child is missing from"),
        ({"category": ""}, "category", "Select the category of absence"),
        ({"last_seen_where": "  "}, "last_seen_where", "Enter where the child was last seen"),
        (
            {"last_seen_at": london(2026, 3, 29, 9, 0)},
            "last_seen_at",
            "The time the child was last seen cannot be in the future",
        ),
        (
            {"reported_at": london(2026, 3, 29, 9, 0)},
            "reported_at",
            "The time the child was reported missing cannot be in the future",
        ),
        (
            {"reported_at": london(2026, 3, 28, 20, 0)},
            "reported_at",
            "The time the child was reported missing cannot be before they were last seen",
        ),
        ({"risk_grade": "extreme"}, "risk_grade", "Select the police risk grading"),
        (
            {"placed_out_of_area": True, "host_authority": "Southmere"},
            "placing_authority",
            "Enter the placing authority for a child placed out of area",
        ),
        (
            {"placed_out_of_area": True, "placing_authority": "Eastvale"},
            "host_authority",
            "Enter the host authority for a child placed out of area",
        ),
        (
            {"police_reference": "X" * 41},
            "police_reference",
            "Police reference must be 40 characters or fewer",
        ),
    ],
)
def test_bad_report_input_is_refused_with_a_clear_message(world, overrides, field, message):
    overrides.setdefault("last_seen_at", london(2026, 3, 28, 21, 0))
    with frozen(NOW), pytest.raises(ServiceValidationError) as excinfo:
        report(world, **overrides)
    assert _errors(excinfo)[field] == [message]
    assert _counts()[:4] == (0, 0, 0, 0)


def test_only_the_police_grade_when_reporting(world):
    with frozen(NOW), pytest.raises(ServiceValidationError) as excinfo:
        report(world, actor=world.lead, risk_grade="high", last_seen_at=london(2026, 3, 28, 21))
    assert _errors(excinfo)["risk_grade"] == [
        "Only the police can grade the risk of a missing episode"
    ]


def test_a_child_the_reporter_cannot_see_is_refused(world):
    stranger = PersonFactory()
    with frozen(NOW), pytest.raises(ServiceValidationError) as excinfo:
        report(world, person=stranger, last_seen_at=london(2026, 3, 28, 21))
    assert _errors(excinfo)["person"] == ["Choose a child you can see in Harbour"]
    assert MissingEpisode.objects.count() == 0


def test_a_role_that_does_not_record_episodes_is_refused(world):
    licensing = user_with_role(Role.LICENSING, world.referrer.memberships.get().agency)
    with frozen(NOW), pytest.raises(PermissionDenied):
        report(world, actor=licensing, last_seen_at=london(2026, 3, 28, 21))


def test_a_school_can_report_a_child_missing_from_education(world):
    from harbour.people.models import Involvement

    school = world.referrer.memberships.get().agency
    Involvement.objects.create(person=world.child, agency=school, kind="holds_record")
    with frozen(NOW):
        episode, created = report(world, actor=world.referrer, last_seen_at=london(2026, 3, 28, 21))
    assert created
    assert episode.reported_by == world.referrer


def test_the_episode_is_in_the_reporters_area_when_the_child_has_no_home_area(world):
    child = world.new_child(home_area=None)
    with frozen(NOW):
        episode, _ = report(world, person=child, last_seen_at=london(2026, 3, 28, 21))
    assert episode.area == world.area


# Grading --------------------------------------------------------------------------------------


def test_police_grading_keeps_its_history(world):
    with frozen(NOW):
        episode, _ = report(world, risk_grade="low", last_seen_at=london(2026, 3, 28, 21))
        services.episode_grade(
            actor=world.officer, episode=episode, grade="high", reason="Seen with known adults"
        )
    episode.refresh_from_db()
    assert episode.risk_grade == "high"
    assert [g.grade for g in episode.gradings.all()] == ["low", "high"]
    event = AuditEvent.objects.get(action="missing.episode_graded")
    assert (event.before, event.after, event.reason) == (
        {"risk_grade": "low"},
        {"risk_grade": "high"},
        "Seen with known adults",
    )


def test_grading_refuses_bad_input_and_non_police(world):
    with frozen(NOW):
        episode, _ = report(world, risk_grade="low", last_seen_at=london(2026, 3, 28, 21))
        with pytest.raises(ServiceValidationError) as excinfo:
            services.episode_grade(actor=world.officer, episode=episode, grade="low", reason="")
        assert _errors(excinfo) == {
            "grade": ["The episode is already graded low"],
            "reason": ["Enter the reason for the grading"],
        }
        with pytest.raises(ServiceValidationError) as excinfo:
            services.episode_grade(actor=world.officer, episode=episode, grade="x", reason="r")
        assert _errors(excinfo) == {"grade": ["Select the police risk grading"]}
        with pytest.raises(PermissionDenied, match="Only the police"):
            services.episode_grade(actor=world.lead, episode=episode, grade="high", reason="r")
    assert RiskGrading.objects.count() == 1


# The return and the clock ------------------------------------------------------------------------


def test_the_return_starts_the_72_hour_clock_from_the_policy(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
    with frozen(london(2026, 3, 29, 10, 0)):  # BST by now
        returned = record_return(
            world,
            episode,
            actor=world.lead,
            returned_at=london(2026, 3, 28, 23, 50),  # GMT
            returned_with_whom="An older male",
        )
    assert returned.status == EpisodeStatus.RETURNED
    assert returned.interview_due_at == london(2026, 4, 1, 0, 50)  # 72 real hours, now BST
    assert returned.clock_policy_version == 1
    assert returned.duration == datetime.timedelta(hours=5, minutes=50)
    entry = ChronologyEntry.objects.get(event_type="missing.returned")
    assert "return home interview due by 1 April 2026 at 00:50" in entry.summary


@pytest.mark.parametrize(
    ("returned_at", "message"),
    [
        (london(2026, 3, 29, 9, 0), "The return time cannot be in the future"),
        (
            london(2026, 3, 28, 17, 59),
            "The return time cannot be before the child was last seen",
        ),
        (
            london(2026, 3, 28, 19, 0),
            "The time the child was found or returned cannot be before they were reported missing",
        ),
    ],
)
def test_bad_return_times_are_refused_and_nothing_is_half_written(world, returned_at, message):
    with frozen(NOW):
        episode, _ = report(
            world, last_seen_at=london(2026, 3, 28, 18, 0), reported_at=london(2026, 3, 28, 20, 0)
        )
        before = _counts()
        with pytest.raises(ServiceValidationError) as excinfo:
            record_return(world, episode, returned_at=returned_at)
    assert _errors(excinfo)["returned_at"] == [message]
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert episode.returned_at is None
    assert episode.interview_due_at is None
    assert _counts() == before


def test_a_return_needs_where_and_who_and_only_once(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        with pytest.raises(ServiceValidationError) as excinfo:
            record_return(world, episode, returned_at=NOW, returned_where="", returned_how=" ")
        assert _errors(excinfo) == {
            "returned_where": ["Enter where the child was found or returned to"],
            "returned_how": ["Enter who found the child or brought them back"],
        }
        record_return(world, episode, returned_at=NOW)
        with pytest.raises(ServiceValidationError) as excinfo:
            record_return(world, episode, returned_at=NOW)
    assert _errors(excinfo)["returned_at"] == [
        "The child's return has already been recorded on this episode"
    ]


def test_the_interview_offer_stops_the_clock_met_or_breached(world):
    with frozen(london(2026, 1, 16, 20, 0)):
        on_time, _ = report(world, last_seen_at=london(2026, 1, 16, 12, 0))
        record_return(world, on_time, returned_at=london(2026, 1, 16, 18, 0))
    with frozen(london(2026, 1, 19, 18, 0)):
        services.episode_record_interview_offer(
            actor=world.lead, episode=on_time, offered_at=london(2026, 1, 19, 18, 0)
        )
    on_time.refresh_from_db()
    assert on_time.interview_breach_recorded_at is None

    late_child = world.new_child()
    with frozen(london(2026, 1, 16, 20, 0)):
        late, _ = report(world, person=late_child, last_seen_at=london(2026, 1, 16, 12, 0))
        record_return(world, late, returned_at=london(2026, 1, 16, 18, 0))
    with frozen(london(2026, 1, 20, 9, 0)):
        services.episode_record_interview_offer(
            actor=world.lead, episode=late, offered_at=london(2026, 1, 19, 18, 1)
        )
    late.refresh_from_db()
    assert late.interview_breach_recorded_at is not None
    assert AuditEvent.objects.filter(
        action="missing.interview_clock_breached", subject_id=str(late.pk)
    ).exists()


def test_interview_offer_bad_input(world):
    with frozen(london(2026, 1, 16, 20, 0)):
        episode, _ = report(world, last_seen_at=london(2026, 1, 16, 12, 0))
        with pytest.raises(ServiceValidationError) as excinfo:
            services.episode_record_interview_offer(
                actor=world.lead, episode=episode, offered_at=london(2026, 1, 16, 19, 0)
            )
        assert _errors(excinfo)["offered_at"] == [
            "Record the child's return before the return home interview"
        ]
        record_return(world, episode, returned_at=london(2026, 1, 16, 18, 0))
        for offered_at, message in [
            (
                london(2026, 1, 16, 21, 0),
                "The time the interview was offered cannot be in the future",
            ),
            (
                london(2026, 1, 16, 17, 0),
                "The interview cannot be offered before the child returned",
            ),
        ]:
            with pytest.raises(ServiceValidationError) as excinfo:
                services.episode_record_interview_offer(
                    actor=world.lead, episode=episode, offered_at=offered_at
                )
            assert _errors(excinfo)["offered_at"] == [message]
        services.episode_record_interview_offer(
            actor=world.lead, episode=episode, offered_at=london(2026, 1, 16, 19, 0)
        )
        with pytest.raises(ServiceValidationError) as excinfo:
            services.episode_record_interview_offer(
                actor=world.lead, episode=episode, offered_at=london(2026, 1, 16, 19, 0)
            )
        assert _errors(excinfo)["offered_at"] == [
            "The return home interview offer is already recorded"
        ]


def test_breaches_are_recorded_once_when_the_clock_runs_out(world):
    with frozen(london(2026, 1, 16, 20, 0)):
        episode, _ = report(world, last_seen_at=london(2026, 1, 16, 12, 0))
        record_return(world, episode, returned_at=london(2026, 1, 16, 18, 0))
    assert services.interview_clock_breaches_record(now=london(2026, 1, 19, 17, 59)) == 0
    assert services.interview_clock_breaches_record(now=london(2026, 1, 19, 18, 0)) == 1
    assert services.interview_clock_breaches_record(now=london(2026, 1, 20, 18, 0)) == 0
    entry = ChronologyEntry.objects.get(event_type="missing.interview_clock_breached")
    assert entry.occurred_at == london(2026, 1, 19, 18, 0)


# Closing ----------------------------------------------------------------------------------------


def test_closing_needs_the_return_first_and_happens_once(world):
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        with pytest.raises(ServiceValidationError) as excinfo:
            services.episode_close(actor=world.lead, episode=episode)
        assert _errors(excinfo) == {
            "episode": ["Record the child's return before closing the episode"]
        }
        record_return(world, episode, returned_at=NOW)
        closed = services.episode_close(actor=world.lead, episode=episode)
        assert closed.status == EpisodeStatus.CLOSED
        assert closed.closed_by == world.lead
        with pytest.raises(ServiceValidationError) as excinfo:
            services.episode_close(actor=world.lead, episode=episode)
        assert _errors(excinfo) == {"episode": ["This episode is closed"]}
        with pytest.raises(ServiceValidationError) as excinfo:
            services.episode_grade(actor=world.officer, episode=episode, grade="low", reason="r")
        assert _errors(excinfo) == {"grade": ["This episode is closed"]}


def test_a_return_interview_worker_may_record_the_return(world: MissingWorld):
    worker = user_with_role(Role.RETURN_INTERVIEW, world.csc)
    with frozen(NOW):
        episode, _ = report(world, last_seen_at=london(2026, 3, 28, 18, 0))
        record_return(world, episode, actor=worker, returned_at=timezone.now())
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.RETURNED
