"""Person pages: adding identifiers and addresses, through the access policy."""

from __future__ import annotations

import pytest

from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.people.models import Address, Identifier
from harbour.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_and_child():
    area = AreaFactory()
    school = AgencyFactory(agency_type=AgencyType.EDUCATION, areas=[area])
    teacher = user_with_role(Role.REFERRER, agency=school)
    child = PersonFactory(created_by_agency=school, home_area=area)
    return teacher, child


def test_a_valid_nhs_number_is_added_and_audited(client, school_and_child):
    teacher, child = school_and_child
    client.force_login(teacher)
    response = client.post(
        f"/people/{child.pk}/identifiers/new/", {"kind": "nhs_number", "value": "943 476 5919"}
    )
    assert response.status_code == 302
    identifier = Identifier.objects.get(person=child)
    assert identifier.value == "9434765919"
    assert AuditEvent.objects.filter(
        action="person.identifier_added", subject_id=str(child.pk)
    ).exists()


def test_a_wrong_check_digit_is_explained_and_nothing_is_saved(client, school_and_child):
    teacher, child = school_and_child
    client.force_login(teacher)
    response = client.post(
        f"/people/{child.pk}/identifiers/new/", {"kind": "nhs_number", "value": "943 476 5918"}
    )
    assert response.status_code == 200
    assert "NHS number is not valid: check the digits have been entered correctly" in (
        response.content.decode()
    )
    assert "govuk-error-summary" in response.content.decode()
    assert not Identifier.objects.exists()


def test_someone_who_cannot_see_the_child_gets_not_found(client, school_and_child):
    _, child = school_and_child
    stranger = user_with_role(Role.REFERRER)
    client.force_login(stranger)
    response = client.post(
        f"/people/{child.pk}/identifiers/new/", {"kind": "nhs_number", "value": "9434765919"}
    )
    assert response.status_code == 404
    assert not Identifier.objects.exists()
    assert AuditEvent.objects.filter(action="person.view_refused").exists()


def test_a_new_current_address_makes_the_old_one_previous(client, school_and_child):
    teacher, child = school_and_child
    client.force_login(teacher)
    for line, postcode in (("1 First Street", "nb1 2ab"), ("2 Second Street", "NB3 4DD")):
        response = client.post(
            f"/people/{child.pk}/addresses/new/",
            {"line_1": line, "postcode": postcode, "is_current": "on"},
        )
        assert response.status_code == 302
    current = Address.objects.get(person=child, is_current=True)
    assert current.line_1 == "2 Second Street"
    assert Address.objects.get(person=child, is_current=False).postcode == "NB1 2AB"


def test_a_bad_postcode_is_explained(client, school_and_child):
    teacher, child = school_and_child
    client.force_login(teacher)
    response = client.post(
        f"/people/{child.pk}/addresses/new/", {"line_1": "1 First Street", "postcode": "NOPE"}
    )
    assert "Enter a real UK postcode, like AB1 2CD" in response.content.decode()
    assert not Address.objects.exists()


def test_the_chronology_page_shows_visible_events_and_refuses_strangers(client, school_and_child):
    from django.utils import timezone

    from harbour.people.services import chronology_record

    teacher, child = school_and_child
    chronology_record(
        person=child,
        occurred_at=timezone.now(),
        event_type="person.noted",
        summary="Record created by the school",
        agency=child.created_by_agency,
        source_type="people.person",
        source_id=str(child.pk),
    )
    client.force_login(teacher)
    response = client.get(f"/people/{child.pk}/chronology/")
    assert response.status_code == 200
    assert "Record created by the school" in response.content.decode()

    client.force_login(user_with_role(Role.REFERRER))
    assert client.get(f"/people/{child.pk}/chronology/").status_code == 404
