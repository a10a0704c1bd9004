"""The demo's missing episodes: the right number, one open episode per child at most, and a mix
of interviews offered in time, late and never."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import Count, F

from harbour.demo.services import MISSING_EPISODES_PER_SCALE, seed_demo
from harbour.missing.models import EpisodeStatus, MissingEpisode

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_the_demo_has_a_realistic_mix_of_missing_episodes():
    with transaction.atomic():
        seed_demo(seed=5, scale=0.5, now=NOW)
        episodes = MissingEpisode.objects.all()
        assert (
            0.9 * MISSING_EPISODES_PER_SCALE * 0.5
            <= episodes.count()
            <= (MISSING_EPISODES_PER_SCALE * 0.5)
        )
        assert not (
            episodes.filter(status=EpisodeStatus.OPEN)
            .values("person")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .exists()
        )
        returned = episodes.filter(returned_at__isnull=False)
        in_time = returned.filter(interview_offered_at__lte=F("interview_due_at")).count()
        late = returned.filter(interview_offered_at__gt=F("interview_due_at")).count()
        never = returned.filter(interview_offered_at__isnull=True).count()
        assert in_time > late > 0
        assert never > 0
        assert all(e.reported_at <= NOW for e in episodes)
        transaction.set_rollback(True)
