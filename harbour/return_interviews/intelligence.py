"""The structured intelligence items an interview records, and how each kind is checked.

Items are kept as typed rows (``IntelligenceItem``) ready for the intelligence work of a later
issue: a vehicle registration or a phone number is stored normalised so that the same car or
phone mentioned by two children matches exactly. Checks are deliberately loose: a child's
recollection is worth keeping even when it is vague, so only registrations and phone numbers
have a format, and a partial registration belongs in the detail of a "place" or "name" item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models


class IntelligenceKind(models.TextChoices):
    NAME = "name", "Name of a person"
    NICKNAME = "nickname", "Nickname or street name"
    PLACE = "place", "Place or address"
    VEHICLE = "vehicle", "Vehicle registration"
    PHONE = "phone", "Phone number"
    ONLINE_ACCOUNT = "online_account", "Online account"


#: UK registration formats: current (AB12 CDE), prefix (A123 BCD), suffix (ABC 123D) and
#: dateless (ABC 123, 1234 AB). Spaces and hyphens are ignored when checking.
_REGISTRATIONS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$"), 4),
    (re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$"), -3),
    (re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$"), 3),
    (re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$"), 0),
    (re.compile(r"^[0-9]{1,4}[A-Z]{1,3}$"), 0),
)
#: A UK number in national form: 0 then 9 or 10 digits (landlines and mobiles).
_UK_PHONE = re.compile(r"^0[1-9][0-9]{8,9}$")
_PHONE_JUNK = re.compile(r"[\s\-().]")

VEHICLE_MESSAGE = (
    "Enter a UK vehicle registration, like AB12 CDE. Put a partial registration in the detail"
)
PHONE_MESSAGE = "Enter a UK phone number, like 07700 900123"
PLATFORM_MESSAGE = "Enter the platform, like Snapchat or Instagram"
KIND_MESSAGE = "Select what the item is"
VALUE_MESSAGE = "Enter the name, place, registration, number or account"


class IntelligenceError(ValueError):
    """An item that cannot be kept as given; ``field`` is "kind", "value" or "platform"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_registration(text: str) -> str:
    """ "ab12-cde" → "AB12 CDE"; raises ``IntelligenceError`` when it is no UK format."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    for pattern, split in _REGISTRATIONS:
        if pattern.match(compact):
            if split == 0:
                match = re.match(r"^([A-Z]+|[0-9]+)(.*)$", compact)
                assert match is not None
                return f"{match[1]} {match[2]}"
            return f"{compact[:split]} {compact[split:]}"
    raise IntelligenceError("value", VEHICLE_MESSAGE)


def normalise_phone(text: str) -> str:
    """ "+44 7700 900-123" → "07700900123"; raises ``IntelligenceError`` for no UK number."""
    compact = _PHONE_JUNK.sub("", text)
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("0")
    elif compact.startswith("0044"):
        compact = "0" + compact[4:].removeprefix("0")
    if not _UK_PHONE.match(compact):
        raise IntelligenceError("value", PHONE_MESSAGE)
    return compact


@dataclass(frozen=True)
class IntelligenceInput:
    """One item as typed. ``row`` is the form row it came from (1-based), so a service error
    lands on that row; 0 when it came from elsewhere (the API, an import)."""

    kind: str
    value: str
    detail: str = ""
    platform: str = ""
    row: int = 0


def clean_item(item: IntelligenceInput) -> IntelligenceInput:
    """The item normalised, or ``IntelligenceError`` naming the field that is wrong."""
    value = item.value.strip()
    platform = item.platform.strip()
    if item.kind not in IntelligenceKind.values:
        raise IntelligenceError("kind", KIND_MESSAGE)
    if not value:
        raise IntelligenceError("value", VALUE_MESSAGE)
    if item.kind == IntelligenceKind.VEHICLE:
        value = normalise_registration(value)
    elif item.kind == IntelligenceKind.PHONE:
        value = normalise_phone(value)
    elif item.kind == IntelligenceKind.ONLINE_ACCOUNT:
        if not platform:
            raise IntelligenceError("platform", PLATFORM_MESSAGE)
        value = value.removeprefix("@")
    if item.kind != IntelligenceKind.ONLINE_ACCOUNT:
        platform = ""
    return IntelligenceInput(
        kind=item.kind,
        value=value[:200],
        detail=item.detail.strip(),
        platform=platform[:60],
        row=item.row,
    )
