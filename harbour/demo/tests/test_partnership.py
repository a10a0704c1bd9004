"""The demo partnership as data: accounts, roles, areas and the published demo logins."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.password_validation import validate_password

from harbour.accounts.models import Role
from harbour.demo.partnership import (
    AREA_CODES,
    AREAS,
    DEMO_PASSWORD,
    account_specs,
    agency_specs,
    demo_logins,
)


def test_usernames_are_unique_and_readable():
    usernames = [spec.username for spec in account_specs()]
    assert len(usernames) == len(set(usernames))
    assert 90 <= len(usernames) <= 110
    for username in usernames:
        assert username == username.lower()
        assert all(char.isalnum() or char in ".-" for char in username), username


def test_every_role_has_an_account():
    roles = {role for spec in account_specs() for role in spec.roles}
    assert roles == set(Role)


def test_each_borough_has_its_own_front_door_and_local_roles():
    agencies = {spec.key: spec for spec in agency_specs()}
    local_roles = {
        Role.FRONT_DOOR,
        Role.LEAD_PROFESSIONAL,
        Role.REFERRER,
        Role.LICENSING,
        Role.PANEL_MEMBER,
        Role.TRAINING_LEAD,
        Role.BOARD_MEMBER,
        Role.COORDINATOR,
    }
    for code in AREA_CODES:
        roles_here = {
            role
            for spec in account_specs()
            if agencies[spec.agency_key].area_codes == (code,)
            for role in spec.roles
        }
        assert local_roles <= roles_here, (code, local_roles - roles_here)
        mash = [
            spec
            for spec in account_specs()
            if spec.agency_key == f"csc-{code}" and Role.FRONT_DOOR in spec.roles
        ]
        assert all(spec.team and spec.team.endswith("MASH") for spec in mash)


def test_agencies_make_a_realistic_partnership():
    specs = agency_specs()
    types = Counter(spec.agency_type for spec in specs)
    assert types["police"] == 1
    assert types["health"] == 2
    assert types["childrens_social_care"] == 3
    assert types["licensing"] == 3
    assert types["voluntary"] == 1
    assert types["other"] == 1
    assert types["education"] >= 9
    police = next(spec for spec in specs if spec.agency_type == "police")
    assert police.area_codes == AREA_CODES
    served = [code for spec in specs if spec.agency_type == "health" for code in spec.area_codes]
    assert sorted(served) == sorted(AREA_CODES)  # every borough has exactly one health trust


@pytest.mark.django_db
def test_demo_logins_one_per_role_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        logins = demo_logins()
    assert [login["role"] for login in logins] == [role.value for role in Role]
    usernames = {spec.username for spec in account_specs()}
    for login in logins:
        assert login["username"] in usernames
        assert login["agency"]
        assert login["areas"]
    by_role = {login["role"]: login for login in logins}
    assert by_role[Role.FRONT_DOOR]["username"] == "frontdoor.northbrook"
    assert by_role[Role.FRONT_DOOR]["areas"] == "Northbrook"
    assert by_role[Role.COORDINATOR]["areas"] == "All areas"


def test_demo_password_passes_the_password_rules():
    validate_password(DEMO_PASSWORD)


def test_invented_postcode_areas_and_la_numbers_are_distinct():
    assert len({area.postcode_area for area in AREAS}) == len(AREAS)
    assert len({area.la_number for area in AREAS}) == len(AREAS)
    assert sum(area.referral_share for area in AREAS) == 1
    busiest, *others = sorted((area.referral_share for area in AREAS), reverse=True)
    assert busiest > sum(others)
