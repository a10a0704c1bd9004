"""Deterministic synthetic children's records, with the truth about who is who.

Households of one to four children (siblings a few years apart, some twins) share a surname
(sometimes double-barrelled) and an address. Each child is held by one to four agencies, each
writing the child down its own way: nicknames, typing slips, a double surname cut to one part or
written with a space, first and last names swapped, a date of birth with day and month swapped or
two digits swapped or only the year and month, an old address, and only the identifiers that
agency holds (health the NHS number, schools the UPN, police their reference, the council its
own). Used to train the shipped model, to test it, and by the benchmarks. No Django.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, replace

from faker.providers.address.en_GB import Provider as AddressProvider
from faker.providers.person.en_GB import Provider as PersonProvider

from harbour.matching.keys import _NICKNAMES
from harbour.matching.records import PersonRecord

FEMALE_NAMES: tuple[str, ...] = tuple(PersonProvider.first_names_female)
MALE_NAMES: tuple[str, ...] = tuple(PersonProvider.first_names_male)
SURNAMES: tuple[str, ...] = tuple(PersonProvider.last_names)
_STREETS: tuple[str, ...] = tuple(PersonProvider.last_names)[100:300]
_STREET_ENDINGS = ("Street", "Road", "Avenue", "Lane", "Close", "Drive", "Gardens", "Crescent")
_POSTCODE_AREAS = ("NB", "SV", "EW", "HX", "QK")
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
AGENCIES: tuple[str, ...] = (
    "Northbrook CSC",
    "Northbrook Police",
    "Northbrook Health",
    "Northbrook Schools",
    "Harbour Youth Charity",
)
_ = AddressProvider  # Faker's en_GB address provider is the source of street-name style


@dataclass(frozen=True)
class SyntheticRecord:
    """A record and the truth: which child (``child_id``) in which household."""

    record: PersonRecord
    child_id: int
    household_id: int


@dataclass
class _Child:
    child_id: int
    household_id: int
    first: str
    middle: str
    surname: str
    sex: str
    born: datetime.date
    postcode: str
    address: str
    old_postcode: str
    old_address: str
    nhs: str
    upn: str
    police: str
    council: str


def _postcode(rng: random.Random) -> str:
    area = rng.choice(_POSTCODE_AREAS)
    return (
        f"{area}{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice(_INWARD)}{rng.choice(_INWARD)}"
    )


def _address(rng: random.Random) -> str:
    return f"{rng.randint(1, 240)} {rng.choice(_STREETS)} {rng.choice(_STREET_ENDINGS)}"


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.random()
    if kind < 0.4:  # two letters swapped
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind < 0.7:  # a letter dropped
        return name[:i] + name[i + 1 :]
    return name[:i] + rng.choice("aeiourstnl") + name[i + 1 :]  # a letter replaced


def _nickname(name: str, rng: random.Random) -> str | None:
    variants = sorted(_NICKNAMES.get(name.lower(), set()) - {name.lower()})
    return rng.choice(variants).capitalize() if variants else None


def _mistyped_date(born: datetime.date, rng: random.Random) -> str:
    kind = rng.random()
    try:
        if kind < 0.35 and born.day <= 12 and born.day != born.month:
            return datetime.date(born.year, born.day, born.month).isoformat()
        if kind < 0.7:
            text = born.isoformat()
            i = rng.choice((2, 8))
            swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            if swapped != text:
                return datetime.date.fromisoformat(swapped).isoformat()
        if kind < 0.85:
            return born.isoformat()[:7]
        return born.isoformat()[:4]
    except ValueError:
        return born.isoformat()[:7]


def _household_children(
    rng: random.Random, household_id: int, next_child: int, today: datetime.date
) -> list[_Child]:
    roll = rng.random()
    count = 1 if roll < 0.4 else 2 if roll < 0.75 else 3 if roll < 0.92 else 4
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.12:
        other = rng.choice(SURNAMES)
        if other != surname:
            surname = f"{surname}-{other}"
    postcode, address = _postcode(rng), _address(rng)
    old_postcode, old_address = _postcode(rng), _address(rng)
    eldest_age_days = rng.randint(365 * 4, 365 * 18)
    born = today - datetime.timedelta(days=eldest_age_days)
    children: list[_Child] = []
    twins_at = rng.randrange(count - 1) if count > 1 and rng.random() < 0.08 else -1
    used: set[str] = set()
    for index in range(count):
        if index > 0 and index - 1 != twins_at:
            born = born + datetime.timedelta(days=rng.randint(330, 365 * 5))
            if born > today - datetime.timedelta(days=30):
                break  # no younger children yet
        sex = rng.choice(("female", "male"))
        names = FEMALE_NAMES if sex == "female" else MALE_NAMES
        first = rng.choice(names)
        while first in used:
            first = rng.choice(names)
        used.add(first)
        children.append(
            _Child(
                child_id=next_child + index,
                household_id=household_id,
                first=first,
                middle=rng.choice(names),
                surname=surname,
                sex=sex,
                born=born,
                postcode=postcode,
                address=address,
                old_postcode=old_postcode,
                old_address=old_address,
                nhs=f"999{rng.randrange(10**7):07d}",
                upn=f"{rng.choice('ABHKNPT')}{rng.randrange(10**12):012d}",
                police=f"NB/{rng.randint(2015, 2025)}/{rng.randrange(100000):05d}",
                council=f"LA-{rng.randrange(10**6):06d}",
            )
        )
    return children


def _new_reference(reference: str, rng: random.Random) -> str:
    """The reference an agency gives a child it did not find: same shape, other digits."""
    return "".join(rng.choice("0123456789") if char.isdigit() else char for char in reference)


def _slip(identifier: str, rng: random.Random) -> str:
    """One digit mistyped."""
    if len(identifier) < 4:
        return identifier
    i = rng.randrange(3, len(identifier))
    return (
        identifier[:i]
        + str((int(identifier[i]) + 1) % 10 if identifier[i].isdigit() else 0)
        + identifier[i + 1 :]
    )


def _record(
    child: _Child,
    agency: str,
    record_id: str,
    rng: random.Random,
    *,
    clean: bool,
    same_agency_again: bool = False,
) -> PersonRecord:
    first, surname = child.first, child.surname
    first_names = f"{first} {child.middle}" if rng.random() < 0.3 else first
    date_of_birth = child.born.isoformat()
    postcode, address = child.postcode, child.address
    if not clean:
        roll = rng.random()
        if roll < 0.15:
            first_names = _nickname(first, rng) or first_names
        elif roll < 0.23:
            first_names = _typo(first, rng)
        elif roll < 0.25:
            first_names = child.middle + " " + first
        roll = rng.random()
        if "-" in surname and roll < 0.4:
            parts = surname.split("-")
            surname = rng.choice((parts[0], parts[1], " ".join(parts)))
        elif roll < 0.08:
            surname = _typo(surname, rng)
        if rng.random() < 0.03:
            first_names, surname = surname, first
        roll = rng.random()
        if roll < 0.12:
            date_of_birth = _mistyped_date(child.born, rng)
        elif roll < 0.15:
            date_of_birth = ""
        roll = rng.random()
        if roll < 0.15:
            postcode, address = child.old_postcode, child.old_address
        elif roll < 0.25:
            postcode, address = "", ""
        elif roll < 0.3:
            address = address.replace("Street", "St").replace("Road", "Rd")
        elif roll < 0.33:
            postcode = ""
        roll = rng.random()
        if address and roll < 0.04:
            number, rest = address.split(" ", 1)
            address = f"Flat {rng.randint(1, 9)}, {number} {rest}" if roll < 0.02 else rest
    sex = child.sex if rng.random() < 0.95 else ""
    nhs = upn = police = council = ""
    if agency.endswith("Health"):
        nhs = child.nhs
    elif agency.endswith("Schools"):
        upn = child.upn
        nhs = child.nhs if rng.random() < 0.2 else ""
        council = child.council if rng.random() < 0.15 else ""
    elif agency.endswith("Police"):
        police = child.police if not same_agency_again else _new_reference(child.police, rng)
        council = child.council if rng.random() < 0.2 else ""
    elif agency.endswith("CSC"):
        council = child.council if not same_agency_again else _new_reference(child.council, rng)
        nhs = child.nhs if rng.random() < 0.5 else ""
        upn = child.upn if rng.random() < 0.3 else ""
        police = child.police if rng.random() < 0.2 else ""
    else:
        council = child.council if rng.random() < 0.2 else ""
    if not clean and rng.random() < 0.03:
        nhs = _slip(nhs, rng)
    if not clean and rng.random() < 0.03:
        upn = _slip(upn, rng)
    return PersonRecord(
        record_id=record_id,
        first_names=first_names,
        last_name=surname,
        date_of_birth=date_of_birth,
        sex=sex,
        postcode=postcode,
        address_line_1=address,
        nhs_number=nhs,
        upn=upn,
        police_ref=police,
        council_ref=council,
        agency=agency,
    )


def synthetic_children(
    *, children: int, seed: int, today: datetime.date = datetime.date(2026, 1, 1)
) -> list[SyntheticRecord]:
    """About ``children`` children's records (1.9 records per child on average), deterministic."""
    rng = random.Random(seed)
    out: list[SyntheticRecord] = []
    made = 0
    household = 0
    while made < children:
        household += 1
        for child in _household_children(rng, household, made, today):
            made += 1
            roll = rng.random()
            copies = 1 if roll < 0.45 else 2 if roll < 0.8 else 3 if roll < 0.95 else 4
            agencies = rng.sample(AGENCIES, copies)
            if copies > 1 and rng.random() < 0.05:  # held twice by one agency
                agencies[-1] = agencies[0]
            for number, agency in enumerate(agencies):
                record = _record(
                    child,
                    agency,
                    f"S{seed}-{child.child_id}-{number}",
                    rng,
                    clean=number == 0,
                    same_agency_again=agency in agencies[:number],
                )
                out.append(SyntheticRecord(record, child.child_id, child.household_id))
    return out


def synthetic_persons(*, count: int, seed: int) -> list[PersonRecord]:
    """``count`` records for a large register (benchmarks): the same generator, ids ``P…``."""
    records = synthetic_children(children=int(count / 1.9) + 10, seed=seed)[:count]
    return [replace(item.record, record_id=f"P{i}") for i, item in enumerate(records)]


def true_pairs(records: list[SyntheticRecord]) -> set[tuple[str, str]]:
    """Every pair of record ids of the same child, each as (smaller, larger)."""
    by_child: dict[int, list[str]] = {}
    for item in records:
        by_child.setdefault(item.child_id, []).append(item.record.record_id)
    pairs: set[tuple[str, str]] = set()
    for ids in by_child.values():
        for i, left in enumerate(ids):
            for right in ids[i + 1 :]:
                pairs.add((min(left, right), max(left, right)))
    return pairs


#: The shipped default model is trained on this synthetic register.
DEFAULT_TRAINING = {"children": 10_000, "seed": 1}


def train_default_model() -> (
    None
):  # pragma: no cover - run by hand: python -m harbour.matching.synthetic
    """Retrain the shipped default model (``harbour/matching/trained/person-model.v1.json``)."""
    from harbour.matching.features import features_frame, records_frame
    from harbour.matching.model import SHIPPED_DIR, train

    records = synthetic_children(
        children=DEFAULT_TRAINING["children"], seed=DEFAULT_TRAINING["seed"]
    )
    frame = features_frame(records_frame(item.record for item in records))
    model = train(
        frame,
        source=(
            f"synthetic children's records (harbour.matching.synthetic, "
            f"{DEFAULT_TRAINING['children']} children, seed {DEFAULT_TRAINING['seed']})"
        ),
        version=1,
    )
    print(model.save(SHIPPED_DIR))


if __name__ == "__main__":  # pragma: no cover
    train_default_model()
