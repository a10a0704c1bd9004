"""A partnership for return interview tests, and episodes built directly with the model.

``rhi_world`` is the case world (Northbrook's front door, school, children's services with a lead
professional, police with an exploitation officer, health) plus: Northbrook's coordinator, a
commissioned charity with a return interview worker, a police constable without the exploitation
role, a second lead professional with a case for another child, an inactive exploitation
officer, and Southmoor's police exploitation officer, coordinator and lead professional (a
neighbouring borough that must never hear of a Northbrook interview).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.utils import timezone

from harbour.accounts.models import Agency, AgencyType, Area, Role, User
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.cases import services as case_services
from harbour.cases.models import Case
from harbour.cases.tests.factories import CaseWorld, case_world, decided_referral, make_case
from harbour.missing.models import EpisodeCategory, EpisodeStatus, MissingEpisode, MissingFrom
from harbour.people.models import Person
from harbour.referrals.tests.factories import FrontDoorSetup, front_door_setup
from harbour.return_interviews import services
from harbour.return_interviews.models import ReturnInterview

HOUR = datetime.timedelta(hours=1)


@dataclasses.dataclass
class RhiWorld:
    cases: CaseWorld
    coordinator: User
    charity: Agency
    worker: User
    constable: User
    other_lead: User
    inactive_officer: User
    case: Case
    other_case: Case
    south: FrontDoorSetup
    south_officer: User
    south_coordinator: User
    south_lead: User

    @property
    def area(self) -> Area:
        return self.cases.north.area

    @property
    def person(self) -> Person:
        return self.cases.person

    @property
    def officer(self) -> User:
        return self.cases.officer

    @property
    def lead(self) -> User:
        return self.cases.lead


def rhi_world() -> RhiWorld:
    world = case_world()
    north = world.north
    charity = AgencyFactory(
        name="Northbrook Young People's Charity",
        agency_type=AgencyType.VOLUNTARY,
        areas=[north.area],
    )
    other_lead = user_with_role(
        Role.LEAD_PROFESSIONAL, north.csc, first_name="Omar", last_name="Other"
    )
    inactive = user_with_role(
        Role.POLICE_EXPLOITATION, world.police, first_name="Ina", last_name="Gone"
    )
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    south = front_door_setup("southmoor", "Southmoor")
    south_police = AgencyFactory(
        name="Southmoor Police", agency_type=AgencyType.POLICE, areas=[south.area]
    )
    south_lead = user_with_role(
        Role.LEAD_PROFESSIONAL, south.csc, first_name="Sue", last_name="South"
    )
    _open_case(south, south_lead, decided_referral(south, first_names="Bea", last_name="Brook"))
    return RhiWorld(
        cases=world,
        coordinator=user_with_role(
            Role.COORDINATOR, north.csc, first_name="Cora", last_name="Coordinator"
        ),
        charity=charity,
        worker=user_with_role(Role.RETURN_INTERVIEW, charity, first_name="Rae", last_name="Worker"),
        constable=user_with_role(Role.REFERRER, world.police, first_name="Con", last_name="Stable"),
        other_lead=other_lead,
        inactive_officer=inactive,
        case=make_case(world),
        other_case=make_case(
            world,
            referral=decided_referral(north, first_names="Zed", last_name="Zephyr"),
            lead=other_lead,
        ),
        south=south,
        south_officer=user_with_role(
            Role.POLICE_EXPLOITATION, south_police, first_name="Sam", last_name="Southcop"
        ),
        south_coordinator=user_with_role(
            Role.COORDINATOR, south.csc, first_name="Sid", last_name="Southco"
        ),
        south_lead=south_lead,
    )


def _open_case(south: FrontDoorSetup, lead: User, referral: Any) -> None:
    case_services.case_open(
        actor=south.front_door,
        referral=referral,
        lead_professional=lead,
        lead_agency=south.csc,
        exploitation_types=["criminal_exploitation"],
        agencies=[],
        plan_review_due_on=None,
    )


def make_episode(
    world: RhiWorld,
    *,
    person: Person | None = None,
    area: Area | None = None,
    returned_at: datetime.datetime | None = None,
    interview_due_at: datetime.datetime | None = None,
    missing_hours: int = 10,
    set_due: bool = True,
) -> MissingEpisode:
    """An episode reported by the police, returned at ``returned_at`` (None: still missing).
    The due time is the return plus 72 hours unless given (or ``set_due=False``)."""
    last_seen = (returned_at or timezone.now()) - missing_hours * HOUR
    if returned_at is not None and interview_due_at is None and set_due:
        interview_due_at = returned_at + 72 * HOUR
    return MissingEpisode.objects.create(
        person=person or world.person,
        area=area or world.area,
        missing_from=MissingFrom.HOME,
        category=EpisodeCategory.MISSING,
        status=EpisodeStatus.RETURNED if returned_at is not None else EpisodeStatus.OPEN,
        reported_at=last_seen + HOUR,
        reported_by=world.officer,
        reported_by_agency=world.cases.police,
        last_seen_at=last_seen,
        returned_at=returned_at,
        interview_due_at=interview_due_at,
        clock_policy_version=1 if interview_due_at is not None else None,
    )


def offered(world: RhiWorld, episode: MissingEpisode, *, after: datetime.timedelta = HOUR) -> Any:
    assert episode.returned_at is not None
    return services.interview_offer(
        actor=world.worker, episode=episode, offered_at=episode.returned_at + after
    )


COMPLETE_DEFAULTS: dict[str, Any] = {
    "conducted_where": "At the charity's office",
    "push_factors": ["conflict_at_home"],
    "pull_factors": ["older_boyfriend_girlfriend", "gifts_or_money"],
    "push_narrative": "Arguments with mum about curfew.",
    "pull_narrative": "An older boyfriend with a car.",
    "where_child_was": "A flat above the takeaway on Station Road.",
    "with_whom": "Two older boys she knows as T and Bigz.",
    "how_travelled": "Picked up in a car.",
    "harm_suffered": "None disclosed.",
    "disclosures": "None.",
    "exploitation_indicators": "Given a new phone.",
    "safety_information": "Childline 0800 1111 and the charity's number.",
    "child_wishes": "To stay at home and go back to school.",
    "recommendations": "Refer to the exploitation team.",
}


def complete(world: RhiWorld, interview: ReturnInterview, **overrides: Any) -> ReturnInterview:
    episode = interview.episode
    assert episode.returned_at is not None
    values: dict[str, Any] = {
        **COMPLETE_DEFAULTS,
        "conducted_at": (interview.offered_at or episode.returned_at) + HOUR,
        **overrides,
    }
    return services.interview_complete(actor=world.worker, interview=interview, **values)
