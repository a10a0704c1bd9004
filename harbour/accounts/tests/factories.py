"""Shared test factories for areas, agencies, teams, users and memberships."""

from __future__ import annotations

from functools import cache
from typing import Any

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from harbour.accounts.models import Agency, AgencyType, Area, Membership, Role, Team, User

#: Every factory-built user signs in with this password.
PASSWORD = "correct-horse-battery-staple"


def _hashed(raw: str) -> str:
    """Hash each test password once per run and hasher: the real one is slow on purpose."""
    return _hash_once(raw, tuple(settings.PASSWORD_HASHERS))


@cache
def _hash_once(raw: str, hashers: tuple[str, ...]) -> str:
    return make_password(raw)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Area {n}")
    code = factory.Sequence(lambda n: f"area-{n}")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Agency {n}")
    agency_type = AgencyType.CHILDRENS_SOCIAL_CARE
    is_active = True

    @factory.post_generation
    def areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``areas=[...]`` serves those areas; by default the agency serves one new area."""
        if not create:
            return
        if extracted is None:
            extracted = [AreaFactory()]
        self.areas.set(extracted)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = "Example"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD, transform=_hashed)
    is_active = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    team = None
    role = Role.REFERRER
    is_active = True


def user_with_role(role: str, agency: Agency | None = None, **user_fields: Any) -> User:
    """A new active user holding ``role`` in ``agency`` (a new agency when not given)."""
    user: User = UserFactory(**user_fields)
    MembershipFactory(user=user, agency=agency or AgencyFactory(), role=role)
    return user
