"""Shared test factories for persons."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from harbour.people.models import (
    Address,
    Alias,
    AliasKind,
    DateOfBirthPrecision,
    Identifier,
    IdentifierKind,
    Person,
    PersonKind,
    normalise_identifier,
)


class PersonFactory(DjangoModelFactory):
    """A child with an exact date of birth; the search keys are computed as services do."""

    class Meta:
        model = Person

    kind = PersonKind.CHILD
    first_names = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Example"
    date_of_birth = datetime.date(2010, 5, 17)
    date_of_birth_precision = DateOfBirthPrecision.EXACT

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        person = model_class(*args, **kwargs)
        person.refresh_search_keys()
        person.save()
        return person


class AliasFactory(DjangoModelFactory):
    """Another name a person is known by; search keys computed as services do."""

    class Meta:
        model = Alias

    person = factory.SubFactory(PersonFactory)
    kind = AliasKind.ALIAS
    first_names = ""
    last_name = ""

    @classmethod
    def _create(cls, model_class: type[Alias], *args: Any, **kwargs: Any) -> Alias:
        alias = model_class(*args, **kwargs)
        alias.refresh_search_keys()
        alias.save()
        return alias


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line_1 = factory.Sequence(lambda n: f"{n + 1} Harbour Road")
    town = "Northbrook"
    postcode = "NB1 2AB"
    is_current = True


class IdentifierFactory(DjangoModelFactory):
    """An identifier, stored normalised as the services store it."""

    class Meta:
        model = Identifier

    person = factory.SubFactory(PersonFactory)
    kind = IdentifierKind.NHS_NUMBER
    value = "9434765919"

    @classmethod
    def _create(cls, model_class: type[Identifier], *args: Any, **kwargs: Any) -> Identifier:
        kwargs["value"] = normalise_identifier(kwargs["kind"], kwargs["value"])
        return super()._create(model_class, *args, **kwargs)


def nhs_number(first_nine: str) -> str:
    """A valid NHS number: ``first_nine`` digits and their modulus 11 check digit.

    Raises ValueError for the one in eleven prefixes that have no valid check digit.
    """
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        raise ValueError(f"{first_nine} has no valid NHS check digit")
    return f"{first_nine}{check}"
