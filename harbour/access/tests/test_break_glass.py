"""Break-glass access: the search, the grant and its expiry, and information governance's review."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from harbour.access import policy
from harbour.access.models import BreakGlassGrant, ReviewOutcome
from harbour.access.selectors import (
    BREAK_GLASS_SEARCH_LIMIT,
    break_glass_grant_for_review,
    break_glass_grants_for_review,
    break_glass_search,
    unreviewed_break_glass_count,
)
from harbour.access.services import (
    ALREADY_REVIEWED,
    NO_BREAK_GLASS_ROLE,
    NOT_INFORMATION_GOVERNANCE,
    NOTES_MISSING,
    OUTCOME_MISSING,
    OWN_GRANT,
    REASON_TOO_SHORT,
    break_glass_grant,
    break_glass_review,
)
from harbour.accounts.models import Role
from harbour.accounts.tests.factories import AgencyFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

REASON = "Police found her at 2am, need to know who is allocated to her tonight"
DOB = datetime.date(2011, 4, 9)


@pytest.fixture
def practitioner():
    return user_with_role(Role.LEAD_PROFESSIONAL)


@pytest.fixture
def governance():
    return user_with_role(Role.INFORMATION_GOVERNANCE)


@pytest.fixture
def child():
    # Known only to another agency: the practitioner cannot see her through their role.
    return PersonFactory(
        first_names="Kayleigh",
        last_name="Marsh",
        date_of_birth=DOB,
        created_by_agency=AgencyFactory(),
    )


# Granting --------------------------------------------------------------------------------------


def test_a_grant_gives_time_limited_access_to_that_person(practitioner, child, settings):
    settings.HARBOUR_BREAK_GLASS_HOURS = 6
    other = PersonFactory(created_by_agency=AgencyFactory())
    assert not policy.person_visible_to(practitioner).filter(pk=child.pk).exists()

    before = timezone.now()
    grant = break_glass_grant(actor=practitioner, person=child, reason=f"  {REASON}  ")

    assert grant.user == practitioner
    assert grant.person == child
    assert grant.reason == REASON
    assert grant.expires_at - grant.granted_at == datetime.timedelta(hours=6)
    assert before <= grant.granted_at <= timezone.now()
    # The cached viewer was dropped, so the same user object sees the person at once.
    visible = policy.person_visible_to(practitioner)
    assert visible.filter(pk=child.pk).exists()
    assert not visible.filter(pk=other.pk).exists()


def test_access_ends_when_the_grant_expires(practitioner, child):
    grant = break_glass_grant(actor=practitioner, person=child, reason=REASON)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    policy.forget_viewer(practitioner)
    assert not policy.person_visible_to(practitioner).filter(pk=child.pk).exists()


def test_a_grant_is_audited_with_its_reason_in_the_same_transaction(practitioner, child):
    request = RequestFactory().post("/access/emergency/grant/", REMOTE_ADDR="198.51.100.7")
    request.request_id = "grant-request"
    grant = break_glass_grant(actor=practitioner, person=child, reason=REASON, request=request)

    event = AuditEvent.objects.get(action="access.break_glass_granted")
    assert event.actor_id == practitioner.pk
    assert event.subject_type == "people.person"
    assert event.subject_id == str(child.pk)
    assert event.reason == REASON
    assert event.after["grant_id"] == str(grant.pk)
    assert event.request_id == "grant-request"
    assert event.ip_address == "198.51.100.7"


@pytest.mark.parametrize("reason", ["", "   ", "Urgent", " " + "x" * 19 + "  "])
def test_a_short_reason_is_refused(practitioner, child, reason):
    with pytest.raises(ServiceValidationError) as error:
        break_glass_grant(actor=practitioner, person=child, reason=reason)
    assert error.value.message_dict == {"reason": [REASON_TOO_SHORT]}
    assert REASON_TOO_SHORT == (
        "Give a reason of at least 20 characters – say why this is an emergency"
    )
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEvent.objects.filter(action="access.break_glass_granted").exists()


def test_a_reason_of_exactly_20_characters_is_accepted(practitioner, child):
    assert break_glass_grant(actor=practitioner, person=child, reason=" " + "x" * 20 + " ")


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.ADMINISTRATOR])
def test_roles_without_emergency_access_are_refused(role, child):
    user = user_with_role(role)
    with pytest.raises(PermissionDenied, match=NO_BREAK_GLASS_ROLE):
        break_glass_grant(actor=user, person=child, reason=REASON)
    assert not BreakGlassGrant.objects.exists()


def test_a_user_with_no_role_is_refused(child):
    from harbour.accounts.tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        break_glass_grant(actor=UserFactory(), person=child, reason=REASON)


# Searching -------------------------------------------------------------------------------------


def test_the_search_finds_people_no_matter_who_knows_them(practitioner, child):
    results = break_glass_search(
        actor=practitioner, first_names="Kayleigh", last_name="Marsh", date_of_birth=DOB
    )
    assert results == [child]


def test_the_search_matches_a_similar_surname_by_soundex(practitioner, child):
    results = break_glass_search(
        actor=practitioner, first_names="", last_name="Marsch", date_of_birth=DOB
    )
    assert results == [child]


def test_the_search_matches_a_longer_surname_by_prefix(practitioner):
    double = PersonFactory(first_names="Ty", last_name="Marsh-Okoro", date_of_birth=DOB)
    results = break_glass_search(
        actor=practitioner, first_names="", last_name="Marsh", date_of_birth=DOB
    )
    assert double.pk in {person.pk for person in results}


def test_the_search_needs_the_exact_date_of_birth(practitioner, child):
    results = break_glass_search(
        actor=practitioner,
        first_names="Kayleigh",
        last_name="Marsh",
        date_of_birth=DOB + datetime.timedelta(days=1),
    )
    assert results == []


def test_the_search_ignores_different_surnames(practitioner, child):
    PersonFactory(first_names="Kayleigh", last_name="Thompson", date_of_birth=DOB)
    results = break_glass_search(
        actor=practitioner, first_names="Kayleigh", last_name="Marsh", date_of_birth=DOB
    )
    assert results == [child]


def test_closer_first_names_come_first(practitioner, child):
    PersonFactory(first_names="Aaron", last_name="Marsh", date_of_birth=DOB)
    PersonFactory(first_names="Kaleigh", last_name="Marsh", date_of_birth=DOB)
    results = break_glass_search(
        actor=practitioner, first_names="Kayleigh", last_name="Marsh", date_of_birth=DOB
    )
    assert [person.first_names for person in results] == ["Kayleigh", "Kaleigh", "Aaron"]


def test_the_search_returns_at_most_ten(practitioner):
    for _ in range(BREAK_GLASS_SEARCH_LIMIT + 3):
        PersonFactory(last_name="Marsh", date_of_birth=DOB)
    results = break_glass_search(
        actor=practitioner, first_names="", last_name="Marsh", date_of_birth=DOB
    )
    assert len(results) == BREAK_GLASS_SEARCH_LIMIT == 10


def test_the_search_is_audited_with_its_criteria(practitioner, child):
    break_glass_search(
        actor=practitioner,
        first_names=" Kayleigh ",
        last_name="Marsh",
        date_of_birth=DOB,
        reason=REASON,
    )
    event = AuditEvent.objects.get(action="access.break_glass_searched")
    assert event.actor_id == practitioner.pk
    assert event.reason == REASON
    assert event.after == {
        "first_names": "Kayleigh",
        "last_name": "Marsh",
        "date_of_birth": "2011-04-09",
        "result_ids": [str(child.pk)],
    }


def test_an_empty_surname_finds_nobody_but_is_still_audited(practitioner, child):
    assert (
        break_glass_search(actor=practitioner, first_names="K", last_name=" - ", date_of_birth=DOB)
        == []
    )
    assert AuditEvent.objects.filter(action="access.break_glass_searched").count() == 1


def test_roles_without_emergency_access_cannot_search(child):
    with pytest.raises(PermissionDenied):
        break_glass_search(
            actor=user_with_role(Role.BOARD_MEMBER),
            first_names="",
            last_name="Marsh",
            date_of_birth=DOB,
        )
    assert not AuditEvent.objects.filter(action="access.break_glass_searched").exists()


# Reviewing -------------------------------------------------------------------------------------


@pytest.fixture
def grant(practitioner, child):
    return break_glass_grant(actor=practitioner, person=child, reason=REASON)


def test_governance_reviews_a_grant(governance, grant):
    reviewed = break_glass_review(
        actor=governance, grant=grant, outcome=ReviewOutcome.APPROPRIATE, notes="  "
    )
    grant.refresh_from_db()
    assert reviewed.pk == grant.pk
    assert grant.reviewed_by == governance
    assert grant.reviewed_at is not None
    assert grant.review_outcome == ReviewOutcome.APPROPRIATE
    assert grant.review_notes == ""
    event = AuditEvent.objects.get(action="access.break_glass_reviewed")
    assert event.actor_id == governance.pk
    assert event.subject_type == "access.breakglassgrant"
    assert event.subject_id == str(grant.pk)
    assert event.after["review_outcome"] == "appropriate"


def test_an_inappropriate_use_needs_notes(governance, grant):
    with pytest.raises(ServiceValidationError) as error:
        break_glass_review(
            actor=governance, grant=grant, outcome=ReviewOutcome.INAPPROPRIATE, notes=" "
        )
    assert error.value.message_dict == {"notes": [NOTES_MISSING]}
    assert NOTES_MISSING == (
        "Enter review notes – say why the access was not appropriate and what will happen next"
    )
    grant.refresh_from_db()
    assert grant.reviewed_at is None

    break_glass_review(
        actor=governance,
        grant=grant,
        outcome=ReviewOutcome.INAPPROPRIATE,
        notes="Not an emergency: raised with her manager",
    )
    grant.refresh_from_db()
    assert grant.review_notes == "Not an emergency: raised with her manager"


def test_an_outcome_is_needed(governance, grant):
    with pytest.raises(ServiceValidationError) as error:
        break_glass_review(actor=governance, grant=grant, outcome="", notes="")
    assert error.value.message_dict == {"outcome": [OUTCOME_MISSING]}
    assert OUTCOME_MISSING == "Select whether the emergency access was appropriate"


def test_a_grant_is_reviewed_only_once(governance, grant):
    break_glass_review(actor=governance, grant=grant, outcome=ReviewOutcome.APPROPRIATE, notes="")
    with pytest.raises(ServiceValidationError) as error:
        break_glass_review(
            actor=user_with_role(Role.INFORMATION_GOVERNANCE),
            grant=grant,
            outcome=ReviewOutcome.INAPPROPRIATE,
            notes="Second thoughts",
        )
    assert error.value.messages == [ALREADY_REVIEWED]
    assert AuditEvent.objects.filter(action="access.break_glass_reviewed").count() == 1


def test_nobody_reviews_their_own_grant(governance, child):
    own = break_glass_grant(actor=governance, person=child, reason=REASON)
    with pytest.raises(ServiceValidationError) as error:
        break_glass_review(actor=governance, grant=own, outcome=ReviewOutcome.APPROPRIATE, notes="")
    assert error.value.messages == [OWN_GRANT]


@pytest.mark.parametrize("role", [Role.LEAD_PROFESSIONAL, Role.FRONT_DOOR, Role.ADMINISTRATOR])
def test_only_governance_reviews(role, grant):
    with pytest.raises(PermissionDenied, match=NOT_INFORMATION_GOVERNANCE):
        break_glass_review(
            actor=user_with_role(role), grant=grant, outcome=ReviewOutcome.APPROPRIATE, notes=""
        )


def test_grants_for_review_list_unreviewed_first_then_recent(governance, practitioner):
    people = [PersonFactory() for _ in range(3)]
    oldest, middle, newest = (
        break_glass_grant(actor=practitioner, person=person, reason=REASON) for person in people
    )
    break_glass_review(actor=governance, grant=newest, outcome=ReviewOutcome.APPROPRIATE, notes="")

    listed = list(break_glass_grants_for_review(viewer=governance))
    assert listed == [middle, oldest, newest]
    assert unreviewed_break_glass_count(viewer=governance) == 2
    assert break_glass_grant_for_review(viewer=governance, grant_id=oldest.pk) == oldest


def test_grants_for_review_are_hidden_from_everyone_else(practitioner, grant):
    with pytest.raises(NotFoundOrForbidden):
        break_glass_grants_for_review(viewer=practitioner)
    with pytest.raises(NotFoundOrForbidden):
        break_glass_grant_for_review(viewer=practitioner, grant_id=grant.pk)
