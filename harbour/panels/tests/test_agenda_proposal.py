"""Harbour's agenda proposal picks exactly the right children, each once with all reasons."""

from __future__ import annotations

import datetime

import pytest

from harbour.accounts.models import Agency
from harbour.assessments.models import Assessment
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.missing.tests.factories import frozen, london
from harbour.panels import services
from harbour.panels.models import (
    AgencyDiscussionRequest,
    AgendaReason,
    Attendance,
    AttendanceStatus,
    MeetingStatus,
)
from harbour.panels.tests.factories import (
    PanelWorld,
    assess,
    route_to_panel,
    trigger_repeat_missing,
)
from harbour.people.models import Person
from harbour.referrals.models import TriageRoute

PREVIOUS = london(2027, 1, 28, 10, 0)
MEETING = london(2027, 2, 11, 10, 0)
NOW = london(2027, 2, 4, 9, 0)


def request_discussion(
    world: PanelWorld, person: Person, at: datetime.datetime
) -> AgencyDiscussionRequest:
    with frozen(at):
        return services.discussion_request_create(
            actor=world.missing.lead,
            person=person,
            agency=world.missing.csc,
            reason="Medium risk, but school sees her with older men every week now.",
            now=at,
        )


def proposal(world: PanelWorld) -> dict[str, tuple[str, ...]]:
    meeting = world.meeting(MEETING)
    return {
        child.person.first_names: child.reasons
        for child in services.agenda_propose(meeting=meeting, now=NOW)
    }


@pytest.mark.django_db
def test_agenda_proposal_picks_exactly_the_right_children(
    north: PanelWorld, south: PanelWorld
) -> None:
    north.meeting(PREVIOUS)
    # In: routed to the panel at triage since the last meeting.
    route_to_panel(north, north.child("Triaged"), london(2027, 1, 28, 10, 1))
    # In: high risk, review due on the meeting's day (28 days after 14 January).
    assess(north, north.child("HighDue"), london(2027, 1, 14, 12, 0), "high")
    # In: high risk, review long overdue.
    overdue = north.child("HighOverdue")
    assess(north, overdue, london(2026, 12, 1, 12, 0), "high")
    # In: repeat missing since the last meeting.
    trigger_repeat_missing(north, north.child("Repeat"), london(2027, 1, 29, 20, 0))
    # In: an open agency request.
    request_discussion(north, north.child("Asked"), london(2027, 2, 1, 9, 0))
    # In once, with both reasons: routed at triage and asked about by an agency.
    both = north.child("Both")
    route_to_panel(north, both, london(2027, 2, 2, 9, 0))
    request_discussion(north, both, london(2027, 2, 3, 9, 0))

    # Out: routed to the panel in another area.
    route_to_panel(south, south.child("OtherArea"), london(2027, 2, 1, 9, 0))
    # Out: routed to the panel before the last meeting started.
    route_to_panel(north, north.child("TriagedBefore"), london(2027, 1, 28, 9, 59))
    # Out: routed to the panel after "now".
    route_to_panel(north, north.child("TriagedLater"), london(2027, 2, 4, 9, 1))
    # Out: triaged to another route.
    route_to_panel(
        north, north.child("EarlyHelp"), london(2027, 2, 1, 9, 0), TriageRoute.EARLY_HELP
    )
    # Out: high risk, review due the day after the meeting.
    assess(north, north.child("HighNotDue"), london(2027, 1, 15, 12, 0), "high")
    # Out: a high assessment that is no longer current (a medium one replaced it).
    superseded = north.child("Superseded")
    assess(north, superseded, london(2026, 12, 1, 12, 0), "high")
    assess(north, superseded, london(2026, 12, 15, 12, 0), "medium")
    # Out: low risk, even with its review due before the meeting.
    low = assess(north, north.child("LowDue"), london(2026, 12, 1, 12, 0), "low")
    Assessment.objects.filter(pk=low.pk).update(review_due_on=datetime.date(2027, 2, 1))
    # Out: high risk, due, but in another area.
    assess(south, south.child("HighOtherArea"), london(2027, 1, 1, 12, 0), "high")
    # Out: repeat missing before the last meeting.
    trigger_repeat_missing(north, north.child("RepeatBefore"), london(2027, 1, 20, 20, 0))
    # Out: repeat missing in another area.
    trigger_repeat_missing(south, south.child("RepeatOtherArea"), london(2027, 1, 30, 20, 0))
    # Out: a request since closed; a request in another area.
    closed = request_discussion(north, north.child("Closed"), london(2027, 1, 30, 9, 0))
    AgencyDiscussionRequest.objects.filter(pk=closed.pk).update(closed_at=london(2027, 2, 2, 9, 0))
    request_discussion(south, south.child("AskedOtherArea"), london(2027, 2, 1, 9, 0))

    assert proposal(north) == {
        "Triaged": (AgendaReason.ROUTED_AT_TRIAGE,),
        "Both": (AgendaReason.ROUTED_AT_TRIAGE, AgendaReason.AGENCY_REQUEST),
        "HighDue": (AgendaReason.HIGH_RISK_REVIEW_DUE,),
        "HighOverdue": (AgendaReason.HIGH_RISK_REVIEW_DUE,),
        "Repeat": (AgendaReason.REPEAT_MISSING,),
        "Asked": (AgendaReason.AGENCY_REQUEST,),
    }


@pytest.mark.django_db
def test_first_meeting_takes_everything_up_to_now(north: PanelWorld) -> None:
    route_to_panel(north, north.child("LongAgo"), london(2026, 12, 1, 9, 0))
    trigger_repeat_missing(north, north.child("Repeat"), london(2026, 12, 5, 20, 0))
    assert proposal(north) == {
        "LongAgo": (AgendaReason.ROUTED_AT_TRIAGE,),
        "Repeat": (AgendaReason.REPEAT_MISSING,),
    }


@pytest.mark.django_db
def test_one_child_with_every_reason_is_proposed_once(north: PanelWorld) -> None:
    north.meeting(PREVIOUS)
    child = north.child("Everything")
    assess(north, child, london(2027, 1, 10, 12, 0), "high")
    route_to_panel(north, child, london(2027, 1, 29, 9, 0))
    trigger_repeat_missing(north, child, london(2027, 1, 30, 20, 0))
    request_discussion(north, child, london(2027, 2, 1, 9, 0))
    assert proposal(north) == {"Everything": tuple(AgendaReason.values)}


@pytest.mark.django_db
def test_a_panel_on_themes_is_proposed_no_children(north: PanelWorld) -> None:
    route_to_panel(north, north.child("Triaged"), london(2027, 1, 29, 9, 0))
    north.panel.type_key = "strategic-mace"
    north.panel.area = None
    north.panel.save()
    assert proposal(north) == {}


@pytest.mark.django_db
def test_chair_adopts_the_proposal_and_publishing_freezes_pre_reads(north: PanelWorld) -> None:
    child = north.child("Jade")
    assess(north, child, london(2027, 1, 14, 12, 0), "high")
    request_discussion(north, child, london(2027, 2, 1, 9, 0))
    meeting = north.meeting(MEETING)

    chair = north.missing.coordinator
    items = services.agenda_adopt_proposal(actor=chair, meeting=meeting, now=NOW)
    assert [(item.person, item.reasons) for item in items] == [
        (child, [AgendaReason.HIGH_RISK_REVIEW_DUE, AgendaReason.AGENCY_REQUEST])
    ]
    assert items[0].requested_by_agency == north.missing.csc
    # Adopting again adds nothing twice.
    assert len(services.agenda_adopt_proposal(actor=chair, meeting=meeting, now=NOW)) == 1

    services.agenda_publish(actor=chair, meeting=meeting, now=NOW)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    assert meeting.agenda_published_at == NOW
    pre_read = meeting.items.get().pre_read
    assert "Jade Example" in pre_read
    assert "Current risk: High" in pre_read
    assert "Northbrook Children's Services asks to discuss" in pre_read

    # Frozen: a later assessment does not change the published pre-read.
    assess(north, child, london(2027, 2, 5, 12, 0), "low")
    assert meeting.items.get().pre_read == pre_read
    assert AuditEvent.objects.filter(
        action="panels.agenda_published", subject_id=str(meeting.pk)
    ).exists()

    with pytest.raises(ServiceValidationError):
        services.agenda_publish(actor=chair, meeting=meeting, now=NOW)


@pytest.mark.django_db
def test_only_the_chair_changes_or_publishes_the_agenda(north: PanelWorld) -> None:
    route_to_panel(north, north.child("Triaged"), london(2027, 1, 29, 9, 0))
    meeting = north.meeting(MEETING)
    for refuse in (services.agenda_adopt_proposal, services.agenda_publish):
        with pytest.raises(NotFoundOrForbidden):
            refuse(actor=north.health_member, meeting=meeting, now=NOW)
    assert not meeting.items.exists()
    assert AuditEvent.objects.filter(action="panels.agenda_change_refused").count() == 2


@pytest.mark.django_db
def test_an_empty_agenda_cannot_be_published(north: PanelWorld) -> None:
    meeting = north.meeting(MEETING)
    with pytest.raises(ServiceValidationError, match="at least one item"):
        services.agenda_publish(actor=north.missing.coordinator, meeting=meeting, now=NOW)


@pytest.mark.django_db
def test_an_agency_asks_only_about_a_child_it_may_see_and_says_why(north: PanelWorld) -> None:
    child = north.child("Jade")
    with pytest.raises(NotFoundOrForbidden):
        services.discussion_request_create(
            actor=north.health_member,
            person=child,
            agency=north.health,
            reason="We are worried about her and want the panel to know.",
            now=NOW,
        )
    assert AuditEvent.objects.filter(
        action="panels.discussion_request_refused", subject_id=str(child.pk)
    ).exists()
    with pytest.raises(ServiceValidationError, match="Explain why"):
        services.discussion_request_create(
            actor=north.missing.lead, person=child, agency=north.missing.csc, reason=" ", now=NOW
        )
    assert not AgencyDiscussionRequest.objects.exists()


@pytest.mark.django_db
def test_quorum_counts_agencies_present_including_the_required_kinds(north: PanelWorld) -> None:
    meeting = north.meeting(MEETING)
    csc, police = north.missing.csc, north.missing.police

    def attend(agency: Agency, status: str = AttendanceStatus.PRESENT) -> None:
        Attendance.objects.create(meeting=meeting, agency=agency, status=status)

    attend(csc)
    attend(north.health)
    attend(police, AttendanceStatus.APOLOGIES)
    attend(north.missing.school)
    assert not services.quorum_met(meeting)  # four agencies, but the police sent apologies
    Attendance.objects.filter(meeting=meeting, agency=police).update(
        status=AttendanceStatus.PRESENT
    )
    assert services.quorum_met(meeting)
    others = [north.health, north.missing.school]
    Attendance.objects.filter(meeting=meeting, agency__in=others).update(
        status=AttendanceStatus.ABSENT
    )
    assert not services.quorum_met(meeting)  # the two required agencies alone are too few
