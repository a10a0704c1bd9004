"""Case membership is an access grant: joining gives an agency's staff the child and the case;
leaving takes them away again (unless the agency knows the child another way)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from harbour.access import policy
from harbour.accounts.models import Role
from harbour.accounts.tests.factories import user_with_role
from harbour.cases import services
from harbour.cases.rules import can_manage_case, can_view_case, may_write_case
from harbour.cases.tests.factories import CaseWorld, make_case, referral_about

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _status(user: Any, url: str) -> int:
    return _client(user).get(url).status_code


def test_joining_grants_and_leaving_removes_access(world: CaseWorld) -> None:
    case = make_case(world)
    person_url = reverse("people:detail", args=[world.person.pk])
    case_url = reverse("cases:detail", args=[case.pk])

    # Before the police join: neither the child nor the case.
    assert _status(world.officer, person_url) == 404
    assert _status(world.officer, case_url) == 404
    assert not policy.person_visible_to(world.officer).filter(pk=world.person.pk).exists()

    services.case_agency_join(actor=world.lead, case=case, agency=world.police)
    assert _status(world.officer, person_url) == 200
    assert _status(world.officer, case_url) == 200
    assert policy.person_visible_to(world.officer).filter(pk=world.person.pk).exists()
    assert policy.case_visible_to(world.officer).filter(pk=case.pk).exists()

    services.case_agency_leave(
        actor=world.lead, case=case, agency=world.police, reason="Investigation closed."
    )
    assert _status(world.officer, person_url) == 404
    assert _status(world.officer, case_url) == 404
    assert not policy.person_visible_to(world.officer).filter(pk=world.person.pk).exists()
    assert not policy.case_visible_to(world.officer).filter(pk=case.pk).exists()


def test_leaving_keeps_access_an_agency_has_through_a_referral(world: CaseWorld) -> None:
    """The school made the referral: it knows the child that way, case or no case."""
    case = make_case(world, agencies=[world.north.school])
    person_url = reverse("people:detail", args=[world.person.pk])
    case_url = reverse("cases:detail", args=[case.pk])
    assert _status(world.north.referrer, case_url) == 200

    services.case_agency_leave(
        actor=world.lead, case=case, agency=world.north.school, reason="School's part done."
    )
    assert _status(world.north.referrer, person_url) == 200
    # The case itself is no longer theirs to see.
    assert _status(world.north.referrer, case_url) == 404


def test_rejoining_grants_access_again(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    person_url = reverse("people:detail", args=[world.person.pk])
    services.case_agency_leave(actor=world.lead, case=case, agency=world.police, reason="Done.")
    assert _status(world.officer, person_url) == 404
    services.case_agency_join(actor=world.lead, case=case, agency=world.police)
    assert _status(world.officer, person_url) == 200


def test_leaving_one_case_keeps_access_through_another(world: CaseWorld) -> None:
    """An agency in two of a child's cases (one closed) keeps access while in either."""
    first = make_case(world, agencies=[world.police])
    services.case_close(actor=world.lead, case=first, reason="risk_reduced", note="")
    second = make_case(
        world, referral=referral_about(world.north, world.person), agencies=[world.police]
    )
    services.case_agency_leave(actor=world.lead, case=first, agency=world.police, reason="Old.")
    person_url = reverse("people:detail", args=[world.person.pk])
    assert _status(world.officer, person_url) == 200
    services.case_agency_leave(actor=world.lead, case=second, agency=world.police, reason="Done.")
    assert _status(world.officer, person_url) == 404


def test_the_lead_professional_sees_the_case_they_lead(world: CaseWorld) -> None:
    case = make_case(world)
    assert _status(world.lead, reverse("cases:detail", args=[case.pk])) == 200
    assert _status(world.lead, reverse("people:detail", args=[world.person.pk])) == 200


def test_no_case_content_roles_never_see_a_case(world: CaseWorld) -> None:
    case = make_case(world)
    for role in (Role.BOARD_MEMBER, Role.INFORMATION_GOVERNANCE, Role.ADMINISTRATOR):
        user = user_with_role(role, world.north.csc)
        assert _status(user, reverse("cases:detail", args=[case.pk])) == 404
        assert not may_write_case(user, case)


def test_the_predicates_agree_with_the_policy(world: CaseWorld) -> None:
    case = make_case(world, agencies=[world.police])
    nobody = user_with_role(Role.REFERRER)
    assert can_view_case(world.officer, case)
    assert not can_view_case(nobody, case)
    assert not can_view_case(world.officer, None)
    assert can_manage_case(world.lead, case)
    assert not can_manage_case(world.officer, case)
    assert world.lead.has_perm("cases.manage_case", case)
    assert world.officer.has_perm("cases.view_case", case)
    assert not world.officer.has_perm("cases.manage_case", case)


def test_the_chronology_shows_case_events_only_while_the_agency_is_in_the_case(
    world: CaseWorld,
) -> None:
    """The school knows the child through its referral, so it keeps the child's page after
    leaving the case; the case's events drop out of the chronology it sees."""
    from harbour.people.selectors import person_chronology

    case = make_case(world, agencies=[world.north.school])

    def case_events(user: Any) -> set[str]:
        return {
            entry.event_type
            for entry in person_chronology(viewer=user, person=world.person)
            if entry.source_type == "cases.case"
        }

    assert "case.opened" in case_events(world.north.referrer)
    assert "case.opened" in case_events(world.lead)
    services.case_agency_leave(
        actor=world.lead, case=case, agency=world.north.school, reason="School's part done."
    )
    assert case_events(world.north.referrer) == set()
    assert "case.opened" in case_events(world.lead)
    # Referral events stay: the school made that referral.
    sources = {
        e.source_type for e in person_chronology(viewer=world.north.referrer, person=world.person)
    }
    assert "referrals.referral" in sources
