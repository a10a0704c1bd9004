"""The administration pages: for administrators only (a 404 for everyone else), thin over the
services, every form with a GOV.UK error summary."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from harbour.accounts import selectors
from harbour.accounts.models import Agency, AgencyType, Area, Role, Team, User
from harbour.accounts.tests.factories import (
    AgencyFactory,
    AreaFactory,
    TeamFactory,
    UserFactory,
    user_with_role,
)
from harbour.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> User:
    return user_with_role(Role.ADMINISTRATOR, username="admin", first_name="Ada", last_name="Min")


@pytest.fixture
def admin_client(client: Client, admin: User) -> Client:
    client.force_login(admin)
    return client


@pytest.fixture
def school():
    area = AreaFactory(name="Northbrook", code="northbrook")
    return AgencyFactory(name="Northbrook Academy", agency_type=AgencyType.EDUCATION, areas=[area])


@pytest.fixture
def teacher(school: Agency) -> User:
    return user_with_role(
        Role.REFERRER, agency=school, username="robin", first_name="Robin", last_name="Teacher"
    )


def text(response: Any) -> str:
    """The page's HTML with entities decoded ("agency&#x27;s" reads "agency's")."""
    return html.unescape(response.content.decode())


def error_summary(response: Any) -> str:
    body = text(response)
    assert "There is a problem" in body, "no error summary on the page"
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


# Nobody else may see these pages -------------------------------------------------------------


def _every_page(teacher: User, school: Agency) -> list[tuple[str, str, list[Any]]]:
    membership = teacher.memberships.get()
    return [
        ("get", "accounts:manage", []),
        ("get", "accounts:manage_users", []),
        ("get", "accounts:manage_user_new", []),
        ("post", "accounts:manage_user_new", []),
        ("get", "accounts:manage_user", [teacher.pk]),
        ("post", "accounts:manage_user_add_role", [teacher.pk]),
        ("post", "accounts:manage_membership_end", [teacher.pk, membership.pk]),
        ("get", "accounts:manage_user_deactivate", [teacher.pk]),
        ("post", "accounts:manage_user_deactivate", [teacher.pk]),
        ("get", "accounts:manage_agencies", []),
        ("get", "accounts:manage_agency_new", []),
        ("post", "accounts:manage_agency_new", []),
        ("get", "accounts:manage_agency_areas", [school.pk]),
        ("post", "accounts:manage_agency_areas", [school.pk]),
        ("get", "accounts:manage_areas", []),
        ("get", "accounts:manage_area_new", []),
        ("post", "accounts:manage_area_new", []),
    ]


@pytest.mark.parametrize(
    "role",
    [
        Role.REFERRER,
        Role.FRONT_DOOR,
        Role.COORDINATOR,
        Role.INFORMATION_GOVERNANCE,
        Role.BOARD_MEMBER,
        Role.TRAINING_LEAD,
    ],
)
def test_every_page_is_not_found_for_anyone_but_an_administrator(client, teacher, school, role):
    client.force_login(user_with_role(role, agency=school))
    for method, name, args in _every_page(teacher, school):
        response = getattr(client, method)(reverse(name, args=args), {"name": "Nope"})
        assert response.status_code == 404, (method, name)
    teacher.refresh_from_db()
    assert teacher.is_active
    assert teacher.memberships.get().is_active
    assert not AuditEvent.objects.filter(action__startswith="accounts.").exists()


def test_an_administrator_whose_role_ended_gets_not_found(client, admin, teacher, school):
    admin.memberships.update(is_active=False)
    client.force_login(admin)
    for method, name, args in _every_page(teacher, school):
        assert getattr(client, method)(reverse(name, args=args)).status_code == 404


def test_signed_out_visitors_are_asked_to_sign_in(client, teacher, school):
    for method, name, args in _every_page(teacher, school):
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_user_or_agency_is_not_found(admin_client):
    missing = "00000000-0000-0000-0000-000000000000"
    for name in ("accounts:manage_user", "accounts:manage_user_deactivate"):
        assert admin_client.get(reverse(name, args=[missing])).status_code == 404
    assert (
        admin_client.get(reverse("accounts:manage_agency_areas", args=[missing])).status_code == 404
    )


def test_a_role_of_another_user_cannot_be_ended_through_this_user(admin_client, teacher, school):
    someone_else = user_with_role(Role.REFERRER, agency=school).memberships.get()
    response = admin_client.post(
        reverse("accounts:manage_membership_end", args=[teacher.pk, someone_else.pk])
    )
    assert response.status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.is_active


# Start page and users list -------------------------------------------------------------------


def test_the_start_page_links_to_users_agencies_and_areas(admin_client):
    body = text(admin_client.get(reverse("accounts:manage")))
    for name in ("accounts:manage_users", "accounts:manage_agencies", "accounts:manage_areas"):
        assert f'href="{reverse(name)}"' in body


def test_the_users_list_shows_everyone_with_their_current_roles_and_is_audited(
    admin_client, admin, teacher
):
    gone = UserFactory(first_name="Gone", last_name="Away", is_active=False)
    response = admin_client.get(reverse("accounts:manage_users"))
    assert response.status_code == 200
    body = text(response)
    assert "Robin Teacher" in body
    assert "Referrer, Northbrook Academy" in body
    assert "Gone Away" in body
    assert "Deactivated" in body
    assert reverse("accounts:manage_user", args=[teacher.pk]) in body

    event = AuditEvent.objects.get(action="accounts.users_listed")
    assert event.actor == admin
    assert set(event.after["user_ids"]) == {str(admin.pk), str(teacher.pk), str(gone.pk)}
    assert event.after["query"] == ""


def test_searching_and_filtering_users(admin_client, admin, teacher, school):
    user_with_role(Role.POLICE_EXPLOITATION, first_name="Pat", last_name="Constable")
    body = text(admin_client.get(reverse("accounts:manage_users"), {"q": "robin teach"}))
    assert "Robin Teacher" in body
    assert "Pat Constable" not in body
    assert "1 user found" in body

    body = text(admin_client.get(reverse("accounts:manage_users"), {"agency": school.pk}))
    assert "Robin Teacher" in body
    assert "Pat Constable" not in body
    assert reverse("accounts:manage_user", args=[admin.pk]) not in body
    event = AuditEvent.objects.filter(action="accounts.users_listed").last()
    assert event.after["agency"] == str(school.pk)

    body = text(admin_client.get(reverse("accounts:manage_users"), {"q": "nobody-like-this"}))
    assert "No users match your search" in body

    response = admin_client.get(reverse("accounts:manage_users"), {"agency": "not-an-agency"})
    assert "Select an agency from the list" in error_summary(response)


def test_the_users_list_is_paginated_keeping_the_search(admin_client, monkeypatch):
    monkeypatch.setattr(selectors, "USERS_PAGE_SIZE", 2)
    for number in range(3):
        UserFactory(first_name=f"Searchable{number}", last_name="Person")
    page_one = text(admin_client.get(reverse("accounts:manage_users"), {"q": "searchable"}))
    assert "Page 1 of 2" in page_one
    assert "q=searchable&page=2" in page_one
    page_two = text(
        admin_client.get(reverse("accounts:manage_users"), {"q": "searchable", "page": 2})
    )
    assert "Searchable2 Person" in page_two
    assert "Searchable0 Person" not in page_two


# Adding a user -------------------------------------------------------------------------------


def _new_user_data(school: Agency, **overrides: Any) -> dict[str, Any]:
    data = {
        "username": "sam.new",
        "first_name": "Sam",
        "last_name": "Newcomer",
        "email": "sam@example.org",
        "job_title": "Pastoral lead",
        "agency": str(school.pk),
        "role": Role.REFERRER,
        "team": "",
    }
    return {**data, **overrides}


def test_adding_a_user_shows_their_set_password_link_once_and_emails_it(
    admin_client, school, django_capture_on_commit_callbacks, mailoutbox
):
    team: Team = TeamFactory(agency=school, name="Pastoral")
    assert admin_client.get(reverse("accounts:manage_user_new")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("accounts:manage_user_new"), _new_user_data(school, team=str(team.pk))
        )

    user = User.objects.get(username="sam.new")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:manage_user", args=[user.pk])
    membership = user.memberships.get()
    assert (membership.agency, membership.role, membership.team) == (
        school,
        Role.REFERRER,
        team,
    )
    assert len(mailoutbox) == 1

    body = text(admin_client.get(response["Location"]))
    assert "Sam Newcomer has been added" in body
    assert "Their set-password link" in body
    assert "http://testserver/accounts/set-password/" in body
    again = text(admin_client.get(response["Location"]))
    assert "Their set-password link" not in again


def test_adding_a_user_with_mistakes_shows_them_in_the_error_summary(admin_client, school):
    response = admin_client.post(
        reverse("accounts:manage_user_new"),
        _new_user_data(school, username="", email="", agency="", role=""),
    )
    assert response.status_code == 200
    summary = error_summary(response)
    for message in ("Enter a username", "Enter an email address", "Select an agency"):
        assert message in summary
    assert "Select a role" in summary
    assert 'href="#id_username"' in summary
    assert "<title>Error: Add a user" in text(response)
    assert not User.objects.filter(first_name="Sam").exists()


def test_the_services_refusals_appear_on_the_form(admin_client, school, teacher):
    other_team = TeamFactory(name="Elsewhere team")
    response = admin_client.post(
        reverse("accounts:manage_user_new"),
        _new_user_data(school, username="ROBIN", team=str(other_team.pk)),
    )
    summary = error_summary(response)
    assert "A user with that username already exists" in summary
    assert "Choose a team in the selected agency" in summary
    assert 'href="#id_team"' in summary
    assert User.objects.filter(username__iexact="robin").count() == 1


# One user: roles and deactivation ------------------------------------------------------------


def test_a_users_page_lists_their_roles_with_buttons_to_end_them(admin_client, teacher):
    body = text(admin_client.get(reverse("accounts:manage_user", args=[teacher.pk])))
    membership = teacher.memberships.get()
    assert "Robin Teacher" in body
    assert reverse("accounts:manage_membership_end", args=[teacher.pk, membership.pk]) in body
    assert "End this role" in body
    assert "Add a role" in body
    assert reverse("accounts:manage_user_deactivate", args=[teacher.pk]) in body
    assert "Not set yet" not in body  # factory users have a password
    assert "Their set-password link" not in body


def test_ending_a_role(admin_client, admin, teacher):
    membership = teacher.memberships.get()
    response = admin_client.post(
        reverse("accounts:manage_membership_end", args=[teacher.pk, membership.pk]), follow=True
    )
    membership.refresh_from_db()
    assert not membership.is_active
    assert "Robin Teacher no longer has the role Referrer at Northbrook Academy" in text(response)
    assert AuditEvent.objects.get(action="accounts.membership_ended").actor == admin

    # Ending it again (a second tab, say) says so in the error summary.
    response = admin_client.post(
        reverse("accounts:manage_membership_end", args=[teacher.pk, membership.pk])
    )
    assert response.status_code == 400
    assert "That role has already ended" in error_summary(response)


def test_an_administrator_cannot_end_their_own_administrator_role_from_the_page(
    admin_client, admin
):
    own = admin.memberships.get()
    body = text(admin_client.get(reverse("accounts:manage_user", args=[admin.pk])))
    assert reverse("accounts:manage_membership_end", args=[admin.pk, own.pk]) not in body
    assert reverse("accounts:manage_user_deactivate", args=[admin.pk]) not in body
    response = admin_client.post(reverse("accounts:manage_membership_end", args=[admin.pk, own.pk]))
    assert response.status_code == 400
    assert "You cannot end your own administrator role" in error_summary(response)
    own.refresh_from_db()
    assert own.is_active


def test_adding_a_role(admin_client, teacher, school):
    response = admin_client.post(
        reverse("accounts:manage_user_add_role", args=[teacher.pk]),
        {"agency": str(school.pk), "role": Role.LICENSING, "team": ""},
    )
    assert response.status_code == 302
    assert teacher.memberships.filter(role=Role.LICENSING, is_active=True).exists()
    body = text(admin_client.get(response["Location"]))
    assert "Robin Teacher now has the role Licensing officer at Northbrook Academy" in body


def test_adding_a_role_they_already_have_is_refused_on_the_page(admin_client, teacher, school):
    response = admin_client.post(
        reverse("accounts:manage_user_add_role", args=[teacher.pk]),
        {"agency": str(school.pk), "role": Role.REFERRER, "team": ""},
    )
    assert response.status_code == 400
    summary = error_summary(response)
    assert "They already have that role in that agency" in summary
    assert 'href="#id_role"' in summary
    assert "<title>Error: Robin Teacher" in text(response)
    assert teacher.memberships.count() == 1

    response = admin_client.post(
        reverse("accounts:manage_user_add_role", args=[teacher.pk]), {"agency": "", "role": ""}
    )
    summary = error_summary(response)
    assert "Select an agency" in summary
    assert "Select a role" in summary


def test_deactivating_asks_first_then_deactivates(admin_client, admin, teacher):
    url = reverse("accounts:manage_user_deactivate", args=[teacher.pk])
    body = text(admin_client.get(url))
    assert "Are you sure you want to deactivate Robin Teacher?" in body
    teacher.refresh_from_db()
    assert teacher.is_active

    response = admin_client.post(url, follow=True)
    teacher.refresh_from_db()
    assert not teacher.is_active
    body = text(response)
    assert "Robin Teacher has been deactivated. They can no longer sign in." in body
    assert "Add a role" not in body
    assert AuditEvent.objects.get(action="accounts.user_deactivated").actor == admin

    response = admin_client.post(url)
    assert response.status_code == 400
    assert "This user has already been deactivated" in error_summary(response)


def test_an_administrator_cannot_deactivate_themselves_from_the_page(admin_client, admin):
    url = reverse("accounts:manage_user_deactivate", args=[admin.pk])
    assert "You cannot deactivate your own account" in text(admin_client.get(url))
    response = admin_client.post(url)
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_active


# Agencies and areas --------------------------------------------------------------------------


def test_the_agencies_list_shows_the_areas_each_serves(admin_client, school, teacher):
    AgencyFactory(name="Closed Agency", is_active=False)
    body = text(admin_client.get(reverse("accounts:manage_agencies")))
    assert "Northbrook Academy" in body
    assert "Education" in body
    assert "Northbrook" in body
    assert "Closed Agency" in body
    assert "Inactive" in body
    assert reverse("accounts:manage_agency_areas", args=[school.pk]) in body


def test_adding_an_agency(admin_client, school):
    north = Area.objects.get(code="northbrook")
    south = AreaFactory(name="Southmere", code="southmere")
    url = reverse("accounts:manage_agency_new")
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"name": "", "areas": []})
    summary = error_summary(response)
    assert "Enter the agency's name" in summary
    assert "Select the type of agency" in summary
    assert "Select at least one area the agency serves" in summary

    response = admin_client.post(
        url, {"name": "northbrook academy", "agency_type": AgencyType.POLICE, "areas": [north.pk]}
    )
    assert "An agency with that name already exists" in error_summary(response)

    response = admin_client.post(
        url,
        {
            "name": "Metropolitan Police",
            "agency_type": AgencyType.POLICE,
            "areas": [north.pk, south.pk],
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="Metropolitan Police")
    assert set(agency.areas.all()) == {north, south}
    assert "Metropolitan Police has been added" in text(admin_client.get(response["Location"]))


def test_adding_an_agency_before_any_area_asks_for_an_area_first(admin_client):
    Area.objects.all().delete()
    body = text(admin_client.get(reverse("accounts:manage_agency_new")))
    assert "Add an area</a> first" in body
    assert "Add agency" not in body


def test_changing_the_areas_an_agency_serves(admin_client, school):
    north = Area.objects.get(code="northbrook")
    south = AreaFactory(name="Southmere", code="southmere")
    url = reverse("accounts:manage_agency_areas", args=[school.pk])
    body = text(admin_client.get(url))
    assert "Which areas does this agency serve?" in body

    response = admin_client.post(url, {"areas": [north.pk, south.pk]})
    assert response.status_code == 302
    assert set(school.areas.all()) == {north, south}

    response = admin_client.post(url, {"areas": []})
    assert "Select at least one area the agency serves" in error_summary(response)
    assert school.areas.count() == 2


def test_the_areas_list_and_adding_an_area(admin_client, school):
    body = text(admin_client.get(reverse("accounts:manage_areas")))
    assert "Northbrook" in body
    assert "northbrook" in body

    url = reverse("accounts:manage_area_new")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"name": "", "code": ""})
    summary = error_summary(response)
    assert "Enter the area's name" in summary
    assert "Enter a short code" in summary

    response = admin_client.post(url, {"name": "Southmere", "code": "northbrook"})
    assert "An area with that short code already exists" in error_summary(response)

    response = admin_client.post(url, {"name": "Southmere", "code": "southmere"})
    assert response.status_code == 302
    assert Area.objects.filter(name="Southmere", code="southmere").exists()
    assert "Southmere has been added" in text(admin_client.get(response["Location"]))
