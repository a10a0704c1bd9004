"""UK identifiers and postcodes: check digits, check letters, normal forms, exact messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from harbour.people import validators
from harbour.people.tests.factories import nhs_number

NHS_FORMAT = "NHS number must be 10 digits, like 943 476 5919"
NHS_CHECK = "NHS number is not valid: check the digits have been entered correctly"
UPN_FORMAT = (
    "Unique pupil number must be 13 characters: a letter, 11 numbers, then a number or letter"
)
UPN_CHECK = "Unique pupil number is not valid: check it has been entered correctly"
POSTCODE = "Enter a real UK postcode, like AB1 2CD"
REFERENCE = "Reference must be 1 to 40 letters or numbers, and may contain / or -"

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _message(validator: object, value: str) -> tuple[str, str | None]:
    with pytest.raises(ValidationError) as caught:
        validator(value)  # type: ignore[operator]
    (message,) = caught.value.messages
    return message, caught.value.code


# NHS numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919", " 9434765919"])
def test_known_good_nhs_number(value: str) -> None:
    validators.validate_nhs_number(value)
    assert validators.nhs_number_is_valid(value)


@given(nine_digits)
def test_any_nine_digits_with_their_check_digit_validate(first_nine: str) -> None:
    try:
        number = nhs_number(first_nine)
    except ValueError:
        assume(False)  # one prefix in eleven has no valid check digit
        return
    validators.validate_nhs_number(number)
    assert validators.nhs_number_is_valid(number)


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_fails(first_nine: str, position: int, change: int) -> None:
    try:
        number = nhs_number(first_nine)
    except ValueError:
        assume(False)
        return
    digits = list(number)
    digits[position] = str((int(digits[position]) + change) % 10)
    mistyped = "".join(digits)
    assert not validators.nhs_number_is_valid(mistyped)
    assert _message(validators.validate_nhs_number, mistyped) == (NHS_CHECK, "nhs_check_digit")


def _residue(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=False)) % 11


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_prefixes_without_a_check_digit_are_never_valid(first_eight: str) -> None:
    """When 11 - (weighted sum mod 11) is 10 no check digit exists: every ending is refused."""
    endings = [d for d in "0123456789" if _residue(first_eight + d) == 1]
    assume(endings)  # the ninth digit (weight 2) reaches residue 1 in ten cases out of eleven
    first_nine = first_eight + endings[0]
    with pytest.raises(ValueError, match="has no valid NHS check digit"):
        nhs_number(first_nine)
    assert not any(validators.nhs_number_is_valid(f"{first_nine}{d}") for d in "0123456789")


@pytest.mark.parametrize("value", ["", "943476591", "94347659190", "943476591X", "abc"])
def test_nhs_number_format_message(value: str) -> None:
    assert _message(validators.validate_nhs_number, value) == (NHS_FORMAT, "nhs_format")
    assert not validators.nhs_number_is_valid(value)


def test_nhs_number_check_message() -> None:
    assert _message(validators.validate_nhs_number, "9434765918") == (NHS_CHECK, "nhs_check_digit")


def test_normalise_nhs_number() -> None:
    assert validators.normalise_nhs_number(" 943 476-5919 ") == "9434765919"


# Unique pupil numbers --------------------------------------------------------------------

upn_rest = st.tuples(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from("0123456789" + UPN_LETTERS),
).map("".join)


@given(upn_rest)
def test_upn_check_letter_round_trip(rest: str) -> None:
    letter = validators.upn_check_letter(rest)
    assert letter in UPN_LETTERS
    validators.validate_upn(letter + rest)
    validators.validate_upn(f"  {(letter + rest).lower()} ")


@given(upn_rest, st.sampled_from(UPN_LETTERS))
def test_upn_with_the_wrong_check_letter_fails(rest: str, letter: str) -> None:
    assume(letter != validators.upn_check_letter(rest))
    assert _message(validators.validate_upn, letter + rest) == (UPN_CHECK, "upn_check_letter")


def test_upn_check_letter_by_hand() -> None:
    # 12 characters after the check letter, weighted 2 to 13: sum mod 23 indexes the letters.
    rest = "80112000101A"
    total = sum(w * int(c) for w, c in zip(range(2, 13), rest[:11], strict=True)) + 13 * 0
    assert validators.upn_check_letter(rest) == UPN_LETTERS[total % 23]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "A1234567890",  # too short
        "A123456789012X",  # too long
        "I12345678901A",  # I is not a UPN letter
        "A1234567890AB",  # a letter among the 11 digits
        "112345678901A",  # must start with a letter
        "A12345678901S",  # S is not a UPN letter
    ],
)
def test_upn_format_message(value: str) -> None:
    assert _message(validators.validate_upn, value) == (UPN_FORMAT, "upn_format")


# Postcodes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("M11AE", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
        ("gir0aa", "GIR 0AA"),
        ("AB", "AB"),
    ],
)
def test_normalise_postcode(typed: str, normal: str) -> None:
    assert validators.normalise_postcode(typed) == normal


@pytest.mark.parametrize(
    "value", ["SW1A 1AA", "sw1a1aa", "M1 1AE", "B33 8TH", "EC1A 1BB", "GIR 0AA"]
)
def test_real_postcodes_validate(value: str) -> None:
    validators.validate_uk_postcode(value)


@pytest.mark.parametrize(
    "value", ["", "NB1", "12345", "SW1A 1A", "QW1 2AB", "SW1A 1CA", "NOT A PC"]
)
def test_postcode_message(value: str) -> None:
    assert _message(validators.validate_uk_postcode, value) == (POSTCODE, "invalid_postcode")


outward = st.sampled_from(["SW1A", "M1", "B33", "CR2", "DN55", "EC1A", "W1A", "NB1"])
inward = st.tuples(
    st.sampled_from("0123456789"), st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"), st.sampled_from("ABD")
).map("".join)


@given(outward, inward, st.text(alphabet=" ", max_size=3), st.booleans())
def test_postcode_spacing_and_case_do_not_matter(
    out: str, inward_code: str, spaces: str, lower: bool
) -> None:
    typed = f"{spaces}{out}{spaces}{inward_code}{spaces}"
    if lower:
        typed = typed.lower()
    assert validators.normalise_postcode(typed) == f"{out} {inward_code}"
    validators.validate_uk_postcode(typed)


# Agency references -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["X", "AB/123-45", "CRN 2024 000123", "a" * 40])
def test_agency_reference_valid(value: str) -> None:
    validators.validate_agency_reference(value)


@pytest.mark.parametrize("value", ["", "-AB", "AB/", "a" * 41, "AB#12", "  "])
def test_agency_reference_message(value: str) -> None:
    assert _message(validators.validate_agency_reference, value) == (
        REFERENCE,
        "reference_format",
    )
