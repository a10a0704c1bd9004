"""Writes for the partner API: issuing and revoking credentials, checking a presented token,
referrals and intelligence that partner systems submit.

A credential acts through its *service user*: a Harbour user with an unusable password and one
active membership (the credential's role) in the credential's agency. Every existing access
policy and service therefore treats a partner system exactly as it treats that agency's staff
in that role: an agency's system never reads what its staff could not.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from harbour.access import policy
from harbour.accounts.models import Agency, Area, Membership, Role, User
from harbour.audit.services import record_event
from harbour.core.errors import ServiceValidationError
from harbour.notifications.services import notification_send
from harbour.people.models import InvolvementKind, Person
from harbour.people.services import chronology_record, involvement_record
from harbour.referrals import services as referral_services
from harbour.referrals.models import LawfulBasis, Referral, ReferralSource
from harbour.return_interviews.intelligence import (
    IntelligenceError,
    IntelligenceInput,
    clean_item,
)

from .models import (
    PartnerCredential,
    PartnerIntelligence,
    PartnerIntelligenceItem,
    Scope,
)

#: Roles a partner system may act in. Never an area-wide role (front door, coordinator: a system
#: would see a whole area) and never one without case content (administrator, IG, board).
PARTNER_ROLES: tuple[str, ...] = (
    Role.REFERRER,
    Role.POLICE_EXPLOITATION,
    Role.LEAD_PROFESSIONAL,
    Role.CARE_PROVIDER,
    Role.RETURN_INTERVIEW,
)
CREDENTIAL_PREFIX = "hbr"
#: Chronology and involvement ``source_type`` of partner intelligence (its access policy is
#: ``harbour.api.selectors.intelligence_visible_to``).
INTELLIGENCE_SOURCE_TYPE = "partner_api.intelligence"
#: At most this many items in one intelligence submission.
MAX_INTELLIGENCE_ITEMS = 50

MSG_NAME = "Enter the partner system's name"
MSG_ROLE = "Select the role the partner system acts in"
MSG_SCOPES = "Select at least one thing the partner system may do"
MSG_EXPIRES_PAST = "The expiry date must be in the future"
MSG_AGENCY_INACTIVE = "Choose an active agency"
MSG_ALREADY_REVOKED = "This credential has already been revoked"
MSG_PERSON = "Choose a child you can see in Harbour"
MSG_AREA = "Enter the short code of an area in the partnership, for example northbrook"
MSG_SUMMARY = "Describe the intelligence, in at least a sentence"
MSG_LAWFUL_BASIS = "Select the lawful basis for sharing this information"
MSG_TOO_MANY_ITEMS = f"Send at most {MAX_INTELLIGENCE_ITEMS} items at once"
MSG_OBSERVED_FUTURE = "The date the intelligence was observed cannot be in the future"
INTELLIGENCE_NOTIFICATION_SUBJECT = "Intelligence about a child from a partner system"
INTELLIGENCE_NOTIFICATION_BODY = (
    "A partner system has sent intelligence about a child in your area. Sign in to Harbour and "
    "read the child's chronology."
)


# Tokens ------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """SHA-256 of the token, hex: what is stored. A 256-bit random secret needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    """``(prefix, token)``: ``hbr_<16 hex>_<43 url-safe characters>``."""
    prefix = secrets.token_hex(8)
    return prefix, f"{CREDENTIAL_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


class CredentialRefused(Exception):
    """A presented token that does not let its bearer in, with the reason in plain words."""

    def __init__(self, message: str, credential: PartnerCredential | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.credential = credential


MSG_CREDENTIAL_UNKNOWN = "The credential is not recognised"
MSG_CREDENTIAL_REVOKED = "The credential has been revoked"
MSG_CREDENTIAL_EXPIRED = "The credential has expired"
#: ``last_used_at`` is written at most this often per credential (not on every call).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def credential_authenticate(*, token: str) -> PartnerCredential:
    """The live credential whose token this is, or ``CredentialRefused``."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != CREDENTIAL_PREFIX or not parts[1] or not parts[2]:
        raise CredentialRefused(MSG_CREDENTIAL_UNKNOWN)
    credential = (
        PartnerCredential.objects.select_related("service_user", "agency")
        .filter(prefix=parts[1])
        .first()
    )
    if credential is None or not hmac.compare_digest(credential.token_hash, token_hash(token)):
        raise CredentialRefused(MSG_CREDENTIAL_UNKNOWN)
    if credential.is_revoked or not credential.service_user.is_active:
        raise CredentialRefused(MSG_CREDENTIAL_REVOKED, credential)
    now = timezone.now()
    if credential.is_expired(now):
        raise CredentialRefused(MSG_CREDENTIAL_EXPIRED, credential)
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_RESOLUTION:
        PartnerCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return credential


# Issuing and revoking --------------------------------------------------------------------------


@transaction.atomic
def credential_issue(
    *,
    actor: Any,
    name: str,
    agency: Agency,
    role: str,
    scopes: Iterable[str],
    expires_at: datetime.datetime | None = None,
    request: Any = None,
) -> tuple[PartnerCredential, str]:
    """A new credential and its service user. Returns ``(credential, token)``: the token is shown
    once and never stored. ``actor`` is the administrator, or None from the command line."""
    if actor is not None and not policy.may_administer(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only administrators issue partner credentials")
    scope_list = sorted(set(scopes))
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [MSG_NAME]
    elif len(name.strip()) > 120:
        errors["name"] = ["The name must be 120 characters or fewer"]
    if not agency.is_active:
        errors["agency"] = [MSG_AGENCY_INACTIVE]
    if role not in PARTNER_ROLES:
        errors["role"] = [MSG_ROLE]
    if not scope_list or set(scope_list) - set(Scope.values):
        errors["scopes"] = [MSG_SCOPES]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [MSG_EXPIRES_PAST]
    if errors:
        raise ServiceValidationError(errors)
    prefix, token = _new_token()
    service_user = User(
        username=f"partner-{prefix}",
        first_name=name.strip()[:150],
        last_name="(partner system)",
        job_title="Partner system (API)",
    )
    service_user.set_unusable_password()
    service_user.save()
    Membership.objects.create(user=service_user, agency=agency, role=role)
    credential = PartnerCredential.objects.create(
        name=name.strip(),
        agency=agency,
        role=role,
        scopes=scope_list,
        service_user=service_user,
        prefix=prefix,
        token_hash=token_hash(token),
        created_by=actor,
        expires_at=expires_at,
    )
    record_event(
        actor=actor,
        actor_label="" if actor is not None else "command line",
        action="partner_api.credential_issued",
        subject=credential,
        after={
            "name": credential.name,
            "agency_id": str(agency.pk),
            "role": role,
            "scopes": scope_list,
            "service_user_id": str(service_user.pk),
            "prefix": prefix,
            "expires_at": expires_at,
        },
        request=request,
    )
    return credential, token


@transaction.atomic
def credential_revoke(
    *, actor: Any, credential: PartnerCredential, reason: str = "", request: Any = None
) -> PartnerCredential:
    """Revoke at once: the token stops working and the service user is deactivated."""
    credential = PartnerCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.is_revoked:
        raise ServiceValidationError({"credential": [MSG_ALREADY_REVOKED]})
    now = timezone.now()
    credential.revoked_at = now
    credential.revoked_by = actor
    credential.revoked_reason = reason.strip()[:300]
    credential.save(update_fields=["revoked_at", "revoked_by", "revoked_reason", "updated_at"])
    User.objects.filter(pk=credential.service_user_id).update(is_active=False)
    Membership.objects.filter(user_id=credential.service_user_id).update(is_active=False)
    record_event(
        actor=actor,
        actor_label="" if actor is not None else "command line",
        action="partner_api.credential_revoked",
        subject=credential,
        before={"revoked_at": None},
        after={"revoked_at": now, "reason": credential.revoked_reason},
        request=request,
    )
    return credential


# Referrals --------------------------------------------------------------------------------------


def area_by_code(code: str) -> Area:
    area = Area.objects.filter(code=code.strip().lower()).first() if code.strip() else None
    if area is None:
        raise ServiceValidationError({"area": [MSG_AREA]})
    return area


def visible_person(*, viewer: Any, person_id: Any) -> Person:
    """The person if the viewer may see them; otherwise the same refusal whether or not they
    exist (a partner must not learn that an invisible person exists)."""
    person = policy.person_visible_to(viewer).filter(pk=person_id).first()
    if person is None:
        raise ServiceValidationError({"person": [MSG_PERSON]})
    return person


@transaction.atomic
def referral_submit(
    *,
    credential: PartnerCredential,
    area_code: str,
    child: referral_services.ChildAsDescribed,
    concern: referral_services.ConcernDetails,
    referrer: referral_services.StaffReferrerDetails,
    person_id: Any = None,
    request: Any = None,
) -> Referral:
    """A partner system's referral, made as its agency's staff make one (the front-door service),
    marked as coming from a partner system."""
    actor = credential.service_user
    area = area_by_code(area_code)
    person = visible_person(viewer=actor, person_id=person_id) if person_id else None
    referral = referral_services.referral_create_staff(
        actor=actor,
        agency=credential.agency,
        area=area,
        child=child,
        concern=concern,
        referrer=referrer,
        person=person,
        source=ReferralSource.PARTNER_API,
        request=request,
    )
    record_event(
        actor=actor,
        action="partner_api.referral_submitted",
        subject=referral,
        after={"credential_id": str(credential.pk), "source": ReferralSource.PARTNER_API},
        request=request,
    )
    return referral


# Intelligence --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntelligenceDetails:
    summary: str
    lawful_basis: str
    items: Sequence[IntelligenceInput] = ()
    observed_on: datetime.date | None = None
    partner_reference: str = ""


def _intelligence_area(person: Person, agency: Agency) -> Area:
    if person.home_area_id is not None:
        return person.home_area  # type: ignore[return-value]
    area = agency.areas.order_by("name").first()
    if area is None:
        raise ServiceValidationError(
            {"person": ["The child has no home area and your agency serves none"]}
        )
    return area


def _clean_items(items: Sequence[IntelligenceInput], errors: dict[str, list[str]]) -> list[Any]:
    cleaned: list[IntelligenceInput] = []
    if len(items) > MAX_INTELLIGENCE_ITEMS:
        errors["items"] = [MSG_TOO_MANY_ITEMS]
        return cleaned
    for index, item in enumerate(items):
        try:
            cleaned.append(clean_item(item))
        except IntelligenceError as error:
            errors.setdefault(f"items.{index}.{error.field}", []).append(error.message)
    return cleaned


def intelligence_recipients(area: Area) -> tuple[list[User], list[Agency]]:
    """The police exploitation officers and coordinators of the active agencies serving the
    area, and those agencies (which come to hold a record about the child)."""
    memberships = (
        Membership.objects.filter(
            role__in=(Role.POLICE_EXPLOITATION, Role.COORDINATOR),
            is_active=True,
            user__is_active=True,
            user__partner_credential__isnull=True,
            agency__is_active=True,
            agency__areas=area,
        )
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__first_name")
    )
    users: dict[Any, User] = {}
    agencies: dict[Any, Agency] = {}
    for membership in memberships:
        users.setdefault(membership.user_id, membership.user)
        agencies.setdefault(membership.agency_id, membership.agency)
    return list(users.values()), list(agencies.values())


@transaction.atomic
def intelligence_submit(
    *,
    credential: PartnerCredential,
    person_id: Any,
    details: IntelligenceDetails,
    request: Any = None,
) -> PartnerIntelligence:
    """Keep intelligence about a child the partner's agency may see, put it on the child's
    chronology, and share it with the area's police exploitation officers and coordinators."""
    actor = credential.service_user
    errors: dict[str, list[str]] = {}
    person = policy.person_visible_to(actor).filter(pk=person_id).first()
    if person is None:
        errors["person"] = [MSG_PERSON]
    if len(details.summary.strip()) < 10:
        errors["summary"] = [MSG_SUMMARY]
    if details.lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = [MSG_LAWFUL_BASIS]
    if details.observed_on is not None and details.observed_on > timezone.localdate():
        errors["observed_on"] = [MSG_OBSERVED_FUTURE]
    items = _clean_items(details.items, errors)
    if errors:
        raise ServiceValidationError(errors)
    assert person is not None
    area = _intelligence_area(person, credential.agency)
    now = timezone.now()
    intelligence = PartnerIntelligence.objects.create(
        person=person,
        area=area,
        agency=credential.agency,
        credential=credential,
        submitted_by=actor,
        received_at=now,
        observed_on=details.observed_on,
        summary=details.summary.strip(),
        lawful_basis=details.lawful_basis,
        partner_reference=details.partner_reference.strip()[:60],
    )
    PartnerIntelligenceItem.objects.bulk_create(
        PartnerIntelligenceItem(
            intelligence=intelligence,
            kind=item.kind,
            value=item.value,
            platform=item.platform,
            detail=item.detail,
            position=position,
        )
        for position, item in enumerate(items)
    )
    users, agencies = intelligence_recipients(area)
    for agency in [credential.agency, *agencies]:
        involvement_record(
            actor=actor,
            person=person,
            agency=agency,
            kind=InvolvementKind.HOLDS_RECORD,
            source_type=INTELLIGENCE_SOURCE_TYPE,
            source_id=str(intelligence.pk),
            description="Partner intelligence about the child",
            request=request,
        )
    record_event(
        actor=actor,
        action="partner_api.intelligence_submitted",
        subject=intelligence,
        after={
            "credential_id": str(credential.pk),
            "person_id": str(person.pk),
            "area_id": str(area.pk),
            "items": len(items),
            "kinds": sorted({item.kind for item in items}),
            "shared_with": sorted(str(user.pk) for user in users),
        },
        request=request,
    )
    kinds = ", ".join(sorted({item.kind.replace("_", " ") for item in items}))
    chronology_record(
        person=person,
        occurred_at=now,
        event_type="partner_api.intelligence",
        summary=(
            f"Intelligence from {credential.agency} ({credential.name})"
            + (f": {len(items)} item(s) – {kinds}" if items else "")
            + "; shared with the police exploitation team and the coordinator"
        ),
        agency=credential.agency,
        source_type=INTELLIGENCE_SOURCE_TYPE,
        source_id=str(intelligence.pk),
    )
    link = reverse("people:chronology", args=[person.pk])
    for user in users:
        notification_send(
            recipient=user,
            subject=INTELLIGENCE_NOTIFICATION_SUBJECT,
            body=INTELLIGENCE_NOTIFICATION_BODY,
            link_url=link,
            about=intelligence,
            actor=actor,
        )
    return intelligence
