"""The queue refreshed by the real matching model (Splink) over a small register: the two
records of one child are proposed, with the model's explanation; an unrelated child is not; after
the merge the merged-away record is no longer in the register, so the pair is not proposed again."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from harbour.duplicates import services
from harbour.duplicates.models import DuplicateCandidate
from harbour.duplicates.tests import factories as f
from harbour.people.tests.factories import AddressFactory, IdentifierFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_register() -> Iterator[None]:
    from harbour.matching.sources import reset_register

    reset_register()
    yield
    reset_register()


def test_the_real_model_fills_the_queue_and_forgets_a_merged_record() -> None:
    world = f.dup_world()
    mia = world.child(
        first_names="Mia", last_name="Harper", date_of_birth=datetime.date(2011, 3, 4)
    )
    maya = world.child(
        first_names="Maya",
        last_name="Harper",
        date_of_birth=datetime.date(2011, 4, 3),
        created_by_agency=world.police,
    )
    for child in (mia, maya):
        IdentifierFactory(person=child, value="9434765919")
        AddressFactory(person=child, line_1="12 Quay Street", postcode="NB1 4QS")
    other = world.child(
        first_names="Oliver", last_name="Okafor", date_of_birth=datetime.date(2009, 11, 20)
    )
    AddressFactory(person=other, line_1="3 Mill Lane", postcode="NB2 7XY")
    for index in range(6):
        world.child(
            first_names=f"Child{index}",
            last_name=["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fisher"][index],
            date_of_birth=datetime.date(2008 + index, 1 + index, 10 + index),
        )

    summary = services.refresh_queue()

    pair = DuplicateCandidate.objects.get()
    assert {pair.person_l_id, pair.person_r_id} == {mia.pk, maya.pk}
    assert summary.proposed == 1
    assert pair.match_probability >= 0.9
    assert pair.explanation
    assert all(set(row) == {"field", "outcome", "match_weight"} for row in pair.explanation)

    services.candidate_merge(
        actor=world.north.front_door, candidate=pair, keep="left", reason="Same NHS number."
    )
    again = services.refresh_queue()
    assert (again.proposed, again.rescored) == (0, 0)
