"""Partner intelligence: kept normalised, on the chronology, shared with the area's police
exploitation officers and coordinators, and no one else."""

from __future__ import annotations

import uuid

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.api import selectors
from harbour.api.models import PartnerIntelligence
from harbour.api.tests.conftest import ApiClient
from harbour.audit.models import AuditEvent
from harbour.notifications.models import Notification
from harbour.people.models import ChronologyEntry

INTELLIGENCE = "/api/v1/intelligence/"


def _body(world, **overrides):
    body = {
        "person_id": str(world.child.pk),
        "summary": "Seen with older males in a silver car outside the school gates.",
        "lawful_basis": "public_task",
        "items": [
            {"kind": "vehicle", "value": "ab12-cde", "detail": "Silver hatchback"},
            {"kind": "phone", "value": "+44 7700 900123"},
            {"kind": "online_account", "value": "@bigman", "platform": "Snapchat"},
        ],
    }
    body.update(overrides)
    return body


def test_intelligence_is_kept_shared_and_on_the_chronology(world, issue, health):
    _credential, token = issue(health, role=Role.REFERRER)
    # Health can see the child because it holds a record about them.
    from harbour.people.models import InvolvementKind
    from harbour.people.services import involvement_record

    involvement_record(
        actor=world.officer, person=world.child, agency=health, kind=InvolvementKind.HOLDS_RECORD
    )
    response = ApiClient(token).post(INTELLIGENCE, _body(world))
    assert response.status_code == 201, response.json()
    assert response.json()["items"] == 3
    intelligence = PartnerIntelligence.objects.get(pk=response.json()["id"])
    assert [(i.kind, i.value) for i in intelligence.items.all()] == [
        ("vehicle", "AB12 CDE"),
        ("phone", "07700900123"),
        ("online_account", "bigman"),
    ]
    entry = ChronologyEntry.objects.get(source_type="partner_api.intelligence")
    assert entry.person == world.child
    assert "Northbrook Health Trust" in entry.summary
    recipients = set(
        Notification.objects.filter(subject_id=str(intelligence.pk)).values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {world.officer.pk, world.coordinator.pk}
    assert AuditEvent.objects.filter(action="partner_api.intelligence_submitted").exists()

    # Who may read it: the officer, the coordinator and the sending agency; not the school.
    visible = selectors.intelligence_visible_to
    assert visible(world.officer).filter(pk=intelligence.pk).exists()
    assert visible(world.coordinator).filter(pk=intelligence.pk).exists()
    assert not visible(world.lead).filter(pk=intelligence.pk).exists()
    assert not visible(world.referrer).filter(pk=intelligence.pk).exists()
    other_area_officer = user_with_role(Role.POLICE_EXPLOITATION)
    assert not visible(other_area_officer).filter(pk=intelligence.pk).exists()


def test_bad_items_name_the_item_and_field(world, police_api):
    response = police_api.post(
        INTELLIGENCE,
        _body(
            world,
            items=[
                {"kind": "vehicle", "value": "not a reg"},
                {"kind": "online_account", "value": "someone"},
            ],
        ),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "items.0.value",
            "message": "Enter a UK vehicle registration, like AB12 CDE. "
            "Put a partial registration in the detail",
        },
        {"field": "items.1.platform", "message": "Enter the platform, like Snapchat or Instagram"},
    ]
    assert not PartnerIntelligence.objects.exists()


def test_intelligence_about_an_unseen_or_unknown_child_is_the_same_field_error(
    world, issue, health
):
    _credential, token = issue(health, role=Role.REFERRER)
    unseen = ApiClient(token).post(INTELLIGENCE, _body(world))
    unknown = ApiClient(token).post(INTELLIGENCE, _body(world, person_id=str(uuid.uuid4())))
    assert unseen.status_code == unknown.status_code == 400
    assert unseen.json()["errors"] == unknown.json()["errors"]
    assert unseen.json()["errors"][0]["field"] == "person_id"
    assert not PartnerIntelligence.objects.exists()
