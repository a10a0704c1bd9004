"""Writes to persons. Each use case is one typed, keyword-only, atomic function, audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from harbour.accounts.models import Agency, Area
from harbour.audit.services import record_event, snapshot
from harbour.core.errors import ServiceValidationError
from harbour.people import validators
from harbour.people.models import (
    IDENTIFIER_VALIDATORS,
    Address,
    ChronologyEntry,
    DateOfBirthPrecision,
    Identifier,
    Involvement,
    Person,
    PersonKind,
    normalise_identifier,
)


@dataclass(frozen=True)
class PersonDetails:
    first_names: str
    last_name: str
    date_of_birth: datetime.date | None = None
    date_of_birth_precision: str = DateOfBirthPrecision.EXACT
    kind: str = PersonKind.CHILD
    known_as: str = ""
    sex: str = "not_known"
    gender: str = ""
    ethnicity: str = "not_known"
    first_language: str = ""
    disability: str = "not_known"
    send_status: str = "not_known"
    is_looked_after: bool = False
    placing_authority: str = ""
    home_area: Area | None = None
    postcode: str = ""
    address_line_1: str = ""
    identifiers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def validate_person_details(details: PersonDetails) -> None:
    errors: dict[str, list[str]] = {}
    if not details.first_names.strip() and not details.last_name.strip():
        errors["first_names"] = ["Enter the person's first or last name"]
    if details.date_of_birth_precision == DateOfBirthPrecision.UNKNOWN:
        if details.date_of_birth is not None:
            errors["date_of_birth"] = ["Leave the date of birth empty when it is not known"]
    elif details.date_of_birth is None:
        errors["date_of_birth"] = ["Enter the date of birth, or say it is not known"]
    elif details.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = ["Date of birth must be today or in the past"]
    if details.postcode:
        try:
            validators.validate_uk_postcode(details.postcode)
        except ValidationError as error:
            errors["postcode"] = error.messages
    if details.is_looked_after and not details.placing_authority.strip():
        errors["placing_authority"] = ["Enter the placing authority for a looked-after child"]
    for kind, value in details.identifiers:
        try:
            IDENTIFIER_VALIDATORS[kind](value)
        except (ValidationError, KeyError) as error:
            messages = (
                error.messages if isinstance(error, ValidationError) else ["Unknown identifier"]
            )
            errors.setdefault(kind, []).extend(messages)
    if errors:
        raise ServiceValidationError(errors)


@transaction.atomic
def person_create(
    *, actor: Any, agency: Agency | None, details: PersonDetails, request: Any = None
) -> Person:
    """Create a person, with an address and identifiers if given; their agency holds the record."""
    validate_person_details(details)
    person = Person(
        kind=details.kind,
        first_names=details.first_names.strip(),
        last_name=details.last_name.strip(),
        known_as=details.known_as.strip(),
        date_of_birth=details.date_of_birth,
        date_of_birth_precision=details.date_of_birth_precision,
        sex=details.sex,
        gender=details.gender,
        ethnicity=details.ethnicity,
        first_language=details.first_language,
        disability=details.disability,
        send_status=details.send_status,
        is_looked_after=details.is_looked_after,
        placing_authority=details.placing_authority.strip(),
        home_area=details.home_area,
        created_by_agency=agency,
    )
    person.refresh_search_keys()
    person.save(force_insert=True)
    record_event(
        actor=actor,
        action="person.created",
        subject=person,
        after=snapshot(person),
        request=request,
    )
    if details.postcode:
        address = Address.objects.create(
            person=person,
            line_1=details.address_line_1.strip() or "Address not given",
            postcode=validators.normalise_postcode(details.postcode),
            area=details.home_area,
        )
        record_event(
            actor=actor,
            action="person.address_added",
            subject=person,
            after={"address_id": str(address.pk), "postcode": address.postcode},
            request=request,
        )
    for kind, value in details.identifiers:
        identifier_add(
            actor=actor, person=person, kind=kind, value=value, issued_by=agency, request=request
        )
    if agency is not None:
        involvement_record(
            actor=actor,
            person=person,
            agency=agency,
            kind="holds_record",
            source_type="people.person",
            source_id=str(person.pk),
            description="Created the record",
            request=request,
        )
    return person


@transaction.atomic
def identifier_add(
    *,
    actor: Any,
    person: Person,
    kind: str,
    value: str,
    issued_by: Agency | None = None,
    request: Any = None,
) -> Identifier:
    validator = IDENTIFIER_VALIDATORS.get(kind)
    if validator is None:
        raise ServiceValidationError({"kind": ["Choose a type of identifier"]})
    try:
        validator(value)
    except ValidationError as error:
        raise ServiceValidationError({"value": error.messages}) from error
    normalised = normalise_identifier(kind, value)
    identifier, created = Identifier.objects.get_or_create(
        person=person, kind=kind, value=normalised, defaults={"issued_by": issued_by}
    )
    if created:
        record_event(
            actor=actor,
            action="person.identifier_added",
            subject=person,
            after={"kind": kind, "value": normalised},
            request=request,
        )
    return identifier


@transaction.atomic
def address_add(
    *,
    actor: Any,
    person: Person,
    line_1: str,
    postcode: str,
    line_2: str = "",
    town: str = "",
    is_current: bool = True,
    request: Any = None,
) -> Address:
    """Add an address; a new current address makes the others previous."""
    errors: dict[str, list[str]] = {}
    if not line_1.strip():
        errors["line_1"] = ["Enter address line 1, typically the building and street"]
    try:
        validators.validate_uk_postcode(postcode)
    except ValidationError as error:
        errors["postcode"] = error.messages
    if errors:
        raise ServiceValidationError(errors)
    if is_current:
        person.addresses.filter(is_current=True).update(is_current=False)
    address = Address.objects.create(
        person=person,
        line_1=line_1.strip(),
        line_2=line_2.strip(),
        town=town.strip(),
        postcode=validators.normalise_postcode(postcode),
        area=person.home_area,
        is_current=is_current,
    )
    record_event(
        actor=actor,
        action="person.address_added",
        subject=person,
        after={"address_id": str(address.pk), "postcode": address.postcode, "current": is_current},
        request=request,
    )
    return address


@transaction.atomic
def involvement_record(
    *,
    actor: Any,
    person: Person,
    agency: Agency,
    kind: str,
    source_type: str = "",
    source_id: str = "",
    description: str = "",
    request: Any = None,
) -> Involvement:
    """Record (once) that an agency knows the person through something. This grants access."""
    involvement, created = Involvement.objects.get_or_create(
        person=person,
        agency=agency,
        kind=kind,
        source_type=source_type,
        source_id=source_id,
        defaults={"description": description},
    )
    if created:
        record_event(
            actor=actor,
            action="person.involvement_recorded",
            subject=person,
            after={"agency": str(agency.pk), "kind": kind, "source": f"{source_type}:{source_id}"},
            request=request,
        )
    return involvement


def chronology_record(
    *,
    person: Person,
    occurred_at: datetime.datetime,
    event_type: str,
    summary: str,
    agency: Agency | None,
    source_type: str,
    source_id: str,
) -> ChronologyEntry:
    """Append an event to the person's timeline. Called inside the calling service's transaction
    (whose own audit event covers it)."""
    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=occurred_at,
        event_type=event_type,
        summary=summary[:300],
        agency=agency,
        source_type=source_type,
        source_id=source_id,
    )
