"""A new user's one-time set-password link: it works once, the project's password validators
apply (in plain words), and setting the password is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from harbour.accounts import services
from harbour.accounts.models import Role, User
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import ServiceValidationError

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "harbour-lights-at-dusk"
NOT_WORKING = "This link does not work"


@pytest.fixture
def admin() -> User:
    return user_with_role(Role.ADMINISTRATOR)


@pytest.fixture
def new_user(admin) -> User:
    return services.user_create(
        actor=admin,
        username="sam.new",
        first_name="Sam",
        last_name="Newcomer",
        email="sam@example.org",
        job_title="",
        agency=AgencyFactory(),
        role=Role.REFERRER,
    )


def open_link(client: Client, link: str) -> str:
    """Follow the link as the user would; return the address of the form it leads to."""
    response = client.get(link)
    assert response.status_code == 302
    form_url = str(response["Location"])
    # The token is swapped for a placeholder so that it cannot leak in a Referer header.
    assert form_url.startswith("/accounts/set-password/")
    assert form_url.endswith("/set-password/")
    return form_url


def post_password(client: Client, url: str, first: str, second: str | None = None) -> Any:
    return client.post(
        url, {"new_password1": first, "new_password2": first if second is None else second}
    )


def test_the_link_sets_the_password_once_and_they_can_then_sign_in(client, new_user):
    link = services.set_password_path(new_user)
    url = open_link(client, link)
    page = client.get(url)
    assert page.status_code == 200
    assert "Set your password" in page.content.decode()
    assert "sam.new" in page.content.decode()

    response = post_password(client, url, GOOD_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    new_user.refresh_from_db()
    assert new_user.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.password_set")
    assert event.actor == new_user
    assert event.subject_id == str(new_user.pk)
    assert event.before is None
    assert event.after is None
    assert "Your password has been set" in client.get(reverse("accounts:login")).content.decode()
    assert Client().login(username="sam.new", password=GOOD_PASSWORD)

    # The same link no longer works, in this browser or any other.
    for browser in (client, Client()):
        response = browser.get(link)
        assert response.status_code == 200
        assert NOT_WORKING in response.content.decode()
    assert NOT_WORKING in client.get(url).content.decode()
    assert post_password(client, url, "another-long-passphrase").status_code == 200
    new_user.refresh_from_db()
    assert new_user.check_password(GOOD_PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.password_set").count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass", "Password must be 12 characters or more"),
        ("qwerty123456", "Password is too common. Choose one that is harder to guess"),
        ("481516234200", "Password must include letters or symbols, not only numbers"),
        ("sam.newcomer!", "Password must not be like your name, username or email address"),
    ],
)
def test_the_projects_password_rules_apply(client, new_user, password, message):
    url = open_link(client, services.set_password_path(new_user))
    response = post_password(client, url, password)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert "Error: Set your password" in body
    new_user.refresh_from_db()
    assert not new_user.has_usable_password()
    assert not AuditEvent.objects.filter(action="accounts.password_set").exists()


def test_the_two_passwords_must_match_and_neither_may_be_empty(client, new_user):
    url = open_link(client, services.set_password_path(new_user))
    body = post_password(client, url, GOOD_PASSWORD, GOOD_PASSWORD + "x").content.decode()
    assert "The two passwords do not match" in body
    body = post_password(client, url, "", "").content.decode()
    assert "Enter a password" in body
    assert "Type the password again" in body
    new_user.refresh_from_db()
    assert not new_user.has_usable_password()


def test_a_link_for_a_deactivated_user_does_not_work(client, admin, new_user):
    link = services.set_password_path(new_user)
    services.user_deactivate(actor=admin, user=new_user)
    response = client.get(link)
    assert response.status_code == 200
    assert NOT_WORKING in response.content.decode()


@pytest.mark.parametrize("token", ["not-a-token", "set-password"])
def test_a_wrong_or_copied_wrongly_link_does_not_work(client, new_user, token):
    uidb64 = urlsafe_base64_encode(force_bytes(new_user.pk))
    for uid in (uidb64, "bm90LWEtdXNlcg", "%%%"):
        response = client.get(reverse("accounts:set_password", args=[uid, token]))
        assert response.status_code == 200
        assert NOT_WORKING in response.content.decode()


def test_the_page_needs_no_sign_in(client, new_user):
    """A signed-out visitor is not sent to the sign-in page."""
    response = client.get(services.set_password_path(new_user))
    assert response.status_code == 302
    assert "sign-in" not in response["Location"]


def test_the_service_checks_the_token_and_the_password_itself(new_user):
    with pytest.raises(ServiceValidationError) as caught:
        services.password_set_with_link(user=new_user, token="wrong", password=GOOD_PASSWORD)
    assert caught.value.messages == [
        "This link has expired or has already been used. Ask your administrator for a new one."
    ]
    token = services.set_password_path(new_user).rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(ServiceValidationError) as caught:
        services.password_set_with_link(user=new_user, token=token, password="short")
    assert caught.value.message_dict == {
        "new_password1": ["Password must be 12 characters or more"]
    }
    new_user.refresh_from_db()
    assert not new_user.has_usable_password()

    services.password_set_with_link(user=new_user, token=token, password=GOOD_PASSWORD)
    with pytest.raises(ServiceValidationError):
        services.password_set_with_link(user=new_user, token=token, password=GOOD_PASSWORD + "!")
    new_user.refresh_from_db()
    assert new_user.check_password(GOOD_PASSWORD)
