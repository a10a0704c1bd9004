"""Writes for the front door: making referrals, linking them to a person, triage decisions.

Views, the public form, the partner API, imports and the demo seed call these same functions.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Agency, AgencyType, Area
from harbour.audit.services import record_event, snapshot
from harbour.core.errors import ServiceValidationError
from harbour.notifications.services import notification_send
from harbour.people import validators
from harbour.people.models import InvolvementKind, Person
from harbour.people.services import chronology_record, involvement_record
from harbour.referrals.models import (
    ConcernCategory,
    LawfulBasis,
    Referral,
    ReferralConcern,
    ReferralSource,
    ReferralStatus,
    TriageDecision,
    TriageRoute,
    Urgency,
)
from harbour.referrals.policy import load_triage_policy

_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


def new_reference() -> str:
    """A reference a caller can read out on the phone, e.g. HBR-7K2Q-XM4D."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"HBR-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True)
class ChildAsDescribed:
    first_names: str = ""
    last_name: str = ""
    date_of_birth: datetime.date | None = None
    age_description: str = ""
    sex: str = "not_known"
    postcode: str = ""
    school: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class ConcernDetails:
    categories: tuple[str, ...]
    narrative: str
    known_associates: str = ""
    places: str = ""
    vehicles: str = ""
    urgency: str = Urgency.STANDARD
    family_aware: str = "not_known"


@dataclass(frozen=True)
class StaffReferrerDetails:
    lawful_basis: str
    safeguarding_condition: bool
    consent_details: str = ""
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class PublicReporterDetails:
    relationship: str = ""
    is_anonymous: bool = True
    name: str = ""
    phone: str = ""
    email: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def front_door_agency(area: Area) -> Agency:
    """The children's social care agency whose front door receives referrals for ``area``."""
    agency = (
        Agency.objects.filter(
            agency_type=AgencyType.CHILDRENS_SOCIAL_CARE, areas=area, is_active=True
        )
        .order_by("name")
        .first()
    )
    if agency is None:
        raise ServiceValidationError({"area": [f"{area.name} has no front door set up in Harbour"]})
    return agency


def _validate_child(child: ChildAsDescribed, errors: dict[str, list[str]]) -> None:
    if child.date_of_birth is not None and child.date_of_birth > timezone.localdate():
        errors["child_date_of_birth"] = ["Date of birth must be today or in the past"]
    if child.postcode:
        try:
            validators.validate_uk_postcode(child.postcode)
        except ValidationError as error:
            errors["child_postcode"] = error.messages


def _validate_concern(concern: ConcernDetails, errors: dict[str, list[str]]) -> None:
    if not concern.categories:
        errors["categories"] = ["Select what the concern is about"]
    unknown = set(concern.categories) - set(ConcernCategory.values)
    if unknown:
        errors["categories"] = ["Select what the concern is about from the list"]
    if len(concern.narrative.strip()) < 10:
        errors["narrative"] = ["Describe what happened, in at least a sentence"]
    if concern.urgency not in Urgency.values:
        errors["urgency"] = ["Select how urgent this is"]


def _create(
    *,
    source: str,
    area: Area,
    child: ChildAsDescribed,
    concern: ConcernDetails,
    fields: dict[str, Any],
) -> Referral:
    policy_file = load_triage_policy()
    received_at = timezone.now()
    attributes = {
        "source": source,
        "area": area,
        "receiving_agency": front_door_agency(area),
        "subject_first_names": child.first_names.strip(),
        "subject_last_name": child.last_name.strip(),
        "subject_date_of_birth": child.date_of_birth,
        "subject_age_description": child.age_description.strip(),
        "subject_sex": child.sex,
        "subject_postcode": validators.normalise_postcode(child.postcode) if child.postcode else "",
        "subject_school": child.school.strip(),
        "subject_identifier": child.identifier.strip(),
        "narrative": concern.narrative.strip(),
        "known_associates": concern.known_associates.strip(),
        "places": concern.places.strip(),
        "vehicles": concern.vehicles.strip(),
        "urgency": concern.urgency,
        "family_aware": concern.family_aware,
        "received_at": received_at,
        "decision_due_at": policy_file.decision_due_at(
            received_at=received_at, urgency=concern.urgency, area_code=area.code
        ),
        "triage_policy_version": policy_file.version,
        **fields,
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                referral = Referral.objects.create(reference=new_reference(), **attributes)
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 32^8 references make five collisions in a row vanishingly rare
        raise RuntimeError("Could not allocate a unique referral reference")
    ReferralConcern.objects.bulk_create(
        ReferralConcern(referral=referral, category=category)
        for category in sorted(set(concern.categories))
    )
    return referral


def _link_effects(*, actor: Any, referral: Referral, person: Person, request: Any) -> None:
    """What linking a referral to a person means: involvement (access) and the chronology."""
    involvement_record(
        actor=actor,
        person=person,
        agency=referral.receiving_agency,
        kind=InvolvementKind.RECEIVED_REFERRAL,
        source_type="referrals.referral",
        source_id=str(referral.pk),
        description=f"Referral {referral.reference} to the front door",
        request=request,
    )
    if referral.referrer_agency_id is not None:
        involvement_record(
            actor=actor,
            person=person,
            agency=referral.referrer_agency,  # type: ignore[arg-type]
            kind=InvolvementKind.REFERRED_BY,
            source_type="referrals.referral",
            source_id=str(referral.pk),
            description=f"Made referral {referral.reference}",
            request=request,
        )
    categories = ", ".join(c.get_category_display().lower() for c in referral.concerns.all())
    chronology_record(
        person=person,
        occurred_at=referral.received_at,
        event_type="referral.received",
        summary=f"Referral {referral.reference} received: {categories}",
        agency=referral.receiving_agency,
        source_type="referrals.referral",
        source_id=str(referral.pk),
    )
    if referral.referrer_agency_id is not None:
        chronology_record(
            person=person,
            occurred_at=referral.received_at,
            event_type="referral.made",
            summary=f"Referral {referral.reference} made by {referral.referrer_agency}",
            agency=referral.referrer_agency,
            source_type="referrals.referral",
            source_id=str(referral.pk),
        )


@transaction.atomic
def referral_create_staff(
    *,
    actor: Any,
    agency: Agency,
    area: Area,
    child: ChildAsDescribed,
    concern: ConcernDetails,
    referrer: StaffReferrerDetails,
    person: Person | None = None,
    source: str = ReferralSource.STAFF,
    request: Any = None,
) -> Referral:
    """A professional's referral (on screen, or from a partner system through the API).

    ``person``, if given, must be one the referrer can see.
    """
    if not policy.may_refer(actor) or agency.pk not in policy.viewer_for(actor).casework_agency_ids:
        raise PermissionDenied("You cannot make referrals for that agency")
    errors: dict[str, list[str]] = {}
    if person is not None and not policy.person_visible_to(actor).filter(pk=person.pk).exists():
        errors["person"] = ["Choose a child from the list, or say this is a new child"]
    if person is None and not (child.first_names.strip() or child.last_name.strip()):
        errors["child_first_names"] = ["Enter the child's first name or last name"]
    _validate_child(child, errors)
    _validate_concern(concern, errors)
    if referrer.lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = ["Select the lawful basis for sharing this information"]
    if referrer.lawful_basis == LawfulBasis.CONSENT and not referrer.consent_details.strip():
        errors["consent_details"] = ["Say who gave consent and when"]
    if not (referrer.phone.strip() or referrer.email.strip()):
        errors["referrer_phone"] = ["Enter a phone number or e-mail address the front door can use"]
    if errors:
        raise ServiceValidationError(errors)
    referral = _create(
        source=source,
        area=area,
        child=child,
        concern=concern,
        fields={
            "person": person,
            "referrer": actor,
            "referrer_agency": agency,
            "referrer_name": referrer.name.strip() or actor.get_full_name(),
            "referrer_role": referrer.role.strip(),
            "referrer_phone": referrer.phone.strip(),
            "referrer_email": referrer.email.strip(),
            "lawful_basis": referrer.lawful_basis,
            "safeguarding_condition": referrer.safeguarding_condition,
            "consent_details": referrer.consent_details.strip(),
        },
    )
    record_event(
        actor=actor,
        action="referral.created",
        subject=referral,
        after=snapshot(referral, ["reference", "source", "area_id", "person_id", "urgency"]),
        request=request,
    )
    if person is not None:
        _link_effects(actor=actor, referral=referral, person=person, request=request)
    return referral


def public_form_rate_limited(*, client_address: str | None) -> bool:
    """Count this submission; True when the address has sent too many this hour."""
    limit = settings.HARBOUR_PUBLIC_FORM_RATE_PER_HOUR
    digest = hashlib.sha256((client_address or "unknown").encode()).hexdigest()[:32]
    key = f"public-form:{digest}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > limit


@transaction.atomic
def referral_submit_public(
    *,
    area: Area,
    child: ChildAsDescribed,
    concern: ConcernDetails,
    reporter: PublicReporterDetails,
    request: Any = None,
) -> Referral:
    """A concern from the public or a young person, maybe anonymous, into the front-door queue."""
    errors: dict[str, list[str]] = {}
    _validate_child(child, errors)
    _validate_concern(concern, errors)
    if not reporter.is_anonymous and not (
        reporter.name.strip() and (reporter.phone.strip() or reporter.email.strip())
    ):
        errors["reporter_name"] = [
            "Give your name and a phone number or email, or choose to stay anonymous"
        ]
    if errors:
        raise ServiceValidationError(errors)
    referral = _create(
        source=ReferralSource.PUBLIC,
        area=area,
        child=child,
        concern=concern,
        fields={
            "public_relationship": reporter.relationship,
            "is_anonymous": reporter.is_anonymous,
            "referrer_name": "" if reporter.is_anonymous else reporter.name.strip(),
            "referrer_phone": "" if reporter.is_anonymous else reporter.phone.strip(),
            "referrer_email": "" if reporter.is_anonymous else reporter.email.strip(),
            "lawful_basis": LawfulBasis.PUBLIC_TASK,
        },
    )
    record_event(
        actor=None,
        actor_label="public form",
        action="referral.public_submitted",
        subject=referral,
        after=snapshot(referral, ["reference", "source", "area_id", "urgency", "is_anonymous"]),
        request=request,
    )
    return referral


def _require_front_door_for(actor: Any, referral: Referral) -> None:
    if referral.area_id not in policy.areas_user_triages(actor):
        raise PermissionDenied("Only the front door for this area can do that")


@transaction.atomic
def referral_link_person(
    *, actor: Any, referral: Referral, person: Person, request: Any = None
) -> Referral:
    """The front door links a referral to an existing person it was shown as a candidate."""
    _require_front_door_for(actor, referral)
    if not policy.person_matchable_by(actor).filter(pk=person.pk).exists():
        raise ServiceValidationError(
            {"person": ["Choose a child from the list of possible matches"]}
        )
    if referral.person_id is not None:
        raise ServiceValidationError({"person": ["This referral is already linked to a child"]})
    referral.person = person
    referral.save(update_fields=["person", "updated_at"])
    record_event(
        actor=actor,
        action="referral.person_linked",
        subject=referral,
        before={"person_id": None},
        after={"person_id": str(person.pk)},
        request=request,
    )
    _link_effects(actor=actor, referral=referral, person=person, request=request)
    return referral


@transaction.atomic
def referral_link_new_person(*, actor: Any, referral: Referral, request: Any = None) -> Person:
    """The front door decides the referral is about a child Harbour does not know yet."""
    from harbour.people.services import PersonDetails, person_create

    _require_front_door_for(actor, referral)
    if referral.person_id is not None:
        raise ServiceValidationError({"person": ["This referral is already linked to a child"]})
    if not (referral.subject_first_names or referral.subject_last_name):
        raise ServiceValidationError(
            {"person": ["The referral gives no name: a new record cannot be made from it"]}
        )
    identifiers: tuple[tuple[str, str], ...] = ()
    identifier = referral.subject_identifier.replace(" ", "")
    if identifier:
        if validators.nhs_number_is_valid(identifier):
            identifiers = (("nhs_number", identifier),)
        else:
            try:
                validators.validate_upn(identifier)
                identifiers = (("upn", identifier),)
            except ValidationError:
                identifiers = ()
    person = person_create(
        actor=actor,
        agency=referral.receiving_agency,
        details=PersonDetails(
            first_names=referral.subject_first_names,
            last_name=referral.subject_last_name,
            date_of_birth=referral.subject_date_of_birth,
            date_of_birth_precision="exact" if referral.subject_date_of_birth else "unknown",
            sex=referral.subject_sex,
            home_area=referral.area,
            postcode=referral.subject_postcode,
            identifiers=identifiers,
        ),
        request=request,
    )
    referral.person = person
    referral.save(update_fields=["person", "updated_at"])
    record_event(
        actor=actor,
        action="referral.person_linked",
        subject=referral,
        before={"person_id": None},
        after={"person_id": str(person.pk), "new_person": True},
        request=request,
    )
    _link_effects(actor=actor, referral=referral, person=person, request=request)
    return person


@transaction.atomic
def referral_triage(
    *,
    actor: Any,
    referral: Referral,
    route: str,
    rationale: str,
    advice_to_referrer: str = "",
    request: Any = None,
) -> TriageDecision:
    """The front door's decision on a referral; the referrer is told the outcome."""
    _require_front_door_for(actor, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    errors: dict[str, list[str]] = {}
    if referral.status == ReferralStatus.DECIDED:
        errors["route"] = ["This referral has already been decided"]
    if route not in TriageRoute.values:
        errors["route"] = ["Select what happens next"]
    if len(rationale.strip()) < 10:
        errors["rationale"] = ["Explain the reason for the decision"]
    if route == TriageRoute.NO_FURTHER_ACTION and not advice_to_referrer.strip():
        errors["advice_to_referrer"] = ["Enter the advice given to the referrer"]
    has_name = bool(referral.subject_first_names or referral.subject_last_name)
    if referral.person_id is None and has_name:
        errors["person"] = [
            "Link the referral to a child Harbour knows, or record them as a new child, first"
        ]
    if errors:
        raise ServiceValidationError(errors)
    now = timezone.now()
    decision = TriageDecision.objects.create(
        referral=referral,
        route=route,
        rationale=rationale.strip(),
        advice_to_referrer=advice_to_referrer.strip(),
        decided_by=actor,
        decided_at=now,
        was_overdue=now > referral.decision_due_at,
    )
    referral.status = ReferralStatus.DECIDED
    referral.save(update_fields=["status", "updated_at"])
    record_event(
        actor=actor,
        action="referral.triaged",
        subject=referral,
        before={"status": ReferralStatus.AWAITING_TRIAGE},
        after={
            "status": ReferralStatus.DECIDED,
            "route": route,
            "was_overdue": decision.was_overdue,
        },
        request=request,
    )
    if referral.person is not None:
        chronology_record(
            person=referral.person,
            occurred_at=now,
            event_type="referral.triaged",
            summary=f"Front door decision on {referral.reference}: {decision.get_route_display()}",
            agency=referral.receiving_agency,
            source_type="referrals.referral",
            source_id=str(referral.pk),
        )
    if referral.referrer is not None:
        notification_send(
            recipient=referral.referrer,
            subject=f"Outcome of your referral {referral.reference}",
            body=(
                f"The front door has decided your referral {referral.reference}: "
                f"{decision.get_route_display()}. Sign in to Harbour to read the outcome."
            ),
            link_url=reverse("referrals:detail", args=[referral.pk]),
            about=referral,
            actor=actor,
        )
    return decision
