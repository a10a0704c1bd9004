"""Validation of UK identifiers and postcodes, with messages a practitioner understands."""

import re

from django.core.exceptions import ValidationError

_POSTCODE = re.compile(
    r"^(GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)

#: The UPN check-letter alphabet: A–Z without I, O and S (DfE common basic data set).
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\- ]{0,38}[A-Za-z0-9]$|^[A-Za-z0-9]$")


def normalise_postcode(value: str) -> str:
    """Upper-case a postcode and put exactly one space before the inward code."""
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def validate_uk_postcode(value: str) -> None:
    if not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError(
            "Enter a real UK postcode, like AB1 2CD",
            code="invalid_postcode",
            params={"value": value},
        )


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number's modulus 11 check digit (NHS Data Dictionary)."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError("NHS number must be 10 digits, like 943 476 5919", code="nhs_format")
    if not nhs_number_is_valid(digits):
        raise ValidationError(
            "NHS number is not valid: check the digits have been entered correctly",
            code="nhs_check_digit",
        )


def upn_check_letter(rest: str) -> str:
    """The check letter for the 12 characters after it (positions 2 to 13)."""
    total = 0
    for weight, char in enumerate(rest, start=2):
        value = int(char) if char.isdigit() else _UPN_LETTERS.index(char)
        total += value * weight
    return _UPN_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    """A school unique pupil number: a check letter, 11 digits, then a digit or letter."""
    upn = value.strip().upper()
    if not re.fullmatch(rf"[{_UPN_LETTERS}]\d{{11}}[0-9{_UPN_LETTERS}]", upn):
        raise ValidationError(
            "Unique pupil number must be 13 characters: a letter, 11 numbers, then a number or "
            "letter",
            code="upn_format",
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(
            "Unique pupil number is not valid: check it has been entered correctly",
            code="upn_check_letter",
        )


def validate_agency_reference(value: str) -> None:
    """Police and local-authority references: letters, numbers, '/', '-' and spaces."""
    if not _REFERENCE.match(value.strip()):
        raise ValidationError(
            "Reference must be 1 to 40 letters or numbers, and may contain / or -",
            code="reference_format",
        )
