"""Signing in and out, passwords and sessions: audited, GOV.UK messages, idle expiry."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Role, User
from harbour.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from harbour.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "Enter a correct username and password. Both are case-sensitive."
NEW_PASSWORD = "a-brand-new-harbour-passphrase"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """The production hasher takes ~0.4 s a password on purpose; these tests hash dozens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db: None) -> User:
    return user_with_role(Role.REFERRER, username="rita.teacher", first_name="Rita")


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# Signing in and out ----------------------------------------------------------------------


def test_sign_in_is_audited(user: User) -> None:
    client = Client()
    response = _sign_in(client, "rita.teacher", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    event = AuditEvent.objects.get(action="auth.signed_in")
    assert event.actor == user
    assert event.actor_label == "rita.teacher"
    assert event.ip_address == "127.0.0.1"
    assert event.request_id


def test_sign_in_follows_next(user: User) -> None:
    response = Client().post(
        f"{reverse('accounts:login')}?next=/referrals/mine/",
        {"username": "rita.teacher", "password": PASSWORD, "next": "/referrals/mine/"},
    )
    assert response["Location"] == "/referrals/mine/"


@pytest.mark.parametrize(
    ("username", "password"),
    [("rita.teacher", "not-the-password"), ("RITA.TEACHER", PASSWORD), ("nobody", PASSWORD)],
)
def test_wrong_details(user: User, username: str, password: str) -> None:
    client = Client()
    response = _sign_in(client, username, password)

    assert response.status_code == 200
    body = response.content.decode()
    assert WRONG in body
    assert "govuk-error-summary" in body
    assert "<title>Error: Sign in" in body
    assert client.get(reverse("core:home")).status_code == 302
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.actor is None
    assert event.actor_label == f"attempted: {username}"
    assert not AuditEvent.objects.filter(action="auth.signed_in").exists()


def test_inactive_user_cannot_sign_in(user: User) -> None:
    user.is_active = False
    user.save()
    response = _sign_in(Client(), "rita.teacher", PASSWORD)
    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_empty_sign_in_messages(db: None) -> None:
    response = _sign_in(Client(), "", "")
    body = response.content.decode()
    assert "Enter your username" in body
    assert "Enter your password" in body
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.actor_label == "anonymous"


def test_sign_out_is_audited(user: User) -> None:
    client = Client()
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    event = AuditEvent.objects.get(action="auth.signed_out")
    assert event.actor == user
    assert client.get(reverse("core:home")).status_code == 302


def test_sign_out_needs_a_post(user: User) -> None:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert not AuditEvent.objects.filter(action="auth.signed_out").exists()
    assert client.get(reverse("core:home")).status_code == 200


def test_signed_in_user_is_sent_home_from_sign_in(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


# Passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (
            "abcdefghijk",  # 11 characters
            "This password is too short. It must contain at least 12 characters.",
        ),
        ("password1234", "This password is too common."),
        ("583920174652", "This password is entirely numeric."),
    ],
)
def test_password_validators(password: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert message in caught.value.messages


def test_password_like_the_username_is_refused(db: None) -> None:
    user = UserFactory(username="oliviahartley", first_name="Olivia", last_name="Hartley")
    with pytest.raises(ValidationError) as caught:
        validate_password("oliviahartley1", user=user)
    assert "The password is too similar to the username." in caught.value.messages


def test_twelve_characters_are_enough() -> None:
    validate_password("tide-mill-42x")


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("abcdefghijk", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
    ],
)
def test_change_password_refuses_weak_passwords(
    user: User, new_password: str, message: str
) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_messages(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": "different-one"},
    )
    body = response.content.decode()
    assert "Your current password is not right. Enter it again." in body
    assert "The two new passwords do not match" in body
    empty = client.post(reverse("accounts:password_change"), {}).content.decode()
    assert "Enter your current password" in empty
    assert "Enter a new password" in empty
    assert "Enter the new password again" in empty


def test_changing_the_password_signs_out_other_sessions(user: User) -> None:
    here, elsewhere = Client(), Client()
    assert here.login(username="rita.teacher", password=PASSWORD)
    assert elsewhere.login(username="rita.teacher", password=PASSWORD)
    assert elsewhere.get(reverse("core:home")).status_code == 200

    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = here.get(reverse("core:home"))
    assert home.status_code == 200
    assert "You have been signed out everywhere else." in home.content.decode()
    signed_out = elsewhere.get(reverse("core:home"))
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=user).count() == 1
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


# Sessions --------------------------------------------------------------------------------


def test_session_settings() -> None:
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


def _session(client: Client) -> Session:
    return Session.objects.get(
        session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value
    )


def test_each_request_renews_the_idle_timeout(user: User) -> None:
    client = Client()
    client.force_login(user)
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=soon)

    assert client.get(reverse("core:home")).status_code == 200

    renewed = _session(client).expire_date
    expected = timezone.now() + datetime.timedelta(minutes=30)
    assert abs((renewed - expected).total_seconds()) < 60


def test_an_idle_session_expires(user: User) -> None:
    client = Client()
    client.force_login(user)
    past = timezone.now() - datetime.timedelta(seconds=1)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=past)

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# Demo accounts ---------------------------------------------------------------------------


def test_demo_accounts_listed_only_in_demo_mode(db: None, settings: Any) -> None:
    try:
        from harbour.demo.partnership import DEMO_PASSWORD, demo_logins
    except ImportError as error:  # pragma: no cover - the demo module is optional
        pytest.skip(f"harbour.demo.partnership.demo_logins is not importable yet: {error}")
    logins = demo_logins()
    assert {login["role"] for login in logins} == set(Role)

    settings.HARBOUR_DEMO_MODE = False
    body = Client().get(reverse("accounts:login")).content.decode()
    assert "Demo accounts" not in body
    assert DEMO_PASSWORD not in body
    assert all(f"<code>{login['username']}</code>" not in body for login in logins)

    settings.HARBOUR_DEMO_MODE = True
    body = Client().get(reverse("accounts:login")).content.decode()
    assert "Demo accounts" in body
    assert DEMO_PASSWORD in body
    for login in logins:
        assert f"<code>{login['username']}</code>" in body
        assert login["role_label"].replace("'", "&#x27;") in body
