"""The administrator's services: who may call them, what they refuse (by message, writing
nothing), what they write and audit, and that a deactivated user's session stops working."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from harbour.access import policy
from harbour.accounts import services
from harbour.accounts.models import Agency, AgencyType, Area, Membership, Role, Team, User
from harbour.accounts.tests.factories import (
    PASSWORD,
    AgencyFactory,
    AreaFactory,
    MembershipFactory,
    TeamFactory,
    UserFactory,
    user_with_role,
)
from harbour.audit.models import AuditEvent
from harbour.core.errors import ServiceValidationError

pytestmark = pytest.mark.django_db


def accounts_events(action: str | None = None) -> Any:
    events = AuditEvent.objects.filter(action__startswith="accounts.")
    return events.filter(action=action) if action else events


def messages_of(error: ServiceValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


@pytest.fixture
def admin():
    return user_with_role(Role.ADMINISTRATOR, username="admin")


@pytest.fixture
def agency():
    return AgencyFactory(name="Northbrook Academy", agency_type=AgencyType.EDUCATION)


def new_user_fields(agency: Agency, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "username": "robin.teacher",
        "first_name": "Robin",
        "last_name": "Teacher",
        "email": "robin@northbrook.example.org",
        "job_title": "Designated safeguarding lead",
        "agency": agency,
        "role": Role.REFERRER,
    }
    return {**fields, **overrides}


# Creating a user -----------------------------------------------------------------------------


def test_a_new_user_is_active_with_no_usable_password_and_their_first_role(
    admin, agency, django_capture_on_commit_callbacks, mailoutbox
):
    team: Team = TeamFactory(agency=agency, name="Pastoral")
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(actor=admin, **new_user_fields(agency), team=team)

    user.refresh_from_db()
    assert user.is_active
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name, user.job_title) == (
        "Robin",
        "Teacher",
        "Designated safeguarding lead",
    )
    membership = Membership.objects.get(user=user)
    assert (membership.agency, membership.role, membership.team, membership.is_active) == (
        agency,
        Role.REFERRER,
        team,
        True,
    )

    created = accounts_events("accounts.user_created").get()
    assert created.actor == admin
    assert created.subject_id == str(user.pk)
    assert created.after["username"] == "robin.teacher"
    assert "password" not in created.after
    added = accounts_events("accounts.membership_added").get()
    assert added.subject_id == str(membership.pk)
    assert added.after["role"] == Role.REFERRER

    # After commit, they are e-mailed a link that works.
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["robin@northbrook.example.org"]
    assert email.subject == "Set your Harbour password"
    assert "Your username is robin.teacher" in email.body
    link_prefix = reverse("accounts:set_password", args=["uid", "token"]).split("uid/")[0]
    assert link_prefix in email.body


def test_no_email_is_sent_when_the_transaction_does_not_commit(
    admin, agency, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_create(actor=admin, **new_user_fields(agency))
    assert len(callbacks) == 1
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"username": ""}, "username", "Enter a username"),
        ({"username": "robin teacher"}, "username", None),
        ({"email": ""}, "email", "Enter an email address"),
        (
            {"email": "robin-at-school"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"first_name": " "}, "first_name", "Enter their first name"),
        ({"last_name": ""}, "last_name", "Enter their last name"),
        ({"role": "head_teacher"}, "role", "Select a role"),
        ({"job_title": "x" * 201}, "job_title", "Job title must be 200 characters or fewer"),
    ],
)
def test_a_user_with_missing_or_wrong_details_is_refused(admin, agency, overrides, field, message):
    users_before = User.objects.count()
    with pytest.raises(ServiceValidationError) as caught:
        services.user_create(actor=admin, **new_user_fields(agency, **overrides))
    expected = message or "Username must only include letters, numbers and the symbols @ . + - _"
    assert messages_of(caught.value)[field] == [expected]
    assert User.objects.count() == users_before
    assert not accounts_events().exists()


def test_a_username_already_taken_is_refused_whatever_its_case(admin, agency):
    UserFactory(username="robin.teacher")
    memberships_before = Membership.objects.count()
    with pytest.raises(ServiceValidationError) as caught:
        services.user_create(actor=admin, **new_user_fields(agency, username="Robin.Teacher"))
    assert messages_of(caught.value) == {"username": ["A user with that username already exists"]}
    assert User.objects.filter(username__iexact="robin.teacher").count() == 1
    assert Membership.objects.count() == memberships_before
    assert not accounts_events().exists()


def test_a_user_cannot_be_given_a_role_in_an_inactive_agency(admin):
    closed = AgencyFactory(is_active=False)
    with pytest.raises(ServiceValidationError) as caught:
        services.user_create(actor=admin, **new_user_fields(closed))
    assert messages_of(caught.value) == {"agency": ["Choose an agency that is still active"]}
    assert not User.objects.filter(username="robin.teacher").exists()


def test_a_team_must_belong_to_the_chosen_agency(admin, agency):
    elsewhere = TeamFactory()
    with pytest.raises(ServiceValidationError) as caught:
        services.user_create(actor=admin, **new_user_fields(agency), team=elsewhere)
    assert messages_of(caught.value) == {"team": ["Choose a team in the selected agency"]}
    assert not User.objects.filter(username="robin.teacher").exists()
    assert not accounts_events().exists()


# Only an administrator -----------------------------------------------------------------------


def _every_service(actor: User, agency: Agency) -> list[Any]:
    someone = user_with_role(Role.REFERRER, agency=agency)
    membership = someone.memberships.get()
    area: Area = AreaFactory()
    return [
        lambda: services.user_create(actor=actor, **new_user_fields(agency)),
        lambda: services.membership_add(
            actor=actor, user=someone, agency=agency, role=Role.FRONT_DOOR
        ),
        lambda: services.membership_end(actor=actor, membership=membership),
        lambda: services.user_deactivate(actor=actor, user=someone),
        lambda: services.agency_create(
            actor=actor, name="Police", agency_type=AgencyType.POLICE, areas=[area]
        ),
        lambda: services.agency_update_areas(actor=actor, agency=agency, areas=[area]),
        lambda: services.area_create(actor=actor, name="Southmere", code="southmere"),
    ]


@pytest.mark.parametrize(
    "role",
    [Role.REFERRER, Role.FRONT_DOOR, Role.INFORMATION_GOVERNANCE, Role.BOARD_MEMBER],
)
def test_only_an_administrator_may_call_any_service(agency, role):
    actor = user_with_role(role)
    for call in _every_service(actor, agency):
        with pytest.raises(PermissionDenied):
            call()
    assert not accounts_events().exists()
    assert not User.objects.filter(username="robin.teacher").exists()
    assert Membership.objects.filter(is_active=False).count() == 0
    assert not Area.objects.filter(code="southmere").exists()


def test_a_deactivated_administrator_or_one_whose_role_ended_may_not(agency):
    deactivated = user_with_role(Role.ADMINISTRATOR, is_active=False)
    ended = user_with_role(Role.ADMINISTRATOR)
    ended.memberships.update(is_active=False)
    for actor in (deactivated, ended):
        with pytest.raises(PermissionDenied):
            services.area_create(actor=actor, name="Southmere", code="southmere")
    assert not Area.objects.filter(code="southmere").exists()


# Roles ---------------------------------------------------------------------------------------


def test_adding_a_role_changes_what_the_user_may_do_at_once(admin, agency):
    user = user_with_role(Role.REFERRER, agency=agency)
    assert not policy.may_triage(user)  # the viewer is now cached on this object

    membership = services.membership_add(
        actor=admin, user=user, agency=agency, role=Role.FRONT_DOOR
    )

    assert membership.is_active
    assert policy.may_triage(user)
    event = accounts_events("accounts.membership_added").get()
    assert event.subject_id == str(membership.pk)
    assert event.before is None
    assert event.after["role"] == Role.FRONT_DOOR


def test_the_same_role_in_the_same_agency_is_refused(admin, agency):
    user = user_with_role(Role.REFERRER, agency=agency)
    with pytest.raises(ServiceValidationError) as caught:
        services.membership_add(actor=admin, user=user, agency=agency, role=Role.REFERRER)
    assert messages_of(caught.value) == {"role": ["They already have that role in that agency"]}
    assert user.memberships.count() == 1
    assert not accounts_events().exists()


def test_a_role_that_had_ended_is_started_again(admin, agency):
    user = user_with_role(Role.REFERRER, agency=agency)
    membership = user.memberships.get()
    services.membership_end(actor=admin, membership=membership)
    team: Team = TeamFactory(agency=agency)

    again = services.membership_add(
        actor=admin, user=user, agency=agency, role=Role.REFERRER, team=team
    )

    assert again.pk == membership.pk
    assert again.is_active
    assert again.team == team
    event = accounts_events("accounts.membership_added").get()
    assert event.before == {"is_active": False, "team_id": None}
    assert event.after == {"is_active": True, "team_id": str(team.pk)}


def test_a_role_is_refused_for_a_deactivated_user_an_inactive_agency_or_another_agencys_team(
    admin, agency
):
    deactivated = user_with_role(Role.REFERRER, agency=agency, is_active=False)
    with pytest.raises(ServiceValidationError) as caught:
        services.membership_add(actor=admin, user=deactivated, agency=agency, role=Role.LICENSING)
    assert messages_of(caught.value) == {
        "__all__": ["This user has been deactivated, so they cannot be given a role"]
    }

    user = user_with_role(Role.REFERRER, agency=agency)
    with pytest.raises(ServiceValidationError) as caught:
        services.membership_add(
            actor=admin, user=user, agency=AgencyFactory(is_active=False), role=Role.LICENSING
        )
    assert messages_of(caught.value) == {"agency": ["Choose an agency that is still active"]}

    with pytest.raises(ServiceValidationError) as caught:
        services.membership_add(
            actor=admin, user=user, agency=agency, role=Role.LICENSING, team=TeamFactory()
        )
    assert messages_of(caught.value) == {"team": ["Choose a team in the selected agency"]}
    assert user.memberships.count() == 1
    assert not accounts_events().exists()


def test_ending_a_role_keeps_the_account_and_its_other_roles(admin, agency):
    user = user_with_role(Role.FRONT_DOOR, agency=agency)
    other = MembershipFactory(user=user, role=Role.REFERRER)
    front_door = user.memberships.get(role=Role.FRONT_DOOR)
    assert policy.may_triage(user)

    services.membership_end(actor=admin, membership=front_door)

    front_door.refresh_from_db()
    other.refresh_from_db()
    user.refresh_from_db()
    assert not front_door.is_active
    assert other.is_active
    assert user.is_active
    assert not policy.may_triage(front_door.user)
    event = accounts_events("accounts.membership_ended").get()
    assert event.subject_id == str(front_door.pk)
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


def test_a_role_cannot_be_ended_twice(admin, agency):
    membership = user_with_role(Role.REFERRER, agency=agency).memberships.get()
    services.membership_end(actor=admin, membership=membership)
    with pytest.raises(ServiceValidationError) as caught:
        services.membership_end(actor=admin, membership=membership)
    assert caught.value.messages == ["That role has already ended"]
    assert accounts_events("accounts.membership_ended").count() == 1


def test_an_administrator_cannot_end_their_own_administrator_role(admin):
    own = admin.memberships.get(role=Role.ADMINISTRATOR)
    with pytest.raises(ServiceValidationError) as caught:
        services.membership_end(actor=admin, membership=own)
    assert caught.value.messages == [
        "You cannot end your own administrator role. Ask another administrator."
    ]
    own.refresh_from_db()
    assert own.is_active
    assert not accounts_events().exists()


# Deactivating --------------------------------------------------------------------------------


def test_deactivating_a_user_is_audited_and_keeps_their_roles(admin, agency):
    user = user_with_role(Role.REFERRER, agency=agency)
    assert policy.may_refer(user)

    services.user_deactivate(actor=admin, user=user)

    assert not user.is_active
    assert not policy.may_refer(user)
    user.refresh_from_db()
    assert not user.is_active
    assert user.memberships.filter(is_active=True).count() == 1
    event = accounts_events("accounts.user_deactivated").get()
    assert event.subject_id == str(user.pk)
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


def test_a_deactivated_users_existing_session_no_longer_works(admin, agency):
    user = user_with_role(Role.REFERRER, agency=agency, username="leaving")
    browser = Client()
    response = browser.post(
        reverse("accounts:login"), {"username": "leaving", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert browser.get(reverse("core:home")).status_code == 200
    session_key = browser.cookies["sessionid"].value

    services.user_deactivate(actor=admin, user=user)

    # The session row is still there, but Django's ModelBackend refuses an inactive user on
    # every request, so the next page asks them to sign in.
    assert Session.objects.filter(session_key=session_key).exists()
    response = browser.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = browser.get(reverse("referrals:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # Nor can they sign in again.
    response = browser.post(
        reverse("accounts:login"), {"username": "leaving", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert browser.get(reverse("core:home")).status_code == 302


def test_an_administrator_cannot_deactivate_themselves_or_someone_twice(admin, agency):
    with pytest.raises(ServiceValidationError) as caught:
        services.user_deactivate(actor=admin, user=admin)
    assert caught.value.messages == [
        "You cannot deactivate your own account. Ask another administrator."
    ]
    admin.refresh_from_db()
    assert admin.is_active

    user = user_with_role(Role.REFERRER, agency=agency)
    services.user_deactivate(actor=admin, user=user)
    with pytest.raises(ServiceValidationError) as caught:
        services.user_deactivate(actor=admin, user=User.objects.get(pk=user.pk))
    assert caught.value.messages == ["This user has already been deactivated"]
    assert accounts_events("accounts.user_deactivated").count() == 1


# Agencies ------------------------------------------------------------------------------------


def test_an_agency_is_added_serving_its_areas(admin):
    north: Area = AreaFactory(name="Northbrook")
    south: Area = AreaFactory(name="Southmere")
    agency = services.agency_create(
        actor=admin,
        name="  Northbrook   Police ",
        agency_type=AgencyType.POLICE,
        areas=[north, south],
    )
    assert agency.name == "Northbrook Police"
    assert agency.is_active
    assert set(agency.areas.all()) == {north, south}
    event = accounts_events("accounts.agency_created").get()
    assert event.subject_id == str(agency.pk)
    assert event.after["name"] == "Northbrook Police"
    assert event.after["areas"] == sorted([str(north.pk), str(south.pk)])


@pytest.mark.parametrize(
    ("name", "agency_type", "with_area", "field", "message"),
    [
        ("", AgencyType.POLICE, True, "name", "Enter the agency's name"),
        ("northbrook academy", AgencyType.POLICE, True, "name", None),
        ("Police", "army", True, "agency_type", "Select the type of agency"),
        ("Police", AgencyType.POLICE, False, "areas", "Select at least one area the agency serves"),
        ("x" * 201, AgencyType.POLICE, True, "name", "Agency name must be 200 characters or fewer"),
    ],
)
def test_an_agency_with_missing_or_wrong_details_is_refused(
    admin, agency, name, agency_type, with_area, field, message
):
    agencies_before = Agency.objects.count()
    area: Area = AreaFactory()
    areas = [area] if with_area else []
    with pytest.raises(ServiceValidationError) as caught:
        services.agency_create(
            actor=admin,
            name=name,
            agency_type=agency_type,
            areas=areas,
        )
    assert messages_of(caught.value)[field] == [
        message or "An agency with that name already exists"
    ]
    assert Agency.objects.count() == agencies_before
    assert not accounts_events().exists()


def test_changing_the_areas_an_agency_serves(admin):
    north: Area = AreaFactory()
    south: Area = AreaFactory()
    agency = AgencyFactory(areas=[north])

    services.agency_update_areas(actor=admin, agency=agency, areas=[north, south])
    assert set(agency.areas.all()) == {north, south}
    event = accounts_events("accounts.agency_updated").get()
    assert event.before == {"areas": [str(north.pk)]}
    assert event.after == {"areas": sorted([str(north.pk), str(south.pk)])}

    # Saving the same areas again changes nothing and records nothing.
    services.agency_update_areas(actor=admin, agency=agency, areas=[south, north])
    assert accounts_events("accounts.agency_updated").count() == 1

    with pytest.raises(ServiceValidationError) as caught:
        services.agency_update_areas(actor=admin, agency=agency, areas=[])
    assert messages_of(caught.value) == {"areas": ["Select at least one area the agency serves"]}
    assert agency.areas.count() == 2


# Areas ---------------------------------------------------------------------------------------


def test_an_area_is_added_with_a_lower_case_code(admin):
    area = services.area_create(actor=admin, name="Southmere", code=" SouthMere ")
    assert (area.name, area.code) == ("Southmere", "southmere")
    event = accounts_events("accounts.area_created").get()
    assert event.after == {"id": str(area.pk), "name": "Southmere", "code": "southmere"}


@pytest.mark.parametrize(
    ("name", "code", "field", "message"),
    [
        ("", "eastfield", "name", "Enter the area's name"),
        ("northbrook", "eastfield", "name", "An area with that name already exists"),
        ("Eastfield", "", "code", "Enter a short code"),
        ("Eastfield", "north brook", "code", None),
        ("Eastfield", "northbrook", "code", "An area with that short code already exists"),
        ("Eastfield", "e" * 21, "code", "Short code must be 20 characters or fewer"),
        ("E" * 121, "eastfield", "name", "Area name must be 120 characters or fewer"),
    ],
)
def test_an_area_with_missing_or_wrong_details_is_refused(admin, name, code, field, message):
    AreaFactory(name="Northbrook", code="northbrook")
    areas_before = Area.objects.count()
    with pytest.raises(ServiceValidationError) as caught:
        services.area_create(actor=admin, name=name, code=code)
    expected = message or "Short code must only include letters, numbers, hyphens and underscores"
    assert messages_of(caught.value)[field] == [expected]
    assert Area.objects.count() == areas_before
    assert not accounts_events().exists()
