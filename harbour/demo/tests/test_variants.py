"""The pure pieces: identifiers with check digits, the ways agencies get a name or date wrong."""

from __future__ import annotations

import datetime
import random
import re

import pytest

from harbour.demo.people import (
    agency_version,
    hyphen_version,
    mc_mac,
    misspell,
    mistyped_date,
    nhs_check_digit,
    plan_population,
    upn_for,
)
from harbour.demo.referrals import ReferenceMaker
from harbour.matching.keys import date_variants
from harbour.people.validators import nhs_number_is_valid, validate_upn


def test_nhs_check_digit_agrees_with_the_validator():
    rng = random.Random(1)
    made = 0
    for _ in range(2000):
        nine = f"999{rng.randrange(1_000_000):06d}"
        check = nhs_check_digit(nine)
        if check is None:
            assert not any(nhs_number_is_valid(f"{nine}{digit}") for digit in range(10))
            continue
        made += 1
        assert nhs_number_is_valid(f"{nine}{check}")
        assert not nhs_number_is_valid(f"{nine}{(check + 1) % 10}")
    assert made > 1500


def test_upns_have_the_right_check_letter():
    rng = random.Random(2)
    for _ in range(500):
        validate_upn(
            upn_for(971 + rng.randrange(3), 2000 + rng.randrange(1000), 2012, rng.randrange(1000))
        )


@pytest.mark.parametrize("name", ["Bennett", "Phillips", "Jackson", "Ali", "O'Neill", "Lee"])
def test_misspell_changes_the_name_a_little(name):
    rng = random.Random(name)
    for _ in range(50):
        typo = misspell(name, rng)
        assert typo != name
        assert typo
        assert abs(len(typo) - len(name)) <= 1
        assert typo[0] == name[0]
        assert not re.search(r"(.)\1\1", typo.lower())  # never a letter three times


def test_mc_mac_and_hyphens():
    assert mc_mac("McDonald") == "MacDonald"
    assert mc_mac("Macdonald") == "McDonald"
    assert mc_mac("Smith") is None
    rng = random.Random(3)
    assert hyphen_version("Smith", rng) is None
    assert {hyphen_version("Harris-Scott", rng) for _ in range(40)} == {
        "Harris Scott",
        "Harrisscott",
        "Harris",
        "Scott",
    }


def test_agency_versions_differ_from_the_name():
    rng = random.Random(4)
    for first, last in [("Elizabeth", "McLean"), ("Jade", "Harris-Scott"), ("Tom", "Smith")]:
        for _ in range(30):
            assert agency_version(first, last, rng) != (first, last)


def test_mistyped_dates_are_the_usual_mistakes():
    rng = random.Random(5)
    for day in [
        datetime.date(2011, 3, 12),
        datetime.date(2010, 12, 31),
        datetime.date(2012, 2, 29),
        datetime.date(2009, 1, 1),
    ]:
        for _ in range(30):
            wrong = mistyped_date(day, rng)
            assert wrong != day
            if (day.month, day.day) == (2, 29):
                assert wrong == datetime.date(day.year, 2, 28)
            else:
                assert wrong in date_variants(day)  # what the matcher knows to look for


def test_references_are_unique_and_deterministic():
    first = ReferenceMaker(random.Random(6))
    again = ReferenceMaker(random.Random(6))
    references = [first.next() for _ in range(20_000)]
    assert references == [again.next() for _ in range(20_000)]
    assert len(set(references)) == len(references)
    assert all(len(r) == 13 and r.startswith("HBR-") and r[8] == "-" for r in references)


def test_plan_gives_each_area_its_exact_share_of_referrals():
    plan = plan_population(persons=100, referrals=150, seed=7)
    assert plan.size == 100
    assert sum(plan.referral_counts) == 150
    per_area = [0, 0, 0]
    for index in range(plan.size):
        assert plan.kinds[index] or plan.referral_counts[index] == 0  # only children are referred
        per_area[plan.areas[index]] += plan.referral_counts[index]
    assert per_area[0] > per_area[1] + per_area[2]
