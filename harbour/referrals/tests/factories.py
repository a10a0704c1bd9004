"""Referrals for tests, built through the services exactly as views, the API and imports build them.

``make_referral`` (a professional's) and ``make_public_referral`` call
``services.referral_create_staff`` / ``services.referral_submit_public``; the ``*_details``
helpers give valid inputs that a test overrides one field at a time. ``front_door_setup`` is the
smallest partnership a referral needs: an area with its children's social care front door and a
school, a front-door practitioner and a referrer at the school.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from harbour.access import policy
from harbour.accounts.models import Agency, AgencyType, Area, Role, User
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.people.models import Person
from harbour.referrals import services
from harbour.referrals.forms import NEW_CHILD
from harbour.referrals.models import Referral
from harbour.referrals.services import (
    ChildAsDescribed,
    ConcernDetails,
    PublicReporterDetails,
    StaffReferrerDetails,
)

NARRATIVE = "Seen getting into a car with older males outside school on three afternoons."


def child_details(**overrides: Any) -> ChildAsDescribed:
    """A child as a referrer describes them (valid; override any field)."""
    values: dict[str, Any] = {
        "first_names": "Amelia",
        "last_name": "Ashdown",
        "date_of_birth": datetime.date(2011, 3, 27),
        "sex": "female",
        "postcode": "",
        "school": "Northbrook Academy",
    }
    values.update(overrides)
    return ChildAsDescribed(**values)


def concern_details(**overrides: Any) -> ConcernDetails:
    values: dict[str, Any] = {
        "categories": ("criminal_exploitation",),
        "narrative": NARRATIVE,
        "urgency": "standard",
        "family_aware": "no",
    }
    values.update(overrides)
    return ConcernDetails(**values)


def referrer_details(**overrides: Any) -> StaffReferrerDetails:
    values: dict[str, Any] = {
        "lawful_basis": "public_task",
        "safeguarding_condition": True,
        "role": "Designated safeguarding lead",
        "phone": "01632 960001",
    }
    values.update(overrides)
    return StaffReferrerDetails(**values)


def reporter_details(**overrides: Any) -> PublicReporterDetails:
    values: dict[str, Any] = {"relationship": "friend", "is_anonymous": True}
    values.update(overrides)
    return PublicReporterDetails(**values)


def make_referral(
    *,
    actor: User,
    agency: Agency | None = None,
    area: Area | None = None,
    person: Person | None = None,
    child: ChildAsDescribed | None = None,
    concern: ConcernDetails | None = None,
    referrer: StaffReferrerDetails | None = None,
    **child_fields: Any,
) -> Referral:
    """A professional's referral through ``referral_create_staff``.

    ``agency`` defaults to the actor's (first) casework agency and ``area`` to one it serves;
    extra keyword arguments override the child's details (``last_name="Smith"``).
    """
    if agency is None:
        agency = Agency.objects.filter(pk__in=policy.viewer_for(actor).casework_agency_ids).first()
        assert agency is not None, "the actor has no casework agency"
    if area is None:
        area = agency.areas.order_by("name").first()
        assert area is not None, "the agency serves no area"
    child = child or child_details()
    if child_fields:
        child = dataclasses.replace(child, **child_fields)
    return services.referral_create_staff(
        actor=actor,
        agency=agency,
        area=area,
        child=child,
        concern=concern or concern_details(),
        referrer=referrer or referrer_details(),
        person=person,
    )


def make_public_referral(
    *,
    area: Area,
    child: ChildAsDescribed | None = None,
    concern: ConcernDetails | None = None,
    reporter: PublicReporterDetails | None = None,
    **child_fields: Any,
) -> Referral:
    """A concern from the public form through ``referral_submit_public`` (anonymous by default)."""
    child = child or ChildAsDescribed(first_names="Quinn", last_name="Quayle", age_description="14")
    if child_fields:
        child = dataclasses.replace(child, **child_fields)
    return services.referral_submit_public(
        area=area,
        child=child,
        concern=concern or concern_details(),
        reporter=reporter or reporter_details(),
    )


def staff_form_data(north: FrontDoorSetup, **overrides: Any) -> dict[str, Any]:
    """What a referrer at ``north.school`` posts to the referral form (valid; ``None`` omits)."""
    data: dict[str, Any] = {
        "agency": str(north.school.pk),
        "area": str(north.area.pk),
        "child_first_names": "Amelia",
        "child_last_name": "Ashdown",
        "child_date_of_birth_day": "27",
        "child_date_of_birth_month": "3",
        "child_date_of_birth_year": "2011",
        "child_sex": "female",
        "child_postcode": "",
        "child_identifier": "",
        "person_choice": NEW_CHILD,
        "categories": ["criminal_exploitation"],
        "narrative": NARRATIVE,
        "urgency": "standard",
        "family_aware": "no",
        "lawful_basis": "public_task",
        "safeguarding_condition": "on",
        "referrer_phone": "01632 960001",
        "referrer_email": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def public_form_data(north: FrontDoorSetup, **overrides: Any) -> dict[str, Any]:
    """What someone posts to the public concern form (valid, anonymous; ``None`` omits)."""
    data: dict[str, Any] = {
        "relationship": "friend",
        "area": str(north.area.pk),
        "child_first_names": "Quinn",
        "child_last_name": "",
        "child_age_description": "about 14",
        "child_postcode": "",
        "categories": ["online"],
        "narrative": "Someone older keeps messaging her and asking for photos.",
        "urgency": "standard",
        "stay_anonymous": "yes",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_email": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@dataclasses.dataclass
class FrontDoorSetup:
    """One area, its children's social care front door, a school, and a user at each."""

    area: Area
    csc: Agency
    school: Agency
    front_door: User
    referrer: User


def front_door_setup(code: str = "northbrook", name: str = "Northbrook") -> FrontDoorSetup:
    area = AreaFactory(code=code, name=name)
    csc = AgencyFactory(
        name=f"{name} Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    school = AgencyFactory(name=f"{name} Academy", agency_type=AgencyType.EDUCATION, areas=[area])
    return FrontDoorSetup(
        area=area,
        csc=csc,
        school=school,
        front_door=user_with_role(Role.FRONT_DOOR, csc, first_name="Fran", last_name="Door"),
        referrer=user_with_role(Role.REFERRER, school, first_name="Rita", last_name="Teacher"),
    )
