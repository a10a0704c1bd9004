"""Referral services: making referrals, the public form, linking to a person, triage."""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from harbour.access.policy import forget_viewer, person_visible_to
from harbour.accounts.models import AgencyType, Role
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.audit.models import AuditEvent
from harbour.core.errors import ServiceValidationError
from harbour.notifications.models import Notification
from harbour.people.models import ChronologyEntry, Identifier, Involvement, Person
from harbour.people.services import PersonDetails, person_create
from harbour.people.tests.factories import PersonFactory
from harbour.referrals import services
from harbour.referrals.models import (
    Referral,
    ReferralConcern,
    ReferralSource,
    ReferralStatus,
    TriageDecision,
)
from harbour.referrals.policy import TriagePolicy, load_triage_policy
from harbour.referrals.tests.factories import (
    FrontDoorSetup,
    child_details,
    concern_details,
    make_public_referral,
    make_referral,
    referrer_details,
    reporter_details,
)

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^HBR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
RATIONALE = "Threshold for exploitation screening met: repeated sightings with older males."


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Referral.objects.count(),
        ReferralConcern.objects.count(),
        AuditEvent.objects.count(),
        Involvement.objects.count(),
        ChronologyEntry.objects.count(),
    )


def _staff_referral(north: FrontDoorSetup, **overrides: Any) -> Referral:
    arguments: dict[str, Any] = {
        "actor": north.referrer,
        "agency": north.school,
        "area": north.area,
        "child": child_details(),
        "concern": concern_details(),
        "referrer": referrer_details(),
        "person": None,
    }
    arguments.update(overrides)
    return services.referral_create_staff(**arguments)


def _linked_referral(north: FrontDoorSetup, **child_fields: Any) -> Referral:
    referral = make_referral(actor=north.referrer, **child_fields)
    services.referral_link_new_person(actor=north.front_door, referral=referral)
    referral.refresh_from_db()
    return referral


# Making a referral -----------------------------------------------------------------------


def test_staff_referral_creates_referral_concerns_and_audit(north: FrontDoorSetup) -> None:
    referral = _staff_referral(
        north,
        child=child_details(first_names="  Amelia ", last_name=" Ashdown ", postcode="nb1  2ab"),
        concern=concern_details(
            categories=("missing", "criminal_exploitation", "missing"),
            narrative="  Seen with older males near the station late at night.  ",
        ),
    )

    referral.refresh_from_db()
    assert REFERENCE.match(referral.reference)
    assert referral.source == ReferralSource.STAFF
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert referral.area == north.area
    assert referral.receiving_agency == north.csc
    assert referral.referrer == north.referrer
    assert referral.referrer_agency == north.school
    assert referral.referrer_name == "Rita Teacher"
    assert referral.referrer_phone == "01632 960001"
    assert referral.lawful_basis == "public_task"
    assert referral.safeguarding_condition is True
    assert (referral.subject_first_names, referral.subject_last_name) == ("Amelia", "Ashdown")
    assert referral.subject_postcode == "NB1 2AB"
    assert referral.narrative == "Seen with older males near the station late at night."
    assert referral.person is None
    assert sorted(referral.concerns.values_list("category", flat=True)) == [
        "criminal_exploitation",
        "missing",
    ]
    event = AuditEvent.objects.get(action="referral.created")
    assert event.actor == north.referrer
    assert (event.subject_type, event.subject_id) == ("referrals.referral", str(referral.pk))
    assert event.after["reference"] == referral.reference
    assert event.after["urgency"] == "standard"
    # No person: no involvement and no chronology.
    assert not Involvement.objects.exists()
    assert not ChronologyEntry.objects.exists()


def test_staff_referral_is_one_transaction(
    north: FrontDoorSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the audit write fails, the referral and its concerns are not saved either."""

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "record_event", fail)
    before = _counts()
    with pytest.raises(RuntimeError, match="audit log unavailable"):
        _staff_referral(north)
    assert _counts() == before


def test_staff_referral_references_are_unique(north: FrontDoorSetup) -> None:
    references = {make_referral(actor=north.referrer).reference for _ in range(5)}
    assert len(references) == 5


def test_staff_referral_about_a_known_person(north: FrontDoorSetup) -> None:
    person = person_create(
        actor=north.referrer,
        agency=north.school,
        details=PersonDetails(
            first_names="Amelia", last_name="Ashdown", date_of_birth=datetime.date(2011, 3, 27)
        ),
    )

    referral = _staff_referral(north, person=person)

    assert referral.person == person
    involvements = set(
        Involvement.objects.filter(source_type="referrals.referral").values_list(
            "agency", "kind", "source_id"
        )
    )
    assert involvements == {
        (north.csc.pk, "received_referral", str(referral.pk)),
        (north.school.pk, "referred_by", str(referral.pk)),
    }
    chronology = {
        (entry.event_type, entry.agency_id, entry.summary)
        for entry in ChronologyEntry.objects.filter(person=person)
    }
    assert chronology == {
        (
            "referral.received",
            north.csc.pk,
            f"Referral {referral.reference} received: child criminal exploitation (county lines)",
        ),
        (
            "referral.made",
            north.school.pk,
            f"Referral {referral.reference} made by Northbrook Academy",
        ),
    }
    assert all(
        entry.occurred_at == referral.received_at
        for entry in ChronologyEntry.objects.filter(person=person)
    )
    # The front door's agency now knows the child, so its lead professionals can see them.
    lead = user_with_role(Role.LEAD_PROFESSIONAL, north.csc)
    assert person_visible_to(lead).filter(pk=person.pk).exists()


def test_a_person_named_by_anothers_agency_needs_a_name_check(north: FrontDoorSetup) -> None:
    """A chosen person the referrer cannot see is refused (no probing by id)."""
    hidden = PersonFactory(first_names="Hidden", last_name="Child")
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        _staff_referral(north, person=hidden)
    assert caught.value.message_dict == {
        "person": ["Choose a child from the list, or say this is a new child"]
    }
    assert _counts() == before


INVALID_STAFF_INPUTS = [
    pytest.param(
        {"child": child_details(first_names="  ", last_name="")},
        "child_first_names",
        "Enter the child's first name or last name",
        id="no-name",
    ),
    pytest.param(
        {"child": child_details(date_of_birth=timezone.localdate() + datetime.timedelta(days=1))},
        "child_date_of_birth",
        "Date of birth must be today or in the past",
        id="future-birth",
    ),
    pytest.param(
        {"child": child_details(postcode="NOT A POSTCODE")},
        "child_postcode",
        "Enter a real UK postcode, like AB1 2CD",
        id="postcode",
    ),
    pytest.param(
        {"concern": concern_details(categories=())},
        "categories",
        "Select what the concern is about",
        id="no-category",
    ),
    pytest.param(
        {"concern": concern_details(categories=("criminal_exploitation", "gangs"))},
        "categories",
        "Select what the concern is about from the list",
        id="unknown-category",
    ),
    pytest.param(
        {"concern": concern_details(narrative="   too short   ")},
        "narrative",
        "Describe what happened, in at least a sentence",
        id="narrative",
    ),
    pytest.param(
        {"concern": concern_details(urgency="whenever")},
        "urgency",
        "Select how urgent this is",
        id="urgency",
    ),
    pytest.param(
        {"referrer": referrer_details(lawful_basis="")},
        "lawful_basis",
        "Select the lawful basis for sharing this information",
        id="lawful-basis",
    ),
    pytest.param(
        {"referrer": referrer_details(lawful_basis="consent", consent_details="  ")},
        "consent_details",
        "Say who gave consent and when",
        id="consent",
    ),
    pytest.param(
        {"referrer": referrer_details(phone=" ", email="")},
        "referrer_phone",
        "Enter a phone number or e-mail address the front door can use",
        id="contact",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), INVALID_STAFF_INPUTS)
def test_invalid_staff_referral_saves_nothing(
    north: FrontDoorSetup, overrides: dict[str, Any], field: str, message: str
) -> None:
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        _staff_referral(north, **overrides)
    assert caught.value.message_dict == {field: [message]}
    assert _counts() == before


def test_every_staff_mistake_is_reported_at_once(north: FrontDoorSetup) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        _staff_referral(
            north,
            child=child_details(first_names="", last_name="", postcode="XX"),
            concern=concern_details(categories=(), narrative="", urgency=""),
            referrer=referrer_details(lawful_basis="", phone="", email=""),
        )
    assert set(caught.value.message_dict) == {
        "child_first_names",
        "child_postcode",
        "categories",
        "narrative",
        "urgency",
        "lawful_basis",
        "referrer_phone",
    }


def test_an_area_without_a_front_door_is_refused(north: FrontDoorSetup) -> None:
    nowhere = AreaFactory(code="nowhere", name="Nowhere")
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        _staff_referral(north, area=nowhere)
    assert caught.value.message_dict == {"area": ["Nowhere has no front door set up in Harbour"]}
    assert _counts() == before


def test_an_inactive_csc_is_not_a_front_door(north: FrontDoorSetup) -> None:
    north.csc.is_active = False
    north.csc.save()
    with pytest.raises(ServiceValidationError) as caught:
        make_public_referral(area=north.area)
    assert caught.value.message_dict == {"area": ["Northbrook has no front door set up in Harbour"]}


def test_front_door_is_the_first_csc_by_name(north: FrontDoorSetup) -> None:
    AgencyFactory(
        name="Zed Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[north.area],
    )
    AgencyFactory(name="Aardvark Police", agency_type=AgencyType.POLICE, areas=[north.area])
    assert services.front_door_agency(north.area) == north.csc


def test_referring_for_someone_elses_agency_is_refused(
    north: FrontDoorSetup, south: FrontDoorSetup
) -> None:
    before = _counts()
    with pytest.raises(PermissionDenied, match="You cannot make referrals for that agency"):
        _staff_referral(north, agency=south.school)
    assert _counts() == before


@pytest.mark.parametrize(
    "role", [Role.BOARD_MEMBER, Role.INFORMATION_GOVERNANCE, Role.ADMINISTRATOR]
)
def test_roles_without_case_content_cannot_refer(north: FrontDoorSetup, role: str) -> None:
    user = user_with_role(role, north.school)
    with pytest.raises(PermissionDenied, match="You cannot make referrals for that agency"):
        _staff_referral(north, actor=user)
    assert not Referral.objects.exists()


# The public form -------------------------------------------------------------------------


def test_public_referral_anonymous_drops_contact_details(north: FrontDoorSetup) -> None:
    referral = make_public_referral(
        area=north.area,
        reporter=reporter_details(
            relationship="self",
            is_anonymous=True,
            name="Quinn",
            phone="07700 900123",
            email="quinn@example.org",
        ),
    )
    referral.refresh_from_db()
    assert referral.source == ReferralSource.PUBLIC
    assert referral.is_anonymous is True
    assert (referral.referrer_name, referral.referrer_phone, referral.referrer_email) == (
        "",
        "",
        "",
    )
    assert referral.public_relationship == "self"
    assert referral.referrer is None
    assert referral.referrer_agency is None
    assert referral.lawful_basis == "public_task"
    assert referral.receiving_agency == north.csc
    assert referral.subject_age_description == "14"
    event = AuditEvent.objects.get(action="referral.public_submitted")
    assert event.actor is None
    assert event.actor_label == "public form"
    assert event.subject_id == str(referral.pk)
    assert event.after["is_anonymous"] is True


def test_public_referral_with_contact_details_keeps_them(north: FrontDoorSetup) -> None:
    referral = make_public_referral(
        area=north.area,
        reporter=reporter_details(
            relationship="family", is_anonymous=False, name=" Pat Parent ", email="pat@example.org"
        ),
    )
    assert referral.is_anonymous is False
    assert referral.referrer_name == "Pat Parent"
    assert referral.referrer_email == "pat@example.org"


@pytest.mark.parametrize(
    "reporter",
    [
        pytest.param({"name": "", "phone": "07700 900123"}, id="no-name"),
        pytest.param({"name": "Pat Parent", "phone": " ", "email": ""}, id="no-contact"),
    ],
)
def test_public_referral_not_anonymous_needs_name_and_contact(
    north: FrontDoorSetup, reporter: dict[str, str]
) -> None:
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        make_public_referral(
            area=north.area, reporter=reporter_details(is_anonymous=False, **reporter)
        )
    assert caught.value.message_dict == {
        "reporter_name": ["Give your name and a phone number or email, or choose to stay anonymous"]
    }
    assert _counts() == before


def test_public_referral_validates_the_concern(north: FrontDoorSetup) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        make_public_referral(
            area=north.area,
            concern=concern_details(categories=(), narrative="help"),
            postcode="ZZ",
        )
    assert caught.value.message_dict == {
        "child_postcode": ["Enter a real UK postcode, like AB1 2CD"],
        "categories": ["Select what the concern is about"],
        "narrative": ["Describe what happened, in at least a sentence"],
    }
    assert not Referral.objects.exists()


def test_public_form_rate_limit(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HARBOUR_PUBLIC_FORM_RATE_PER_HOUR = 2
    limited = services.public_form_rate_limited
    assert [limited(client_address="192.0.2.1") for _ in range(4)] == [False, False, True, True]
    # Another address has its own count; no address at all shares one "unknown" count.
    assert limited(client_address="192.0.2.2") is False
    assert [limited(client_address=None) for _ in range(3)] == [False, False, True]
    # The next hour starts afresh.
    later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    assert limited(client_address="192.0.2.1") is False


# Decision due times ----------------------------------------------------------------------


@pytest.mark.parametrize(("urgency", "hours"), [("standard", 24), ("urgent", 1)])
def test_decision_due_from_the_triage_policy(
    north: FrontDoorSetup, monkeypatch: pytest.MonkeyPatch, urgency: str, hours: int
) -> None:
    received = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: received)

    referral = make_referral(actor=north.referrer, concern=concern_details(urgency=urgency))

    referral.refresh_from_db()
    assert referral.received_at == received
    assert referral.decision_due_at == received + datetime.timedelta(hours=hours)
    assert referral.triage_policy_version == load_triage_policy().version == 1


def test_public_referral_is_timed_by_the_same_policy(north: FrontDoorSetup) -> None:
    referral = make_public_referral(area=north.area, concern=concern_details(urgency="urgent"))
    assert referral.decision_due_at - referral.received_at == datetime.timedelta(hours=1)


def test_triage_policy_area_override() -> None:
    triage_policy = TriagePolicy(
        version=9,
        description="",
        decision_due_hours={"standard": 24.0, "urgent": 1.0},
        area_overrides={"northbrook": {"standard": 12.0}},
    )
    received = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    due = triage_policy.decision_due_at
    assert due(received_at=received, urgency="standard", area_code="northbrook") == (
        received + datetime.timedelta(hours=12)
    )
    assert due(received_at=received, urgency="urgent", area_code="northbrook") == (
        received + datetime.timedelta(hours=1)
    )
    assert due(received_at=received, urgency="standard", area_code="southmere") == (
        received + datetime.timedelta(hours=24)
    )


# Linking a referral to a person ----------------------------------------------------------


def test_link_to_a_candidate(north: FrontDoorSetup, south: FrontDoorSetup) -> None:
    """The front door links to a person its agency did not know (held by another area)."""
    police = AgencyFactory(agency_type=AgencyType.POLICE, areas=[north.area, south.area])
    officer = user_with_role(Role.POLICE_EXPLOITATION, police)
    person = person_create(
        actor=officer,
        agency=police,
        details=PersonDetails(
            first_names="Amelia",
            last_name="Ashdown",
            date_of_birth=datetime.date(2011, 3, 27),
            home_area=south.area,
        ),
    )
    referral = make_referral(actor=north.referrer)

    services.referral_link_person(actor=north.front_door, referral=referral, person=person)

    referral.refresh_from_db()
    assert referral.person == person
    assert set(
        Involvement.objects.filter(person=person, source_id=str(referral.pk)).values_list(
            "agency", "kind"
        )
    ) == {(north.csc.pk, "received_referral"), (north.school.pk, "referred_by")}
    assert ChronologyEntry.objects.filter(person=person, source_id=str(referral.pk)).count() == 2
    event = AuditEvent.objects.get(action="referral.person_linked")
    assert event.actor == north.front_door
    assert event.before == {"person_id": None}
    assert event.after == {"person_id": str(person.pk)}
    # Linking is what gives the referring school access to the person.
    forget_viewer(north.referrer)
    assert person_visible_to(north.referrer).filter(pk=person.pk).exists()


def test_link_twice_is_refused(north: FrontDoorSetup) -> None:
    referral = _linked_referral(north)
    other = PersonFactory(first_names="Other", last_name="Child", home_area=north.area)
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        services.referral_link_person(actor=north.front_door, referral=referral, person=other)
    assert caught.value.message_dict == {"person": ["This referral is already linked to a child"]}
    with pytest.raises(ServiceValidationError) as caught:
        services.referral_link_new_person(actor=north.front_door, referral=referral)
    assert caught.value.message_dict == {"person": ["This referral is already linked to a child"]}
    assert _counts() == before


@pytest.mark.parametrize("who", ["referrer", "other_front_door", "coordinator"])
def test_only_this_areas_front_door_may_link(
    north: FrontDoorSetup, south: FrontDoorSetup, who: str
) -> None:
    actor = {
        "referrer": north.referrer,
        "other_front_door": south.front_door,
        "coordinator": user_with_role(Role.COORDINATOR, north.csc),
    }[who]
    referral = make_referral(actor=north.referrer)
    person = PersonFactory(first_names="Amelia", last_name="Ashdown")
    before = _counts()
    with pytest.raises(PermissionDenied, match="Only the front door for this area can do that"):
        services.referral_link_person(actor=actor, referral=referral, person=person)
    with pytest.raises(PermissionDenied, match="Only the front door for this area can do that"):
        services.referral_link_new_person(actor=actor, referral=referral)
    assert _counts() == before


def test_link_new_person_from_the_referral(north: FrontDoorSetup) -> None:
    referral = make_referral(
        actor=north.referrer,
        child=child_details(postcode="NB1 2AB", identifier="943 476 5919"),
    )

    person = services.referral_link_new_person(actor=north.front_door, referral=referral)

    referral.refresh_from_db()
    assert referral.person == person
    assert (person.first_names, person.last_name) == ("Amelia", "Ashdown")
    assert person.date_of_birth == datetime.date(2011, 3, 27)
    assert person.date_of_birth_precision == "exact"
    assert person.sex == "female"
    assert person.home_area == north.area
    assert person.created_by_agency == north.csc
    assert person.last_name_key == "A235"
    assert list(person.addresses.values_list("postcode", flat=True)) == ["NB1 2AB"]
    assert list(Identifier.objects.filter(person=person).values_list("kind", "value")) == [
        ("nhs_number", "9434765919")
    ]
    assert set(Involvement.objects.filter(person=person).values_list("agency", "kind")) == {
        (north.csc.pk, "holds_record"),
        (north.csc.pk, "received_referral"),
        (north.school.pk, "referred_by"),
    }
    linked = AuditEvent.objects.get(action="referral.person_linked")
    assert linked.after == {"person_id": str(person.pk), "new_person": True}
    assert AuditEvent.objects.filter(action="person.created", subject_id=str(person.pk)).exists()


def test_link_new_person_without_a_date_of_birth(north: FrontDoorSetup) -> None:
    referral = make_referral(actor=north.referrer, date_of_birth=None, identifier="not-an-id")
    person = services.referral_link_new_person(actor=north.front_door, referral=referral)
    assert person.date_of_birth is None
    assert person.date_of_birth_precision == "unknown"
    assert not person.identifiers.exists()


def test_link_new_person_needs_a_name(north: FrontDoorSetup) -> None:
    referral = make_public_referral(area=north.area, first_names="", last_name="")
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        services.referral_link_new_person(actor=north.front_door, referral=referral)
    assert caught.value.message_dict == {
        "person": ["The referral gives no name: a new record cannot be made from it"]
    }
    assert _counts() == before
    assert not Person.objects.exists()


# Triage ----------------------------------------------------------------------------------


def test_triage_records_the_decision(north: FrontDoorSetup) -> None:
    referral = _linked_referral(north)

    decision = services.referral_triage(
        actor=north.front_door,
        referral=referral,
        route="exploitation_screening",
        rationale=f"  {RATIONALE}  ",
    )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    decision = TriageDecision.objects.get(pk=decision.pk)
    assert decision.referral == referral
    assert decision.route == "exploitation_screening"
    assert decision.rationale == RATIONALE
    assert decision.decided_by == north.front_door
    assert decision.was_overdue is False
    event = AuditEvent.objects.get(action="referral.triaged")
    assert event.before == {"status": "awaiting_triage"}
    assert event.after == {
        "status": "decided",
        "route": "exploitation_screening",
        "was_overdue": False,
    }
    entry = ChronologyEntry.objects.get(event_type="referral.triaged")
    assert entry.person == referral.person
    assert entry.summary == (f"Front door decision on {referral.reference}: Exploitation screening")


def test_triage_after_the_due_time_is_marked_overdue(
    north: FrontDoorSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = _linked_referral(north)
    late = referral.decision_due_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(services.timezone, "now", lambda: late)
    decision = services.referral_triage(
        actor=north.front_door, referral=referral, route="early_help", rationale=RATIONALE
    )
    assert decision.was_overdue is True
    assert decision.decided_at == late


def test_triage_notifies_the_referrer_after_commit(
    north: FrontDoorSetup, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    referral = _linked_referral(north)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.referral_triage(
            actor=north.front_door, referral=referral, route="early_help", rationale=RATIONALE
        )
    assert len(callbacks) == 1
    assert mailoutbox == []  # nothing is e-mailed before the decision is committed

    notification = Notification.objects.get(recipient=north.referrer)
    assert notification.subject == f"Outcome of your referral {referral.reference}"
    assert notification.body == (
        f"The front door has decided your referral {referral.reference}: Early help. "
        "Sign in to Harbour to read the outcome."
    )
    assert notification.link_url == f"/referrals/{referral.pk}/"
    assert (notification.subject_type, notification.subject_id) == (
        "referrals.referral",
        str(referral.pk),
    )
    assert AuditEvent.objects.filter(
        action="notification.created", subject_id=str(notification.pk)
    ).exists()


def test_triage_emails_the_referrer(
    north: FrontDoorSetup,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.HARBOUR_BASE_URL = "https://harbour.example"
    referral = _linked_referral(north)

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_triage(
            actor=north.front_door, referral=referral, route="early_help", rationale=RATIONALE
        )

    assert len(mailoutbox) == 1
    (message,) = mailoutbox
    assert message.to == [north.referrer.email]
    assert message.subject == f"Outcome of your referral {referral.reference}"
    assert f"https://harbour.example/referrals/{referral.pk}/" in message.body
    assert Notification.objects.get(recipient=north.referrer).emailed_at is not None


def test_triage_of_a_public_referral_notifies_nobody(
    north: FrontDoorSetup, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    """An unnamed public concern may be decided without linking; there is no referrer to tell."""
    referral = make_public_referral(area=north.area, first_names="", last_name="")
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_triage(
            actor=north.front_door,
            referral=referral,
            route="no_further_action",
            rationale=RATIONALE,
            advice_to_referrer="Signposted to the school nurse drop-in.",
        )
    assert not Notification.objects.exists()
    assert mailoutbox == []
    assert not ChronologyEntry.objects.exists()


@pytest.mark.parametrize("who", ["other_front_door", "referrer", "coordinator"])
def test_triage_by_anyone_but_this_areas_front_door_is_refused(
    north: FrontDoorSetup, south: FrontDoorSetup, who: str
) -> None:
    actor = {
        "other_front_door": south.front_door,
        "referrer": north.referrer,
        "coordinator": user_with_role(Role.COORDINATOR, north.csc),
    }[who]
    referral = _linked_referral(north)
    before = _counts()
    with pytest.raises(PermissionDenied, match="Only the front door for this area can do that"):
        services.referral_triage(
            actor=actor, referral=referral, route="early_help", rationale=RATIONALE
        )
    assert _counts() == before
    assert not TriageDecision.objects.exists()


def test_triage_twice_is_refused(north: FrontDoorSetup) -> None:
    referral = _linked_referral(north)
    services.referral_triage(
        actor=north.front_door, referral=referral, route="early_help", rationale=RATIONALE
    )
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        services.referral_triage(
            actor=north.front_door,
            referral=referral,
            route="strategy_discussion",
            rationale=RATIONALE,
        )
    assert caught.value.message_dict == {"route": ["This referral has already been decided"]}
    assert _counts() == before
    assert TriageDecision.objects.get().route == "early_help"


INVALID_TRIAGE = [
    pytest.param(
        {"route": "no_further_action", "advice_to_referrer": "  "},
        "advice_to_referrer",
        "Enter the advice given to the referrer",
        id="nfa-without-advice",
    ),
    pytest.param({"route": "shrug"}, "route", "Select what happens next", id="route"),
    pytest.param(
        {"rationale": "  because  "},
        "rationale",
        "Explain the reason for the decision",
        id="rationale",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), INVALID_TRIAGE)
def test_invalid_triage_saves_nothing(
    north: FrontDoorSetup, overrides: dict[str, str], field: str, message: str
) -> None:
    referral = _linked_referral(north)
    arguments = {"route": "early_help", "rationale": RATIONALE, **overrides}
    before = _counts()
    with pytest.raises(ServiceValidationError) as caught:
        services.referral_triage(actor=north.front_door, referral=referral, **arguments)
    assert caught.value.message_dict == {field: [message]}
    assert _counts() == before
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE


def test_nfa_with_advice_is_accepted(north: FrontDoorSetup) -> None:
    referral = _linked_referral(north)
    decision = services.referral_triage(
        actor=north.front_door,
        referral=referral,
        route="no_further_action",
        rationale=RATIONALE,
        advice_to_referrer="Keep talking to her; refer again if she goes missing.",
    )
    assert decision.advice_to_referrer == "Keep talking to her; refer again if she goes missing."


def test_a_named_referral_must_be_linked_before_triage(north: FrontDoorSetup) -> None:
    referral = make_referral(actor=north.referrer)
    with pytest.raises(ServiceValidationError) as caught:
        services.referral_triage(
            actor=north.front_door, referral=referral, route="early_help", rationale=RATIONALE
        )
    assert caught.value.message_dict == {
        "person": [
            "Link the referral to a child Harbour knows, or record them as a new child, first"
        ]
    }


def test_new_reference_alphabet() -> None:
    references = {services.new_reference() for _ in range(200)}
    assert all(REFERENCE.match(reference) for reference in references)
    assert len(references) == 200


def test_child_as_described_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        child_details().first_names = "x"
