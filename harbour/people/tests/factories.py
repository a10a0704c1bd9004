"""Shared test factories for persons."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from harbour.people.models import DateOfBirthPrecision, Person, PersonKind


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
