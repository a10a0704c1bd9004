"""Fill the demo's duplicates review queue with records that really are the same child.

The seeded partnership already links most agencies' versions of a child as aliases of one
person (``harbour.demo.people``). Here a small, deterministic share of those versions becomes
what a partnership really has before anyone reviews it: a second person record, created by the
agency that spelt the child differently (its own name spelling, sometimes a mistyped date of
birth, the same postcode, none of the council's identifiers). Like the rest of the seed these
rows are written directly, covered by the one ``demo.seeded`` audit event. Then the matching
model proposes pairs exactly as the nightly run would. Siblings and twins in the seed stay
separate children: the queue is the place to see that the model does not propose them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from harbour.duplicates.services import RefreshSummary, refresh_queue
from harbour.people.models import Address, AliasKind, Involvement, InvolvementKind, Person

#: One agency version in this many becomes a separate, unreviewed person record.
DUPLICATE_RECORD_SHARE = 0.15
#: Never more than this many, so the demo queue stays reviewable.
MAX_DUPLICATE_RECORDS = 60


@dataclass(frozen=True)
class DemoDuplicates:
    records_created: int
    queue: RefreshSummary


def _create_duplicate_records(*, seed: int) -> int:
    rng = random.Random(seed)
    children = (
        Person.objects.filter(
            aliases__kind=AliasKind.AGENCY_SPELLING, aliases__recorded_by_agency__isnull=False
        )
        .prefetch_related("aliases__recorded_by_agency", "addresses")
        .distinct()
        .order_by("id")
    )
    created = 0
    with transaction.atomic():
        for child in children.iterator(chunk_size=500):
            if created >= MAX_DUPLICATE_RECORDS or rng.random() >= DUPLICATE_RECORD_SHARE:
                continue
            version = next(
                alias
                for alias in child.aliases.all()
                if alias.kind == AliasKind.AGENCY_SPELLING and alias.recorded_by_agency
            )
            address = next(iter(child.addresses.all()), None)
            agency = version.recorded_by_agency
            assert agency is not None  # the queryset only yields versions with an agency
            duplicate = Person(
                first_names=version.first_names or child.first_names,
                last_name=version.last_name or child.last_name,
                date_of_birth=child.date_of_birth,
                date_of_birth_precision=child.date_of_birth_precision,
                sex=child.sex,
                home_area=child.home_area,
                created_by_agency=agency,
            )
            duplicate.refresh_search_keys()
            duplicate.save(force_insert=True)
            if address is not None:
                Address.objects.create(
                    person=duplicate,
                    line_1=address.line_1,
                    town=address.town,
                    postcode=address.postcode,
                    area=address.area,
                )
            Involvement.objects.create(
                person=duplicate,
                agency=agency,
                kind=InvolvementKind.HOLDS_RECORD,
                description="Own record, not yet matched",
            )
            created += 1
    return created


def seed_duplicate_queue(*, seed: int = 2026, threshold: float | None = None) -> DemoDuplicates:
    """Add unreviewed duplicate records, then propose the register's probable duplicates."""
    from harbour.matching.sources import reset_register

    records_created = _create_duplicate_records(seed=seed)
    reset_register()  # the register must be read after the seed, not before it
    return DemoDuplicates(records_created=records_created, queue=refresh_queue(threshold=threshold))
