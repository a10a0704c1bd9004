"""Pure functions for normalising and comparing names, dates, postcodes and identifiers.

No database, no models: the matching model's features (``features``) and the intake blocking keys
(``register``) are built from these, and other apps use ``normalise_name`` / ``soundex`` for
search keys.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import unicodedata

_SOUNDEX_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}

#: Common English given-name variants, both ways. Small on purpose; the trained model learns more.
_NICKNAME_GROUPS = [
    {"elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby"},
    {"katherine", "catherine", "kate", "katie", "kat", "cath", "kathryn"},
    {"rebecca", "becky", "becca"},
    {"jessica", "jess", "jessie"},
    {"samantha", "sam", "sammy"},
    {"samuel", "sam", "sammy"},
    {"alexander", "alex", "alfie", "sandy"},
    {"alexandra", "alex", "lexi", "sandra"},
    {"daniel", "dan", "danny"},
    {"joseph", "joe", "joey"},
    {"thomas", "tom", "tommy"},
    {"william", "will", "billy", "liam"},
    {"robert", "rob", "bob", "bobby", "robbie"},
    {"michael", "mike", "mikey", "mick"},
    {"christopher", "chris", "kit"},
    {"nicholas", "nick", "nicky"},
    {"jennifer", "jen", "jenny"},
    {"margaret", "maggie", "meg", "peggy"},
    {"victoria", "vicky", "tori"},
    {"charlotte", "charlie", "lottie"},
    {"charles", "charlie", "chas"},
    {"abigail", "abby", "abbie"},
    {"olivia", "liv", "livvy"},
    {"isabella", "isabel", "bella", "izzy"},
    {"mohammed", "muhammad", "mohammad", "mohamed", "mo"},
    {"jacob", "jake"},
    {"benjamin", "ben", "benny"},
    {"joshua", "josh"},
    {"matthew", "matt"},
    {"jonathan", "jon", "jonny"},
    {"natasha", "tasha"},
    {"amelia", "millie", "amy"},
    {"emily", "em", "emmy"},
    {"ellie", "eleanor", "elle", "nell"},
    {"anthony", "tony", "ant"},
    {"andrew", "andy", "drew"},
    {"edward", "ed", "eddie", "ted", "teddy"},
    {"frederick", "fred", "freddie", "freddy"},
    {"henry", "harry", "hal"},
    {"james", "jim", "jimmy", "jamie"},
    {"john", "jack", "johnny", "jon"},
    {"richard", "rich", "ricky", "dick"},
    {"stephen", "steven", "steve", "stevie"},
    {"theodore", "theo", "ted"},
    {"zachary", "zach", "zack"},
    {"oliver", "ollie", "olly"},
    {"archibald", "archie"},
    {"harrison", "harry"},
    {"frances", "fran", "frankie"},
    {"francis", "frank", "frankie"},
    {"georgina", "georgia", "gina"},
    {"gabriella", "gabriel", "gabby", "ella"},
    {"madeleine", "madeline", "maddie", "maddy"},
    {"patricia", "pat", "patsy", "trish"},
    {"susan", "sue", "susie"},
    {"deborah", "debbie", "debs"},
    {"penelope", "penny"},
    {"florence", "flo", "florrie"},
    {"dominic", "dom"},
    {"kieran", "kier"},
    {"ryan", "ry"},
    {"mohammed", "mohammad", "muhammed", "mohamad"},
]
_NICKNAMES: dict[str, set[str]] = {}
for _group in _NICKNAME_GROUPS:
    for _name in _group:
        _NICKNAMES.setdefault(_name, set()).update(_group)


def _nickname_components() -> dict[str, str]:
    """Each name in the table -> the smallest name of its connected group of variants."""
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for group in _NICKNAME_GROUPS:
        first, *rest = sorted(group)
        for name in rest:
            a, b = sorted((find(first), find(name)))
            parent[b] = a
    return {name: find(name) for name in parent}


_CANON = _nickname_components()


def nickname_canon(name: str) -> str:
    """One spelling standing for a name and all its short forms (``canon(a) == canon(b)`` whenever
    ``a`` and ``b`` are linked through the nickname table, even through a shared short form)."""
    return _CANON.get(name, name)


def normalise_name(value: str) -> str:
    """Lower case, accents removed, only letters and single spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    letters = re.sub(r"[^a-z ]+", " ", ascii_only.lower().replace("'", ""))
    return " ".join(letters.split())


def soundex(value: str) -> str:
    """American Soundex of the first word (''' for an empty name)."""
    name = normalise_name(value).replace(" ", "").upper()
    if not name:
        return ""
    first, rest = name[0], name[1:]
    digits = []
    previous = _SOUNDEX_CODES.get(first, "")
    for char in rest:
        code = _SOUNDEX_CODES.get(char, "")
        if code and code != previous:
            digits.append(code)
        if char not in "HW":
            previous = code
    return (first + "".join(digits) + "000")[:4]


def first_given_name(value: str) -> str:
    parts = normalise_name(value).split()
    return parts[0] if parts else ""


def are_nickname_variants(left: str, right: str) -> bool:
    return right in _NICKNAMES.get(left, set())


def jaro_winkler(left: str, right: str) -> float:
    """Jaro–Winkler similarity, 0.0 to 1.0."""
    if left == right:
        return 1.0 if left else 0.0
    if not left or not right:
        return 0.0
    window = max(max(len(left), len(right)) // 2 - 1, 0)
    left_matches = [False] * len(left)
    right_matches = [False] * len(right)
    matches = 0
    for i, char in enumerate(left):
        for j in range(max(0, i - window), min(i + window + 1, len(right))):
            if not right_matches[j] and right[j] == char:
                left_matches[i] = right_matches[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    left_seq = [c for c, m in zip(left, left_matches, strict=True) if m]
    right_seq = [c for c, m in zip(right, right_matches, strict=True) if m]
    transpositions = sum(a != b for a, b in zip(left_seq, right_seq, strict=True)) / 2
    jaro = (matches / len(left) + matches / len(right) + (matches - transpositions) / matches) / 3
    prefix = 0
    for a, b in zip(left[:4], right[:4], strict=False):
        if a != b:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def date_variants(day: datetime.date) -> set[datetime.date]:
    """Dates a mistyped date of birth is often recorded as: day and month swapped, adjacent digits
    of the day or year swapped, the year one out."""
    variants: set[datetime.date] = set()

    def add(year: int, month: int, dom: int) -> None:
        with contextlib.suppress(ValueError):  # not a real date
            variants.add(datetime.date(year, month, dom))

    add(day.year, day.day, day.month)
    day_text = f"{day.day:02d}"
    add(day.year, day.month, int(day_text[::-1]))
    month_text = f"{day.month:02d}"
    add(day.year, int(month_text[::-1]), day.day)
    year_text = f"{day.year:04d}"
    add(int(year_text[:2] + year_text[3] + year_text[2]), day.month, day.day)
    add(day.year - 1, day.month, day.day)
    add(day.year + 1, day.month, day.day)
    variants.discard(day)
    return variants


def postcode_district(postcode: str) -> str:
    """The outward code ("AB1" of "AB1 2CD")."""
    compact = re.sub(r"\s+", "", postcode).upper()
    return compact[:-3] if len(compact) > 3 else compact


_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_UK_DATE_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def normalise_partial_date(value: str | datetime.date | None) -> str:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (``''`` if empty); ``ValueError`` if unreadable.

    Accepts ISO text (full or partial) and ``DD/MM/YYYY``; a full date must be a real date.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = value.strip()
    if not text:
        return ""
    uk = _UK_DATE_RE.match(text)
    if uk:
        text = f"{uk.group(3)}-{uk.group(2)}-{uk.group(1)}"
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = match.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} has no month {int(month)}")
    if day is None:
        return f"{year}-{int(month):02d}"
    try:
        parsed = datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return parsed.isoformat()


def normalise_postcode(value: str) -> str:
    """Upper case, no spaces ("LU13AB")."""
    return re.sub(r"[^A-Z0-9]", "", value.upper())


_ADDRESS_WORDS = {
    "street": "st",
    "road": "rd",
    "avenue": "ave",
    "lane": "ln",
    "close": "cl",
    "drive": "dr",
    "court": "ct",
    "crescent": "cres",
    "gardens": "gdns",
    "place": "pl",
    "flat": "",
    "apartment": "",
}


def normalise_address(value: str) -> str:
    """Lower case letters and digits, usual street words abbreviated, "flat" dropped."""
    words = re.sub(r"[^a-z0-9 ]+", " ", value.lower()).split()
    return " ".join(w for w in (_ADDRESS_WORDS.get(word, word) for word in words) if w)


def normalise_identifier(value: str) -> str:
    """Upper case without spaces, dashes or slashes: references are typed many ways."""
    return re.sub(r"[^A-Z0-9]", "", value.upper())
