"""Missing episodes for tests, built through the services as views, the API and imports build them.

``missing_world`` is Northbrook: its children's social care (with a lead professional and a
coordinator), its police (an exploitation officer), a school referrer, and a child living in
Northbrook whom the police and children's services both know. ``frozen`` fixes "now".
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Iterator
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone

from harbour.accounts.models import Agency, AgencyType, Area, Role, User
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.missing import services
from harbour.missing.models import MissingEpisode
from harbour.people.models import InvolvementKind, Person
from harbour.people.services import involvement_record
from harbour.people.tests.factories import PersonFactory

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime.datetime:
    """A UK wall-clock time (GMT or BST as the date says)."""
    return datetime.datetime(*args, tzinfo=LONDON)


@contextlib.contextmanager
def frozen(moment: datetime.datetime) -> Iterator[None]:
    """Django's "now" fixed at ``moment`` (services and selectors read ``timezone.now``)."""
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(datetime.UTC)):
        yield


@dataclasses.dataclass
class MissingWorld:
    area: Area
    csc: Agency
    police: Agency
    school: Agency
    lead: User
    coordinator: User
    officer: User
    referrer: User
    child: Person

    def new_child(self, **fields: Any) -> Person:
        values: dict[str, Any] = {"home_area": self.area, "created_by_agency": self.police}
        values.update(fields)
        child: Person = PersonFactory(**values)
        involvement_record(
            actor=self.officer, person=child, agency=self.csc, kind=InvolvementKind.HOLDS_RECORD
        )
        return child


def missing_world(code: str = "northbrook", name: str = "Northbrook") -> MissingWorld:
    area = AreaFactory(code=code, name=name)
    csc = AgencyFactory(
        name=f"{name} Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    police = AgencyFactory(name=f"{name} Police", agency_type=AgencyType.POLICE, areas=[area])
    school = AgencyFactory(name=f"{name} Academy", agency_type=AgencyType.EDUCATION, areas=[area])
    world = MissingWorld(
        area=area,
        csc=csc,
        police=police,
        school=school,
        lead=user_with_role(Role.LEAD_PROFESSIONAL, csc, first_name="Lee", last_name="Lead"),
        coordinator=user_with_role(Role.COORDINATOR, csc, first_name="Cara", last_name="Coord"),
        officer=user_with_role(
            Role.POLICE_EXPLOITATION, police, first_name="Pat", last_name="Officer"
        ),
        referrer=user_with_role(Role.REFERRER, school, first_name="Sam", last_name="School"),
        child=PersonFactory(home_area=area),
    )
    world.child = world.new_child()
    return world


def report(
    world: MissingWorld,
    *,
    actor: User | None = None,
    person: Person | None = None,
    last_seen_at: datetime.datetime | None = None,
    **overrides: Any,
) -> tuple[MissingEpisode, bool]:
    """A valid report through ``services.episode_report`` (override any argument).

    Reported half an hour after last seen unless ``reported_at`` is given (``None``: now).
    """
    now = timezone.now()
    last_seen_at = last_seen_at or now - datetime.timedelta(hours=2)
    values: dict[str, Any] = {
        "missing_from": "home",
        "category": "missing",
        "last_seen_where": "Outside Northbrook Academy",
        "reported_at": min(last_seen_at + datetime.timedelta(minutes=30), now),
    }
    values.update(overrides)
    return services.episode_report(
        actor=actor or world.officer,
        person=person or world.child,
        last_seen_at=last_seen_at,
        **values,
    )


def record_return(
    world: MissingWorld,
    episode: MissingEpisode,
    *,
    returned_at: datetime.datetime,
    actor: User | None = None,
    **overrides: Any,
) -> MissingEpisode:
    values: dict[str, Any] = {
        "returned_where": "Home address",
        "returned_how": "Came home by herself",
        "returned_with_whom": "",
    }
    values.update(overrides)
    return services.episode_record_return(
        actor=actor or world.officer, episode=episode, returned_at=returned_at, **values
    )
