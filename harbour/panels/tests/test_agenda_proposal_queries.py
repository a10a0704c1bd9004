"""Harbour's agenda proposal costs the same few queries however many children it proposes.

Each rule is one query selecting the child's id and the few person fields a proposal is read
for; a proposal of many children must not load each child (or each assessment) on its own. The
chair's agenda page lists the first 100 of a large proposal and says how many more there are.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harbour.missing.tests.factories import frozen, london
from harbour.panels import selectors, services
from harbour.panels.models import AgencyDiscussionRequest, AgendaReason, Meeting
from harbour.panels.tests.factories import (
    PanelWorld,
    assess,
    route_to_panel,
    trigger_repeat_missing,
)
from harbour.people.models import Person

PREVIOUS = london(2027, 1, 28, 10, 0)
MEETING = london(2027, 2, 11, 10, 0)
NOW = london(2027, 2, 4, 9, 0)


def request_discussion(world: PanelWorld, person: Person, at: datetime.datetime) -> None:
    with frozen(at):
        services.discussion_request_create(
            actor=world.missing.lead,
            person=person,
            agency=world.missing.csc,
            reason="School sees him with older young people most evenings.",
            now=at,
        )


def add_children_meeting_every_rule(world: PanelWorld, count: int, start: int) -> None:
    """``count`` children for each of the four rules, numbered from ``start``."""
    for number in range(start, start + count):
        day = datetime.timedelta(hours=number)
        route_to_panel(world, world.child(f"Triaged{number}"), london(2027, 1, 29, 9, 0) + day)
        assess(world, world.child(f"High{number}"), london(2027, 1, 10, 12, 0) + day, "high")
        trigger_repeat_missing(
            world, world.child(f"Repeat{number}"), london(2027, 1, 29, 20, 0) + day
        )
        request_discussion(world, world.child(f"Asked{number}"), london(2027, 2, 1, 9, 0) + day)


def proposal_queries(meeting: Meeting) -> tuple[list[services.ProposedChild], int]:
    """The proposal for ``meeting``, read as its pages read it, and the queries that took."""
    fresh = Meeting.objects.select_related("panel").get(pk=meeting.pk)
    with CaptureQueriesContext(connection) as captured:
        proposal = services.agenda_propose(meeting=fresh, now=NOW)
        for child in proposal:
            assert child.person.full_name
            child.person.age_on(NOW.date())
            for request in child.requests:
                assert request.agency.name
                assert request.requested_by.pk
    return proposal, len(captured.captured_queries)


@pytest.mark.django_db
def test_the_proposal_query_count_does_not_grow_with_the_children(north: PanelWorld) -> None:
    meeting = north.meeting(MEETING)
    north.meeting(PREVIOUS)
    add_children_meeting_every_rule(north, count=1, start=1)
    small, small_queries = proposal_queries(meeting)
    add_children_meeting_every_rule(north, count=4, start=2)
    large, large_queries = proposal_queries(meeting)

    assert len(small) == 4
    assert len(large) == 20
    assert large_queries == small_queries
    assert large_queries <= 6


@pytest.mark.django_db
def test_the_proposal_reads_only_what_it_needs_and_loads_the_rest_when_read(
    north: PanelWorld,
) -> None:
    north.meeting(PREVIOUS)
    child = north.child("Kai")
    Person.objects.filter(pk=child.pk).update(known_as="KJ")
    assess(north, child, london(2027, 1, 10, 12, 0), "high")
    route_to_panel(north, child, london(2027, 1, 29, 9, 0))

    (proposed,) = services.agenda_propose(meeting=north.meeting(MEETING), now=NOW)

    assert proposed.person == child
    assert proposed.reasons == (AgendaReason.ROUTED_AT_TRIAGE, AgendaReason.HIGH_RISK_REVIEW_DUE)
    assert proposed.person.get_deferred_fields() >= {"known_as", "merged_into_id"}
    assert "first_names" not in proposed.person.get_deferred_fields()
    assert proposed.person.known_as == "KJ"


@pytest.mark.django_db
def test_a_child_merged_into_another_record_is_not_proposed_by_any_rule(
    north: PanelWorld,
) -> None:
    north.meeting(PREVIOUS)
    add_children_meeting_every_rule(north, count=1, start=1)
    survivor = north.child("Survivor")
    merged = Person.objects.filter(first_names__in=["Triaged1", "High1", "Repeat1", "Asked1"])
    assert merged.update(merged_into=survivor) == 4

    assert services.agenda_propose(meeting=north.meeting(MEETING), now=NOW) == []
    assert AgencyDiscussionRequest.objects.count() == 1


@pytest.mark.django_db
def test_children_are_ordered_by_first_reason_then_name(north: PanelWorld) -> None:
    north.meeting(PREVIOUS)
    for name in ("Zara", "adam", "Mo"):
        assess(north, north.child(name), london(2027, 1, 10, 12, 0), "high")
    route_to_panel(north, north.child("Yusuf"), london(2027, 1, 29, 9, 0))

    proposal = services.agenda_propose(meeting=north.meeting(MEETING), now=NOW)

    assert [child.person.first_names for child in proposal] == ["Yusuf", "adam", "Mo", "Zara"]


@pytest.mark.django_db
def test_the_agenda_page_lists_the_first_100_of_a_large_proposal(
    north: PanelWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = [
        services.ProposedChild(
            person=Person(id=uuid.uuid4(), first_names=f"Child{number:03}", last_name="Example"),
            reasons=(AgendaReason.HIGH_RISK_REVIEW_DUE,),
        )
        for number in range(1, 131)
    ]

    def large_proposal(**kwargs: Any) -> list[services.ProposedChild]:
        return proposal

    monkeypatch.setattr(selectors, "agenda_propose", large_proposal)
    meeting = north.meeting(MEETING)
    client = Client()
    with frozen(NOW):
        client.force_login(north.missing.coordinator)
        response = client.get(reverse("panels:agenda_edit", args=[meeting.pk]))
    assert response.status_code == 200, response
    page = response.content.decode()

    assert "130 children meet the panel's rules" in page
    assert "Child100 Example" in page
    assert "Child101 Example" not in page
    assert "30 more are not listed" in page
    assert "adds all 130" in page
