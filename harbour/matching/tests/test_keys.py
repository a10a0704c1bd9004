"""Name, date and postcode keys: pure functions, no database."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harbour.matching import keys

names = st.text(alphabet=st.characters(codec="ascii", categories=("L",)), max_size=12)


# normalise_name and soundex --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("  Zoë  O'Brien-Smith ", "zoe obrien smith"),
        ("ÉLODIE", "elodie"),
        ("Mary-Jane", "mary jane"),
        ("  ", ""),
        ("123", ""),
    ],
)
def test_normalise_name(typed: str, normal: str) -> None:
    assert keys.normalise_name(typed) == normal


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Rubin", "R150"),
        ("Ashcraft", "A261"),  # H between same-coded letters does not separate them
        ("Tymczak", "T522"),
        ("Pfister", "P236"),  # the first letter's own code is not repeated
        ("Honeyman", "H555"),
        ("Lee", "L000"),
        ("O'Connor", "O256"),
        ("", ""),
    ],
)
def test_soundex(name: str, code: str) -> None:
    assert keys.soundex(name) == code


@pytest.mark.parametrize(
    ("left", "right"),
    [("McDonald", "MacDonald"), ("Ashdown", "Ashdwon"), ("Smith", "Smyth"), ("Ashdown", "Ashton")],
)
def test_soundex_groups_spellings(left: str, right: str) -> None:
    assert keys.soundex(left) == keys.soundex(right)


@given(names)
def test_soundex_shape(name: str) -> None:
    code = keys.soundex(name)
    if keys.normalise_name(name):
        assert len(code) == 4
        assert code[0] in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        assert code[1:].isdigit()
    else:
        assert code == ""


def test_first_given_name() -> None:
    assert keys.first_given_name("  Mary-Jane Smith") == "mary"
    assert keys.first_given_name("") == ""


# Nicknames -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [("liz", "elizabeth"), ("elizabeth", "liz"), ("beth", "libby"), ("mo", "mohammed")],
)
def test_nickname_variants(left: str, right: str) -> None:
    assert keys.are_nickname_variants(left, right)


@pytest.mark.parametrize(("left", "right"), [("liz", "katherine"), ("zed", "zed"), ("", "")])
def test_not_nickname_variants(left: str, right: str) -> None:
    assert not keys.are_nickname_variants(left, right)


# Jaro–Winkler ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("martha", "marhta", 0.9611),
        ("dwayne", "duane", 0.84),
        ("dixon", "dicksonx", 0.8133),
        ("ashdown", "ashdwon", 0.9714),
        ("abc", "xyz", 0.0),
        ("", "abc", 0.0),
    ],
)
def test_jaro_winkler_known_values(left: str, right: str, expected: float) -> None:
    assert keys.jaro_winkler(left, right) == pytest.approx(expected, abs=1e-4)


@given(names, names)
def test_jaro_winkler_is_symmetric_and_bounded(left: str, right: str) -> None:
    similarity = keys.jaro_winkler(left, right)
    assert similarity == pytest.approx(keys.jaro_winkler(right, left), abs=1e-12)
    assert 0.0 <= similarity <= 1.0


@given(names.filter(bool))
def test_jaro_winkler_is_one_on_equal(name: str) -> None:
    assert keys.jaro_winkler(name, name) == 1.0


@given(names, names)
def test_jaro_winkler_is_below_one_when_different(left: str, right: str) -> None:
    if left != right:
        assert keys.jaro_winkler(left, right) < 1.0


# Date variants ---------------------------------------------------------------------------

dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


@given(dates)
def test_date_variants_never_contain_the_date(day: datetime.date) -> None:
    assert day not in keys.date_variants(day)


@given(dates)
def test_date_variants_are_all_real_dates(day: datetime.date) -> None:
    variants = keys.date_variants(day)
    assert all(type(variant) is datetime.date for variant in variants)
    # At most six slips: day/month swapped, day digits, month digits, year digits, year +/- 1.
    assert len(variants) <= 6


@given(dates)
def test_date_variants_include_the_neighbouring_years(day: datetime.date) -> None:
    variants = keys.date_variants(day)
    if (day.month, day.day) != (2, 29):
        assert day.replace(year=day.year - 1) in variants
        assert day.replace(year=day.year + 1) in variants


@given(dates)
def test_date_variants_include_day_and_month_swapped(day: datetime.date) -> None:
    if day.day <= 12 and day.day != day.month:
        assert datetime.date(day.year, day.day, day.month) in keys.date_variants(day)


@pytest.mark.parametrize(
    ("entered", "variant"),
    [
        (datetime.date(2011, 3, 7), datetime.date(2011, 7, 3)),  # day and month swapped
        (datetime.date(2011, 3, 21), datetime.date(2011, 3, 12)),  # day digits swapped
        (datetime.date(2011, 1, 5), datetime.date(2011, 10, 5)),  # month digits swapped
        (datetime.date(2021, 3, 27), datetime.date(2012, 3, 27)),  # year digits swapped
        (datetime.date(2011, 3, 27), datetime.date(2010, 3, 27)),  # year one out
    ],
)
def test_date_variants_examples(entered: datetime.date, variant: datetime.date) -> None:
    assert variant in keys.date_variants(entered)


def test_date_variants_skip_impossible_dates() -> None:
    # 31 March: swapping day and month (31/3 -> 3/31) or the day digits (13) is impossible or
    # leaves a real date only where one exists.
    variants = keys.date_variants(datetime.date(2011, 3, 31))
    assert variants == {
        datetime.date(2011, 3, 13),
        datetime.date(2010, 3, 31),
        datetime.date(2012, 3, 31),
    }


# Postcodes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("SW1A 1AA", "SW1A"), ("sw1a1aa", "SW1A"), ("M1 1AE", "M1"), ("AB", "AB")],
)
def test_postcode_district(postcode: str, district: str) -> None:
    assert keys.postcode_district(postcode) == district


# Nickname families, partial dates, identifiers -------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [("charlie", "charlotte"), ("charles", "charlie"), ("liz", "beth"), ("sam", "samuel")],
)
def test_nickname_families_share_a_canon(left: str, right: str) -> None:
    assert keys.nickname_canon(left) == keys.nickname_canon(right)


def test_nickname_canon_of_unknown_name_is_itself() -> None:
    assert keys.nickname_canon("zed") == "zed"
    assert keys.nickname_canon("amelia") != keys.nickname_canon("olivia")


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("2011-04-09", "2011-04-09"),
        ("2011-4-9", "2011-04-09"),
        ("09/04/2011", "2011-04-09"),
        ("2011-04", "2011-04"),
        ("2011", "2011"),
        ("", ""),
        (datetime.date(2011, 4, 9), "2011-04-09"),
    ],
)
def test_normalise_partial_date(typed: str | datetime.date, normal: str) -> None:
    assert keys.normalise_partial_date(typed) == normal


@pytest.mark.parametrize("typed", ["2011-02-30", "2011-13", "tomorrow", "11-04-2011"])
def test_unreadable_dates(typed: str) -> None:
    with pytest.raises(ValueError, match=r"2011|tomorrow"):
        keys.normalise_partial_date(typed)


def test_identifiers_and_postcodes_normalised() -> None:
    assert keys.normalise_identifier("bed/2024/0042") == "BED20240042"
    assert keys.normalise_postcode(" lu1 3ab") == "LU13AB"
    assert keys.normalise_address("Flat 2, 12 Mill Street") == "2 12 mill st"
