"""The demo partnership: three invented boroughs, their agencies and teams, and about 100 staff.

Everything here is invented. The postcode areas NB, EL and SX are not real ones, the local
authority numbers 971 to 973 are not allocated, e-mail addresses are under the reserved
``.example`` domain and telephone numbers are in Ofcom's range kept for drama (01632 960xxx).

``build_partnership`` writes it to the database; the rest of this module is plain data, so the
sign-in page can list the demo accounts (``demo_logins``) without a query.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import TypedDict

from django.contrib.auth.hashers import make_password

from harbour.accounts.models import Agency, AgencyType, Area, Membership, Role, Team, User

#: The one password of every demo account. Published on purpose: synthetic accounts only.
DEMO_PASSWORD = "harbour-demo-2026"  # noqa: S105


@cache
def demo_password_hash() -> str:
    """``DEMO_PASSWORD`` hashed once per process (hashing is slow on purpose)."""
    return make_password(DEMO_PASSWORD)


def new_uuid(rng: random.Random) -> uuid.UUID:
    """A version 4 UUID drawn from ``rng``, so the same seed gives the same keys."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    #: Invented postcode area (not a real one) and the town of each district, NB1 first.
    postcode_area: str
    district_towns: tuple[str, ...]
    #: Invented three-digit local authority number (used in unique pupil numbers).
    la_number: int
    #: Share of the partnership's referrals; Northbrook is busier than the other two together.
    referral_share: float
    schools: tuple[str, ...]
    health_trust: str


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    agency_type: str
    area_codes: tuple[str, ...]
    teams: tuple[str, ...]
    email_domain: str


@dataclass(frozen=True)
class AccountSpec:
    username: str
    agency_key: str
    team: str | None
    job_title: str
    roles: tuple[str, ...]


AREAS: tuple[AreaSpec, ...] = (
    AreaSpec(
        code="northbrook",
        name="Northbrook",
        postcode_area="NB",
        district_towns=(
            "Northbrook",
            "Northbrook",
            "Northbrook",
            "Hartwell",
            "Northbrook",
            "Kettlewick",
            "Brookside",
            "Hartwell",
            "Kettlewick",
        ),
        la_number=971,
        referral_share=0.56,
        schools=(
            "Northbrook Academy",
            "Brookfield High School",
            "Kestrel Park School",
            "Northbrook College",
        ),
        health_trust="health-north-east",
    ),
    AreaSpec(
        code="easterleigh",
        name="Easterleigh",
        postcode_area="EL",
        district_towns=(
            "Easterleigh",
            "Easterleigh",
            "Leigh Vale",
            "Easterleigh",
            "Ashby Moor",
            "Leigh Vale",
        ),
        la_number=972,
        referral_share=0.22,
        schools=(
            "Easterleigh Community School",
            "Leigh Vale Academy",
            "Easterleigh Learning Centre",
        ),
        health_trust="health-north-east",
    ),
    AreaSpec(
        code="southmere",
        name="Southmere",
        postcode_area="SX",
        district_towns=(
            "Southmere",
            "Southmere",
            "Meadowmere",
            "Southmere",
            "Fenwick Cross",
            "Meadowmere",
        ),
        la_number=973,
        referral_share=0.22,
        schools=(
            "Southmere High School",
            "Meadowmere Academy",
            "Southmere Alternative Provision Academy",
        ),
        health_trust="health-south",
    ),
)
AREA_CODES: tuple[str, ...] = tuple(area.code for area in AREAS)
AREAS_BY_CODE: dict[str, AreaSpec] = {area.code: area for area in AREAS}

#: Invented councils outside the partnership that place looked-after children in it.
OUTSIDE_PLACING_AUTHORITIES: tuple[str, ...] = (
    "Westhaven City Council",
    "Kingsmoor County Council",
    "Greystone Borough Council",
    "Marlowe Vale Council",
)


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def school_key(name: str) -> str:
    return f"school-{slug(name)}"


def agency_specs() -> list[AgencySpec]:
    specs: list[AgencySpec] = []
    for area in AREAS:
        council = f"{area.code}-council.example"
        specs.append(
            AgencySpec(
                key=f"csc-{area.code}",
                name=f"{area.name} Council Children's Services",
                agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
                area_codes=(area.code,),
                teams=(
                    f"{area.name} MASH",
                    "Exploitation and Missing Team",
                    "Children in Care Team",
                    "Early Help Team",
                    "Workforce Development",
                ),
                email_domain=council,
            )
        )
        specs.append(
            AgencySpec(
                key=f"licensing-{area.code}",
                name=f"{area.name} Council Licensing Service",
                agency_type=AgencyType.LICENSING,
                area_codes=(area.code,),
                teams=("Licensing Team",),
                email_domain=council,
            )
        )
        specs.extend(
            AgencySpec(
                key=school_key(name),
                name=name,
                agency_type=AgencyType.EDUCATION,
                area_codes=(area.code,),
                teams=("Safeguarding",),
                email_domain=f"{slug(name)}.example",
            )
            for name in area.schools
        )
    specs += [
        AgencySpec(
            key="police",
            name="Midshire Police",
            agency_type=AgencyType.POLICE,
            area_codes=AREA_CODES,
            teams=(
                "Child Exploitation Team",
                "Missing Persons Unit",
                "Neighbourhood Policing",
                "Intelligence Unit",
                "Learning and Development",
            ),
            email_domain="midshire-police.example",
        ),
        AgencySpec(
            key="health-north-east",
            name="Northbrook and Easterleigh NHS Foundation Trust",
            agency_type=AgencyType.HEALTH,
            area_codes=("northbrook", "easterleigh"),
            teams=(
                "Safeguarding Children Team",
                "School Nursing",
                "Emergency Department",
                "Sexual Health Service",
                "Primary Care Safeguarding",
            ),
            email_domain="nbel-nhs.example",
        ),
        AgencySpec(
            key="health-south",
            name="Southmere Community Health NHS Trust",
            agency_type=AgencyType.HEALTH,
            area_codes=("southmere",),
            teams=(
                "Safeguarding Children Team",
                "School Nursing",
                "Sexual Health Service",
                "Primary Care Safeguarding",
            ),
            email_domain="southmere-nhs.example",
        ),
        AgencySpec(
            key="charity",
            name="Lanternway Young People's Trust",
            agency_type=AgencyType.VOLUNTARY,
            area_codes=AREA_CODES,
            teams=("Return Home Interview Service", "Exploitation Support Service"),
            email_domain="lanternway.example",
        ),
        AgencySpec(
            key="care",
            name="Brookside Children's Homes",
            agency_type=AgencyType.CARE_PROVIDER,
            area_codes=AREA_CODES,
            teams=("Brookside House", "Willow Lodge"),
            email_domain="brookside-care.example",
        ),
        AgencySpec(
            key="partnership",
            name="Midshire Safeguarding Children Partnership",
            agency_type=AgencyType.OTHER,
            area_codes=AREA_CODES,
            teams=("Partnership Business Unit",),
            email_domain="midshire-partnership.example",
        ),
    ]
    return specs


def account_specs() -> list[AccountSpec]:
    specs: list[AccountSpec] = []

    def add(username: str, agency: str, team: str | None, title: str, *roles: str) -> None:
        specs.append(AccountSpec(username, agency, team, title, roles))

    for area in AREAS:
        code, name = area.code, area.name
        csc, busy = f"csc-{code}", code == "northbrook"
        extra = 4 if busy else 3
        add(f"frontdoor.{code}", csc, f"{name} MASH", "MASH social worker", Role.FRONT_DOOR)
        for i in range(2, extra + 1):
            add(f"frontdoor.{code}.{i}", csc, f"{name} MASH", "MASH practitioner", Role.FRONT_DOOR)
        add(
            f"mash.manager.{code}",
            csc,
            f"{name} MASH",
            "MASH team manager",
            Role.FRONT_DOOR,
            Role.PANEL_MEMBER,
        )
        add(
            f"socialworker.{code}",
            csc,
            "Exploitation and Missing Team",
            "Social worker",
            Role.LEAD_PROFESSIONAL,
        )
        for i in range(2, extra + 1):
            team = "Children in Care Team" if i % 2 else "Exploitation and Missing Team"
            add(f"socialworker.{code}.{i}", csc, team, "Social worker", Role.LEAD_PROFESSIONAL)
        add(
            f"earlyhelp.{code}",
            csc,
            "Early Help Team",
            "Early help practitioner",
            Role.LEAD_PROFESSIONAL,
        )
        add(
            f"coordinator.{code}",
            csc,
            "Exploitation and Missing Team",
            "Exploitation and missing coordinator",
            Role.COORDINATOR,
            Role.PANEL_MEMBER,
        )
        add(
            f"panel.{code}",
            csc,
            "Exploitation and Missing Team",
            "Service manager, MACE chair",
            Role.PANEL_MEMBER,
        )
        add(
            f"training.{code}",
            csc,
            "Workforce Development",
            "Workforce development lead",
            Role.TRAINING_LEAD,
        )
        add(f"director.{code}", csc, None, "Director of children's services", Role.BOARD_MEMBER)
        licensing = f"licensing-{code}"
        add(
            f"licensing.{code}",
            licensing,
            "Licensing Team",
            "Licensing officer",
            Role.LICENSING,
            Role.REFERRER,
        )
        add(
            f"licensing.{code}.2",
            licensing,
            "Licensing Team",
            "Senior licensing officer",
            Role.LICENSING,
        )
        for i, school in enumerate(area.schools):
            username = f"referrer.school.{code}" if i == 0 else f"dsl.{slug(school)}"
            add(
                username,
                school_key(school),
                "Safeguarding",
                "Designated safeguarding lead",
                Role.REFERRER,
            )
        if busy:
            add(
                f"teacher.{slug(area.schools[0])}",
                school_key(area.schools[0]),
                "Safeguarding",
                "Head of year",
                Role.REFERRER,
            )
        add(
            f"police.{code}",
            "police",
            "Neighbourhood Policing",
            f"Police constable, {name} neighbourhood team",
            Role.REFERRER,
        )
        add(
            f"referrer.health.{code}",
            area.health_trust,
            "School Nursing",
            "School nurse",
            Role.REFERRER,
        )
        add(
            f"gp.{code}",
            area.health_trust,
            "Primary Care Safeguarding",
            "GP safeguarding lead",
            Role.REFERRER,
        )

    exploitation = "Child Exploitation Team"
    add(
        "police.exploitation",
        "police",
        exploitation,
        "Detective constable, child exploitation",
        Role.POLICE_EXPLOITATION,
    )
    for i in range(2, 6):
        add(
            f"police.exploitation.{i}",
            "police",
            exploitation,
            "Detective constable, child exploitation",
            Role.POLICE_EXPLOITATION,
        )
    add(
        "police.analyst",
        "police",
        "Intelligence Unit",
        "Intelligence analyst",
        Role.POLICE_EXPLOITATION,
    )
    add(
        "police.missing",
        "police",
        "Missing Persons Unit",
        "Missing persons coordinator",
        Role.POLICE_EXPLOITATION,
        Role.REFERRER,
    )
    add(
        "police.inspector",
        "police",
        exploitation,
        "Detective inspector, child exploitation",
        Role.POLICE_EXPLOITATION,
        Role.PANEL_MEMBER,
    )
    add(
        "police.superintendent",
        "police",
        None,
        "Detective superintendent, public protection",
        Role.BOARD_MEMBER,
    )
    add(
        "police.training",
        "police",
        "Learning and Development",
        "Training sergeant",
        Role.TRAINING_LEAD,
    )

    for trust in ("health-north-east", "health-south"):
        short = "ne" if trust == "health-north-east" else "south"
        add(
            f"safeguarding.nurse.{short}",
            trust,
            "Safeguarding Children Team",
            "Named nurse for safeguarding children",
            Role.PANEL_MEMBER,
            Role.REFERRER,
        )
        add(
            f"sexualhealth.{short}",
            trust,
            "Sexual Health Service",
            "Sexual health nurse",
            Role.REFERRER,
        )
    add(
        "ed.nurse.ne",
        "health-north-east",
        "Emergency Department",
        "Emergency department nurse",
        Role.REFERRER,
    )
    add(
        "health.training",
        "health-north-east",
        "Safeguarding Children Team",
        "Safeguarding children trainer",
        Role.TRAINING_LEAD,
    )
    add(
        "board.health",
        "health-north-east",
        None,
        "Designated nurse for safeguarding children",
        Role.BOARD_MEMBER,
    )

    rhi = "Return Home Interview Service"
    add("rhi.worker", "charity", rhi, "Return home interview worker", Role.RETURN_INTERVIEW)
    for i in range(2, 6):
        add(
            f"rhi.worker.{i}", "charity", rhi, "Return home interview worker", Role.RETURN_INTERVIEW
        )
    add(
        "lanternway.manager",
        "charity",
        "Exploitation Support Service",
        "Service manager",
        Role.PANEL_MEMBER,
        Role.REFERRER,
    )
    add(
        "lanternway.youthworker",
        "charity",
        "Exploitation Support Service",
        "Exploitation support worker",
        Role.REFERRER,
    )

    unit = "Partnership Business Unit"
    add(
        "coordinator", "partnership", unit, "Partnership exploitation coordinator", Role.COORDINATOR
    )
    add(
        "coordinator.2",
        "partnership",
        unit,
        "Missing and exploitation coordinator",
        Role.COORDINATOR,
    )
    add("panel.chair", "partnership", unit, "MACE panel chair", Role.PANEL_MEMBER)
    add(
        "board",
        "partnership",
        None,
        "Independent chair of the safeguarding partnership",
        Role.BOARD_MEMBER,
    )
    add("board.2", "partnership", None, "Partnership board member", Role.BOARD_MEMBER)
    add("ig", "partnership", unit, "Information governance manager", Role.INFORMATION_GOVERNANCE)
    add("ig.2", "partnership", unit, "Data protection officer", Role.INFORMATION_GOVERNANCE)
    add("carer.brookside", "care", "Brookside House", "Residential care worker", Role.CARE_PROVIDER)
    add("carer.willow", "care", "Willow Lodge", "Residential care worker", Role.CARE_PROVIDER)
    add("admin", "partnership", unit, "System administrator", Role.ADMINISTRATOR)
    add("admin.2", "partnership", unit, "Systems support officer", Role.ADMINISTRATOR)
    add("training.lead", "partnership", unit, "Partnership training lead", Role.TRAINING_LEAD)
    return specs


#: One account per role, for the sign-in page and ``make demo``.
REPRESENTATIVES: dict[str, str] = {
    Role.REFERRER: "referrer.school.northbrook",
    Role.FRONT_DOOR: "frontdoor.northbrook",
    Role.LEAD_PROFESSIONAL: "socialworker.northbrook",
    Role.POLICE_EXPLOITATION: "police.exploitation",
    Role.RETURN_INTERVIEW: "rhi.worker",
    Role.COORDINATOR: "coordinator",
    Role.PANEL_MEMBER: "panel.chair",
    Role.LICENSING: "licensing.northbrook",
    Role.TRAINING_LEAD: "training.lead",
    Role.BOARD_MEMBER: "board",
    Role.INFORMATION_GOVERNANCE: "ig",
    Role.ADMINISTRATOR: "admin",
    Role.CARE_PROVIDER: "carer.brookside",
}


class DemoLogin(TypedDict):
    username: str
    role: str
    role_label: str
    agency: str
    areas: str


def demo_logins() -> list[DemoLogin]:
    """One demo account per role (all share ``DEMO_PASSWORD``), in ``Role`` order. No query."""
    accounts = {spec.username: spec for spec in account_specs()}
    agencies = {spec.key: spec for spec in agency_specs()}
    logins: list[DemoLogin] = []
    for role in Role:
        account = accounts[REPRESENTATIVES[role]]
        agency = agencies[account.agency_key]
        areas = (
            "All areas"
            if set(agency.area_codes) == set(AREA_CODES)
            else ", ".join(AREAS_BY_CODE[code].name for code in agency.area_codes)
        )
        logins.append(
            DemoLogin(
                username=account.username,
                role=role.value,
                role_label=str(role.label),
                agency=agency.name,
                areas=areas,
            )
        )
    return logins


@dataclass
class Partnership:
    """The seeded partnership, indexed for the people and referral generators."""

    areas: dict[str, Area]
    agencies: dict[str, Agency]
    users: dict[str, User]
    #: Users by agency id and role.
    staff: dict[tuple[uuid.UUID, str], list[User]] = field(default_factory=dict)
    _schools: dict[str, list[Agency]] = field(default_factory=dict, repr=False)

    def area_spec(self, code: str) -> AreaSpec:
        return AREAS_BY_CODE[code]

    def csc(self, code: str) -> Agency:
        return self.agencies[f"csc-{code}"]

    def licensing(self, code: str) -> Agency:
        return self.agencies[f"licensing-{code}"]

    def schools(self, code: str) -> list[Agency]:
        if not self._schools:
            self._schools = {
                area.code: [self.agencies[school_key(name)] for name in area.schools]
                for area in AREAS
            }
        return self._schools[code]

    def health(self, code: str) -> Agency:
        return self.agencies[AREAS_BY_CODE[code].health_trust]

    @property
    def police(self) -> Agency:
        return self.agencies["police"]

    @property
    def charity(self) -> Agency:
        return self.agencies["charity"]

    def with_role(self, agency: Agency, role: str) -> list[User]:
        return self.staff.get((agency.pk, role), [])


def _phone(rng: random.Random) -> str:
    return f"01632 960{rng.randrange(1000):03d}"


def build_partnership(*, seed: int, now: datetime.datetime) -> Partnership:
    """Create the areas, agencies, teams, users and memberships. Same seed, same rows."""
    from faker import Faker  # only seeding needs it: ``demo_logins`` works without Faker

    rng = random.Random(f"harbour-demo:{seed}:partnership")
    fake = Faker("en_GB")
    fake.seed_instance(f"harbour-demo:{seed}:staff")
    established = now - datetime.timedelta(days=3 * 365)

    def stamps() -> dict[str, datetime.datetime]:
        return {"created_at": established, "updated_at": established}

    areas = {
        spec.code: Area(id=new_uuid(rng), name=spec.name, code=spec.code, **stamps())
        for spec in AREAS
    }
    Area.objects.bulk_create(areas.values())

    specs = agency_specs()
    agencies = {
        spec.key: Agency(id=new_uuid(rng), name=spec.name, agency_type=spec.agency_type, **stamps())
        for spec in specs
    }
    Agency.objects.bulk_create(agencies.values())
    through = Agency.areas.through
    through.objects.bulk_create(
        through(agency_id=agencies[spec.key].pk, area_id=areas[code].pk)
        for spec in specs
        for code in spec.area_codes
    )
    teams = {
        (spec.key, name): Team(id=new_uuid(rng), agency=agencies[spec.key], name=name, **stamps())
        for spec in specs
        for name in spec.teams
    }
    Team.objects.bulk_create(teams.values())

    password = demo_password_hash()
    domains = {spec.key: spec.email_domain for spec in specs}
    users: dict[str, User] = {}
    memberships: list[Membership] = []
    partnership = Partnership(areas=areas, agencies=agencies, users=users)
    for account in account_specs():
        first_name, last_name = fake.first_name(), fake.last_name()
        user = User(
            id=new_uuid(rng),
            username=account.username,
            first_name=first_name,
            last_name=last_name,
            email=f"{account.username}@{domains[account.agency_key]}",
            password=password,
            job_title=account.job_title,
            phone=_phone(rng),
            is_staff=Role.ADMINISTRATOR in account.roles,
            date_joined=established + datetime.timedelta(days=rng.randrange(700)),
        )
        users[account.username] = user
        team = teams[(account.agency_key, account.team)] if account.team else None
        for role in account.roles:
            memberships.append(
                Membership(
                    id=new_uuid(rng),
                    user=user,
                    agency=agencies[account.agency_key],
                    team=team,
                    role=role,
                    **stamps(),
                )
            )
            agency_id = agencies[account.agency_key].pk
            partnership.staff.setdefault((agency_id, role), []).append(user)
    User.objects.bulk_create(users.values())
    Membership.objects.bulk_create(memberships)
    return partnership
