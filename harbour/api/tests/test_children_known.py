""" "Is this child known, and to which agencies?": an agency never reads what its staff could
not. A health system asking about a child known only to the police learns nothing."""

from __future__ import annotations

import datetime

from harbour.accounts.models import Role
from harbour.api.models import Scope
from harbour.api.tests.conftest import ApiClient
from harbour.audit.models import AuditEvent
from harbour.people.models import InvolvementKind
from harbour.people.services import involvement_record
from harbour.people.tests.factories import PersonFactory

KNOWN = "/api/v1/children/known/"


def _police_only_child(world):
    child = PersonFactory(
        first_names="Kayden",
        last_name="Rivers",
        date_of_birth=datetime.date(2010, 8, 9),
        home_area=world.area,
        created_by_agency=world.police,
    )
    involvement_record(
        actor=world.officer, person=child, agency=world.police, kind=InvolvementKind.HOLDS_RECORD
    )
    return child


QUESTION = {"first_names": "Kayden", "last_name": "Rivers", "date_of_birth": "2010-08-09"}


def test_police_learn_the_child_and_the_agencies_involved(world, police_api):
    child = _police_only_child(world)
    response = police_api.post(KNOWN, QUESTION, key=None)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["known"] is True
    assert [c["person_id"] for c in body["candidates"]] == [str(child.pk)]
    candidate = body["candidates"][0]
    assert candidate["score"] > 0
    assert candidate["reasons"]
    assert [a["name"] for a in candidate["agencies"]] == ["Northbrook Police"]
    event = AuditEvent.objects.get(action="partner_api.child_queried")
    assert event.after["person_ids"] == [str(child.pk)]


def test_ended_involvement_is_not_listed(world, police_api):
    child = _police_only_child(world)
    from harbour.people.models import Involvement

    involvement_record(
        actor=world.officer, person=child, agency=world.csc, kind=InvolvementKind.CASE
    )
    Involvement.objects.filter(person=child, agency=world.csc).update(
        ended_on=datetime.date(2025, 1, 1)
    )
    candidate = police_api.post(KNOWN, QUESTION, key=None).json()["candidates"][0]
    assert [a["name"] for a in candidate["agencies"]] == ["Northbrook Police"]


def test_health_asking_about_a_police_only_child_gets_nothing(world, issue, health):
    _police_only_child(world)
    _credential, token = issue(health, role=Role.REFERRER, scopes=(Scope.CHILDREN_QUERY,))
    response = ApiClient(token).post(KNOWN, QUESTION, key=None)
    assert response.status_code == 200
    assert response.json() == {"known": False, "candidates": []}
    event = AuditEvent.objects.get(action="partner_api.child_queried")
    assert event.after["person_ids"] == []


def test_once_health_is_involved_it_sees_the_child_and_both_agencies(world, issue, health):
    child = _police_only_child(world)
    involvement_record(
        actor=world.officer, person=child, agency=health, kind=InvolvementKind.HOLDS_RECORD
    )
    _credential, token = issue(health, role=Role.REFERRER, scopes=(Scope.CHILDREN_QUERY,))
    body = ApiClient(token).post(KNOWN, QUESTION, key=None).json()
    assert [c["person_id"] for c in body["candidates"]] == [str(child.pk)]
    assert sorted(a["name"] for a in body["candidates"][0]["agencies"]) == [
        "Northbrook Health Trust",
        "Northbrook Police",
    ]


def test_a_question_with_no_name_or_identifier_is_400(world, police_api):
    response = police_api.post(KNOWN, {"date_of_birth": "2010-08-09"}, key=None)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "last_name",
            "message": "Enter the child's name, or an identifier such as an NHS number",
        }
    ]
