"""Synthetic persons: mostly children, some adults, with what each agency holds about them.

Names come from Faker's ``en_GB`` provider, seeded; addresses, postcodes and identifiers are
invented but valid in form (NHS numbers in the 999 range NHS England keeps for test data, unique
pupil numbers under unallocated local authority numbers, postcodes in invented postcode areas).

What makes the data useful for matching:

- about 15% of children are known to two or three agencies under different versions of their
  name ("agency spelling" aliases: a surname typo, Mc/Mac, a dropped hyphen, a nickname, first and
  last names swapped) and sometimes a mistyped date of birth;
- some different children share a name (near-namesakes, different dates of birth), siblings and
  twins share a surname and an address, parents share an address with a child.
"""

from __future__ import annotations

import array
import datetime
import random
from collections import deque
from dataclasses import dataclass, field

from faker import Faker

from harbour.accounts.models import Agency
from harbour.core.models import BaseModel
from harbour.demo.partnership import (
    AREA_CODES,
    AREAS,
    OUTSIDE_PLACING_AUTHORITIES,
    Partnership,
    new_uuid,
)
from harbour.people.models import (
    Address,
    Alias,
    AliasKind,
    DateOfBirthPrecision,
    Ethnicity,
    Identifier,
    IdentifierKind,
    Involvement,
    InvolvementKind,
    Person,
    PersonKind,
    SendStatus,
    Sex,
    YesNoNotKnown,
)
from harbour.people.validators import upn_check_letter

CHILD_SHARE = 0.85
#: Share of persons living in each area, in ``AREA_CODES`` order.
PERSON_AREA_WEIGHTS = (0.55, 0.225, 0.225)
#: Share of children with at least one referral (the rest are known only through records).
REFERRED_SHARE = 0.9
#: Share of children known to other agencies under another version of their name.
DUPLICATE_VERSION_SHARE = 0.15
LOOKED_AFTER_SHARE = 0.35

#: Given names and the short forms agencies record instead (both ways are common).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abigail": ("Abby", "Abbie"),
    "alexandra": ("Alex", "Lexi"),
    "alexander": ("Alex", "Alfie"),
    "amelia": ("Millie", "Amy"),
    "andrew": ("Andy", "Drew"),
    "anthony": ("Tony", "Ant"),
    "bethany": ("Beth",),
    "benjamin": ("Ben",),
    "catherine": ("Cath", "Kate", "Katie"),
    "charlotte": ("Lottie", "Charlie"),
    "christopher": ("Chris",),
    "daniel": ("Dan", "Danny"),
    "danielle": ("Dani",),
    "elizabeth": ("Liz", "Lizzie", "Beth", "Libby"),
    "eleanor": ("Ellie", "Nell"),
    "emily": ("Em", "Emmy"),
    "gemma": ("Gem",),
    "james": ("Jamie", "Jim"),
    "jennifer": ("Jen", "Jenny"),
    "jessica": ("Jess", "Jessie"),
    "jonathan": ("Jon", "Jonny"),
    "joseph": ("Joe", "Joey"),
    "joshua": ("Josh",),
    "katherine": ("Kate", "Katie", "Kath"),
    "kathleen": ("Kath", "Kathy"),
    "margaret": ("Maggie", "Meg"),
    "matthew": ("Matt",),
    "megan": ("Meg",),
    "michael": ("Mike", "Mikey"),
    "natasha": ("Tasha",),
    "nicholas": ("Nick", "Nicky"),
    "nicola": ("Nicky", "Nikki"),
    "olivia": ("Liv", "Livvy"),
    "rebecca": ("Becky", "Becca"),
    "richard": ("Rich", "Ricky"),
    "robert": ("Rob", "Robbie"),
    "samantha": ("Sam", "Sammy"),
    "samuel": ("Sam", "Sammy"),
    "stephanie": ("Steph",),
    "stephen": ("Steve",),
    "thomas": ("Tom", "Tommy"),
    "timothy": ("Tim",),
    "victoria": ("Vicky", "Tori"),
    "william": ("Will", "Billy"),
    "zachary": ("Zach",),
}

#: Spellings of the same name that agencies mix up.
_SPELLING_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Thompson", "Thomson", "Tomson"),
    ("Phillips", "Philips"),
    ("Stephens", "Stevens"),
    ("Stephenson", "Stevenson"),
    ("Clarke", "Clark"),
    ("Reid", "Reed", "Read"),
    ("Gray", "Grey"),
    ("Matthews", "Mathews"),
    ("Davies", "Davis"),
    ("Lloyd", "Loyd"),
    ("Byrne", "Burns"),
    ("Smith", "Smyth"),
    ("Catherine", "Katherine", "Kathryn"),
    ("Stephen", "Steven"),
    ("Sophie", "Sophia", "Sofie"),
    ("Megan", "Meghan"),
    ("Leah", "Lea"),
    ("Jade", "Jayde"),
    ("Hayley", "Haley", "Hailey"),
    ("Natalie", "Nathalie"),
    ("Stephanie", "Stefanie"),
    ("Carl", "Karl"),
    ("Connor", "Conor"),
    ("Lewis", "Louis"),
    ("Geoffrey", "Jeffrey"),
    ("Philip", "Phillip"),
    ("Leanne", "Lianne"),
    ("Nicola", "Nichola"),
    ("Rachel", "Rachael"),
    ("Jamie", "Jaime"),
)
SPELLINGS: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group if other != name)
    for group in _SPELLING_GROUPS
    for name in group
}

_STREET_ENDINGS = (
    "Road",
    "Street",
    "Close",
    "Avenue",
    "Lane",
    "Drive",
    "Way",
    "Crescent",
    "Grove",
    "Gardens",
    "Terrace",
    "Place",
    "Court",
    "Walk",
    "Rise",
    "Mews",
)
_BUILDINGS = ("House", "Court", "Heights", "Lodge", "Tower")
#: The inward code's letters: [ABD-HJLNP-UW-Z] (no C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

#: Age (on the seeding day) of children known to the partnership, and their weight.
_CHILD_AGES = (
    (10, 2),
    (11, 3),
    (12, 6),
    (13, 10),
    (14, 14),
    (15, 17),
    (16, 17),
    (17, 15),
    (18, 10),
    (19, 6),
)

#: An exploited cohort in an English partnership: not the census, but close to it.
_ETHNICITIES = (
    (Ethnicity.WHITE_BRITISH, 60),
    (Ethnicity.WHITE_IRISH, 1),
    (Ethnicity.WHITE_GYPSY_TRAVELLER, 1),
    (Ethnicity.WHITE_ROMA, 1),
    (Ethnicity.WHITE_OTHER, 5),
    (Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN, 5),
    (Ethnicity.MIXED_WHITE_BLACK_AFRICAN, 2),
    (Ethnicity.MIXED_WHITE_ASIAN, 2),
    (Ethnicity.MIXED_OTHER, 2),
    (Ethnicity.ASIAN_PAKISTANI, 4),
    (Ethnicity.ASIAN_INDIAN, 2),
    (Ethnicity.ASIAN_BANGLADESHI, 1),
    (Ethnicity.ASIAN_CHINESE, 0.5),
    (Ethnicity.ASIAN_OTHER, 1.5),
    (Ethnicity.BLACK_AFRICAN, 3),
    (Ethnicity.BLACK_CARIBBEAN, 2),
    (Ethnicity.BLACK_OTHER, 1),
    (Ethnicity.OTHER_ARAB, 1),
    (Ethnicity.OTHER_ANY, 1.5),
    (Ethnicity.NOT_STATED, 2),
    (Ethnicity.NOT_KNOWN, 2.5),
)

#: First languages other than English, by ethnic group, with the share not speaking English first.
_LANGUAGES: dict[str, tuple[float, tuple[str, ...]]] = {
    Ethnicity.WHITE_OTHER: (0.6, ("Polish", "Romanian", "Lithuanian", "Portuguese", "Albanian")),
    Ethnicity.WHITE_ROMA: (0.7, ("Romani", "Romanian", "Slovak")),
    Ethnicity.ASIAN_PAKISTANI: (0.3, ("Urdu", "Punjabi")),
    Ethnicity.ASIAN_INDIAN: (0.25, ("Gujarati", "Punjabi", "Tamil")),
    Ethnicity.ASIAN_BANGLADESHI: (0.35, ("Bengali", "Sylheti")),
    Ethnicity.ASIAN_CHINESE: (0.3, ("Cantonese", "Mandarin")),
    Ethnicity.ASIAN_OTHER: (0.5, ("Vietnamese", "Tamil", "Pashto")),
    Ethnicity.BLACK_AFRICAN: (0.35, ("Somali", "Tigrinya", "Yoruba", "Arabic")),
    Ethnicity.OTHER_ARAB: (0.6, ("Arabic",)),
    Ethnicity.OTHER_ANY: (0.5, ("Kurdish", "Farsi", "Arabic", "Pashto")),
}


def pick[T](rng: random.Random, table: tuple[tuple[T, float], ...]) -> T:
    """One value from a table of (value, weight)."""
    return rng.choices([value for value, _ in table], weights=[w for _, w in table])[0]


# --- versions of a name and a date --------------------------------------------------------------

_VOWELS = "aeiou"


def misspell(name: str, rng: random.Random) -> str:
    """One typing or hearing slip: a letter doubled or dropped, two swapped, a vowel, ph/f, ck/k."""
    if len(name) < 3:
        return name + name[-1].lower()
    lower = name.lower()
    options: list[str] = []
    for i in range(1, len(name) - 1):
        if lower[i] == lower[i + 1]:
            options.append(name[: i + 1] + name[i + 2 :])  # Bennett -> Benett
            break
    for old, new in (("ph", "f"), ("ck", "k"), ("ie", "y"), ("y", "ie"), ("ey", "y"), ("ou", "ow")):
        position = lower.find(old, 1)
        if position > 0:
            options.append(name[:position] + new + name[position + len(old) :])
    i = rng.randrange(1, len(name) - 1)
    if name[i].isalpha() and name[i + 1].isalpha() and lower[i] != lower[i + 1]:
        options.append(name[:i] + name[i + 1] + name[i] + name[i + 2 :])  # adjacent letters swapped
    vowel_positions = [i for i in range(1, len(name)) if lower[i] in _VOWELS]
    if vowel_positions:
        i = rng.choice(vowel_positions)
        options.append(name[:i] + rng.choice([v for v in _VOWELS if v != lower[i]]) + name[i + 1 :])
    consonants = [
        i
        for i in range(1, len(name))
        if lower[i].isalpha()
        and lower[i] not in _VOWELS
        and lower[i - 1] != lower[i]
        and lower[i + 1 : i + 2] != lower[i]
    ]
    if consonants:
        i = rng.choice(consonants)
        options.append(name[: i + 1] + lower[i] + name[i + 1 :])  # a doubled consonant
    options = [option for option in options if option != name and option]
    return rng.choice(options) if options else name[:-1]


def mc_mac(name: str) -> str | None:
    if name.startswith("Mac") and len(name) > 3:
        return "Mc" + name[3].upper() + name[4:]
    if name.startswith("Mc") and len(name) > 2:
        return "Mac" + name[2:]
    return None


def hyphen_version(name: str, rng: random.Random) -> str | None:
    if "-" not in name:
        return None
    first, second = name.split("-", 1)
    return rng.choice([f"{first} {second}", f"{first}{second.lower()}", first, second])


def nickname_of(first_name: str, rng: random.Random) -> str | None:
    options = NICKNAMES.get(first_name.lower())
    return rng.choice(options) if options else None


def mistyped_date(day: datetime.date, rng: random.Random) -> datetime.date:
    """A date of birth as another agency mistyped it: day and month swapped, digits swapped..."""
    candidates: list[tuple[int, int, int, float]] = [
        (day.year, day.day, day.month, 45),
        (day.year, day.month, int(f"{day.day:02d}"[::-1]), 20),
        (day.year, int(f"{day.month:02d}"[::-1]), day.day, 8),
        (
            int(f"{day.year:04d}"[:2] + f"{day.year:04d}"[3] + f"{day.year:04d}"[2]),
            day.month,
            day.day,
            7,
        ),
        (day.year + 1, day.month, day.day, 10),
        (day.year - 1, day.month, day.day, 10),
    ]
    valid: list[tuple[datetime.date, float]] = []
    for year, month, dom, weight in candidates:
        try:
            candidate = datetime.date(year, month, dom)
        except ValueError:
            continue
        if candidate != day:
            valid.append((candidate, weight))
    if not valid:  # only 29 February has no such slip: it is typed as the 28th
        return day - datetime.timedelta(days=1)
    return rng.choices([d for d, _ in valid], weights=[w for _, w in valid])[0]


def agency_version(first_name: str, last_name: str, rng: random.Random) -> tuple[str, str]:
    """The child's name as another agency recorded it."""
    options: list[tuple[str, float]] = [("surname_typo", 30), ("swapped", 7), ("first_typo", 10)]
    if first_name.lower() in NICKNAMES:
        options.append(("nickname", 25))
    if first_name in SPELLINGS or last_name in SPELLINGS:
        options.append(("spelling", 15))
    if mc_mac(last_name):
        options.append(("mc_mac", 20))
    if "-" in last_name:
        options.append(("hyphen", 25))
    kind = pick(rng, tuple(options))
    if kind == "nickname":
        return nickname_of(first_name, rng) or first_name, last_name
    if kind == "spelling":
        if last_name in SPELLINGS and (first_name not in SPELLINGS or rng.random() < 0.6):
            return first_name, rng.choice(SPELLINGS[last_name])
        return rng.choice(SPELLINGS[first_name]), last_name
    if kind == "mc_mac":
        return first_name, mc_mac(last_name) or last_name
    if kind == "hyphen":
        return first_name, hyphen_version(last_name, rng) or last_name
    if kind == "swapped":
        return last_name, first_name
    if kind == "first_typo":
        return misspell(first_name, rng), last_name
    return first_name, misspell(last_name, rng)


# --- NHS numbers and unique pupil numbers -------------------------------------------------------


def nhs_check_digit(nine_digits: str) -> int | None:
    """The modulus 11 check digit, or None when there is none (a remainder giving 10)."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def upn_for(la_number: int, establishment: int, year: int, serial: int) -> str:
    rest = f"{la_number:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(rest) + rest


# --- the population plan -------------------------------------------------------------------------


@dataclass
class PopulationPlan:
    """Who is a child, where everyone lives, and how many referrals each child has.

    Compact arrays, so 200,000 persons cost a few megabytes. Each area's referral count is
    exact (its ``referral_share`` of the total), so the busiest borough is busiest at any scale.
    """

    kinds: bytearray  # 1 for a child
    areas: bytearray  # index into AREA_CODES
    referral_counts: array.array[int]

    @property
    def size(self) -> int:
        return len(self.kinds)


def plan_population(*, persons: int, referrals: int, seed: int) -> PopulationPlan:
    rng = random.Random(f"harbour-demo:{seed}:plan")
    kinds = bytearray(1 if rng.random() < CHILD_SHARE else 0 for _ in range(persons))
    area_indexes = list(range(len(AREA_CODES)))
    areas = bytearray(rng.choices(area_indexes, weights=PERSON_AREA_WEIGHTS, k=persons))
    for area_index in area_indexes:  # every area has children, however small the scale
        if not any(kinds[i] and areas[i] == area_index for i in range(persons)):
            spot = area_index % persons
            kinds[spot], areas[spot] = 1, area_index
    counts = array.array("I", bytes(4 * persons))
    quotas = [round(referrals * area.referral_share) for area in AREAS]
    quotas[0] = referrals - sum(quotas[1:])
    for area_index, quota in enumerate(quotas):
        children = [i for i in range(persons) if kinds[i] and areas[i] == area_index]
        referred = [i for i in children if rng.random() < REFERRED_SHARE] or children
        if len(referred) > quota:
            referred = sorted(rng.sample(referred, quota))
        for i in referred:
            counts[i] = 1
        remaining = quota - len(referred)
        if remaining > 0 and referred:
            # Repeat referrals: a few children are referred again and again.
            weights = [min(rng.lognormvariate(0.0, 0.8), 12.0) for _ in referred]
            for i in rng.choices(referred, weights=weights, k=remaining):
                counts[i] += 1
    return PopulationPlan(kinds=kinds, areas=areas, referral_counts=counts)


# --- persons -------------------------------------------------------------------------------------


@dataclass
class AgencyVersion:
    """How one agency holds the child: its spelling and its date of birth."""

    agency: Agency
    first_names: str
    last_name: str
    date_of_birth: datetime.date | None


@dataclass
class PersonRecord:
    """One person and everything held about them, ready to save (and to refer)."""

    person: Person
    area_code: str
    first_name: str  # the first given name, as most agencies record it
    postcode: str
    #: The true date of birth, even when the record says "not known" or only approximately.
    born: datetime.date
    school: Agency | None = None
    nhs_number: str = ""
    upn: str = ""
    versions: list[AgencyVersion] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    referral_count: int = 0


@dataclass
class _Household:
    last_name: str
    line_1: str
    town: str
    postcode: str
    area_code: str
    date_of_birth: datetime.date | None
    first_names: str
    sex: str


class PeopleGenerator:
    """Makes one ``PersonRecord`` at a time, deterministically from the seed."""

    def __init__(self, *, partnership: Partnership, seed: int, now: datetime.datetime) -> None:
        self.partnership = partnership
        self.now = now
        self.today = now.date()
        self.rng = random.Random(f"harbour-demo:{seed}:people")
        self.fake = Faker("en_GB")
        self.fake.seed_instance(f"harbour-demo:{seed}:people")
        self.recent: dict[str, deque[_Household]] = {code: deque(maxlen=300) for code in AREA_CODES}
        self.recent_anywhere: deque[_Household] = deque(maxlen=300)
        self.used_nhs: set[str] = set()
        self.used_upn: set[str] = set()
        self.police_serial = 1000
        self.la_serial = dict.fromkeys(AREA_CODES, 10000)
        self.streets = {code: [self._street_name() for _ in range(120)] for code in AREA_CODES}

    # Small pieces ------------------------------------------------------------------------------

    def _street_name(self) -> str:
        return f"{self.fake.last_name()} {self.rng.choice(_STREET_ENDINGS)}"

    def _stamp(self, obj: BaseModel, when: datetime.datetime) -> None:
        obj.created_at = when
        obj.updated_at = when

    def postcode(self, area_code: str) -> tuple[str, str]:
        """An invented postcode in the area and its district's town."""
        spec = self.partnership.area_spec(area_code)
        district = self.rng.randrange(len(spec.district_towns))
        inward = (
            f"{self.rng.randrange(10)}{self.rng.choice(_INWARD_LETTERS)}"
            f"{self.rng.choice(_INWARD_LETTERS)}"
        )
        return f"{spec.postcode_area}{district + 1} {inward}", spec.district_towns[district]

    def address_line(self, area_code: str) -> str:
        street = self.rng.choice(self.streets[area_code])
        if self.rng.random() < 0.15:
            building = f"{street.split()[0]} {self.rng.choice(_BUILDINGS)}"
            return f"Flat {self.rng.randint(1, 48)}, {building}"
        return f"{self.rng.randint(1, 240)} {street}"

    def nhs_number(self) -> str:
        """A valid NHS number in the 999 range kept for test data: never a real patient's."""
        if len(self.used_nhs) > 850_000:  # the range holds about 909,000 valid numbers
            return ""
        while True:
            nine = f"999{self.rng.randrange(1_000_000):06d}"
            check = nhs_check_digit(nine)
            if check is None:
                continue
            number = f"{nine}{check}"
            if number not in self.used_nhs:
                self.used_nhs.add(number)
                return number

    def upn(self, area_code: str, date_of_birth: datetime.date | None) -> str:
        la_number = self.partnership.area_spec(area_code).la_number
        year = (date_of_birth.year + 5) if date_of_birth else self.today.year - 10
        while True:
            number = upn_for(
                la_number, 2000 + self.rng.randrange(1000), year, self.rng.randrange(1000)
            )
            if number not in self.used_upn:
                self.used_upn.add(number)
                return number

    def date_of_birth(self, age: int) -> datetime.date:
        latest = (
            self.today.replace(year=self.today.year - age)
            if not (self.today.month == 2 and self.today.day == 29)
            else datetime.date(self.today.year - age, 2, 28)
        )
        return latest - datetime.timedelta(days=self.rng.randrange(365))

    def first_name_for(self, sex: str) -> str:
        if sex == Sex.FEMALE:
            return self.fake.first_name_female()
        if sex == Sex.MALE:
            return self.fake.first_name_male()
        return self.fake.first_name()

    def surname(self) -> str:
        if self.rng.random() < 0.04:
            return f"{self.fake.last_name()}-{self.fake.last_name()}"
        return self.fake.last_name()

    def known_before(self, latest: datetime.datetime) -> datetime.datetime:
        """When an agency first recorded someone: between three years ago and ``latest``."""
        earliest = self.now - datetime.timedelta(days=3 * 365)
        span = max((latest - earliest).total_seconds(), 3600.0)
        return earliest + datetime.timedelta(seconds=self.rng.uniform(0, span))

    # Persons -----------------------------------------------------------------------------------

    def make(self, *, kind: int, area_index: int, referral_count: int) -> PersonRecord:
        area_code = AREA_CODES[area_index]
        record = self._child(area_code) if kind else self._adult(area_code)
        record.referral_count = referral_count
        record.person.refresh_search_keys()
        for alias in record.aliases:
            alias.refresh_search_keys()
        return record

    def _child(self, area_code: str) -> PersonRecord:
        rng, p = self.rng, self.partnership
        relation = rng.random()
        household: _Household | None = None
        namesake: _Household | None = None
        if relation < 0.03 and self.recent_anywhere:
            namesake = rng.choice(self.recent_anywhere)
        elif relation < 0.10 and self.recent[area_code]:
            household = rng.choice(self.recent[area_code])

        sex = (
            namesake.sex
            if namesake
            else pick(rng, ((Sex.FEMALE, 70), (Sex.MALE, 29), (Sex.NOT_KNOWN, 1)))
        )
        age = pick(rng, _CHILD_AGES)
        dob = self.date_of_birth(age)
        if namesake:
            first_name = namesake.first_names.split()[0]
            last_name = namesake.last_name
            while namesake.date_of_birth and abs((dob - namesake.date_of_birth).days) < 60:
                dob = self.date_of_birth(pick(rng, _CHILD_AGES))
        else:
            first_name = self.first_name_for(sex)
            last_name = household.last_name if household else self.surname()
            if household and household.date_of_birth:
                if rng.random() < 0.08:
                    dob = household.date_of_birth  # a twin
                else:
                    while abs((dob - household.date_of_birth).days) < 300:
                        dob = self.date_of_birth(pick(rng, _CHILD_AGES))
                while first_name == household.first_names.split()[0]:
                    first_name = self.first_name_for(sex)
        first_names = first_name
        if rng.random() < 0.3:
            first_names = f"{first_name} {self.first_name_for(sex)}"

        precision = pick(
            rng,
            (
                (DateOfBirthPrecision.EXACT, 92),
                (DateOfBirthPrecision.APPROXIMATE, 6),
                (DateOfBirthPrecision.UNKNOWN, 2),
            ),
        )
        date_of_birth: datetime.date | None = dob
        if precision == DateOfBirthPrecision.APPROXIMATE:
            date_of_birth = dob.replace(day=1)
        elif precision == DateOfBirthPrecision.UNKNOWN:
            date_of_birth = None

        ethnicity = pick(rng, _ETHNICITIES)
        share, languages = _LANGUAGES.get(ethnicity, (0.0, ()))
        first_language = rng.choice(languages) if languages and rng.random() < share else "English"
        looked_after = rng.random() < LOOKED_AFTER_SHARE
        placing = ""
        if looked_after:
            placing = (
                rng.choice(OUTSIDE_PLACING_AUTHORITIES)
                if rng.random() < 0.35
                else f"{p.area_spec(area_code).name} Council"
            )
        known_as = ""
        if rng.random() < 0.12:
            known_as = nickname_of(first_name, rng) or ""
        gender = ""
        if rng.random() < 0.015:
            gender = rng.choice(("Non-binary", "Trans boy", "Trans girl", "Questioning"))

        school: Agency | None = None
        if rng.random() < 0.9:
            school = rng.choices(
                p.schools(area_code), weights=[4, 3, 2, 1][: len(p.schools(area_code))]
            )[0]
        created_by = pick(
            rng,
            (
                (p.csc(area_code), 60),
                (p.police, 15),
                (school or p.csc(area_code), 15),
                (p.health(area_code), 10),
            ),
        )
        person = Person(
            id=new_uuid(rng),
            kind=PersonKind.CHILD,
            first_names=first_names,
            last_name=last_name,
            known_as=known_as,
            date_of_birth=date_of_birth,
            date_of_birth_precision=precision,
            sex=sex,
            gender=gender,
            ethnicity=ethnicity,
            first_language=first_language,
            disability=pick(
                rng,
                ((YesNoNotKnown.NO, 75), (YesNoNotKnown.YES, 12), (YesNoNotKnown.NOT_KNOWN, 13)),
            ),
            send_status=pick(
                rng,
                (
                    (SendStatus.NONE, 60),
                    (SendStatus.SEN_SUPPORT, 22),
                    (SendStatus.EHC_PLAN, 11),
                    (SendStatus.NOT_KNOWN, 7),
                ),
            ),
            is_looked_after=looked_after,
            placing_authority=placing,
            home_area=p.areas[area_code],
            created_by_agency=created_by,
        )
        if household:
            line_1, town, postcode = household.line_1, household.town, household.postcode
        else:
            postcode, town = self.postcode(area_code)
            line_1 = self.address_line(area_code)
        record = PersonRecord(
            person=person,
            area_code=area_code,
            first_name=first_name,
            postcode=postcode,
            born=dob,
            school=school,
        )
        self._address(record, line_1, town, postcode, area_code, current=True)
        if rng.random() < 0.25:
            moved_from = area_code if rng.random() < 0.8 else rng.choice(AREA_CODES)
            old_postcode, old_town = self.postcode(moved_from)
            self._address(
                record,
                self.address_line(moved_from),
                old_town,
                old_postcode,
                moved_from,
                current=False,
            )

        # Identifiers, and the agencies holding a record because of them.
        health = p.health(area_code)
        if rng.random() < 0.82:
            record.nhs_number = self.nhs_number()
            if record.nhs_number:
                self._identifier(record, IdentifierKind.NHS_NUMBER, record.nhs_number, health)
                if rng.random() < 0.5:
                    self._holds(record, health, "Health record")
        if school is not None and rng.random() < 0.85:
            record.upn = self.upn(area_code, dob)
            self._identifier(record, IdentifierKind.UPN, record.upn, school)
            if rng.random() < 0.7:
                self._holds(record, school, "School record")
        if rng.random() < 0.3:
            self._police_record(record)
        if looked_after or rng.random() < 0.5:
            self.la_serial[area_code] += rng.randint(1, 30)
            prefix = p.area_spec(area_code).postcode_area
            self._identifier(
                record,
                IdentifierKind.LA_REFERENCE,
                f"{prefix}-{self.la_serial[area_code]:07d}",
                p.csc(area_code),
            )
            self._holds(record, p.csc(area_code), "Children's social care record")

        # Other agencies' versions of the child (the same child under another spelling).
        if namesake is None and rng.random() < DUPLICATE_VERSION_SHARE:
            holders = [agency for agency in (school, health, p.police) if agency is not None]
            rng.shuffle(holders)
            for agency in holders[: 1 if rng.random() < 0.65 else 2]:
                version_first, version_last = agency_version(first_name, last_name, rng)
                version_dob = date_of_birth
                if date_of_birth is not None and rng.random() < 0.3:
                    version_dob = mistyped_date(date_of_birth, rng)
                record.versions.append(
                    AgencyVersion(agency, version_first, version_last, version_dob)
                )
                self._alias(record, AliasKind.AGENCY_SPELLING, version_first, version_last, agency)
                self._holds(record, agency, "Record under another spelling")
        if rng.random() < 0.04:
            street_name = rng.choice(
                ("Tiny", "Smudge", "Kay", "Lil " + first_name[0], "Skye", "Red", "Jojo")
            )
            self._alias(record, AliasKind.NICKNAME, street_name, "", p.csc(area_code))
        if looked_after and rng.random() < 0.08:
            self._alias(
                record, AliasKind.PREVIOUS_NAME, first_name, self.fake.last_name(), p.csc(area_code)
            )

        self._remember(
            _Household(last_name, line_1, town, postcode, area_code, dob, first_names, sex)
        )
        return record

    def _adult(self, area_code: str) -> PersonRecord:
        rng, p = self.rng, self.partnership
        household = (
            rng.choice(self.recent[area_code])
            if self.recent[area_code] and rng.random() < 0.5
            else None
        )
        sex = pick(rng, ((Sex.FEMALE, 60), (Sex.MALE, 40)))
        if household and household.date_of_birth:
            age = (self.today - household.date_of_birth).days // 365 + rng.randint(18, 40)
        else:
            age = rng.randint(18, 45)
        last_name = household.last_name if household and rng.random() < 0.75 else self.surname()
        first_name = self.first_name_for(sex)
        precision = (
            DateOfBirthPrecision.EXACT if rng.random() < 0.95 else DateOfBirthPrecision.APPROXIMATE
        )
        dob = self.date_of_birth(age)
        if precision == DateOfBirthPrecision.APPROXIMATE:
            dob = dob.replace(day=1)
        ethnicity = pick(rng, _ETHNICITIES)
        share, languages = _LANGUAGES.get(ethnicity, (0.0, ()))
        person = Person(
            id=new_uuid(rng),
            kind=PersonKind.ADULT,
            first_names=first_name,
            last_name=last_name,
            date_of_birth=dob,
            date_of_birth_precision=precision,
            sex=sex,
            ethnicity=ethnicity,
            first_language=rng.choice(languages)
            if languages and rng.random() < share
            else "English",
            disability=pick(
                rng,
                ((YesNoNotKnown.NO, 60), (YesNoNotKnown.YES, 10), (YesNoNotKnown.NOT_KNOWN, 30)),
            ),
            send_status=SendStatus.NOT_KNOWN,
            home_area=p.areas[area_code],
            created_by_agency=p.police if rng.random() < 0.4 else p.csc(area_code),
        )
        if household:
            line_1, town, postcode = household.line_1, household.town, household.postcode
        else:
            postcode, town = self.postcode(area_code)
            line_1 = self.address_line(area_code)
        record = PersonRecord(
            person=person, area_code=area_code, first_name=first_name, postcode=postcode, born=dob
        )
        self._address(record, line_1, town, postcode, area_code, current=True)
        if rng.random() < 0.7:
            record.nhs_number = self.nhs_number()
            if record.nhs_number:
                self._identifier(
                    record, IdentifierKind.NHS_NUMBER, record.nhs_number, p.health(area_code)
                )
                if rng.random() < 0.4:
                    self._holds(record, p.health(area_code), "Health record")
        if person.created_by_agency == p.police or rng.random() < 0.2:
            self._police_record(record)
        if household or person.created_by_agency == p.csc(area_code):
            self._holds(record, p.csc(area_code), "Parent or carer of a child known to us")
        return record

    def _remember(self, household: _Household) -> None:
        self.recent[household.area_code].append(household)
        self.recent_anywhere.append(household)

    # Rows about a person --------------------------------------------------------------------------

    def _address(
        self,
        record: PersonRecord,
        line_1: str,
        town: str,
        postcode: str,
        area_code: str,
        *,
        current: bool,
    ) -> None:
        record.addresses.append(
            Address(
                id=new_uuid(self.rng),
                person=record.person,
                line_1=line_1,
                town=town,
                postcode=postcode,
                area=self.partnership.areas[area_code],
                is_current=current,
            )
        )

    def _identifier(self, record: PersonRecord, kind: str, value: str, issued_by: Agency) -> None:
        record.identifiers.append(
            Identifier(
                id=new_uuid(self.rng),
                person=record.person,
                kind=kind,
                value=value,
                issued_by=issued_by,
            )
        )

    def _alias(
        self, record: PersonRecord, kind: str, first_names: str, last_name: str, agency: Agency
    ) -> None:
        record.aliases.append(
            Alias(
                id=new_uuid(self.rng),
                person=record.person,
                kind=kind,
                first_names=first_names,
                last_name=last_name,
                recorded_by_agency=agency,
            )
        )

    def _police_record(self, record: PersonRecord) -> None:
        """A police reference (force prefix, year, serial) and the police's involvement."""
        p = self.partnership
        self.police_serial += self.rng.randint(1, 60)
        year = (self.today.year - self.rng.randrange(3)) % 100
        self._identifier(
            record,
            IdentifierKind.POLICE_REFERENCE,
            f"MP/{year:02d}/{self.police_serial:06d}",
            p.police,
        )
        self._holds(record, p.police, "Police record")

    def _holds(self, record: PersonRecord, agency: Agency, description: str) -> None:
        if any(
            i.agency_id == agency.pk and i.kind == InvolvementKind.HOLDS_RECORD
            for i in record.involvements
        ):
            return
        record.involvements.append(
            Involvement(
                id=new_uuid(self.rng),
                person=record.person,
                agency=agency,
                kind=InvolvementKind.HOLDS_RECORD,
                description=description,
            )
        )

    def finish(self, record: PersonRecord, first_seen: datetime.datetime | None) -> None:
        """Date the person's rows: first recorded before their first referral (or at random)."""
        latest = first_seen or (self.now - datetime.timedelta(days=30))
        created = self.known_before(latest)
        self._stamp(record.person, created)
        for row in (*record.aliases, *record.addresses, *record.identifiers):
            self._stamp(row, created)
        for involvement in record.involvements:
            started = self.known_before(latest)
            involvement.started_on = started.date()
            self._stamp(involvement, started)
