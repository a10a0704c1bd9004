"""Cases for tests, built through the services as views, the API and imports build them.

``case_world`` is Northbrook's front door (children's social care) and school from
``front_door_setup``, plus a lead professional at children's social care, a police exploitation
officer and a school nurse at health, and a decided referral (linked to a new child) from which a
case can open. ``make_case`` opens one through ``services.case_open``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from harbour.accounts.models import Agency, AgencyType, Role, User
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.cases import services
from harbour.cases.models import Case
from harbour.people.models import Person
from harbour.referrals import services as referral_services
from harbour.referrals.models import Referral
from harbour.referrals.tests.factories import FrontDoorSetup, front_door_setup, make_referral

RATIONALE = "Threshold for exploitation screening met: repeated sightings with older males."


@dataclasses.dataclass
class CaseWorld:
    north: FrontDoorSetup
    lead: User
    police: Agency
    officer: User
    health: Agency
    nurse: User
    referral: Referral

    @property
    def person(self) -> Person:
        person = self.referral.person
        assert person is not None
        return person


def decided_referral(
    north: FrontDoorSetup, *, route: str = "exploitation_screening", **child_fields: Any
) -> Referral:
    """A school's referral, linked by the front door to a new child and decided on ``route``."""
    referral = make_referral(actor=north.referrer, **child_fields)
    referral_services.referral_link_new_person(actor=north.front_door, referral=referral)
    referral.refresh_from_db()
    referral_services.referral_triage(
        actor=north.front_door,
        referral=referral,
        route=route,
        rationale=RATIONALE,
        advice_to_referrer="Keep the school's safeguarding lead informed."
        if route == "no_further_action"
        else "",
    )
    referral.refresh_from_db()
    return referral


def referral_about(
    north: FrontDoorSetup, person: Person, *, route: str = "exploitation_screening"
) -> Referral:
    """Another referral about a child Harbour knows, linked to them and decided on ``route``."""
    referral = make_referral(actor=north.referrer)
    referral_services.referral_link_person(actor=north.front_door, referral=referral, person=person)
    referral.refresh_from_db()
    referral_services.referral_triage(
        actor=north.front_door, referral=referral, route=route, rationale=RATIONALE
    )
    referral.refresh_from_db()
    return referral


def case_world() -> CaseWorld:
    north = front_door_setup("northbrook", "Northbrook")
    police = AgencyFactory(
        name="Northbrook Police", agency_type=AgencyType.POLICE, areas=[north.area]
    )
    health = AgencyFactory(
        name="Northbrook Health", agency_type=AgencyType.HEALTH, areas=[north.area]
    )
    return CaseWorld(
        north=north,
        lead=user_with_role(Role.LEAD_PROFESSIONAL, north.csc, first_name="Lee", last_name="Lead"),
        police=police,
        officer=user_with_role(
            Role.POLICE_EXPLOITATION, police, first_name="Pat", last_name="Officer"
        ),
        health=health,
        nurse=user_with_role(Role.REFERRER, health, first_name="Nia", last_name="Nurse"),
        referral=decided_referral(north),
    )


def make_case(
    world: CaseWorld,
    *,
    referral: Referral | None = None,
    actor: User | None = None,
    lead: User | None = None,
    lead_agency: Agency | None = None,
    agencies: Iterable[Agency] = (),
    exploitation_types: Iterable[str] = ("criminal_exploitation",),
    plan_review_due_on: datetime.date | None = None,
) -> Case:
    """A case opened by the front door through ``services.case_open``."""
    return services.case_open(
        actor=actor or world.north.front_door,
        referral=referral or world.referral,
        lead_professional=lead or world.lead,
        lead_agency=lead_agency or world.north.csc,
        exploitation_types=exploitation_types,
        agencies=agencies,
        plan_review_due_on=plan_review_due_on,
    )


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def make_assessment(
    world: CaseWorld,
    person: Person,
    *,
    level: str = "high",
    review_due_on: datetime.date,
    completed_at: datetime.datetime | None = None,
    case: Case | None = None,
) -> Any:
    """A completed assessment row, as the assessments app stores one (its service is that
    app's; here only the level, review date and completion time matter)."""
    from harbour.assessments.models import Assessment

    return Assessment.objects.create(
        person=person,
        area=world.north.area,
        catalogue_key="exploitation",
        catalogue_version=1,
        started_from="case" if case is not None else "triage",
        case=case,
        suggested_level=level,
        explanation={"indicators": [], "rules": []},
        level=level,
        rationale="Consistent with the indicators recorded.",
        seen_alone="yes",
        review_due_on=review_due_on,
        completed_at=completed_at or timezone.now(),
        completed_by=world.lead,
        completed_by_agency=world.north.csc,
    )
