"""A two-borough partnership for the duplicates tests, and rows of every kind about a child.

``dup_world`` is Northbrook and Southmere (each: children's social care with a front door
practitioner, and a school with a referrer), a police force serving both with an exploitation
officer, a Northbrook coordinator, health, and the rest of the access population used to check
"who can see the survivor" against the real policy. Rows are made directly (the merge is generic
over rows, whatever made them), except referrals, which go through the referral service.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.utils import timezone

from harbour.access.models import BreakGlassGrant
from harbour.accounts.models import Agency, AgencyType, Area, Role, User
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.assessments.models import Assessment
from harbour.cases.models import Case, CaseStatus
from harbour.duplicates.models import DuplicateCandidate
from harbour.missing.models import MissingEpisode
from harbour.people.models import ChronologyEntry, Involvement, Person
from harbour.people.tests.factories import PersonFactory
from harbour.referrals.models import Referral
from harbour.referrals.tests.factories import FrontDoorSetup, front_door_setup, make_referral


@dataclasses.dataclass
class DupWorld:
    north: FrontDoorSetup
    south: FrontDoorSetup
    police: Agency
    health: Agency
    officer: User
    nurse: User
    coordinator: User
    lead: User
    admin: User

    @property
    def areas(self) -> list[Area]:
        return [self.north.area, self.south.area]

    @property
    def agencies(self) -> list[Agency]:
        return [self.north.csc, self.north.school, self.south.csc, self.south.school, self.police]

    @property
    def population(self) -> list[User]:
        """Users whose view of a record we compare: every role that sees case content."""
        return [
            self.north.front_door,
            self.north.referrer,
            self.south.front_door,
            self.south.referrer,
            self.officer,
            self.nurse,
            self.coordinator,
            self.lead,
        ]

    def child(self, **fields: Any) -> Person:
        values: dict[str, Any] = {"home_area": self.north.area, "created_by_agency": self.north.csc}
        values.update(fields)
        person: Person = PersonFactory(**values)
        return person


def dup_world() -> DupWorld:
    north = front_door_setup("northbrook", "Northbrook")
    south = front_door_setup("southmere", "Southmere")
    police = AgencyFactory(
        name="Shire Police", agency_type=AgencyType.POLICE, areas=[north.area, south.area]
    )
    health = AgencyFactory(
        name="Shire Health", agency_type=AgencyType.HEALTH, areas=[north.area, south.area]
    )
    return DupWorld(
        north=north,
        south=south,
        police=police,
        health=health,
        officer=user_with_role(Role.POLICE_EXPLOITATION, police, first_name="Pat"),
        nurse=user_with_role(Role.REFERRER, health, first_name="Nia"),
        coordinator=user_with_role(Role.COORDINATOR, north.csc, first_name="Cara"),
        lead=user_with_role(Role.LEAD_PROFESSIONAL, north.csc, first_name="Lee"),
        admin=user_with_role(Role.ADMINISTRATOR, north.csc, first_name="Ada"),
    )


def candidate(left: Person, right: Person, probability: float = 0.97, **fields: Any) -> Any:
    """A queued pair, as ``record_proposals`` stores one (smaller id on the left)."""
    first, second = sorted((left, right), key=lambda person: person.pk)
    values: dict[str, Any] = {
        "match_probability": probability,
        "match_weight": 9.5,
        "explanation": [
            {"field": "first_names", "outcome": "Similar spelling", "match_weight": 4.2},
            {"field": "date_of_birth", "outcome": "Exact match", "match_weight": 6.1},
            {"field": "postcode", "outcome": "Different", "match_weight": -1.3},
        ],
        "last_scored_at": timezone.now(),
    }
    values.update(fields)
    return DuplicateCandidate.objects.create(person_l=first, person_r=second, **values)


def involvement(person: Person, agency: Agency, kind: str = "holds_record", **fields: Any) -> Any:
    return Involvement.objects.create(person=person, agency=agency, kind=kind, **fields)


def chronology(person: Person, summary: str = "Seen at school", days_ago: int = 3) -> Any:
    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        event_type="note",
        summary=summary,
        source_type="people.person",
        source_id=str(person.pk),
    )


def assessment(
    world: DupWorld, person: Person, *, level: str = "high", current: bool = True, days_ago: int = 5
) -> Any:
    return Assessment.objects.create(
        person=person,
        area=world.north.area,
        catalogue_key="exploitation",
        catalogue_version=1,
        started_from="triage",
        suggested_level=level,
        explanation={"indicators": [], "rules": []},
        level=level,
        rationale="Consistent with the indicators recorded.",
        seen_alone="yes",
        review_due_on=timezone.localdate() + datetime.timedelta(days=28),
        is_current=current,
        completed_at=timezone.now() - datetime.timedelta(days=days_ago),
        completed_by=world.lead,
        completed_by_agency=world.north.csc,
    )


def live_case(world: DupWorld, person: Person) -> Any:
    return Case.objects.create(
        person=person,
        area=world.north.area,
        lead_professional=world.lead,
        lead_agency=world.north.csc,
        status=CaseStatus.OPEN,
        opened_at=timezone.now() - datetime.timedelta(days=10),
        opened_by=world.north.front_door,
    )


def episode(world: DupWorld, person: Person, *, open_: bool = False) -> Any:
    last_seen = timezone.now() - datetime.timedelta(days=2)
    return MissingEpisode.objects.create(
        person=person,
        area=world.north.area,
        missing_from="home",
        category="missing",
        status="open" if open_ else "closed",
        reported_at=last_seen + datetime.timedelta(hours=1),
        reported_by=world.officer,
        reported_by_agency=world.police,
        last_seen_at=last_seen,
        returned_at=None if open_ else last_seen + datetime.timedelta(hours=20),
    )


def referral(world: DupWorld, person: Person, *, south: bool = False) -> Referral:
    """A school's referral in Northbrook (or Southmere), linked to ``person``."""
    side = world.south if south else world.north
    made = make_referral(actor=side.referrer)
    Referral.objects.filter(pk=made.pk).update(person=person)
    made.refresh_from_db()
    return made


def break_glass(user: User, person: Person) -> Any:
    now = timezone.now()
    return BreakGlassGrant.objects.create(
        user=user,
        person=person,
        reason="Child missing overnight, lead unreachable.",
        granted_at=now,
        expires_at=now + datetime.timedelta(hours=24),
    )
