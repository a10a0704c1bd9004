"""The scheduled breach recording: each clock that ran out with no offer is recorded once."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.missing.models import MissingEpisode
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_run_out_clock_is_recorded_once():
    officer = user_with_role(Role.POLICE_EXPLOITATION)
    person = PersonFactory()
    returned = timezone.now() - datetime.timedelta(hours=80)
    episode = MissingEpisode.objects.create(
        person=person,
        area=officer.memberships.get().agency.areas.first(),
        missing_from="home",
        category="missing",
        status="returned",
        reported_at=returned - datetime.timedelta(hours=10),
        reported_by=officer,
        reported_by_agency=officer.memberships.get().agency,
        last_seen_at=returned - datetime.timedelta(hours=12),
        returned_at=returned,
        interview_due_at=returned + datetime.timedelta(hours=72),
        clock_policy_version=1,
    )
    out = StringIO()
    call_command("record_interview_breaches", stdout=out)
    assert "Recorded 1 return-interview clock breach(es)." in out.getvalue()
    episode.refresh_from_db()
    assert episode.interview_breach_recorded_at is not None
    out = StringIO()
    call_command("record_interview_breaches", stdout=out)
    assert "Recorded 0" in out.getvalue()
