"""The interim, explainable scorer behind ``find_candidates``.

Candidates are blocked from the database (identifier, name keys, date of birth and its common
mistypings, postcode) and then scored field by field. Each field adds evidence for or against,
like a match weight; the reasons are the explanation a practitioner reads. A trained
probabilistic model replaces this module in a later issue, behind the same function.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from harbour.matching import keys

#: At most this many persons are scored per search.
MAX_BLOCK = 400
#: How identifiers are named in reasons ("NHS number matches", not "Nhs number matches").
_IDENTIFIER_LABELS = {"nhs_number": "NHS number", "upn": "Unique pupil number"}


@dataclass(frozen=True)
class ChildDetails:
    """A child's details as someone entered them."""

    first_names: str = ""
    last_name: str = ""
    date_of_birth: datetime.date | None = None
    postcode: str = ""
    sex: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()

    def is_searchable(self) -> bool:
        has_name = bool(
            keys.normalise_name(self.last_name) or keys.normalise_name(self.first_names)
        )
        return has_name or bool(self.identifiers)


@dataclass
class Candidate:
    person: Any
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def strength(self) -> str:
        if self.score >= 80:
            return "Strong match"
        if self.score >= 55:
            return "Possible match"
        return "Weak match"


@dataclass
class _Evidence:
    weight: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, weight: float, reason: str) -> None:
        self.weight += weight
        self.reasons.append(reason)


def _name_evidence(details: ChildDetails, names: Iterable[tuple[str, str, str]]) -> _Evidence:
    """The best name comparison against the person's name and aliases."""
    entered_first = keys.first_given_name(details.first_names)
    entered_last = keys.normalise_name(details.last_name)
    best = _Evidence()
    best_weight = float("-inf")
    for first_names, last_name, label in names:
        evidence = _Evidence()
        held_first = keys.first_given_name(first_names)
        held_last = keys.normalise_name(last_name)
        swapped = (
            entered_first
            and entered_last
            and entered_first == held_last
            and keys.first_given_name(entered_last) == held_first
        )
        if swapped:
            evidence.add(5.0, f"First and last names match, entered the other way round{label}")
        else:
            if entered_last and held_last:
                similarity = keys.jaro_winkler(entered_last, held_last)
                if similarity == 1.0:
                    evidence.add(4.0, f"Last name matches exactly{label}")
                elif similarity >= 0.92:
                    evidence.add(3.0, f"Last name is spelt similarly ({last_name}){label}")
                elif keys.soundex(entered_last) == keys.soundex(held_last):
                    evidence.add(2.0, f"Last name sounds the same ({last_name}){label}")
                elif similarity >= 0.8:
                    evidence.add(1.0, f"Last name is partly similar ({last_name}){label}")
                else:
                    evidence.add(-3.0, f"Last name is different ({last_name}){label}")
            if entered_first and held_first:
                similarity = keys.jaro_winkler(entered_first, held_first)
                if similarity == 1.0:
                    evidence.add(3.0, f"First name matches exactly{label}")
                elif keys.are_nickname_variants(entered_first, held_first):
                    evidence.add(2.5, f"First name is a short form of {first_names}{label}")
                elif similarity >= 0.9:
                    evidence.add(2.0, f"First name is spelt similarly ({first_names}){label}")
                elif keys.soundex(entered_first) == keys.soundex(held_first):
                    evidence.add(1.5, f"First name sounds the same ({first_names}){label}")
                else:
                    evidence.add(-2.0, f"First name is different ({first_names}){label}")
        if evidence.weight > best_weight:
            best, best_weight = evidence, evidence.weight
    return best


def _date_evidence(entered: datetime.date | None, person: Any) -> _Evidence:
    evidence = _Evidence()
    held = person.date_of_birth
    if entered is None or held is None:
        return evidence
    approximate = person.date_of_birth_precision == "approximate"
    if held == entered:
        evidence.add(4.0, "Date of birth matches exactly")
    elif held in keys.date_variants(entered):
        if (held.day, held.month) == (entered.month, entered.day):
            evidence.add(2.5, "Date of birth matches with day and month swapped")
        elif held.year != entered.year and (held.month, held.day) == (entered.month, entered.day):
            evidence.add(2.0, "Date of birth matches except the year")
        else:
            evidence.add(2.5, "Date of birth matches with two digits swapped")
    elif abs((held - entered).days) <= (366 if approximate else 7):
        evidence.add(
            1.0, "Date of birth is close" + (" (held as approximate)" if approximate else "")
        )
    else:
        evidence.add(-4.0, f"Date of birth is different ({held:%d/%m/%Y})")
    return evidence


def _score(details: ChildDetails, person: Any) -> Candidate:
    evidence = _Evidence()
    names = [(person.first_names, person.last_name, "")]
    names += [
        (alias.first_names, alias.last_name, f" (as {alias.get_kind_display().lower()})")
        for alias in person.aliases.all()
    ]
    if person.known_as:
        names.append((person.known_as, person.last_name, " (known as)"))
    name = _name_evidence(details, names)
    evidence.add(name.weight, "")
    evidence.reasons = [*name.reasons]
    date = _date_evidence(details.date_of_birth, person)
    evidence.weight += date.weight
    evidence.reasons += date.reasons
    if details.postcode:
        entered = keys.postcode_district(details.postcode)
        held = {address.postcode.replace(" ", "").upper() for address in person.addresses.all()}
        if details.postcode.replace(" ", "").upper() in held:
            evidence.add(2.0, "Postcode matches an address held")
        elif entered and any(postcode[:-3] == entered for postcode in held):
            evidence.add(0.5, "Postcode is in the same district as an address held")
    held_ids = {(identifier.kind, identifier.value) for identifier in person.identifiers.all()}
    for kind, value in details.identifiers:
        label = _IDENTIFIER_LABELS.get(kind) or kind.replace("_", " ").capitalize()
        if (kind, value) in held_ids:
            evidence.add(8.0, f"{label} matches")
        elif any(held_kind == kind for held_kind, _ in held_ids):
            evidence.add(-6.0, f"{label} is different")
    recorded = {"female", "male"}
    if details.sex in recorded and person.sex in recorded and details.sex != person.sex:
        evidence.add(-1.0, "Recorded sex is different")
    score = round(max(0.0, min(100.0, 100 / (1 + 2 ** (-(evidence.weight - 6.0))))))
    return Candidate(person=person, score=score, reasons=[r for r in evidence.reasons if r])


def _blocking_filter(details: ChildDetails) -> Q:
    from harbour.people.models import Alias, Identifier

    last_key = keys.soundex(details.last_name)
    first_key = keys.soundex(details.first_names)
    blocks = Q(pk__in=[])
    for kind, value in details.identifiers:
        blocks |= Q(pk__in=Identifier.objects.filter(kind=kind, value=value).values("person_id"))
    dates: set[datetime.date] = set()
    if details.date_of_birth is not None:
        dates = {details.date_of_birth, *keys.date_variants(details.date_of_birth)}
    if last_key:
        same_surname = Q(last_name_key=last_key)
        alias_surname = Alias.objects.filter(last_name_key=last_key)
        if dates:
            blocks |= same_surname & Q(date_of_birth__in=dates)
        if first_key:
            blocks |= same_surname & Q(first_name_key=first_key)
            alias_surname = alias_surname.filter(first_name_key=first_key)
        blocks |= Q(pk__in=alias_surname.values("person_id"))
    if first_key and dates:
        blocks |= Q(first_name_key=first_key, date_of_birth__in=dates)
        # Names entered the other way round.
        blocks |= Q(last_name_key=first_key, date_of_birth__in=dates)
    if details.date_of_birth is not None and details.postcode:
        from harbour.people.models import Address

        blocks |= Q(date_of_birth__in=dates) & Q(
            pk__in=Address.objects.filter(postcode__iexact=details.postcode.strip()).values(
                "person_id"
            )
        )
    return blocks


def find_candidates(
    *, details: ChildDetails, within: QuerySet[Any], limit: int = 10, minimum_score: int = 25
) -> list[Candidate]:
    """Persons in ``within`` who may be the child described, best first, with reasons."""
    if not details.is_searchable():
        return []
    persons = (
        within.filter(_blocking_filter(details))
        .prefetch_related("aliases", "addresses", "identifiers")
        .order_by()[:MAX_BLOCK]
    )
    candidates = [_score(details, person) for person in persons]
    candidates = [c for c in candidates if c.score >= minimum_score]
    candidates.sort(key=lambda c: (-c.score, c.person.last_name, c.person.first_names))
    return candidates[:limit]
