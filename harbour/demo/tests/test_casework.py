"""The demo's casework: an assessment and a case for every child at risk, told apart from the
rest by the front door's routes, with overrides both ways and a child with a long history."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from harbour.assessments.catalogue import catalogue_for_area
from harbour.assessments.models import Assessment, OverrideDirection
from harbour.cases.models import Case, CaseStatus
from harbour.demo.casework import AT_RISK_ROUTES, busy_child
from harbour.demo.services import seed_demo
from harbour.referrals.models import Referral

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_every_child_at_risk_has_an_assessment_and_a_case():
    with transaction.atomic():
        seed_demo(seed=11, scale=0.3, now=NOW)
        at_risk = set(
            Referral.objects.filter(
                decision__route__in=AT_RISK_ROUTES, person__isnull=False
            ).values_list("person_id", flat=True)
        )
        assert at_risk
        assert set(Assessment.objects.values_list("person_id", flat=True)) == at_risk
        assert set(Case.objects.values_list("person_id", flat=True)) == at_risk
        directions = set(Assessment.objects.values_list("override_direction", flat=True))
        assert {OverrideDirection.UP, OverrideDirection.DOWN} <= directions
        for assessment in Assessment.objects.exclude(override_direction=OverrideDirection.NONE):
            assert assessment.override_reason
            assert assessment.level != assessment.suggested_level
        statuses = set(Case.objects.values_list("status", flat=True))
        assert {CaseStatus.OPEN, CaseStatus.STEPPED_DOWN, CaseStatus.CLOSED} <= statuses
        sample = Assessment.objects.first()
        catalogue = catalogue_for_area(sample.area.code)
        assert sample.answers.count() == len(catalogue.indicators)
        assert all(a.completed_at <= NOW for a in Assessment.objects.all())
        assert busy_child().chronology.filter(event_type="demo.history").count() == 300
        transaction.set_rollback(True)
