"""The shape of a mid-sized seed (scale 0.5: 1,000 persons, 1,500 referrals): the proportions
the brief asks for, with room for chance."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count

from harbour.demo.services import seed_demo
from harbour.people.models import Alias, AliasKind, Person, PersonKind
from harbour.referrals.models import (
    Referral,
    ReferralConcern,
    ReferralSource,
    ReferralStatus,
    TriageDecision,
    Urgency,
)

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_mid_sized_seed_has_the_shape_of_a_partnership():
    with transaction.atomic():
        seed_demo(seed=2026, scale=0.5, now=NOW)
        _check_shape()
        transaction.set_rollback(True)


def _check_shape() -> None:
    children = Person.objects.filter(kind=PersonKind.CHILD)
    referrals = Referral.objects.all()
    total = referrals.count()
    assert total == 1500

    sexes = Counter(children.values_list("sex", flat=True))
    assert 0.62 < sexes["female"] / children.count() < 0.78
    assert 0.28 < children.filter(is_looked_after=True).count() / children.count() < 0.45
    outside = children.filter(is_looked_after=True).exclude(placing_authority__endswith=" Council")
    assert outside.exists() or children.filter(placing_authority__contains="County").exists()

    per_area = dict(referrals.values_list("area__code").annotate(n=Count("id")))
    assert 0.53 < per_area["northbrook"] / total < 0.6

    categories = [
        c
        for c, _ in Counter(
            ReferralConcern.objects.values_list("category", flat=True)
        ).most_common()
    ]
    assert categories[:2] == ["sexual_exploitation", "criminal_exploitation"]
    assert categories.index("trafficking") >= 4

    assert referrals.filter(urgency=Urgency.URGENT).count() / total < 0.2
    sources = Counter(referrals.values_list("source", flat=True))
    assert 0.65 < sources[ReferralSource.STAFF] / total < 0.85
    assert referrals.filter(is_anonymous=True, source=ReferralSource.PUBLIC).exists()

    decided = referrals.filter(status=ReferralStatus.DECIDED).count()
    assert 0.95 < decided / total < 0.995
    routes = Counter(TriageDecision.objects.values_list("route", flat=True))
    assert routes.most_common(1)[0][0] == "exploitation_screening"
    assert len(routes) == 6

    ages = [
        r.person.age_on(r.received_at.date())
        for r in referrals.filter(person__date_of_birth__isnull=False).select_related("person")
    ]
    known = [age for age in ages if age is not None]
    assert sum(12 <= age <= 17 for age in known) / len(known) > 0.75

    per_child = Counter(referrals.exclude(person=None).values_list("person_id", flat=True))
    assert max(per_child.values()) >= 5  # some children are referred again and again

    with_versions = (
        Alias.objects.filter(kind=AliasKind.AGENCY_SPELLING).values("person").distinct().count()
    )
    assert 0.1 < with_versions / children.count() < 0.2
