"""Writes for administrators: users, their roles (memberships), agencies and areas.

Each use case is one typed, keyword-only, atomic function, audited in its own transaction, and
called alike by the administration pages, commands and the API. Only an administrator
(``policy.may_administer``) may call them; anyone else gets ``PermissionDenied``. None of them
reads or writes case content.

A new user has no password: they set one through a one-time link (``set_password_path``),
shown to the administrator and e-mailed to the user once the user is saved.

Deactivating a user deletes nothing. Every request loads its user through the backend that
signed them in (Django's ``ModelBackend``), which refuses inactive users, so their sessions stop
working on their next request; ``test_admin_services`` checks this.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from harbour.access import policy
from harbour.accounts.models import Agency, AgencyType, Area, Membership, Role, Team, User
from harbour.audit.services import changes, record_event, snapshot
from harbour.core.errors import ServiceValidationError

#: The fields of a user recorded in audit events (never the password hash).
USER_AUDIT_FIELDS = ["id", "username", "first_name", "last_name", "email", "job_title", "is_active"]
MEMBERSHIP_AUDIT_FIELDS = ["id", "user_id", "agency_id", "team_id", "role", "is_active"]
AGENCY_AUDIT_FIELDS = ["id", "name", "agency_type", "is_active"]
AREA_AUDIT_FIELDS = ["id", "name", "code"]

USERNAME_TAKEN = "A user with that username already exists"
EMAIL_REQUIRED = "Enter an email address"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
AGENCY_INACTIVE = "Choose an agency that is still active"
TEAM_NOT_IN_AGENCY = "Choose a team in the selected agency"
ROLE_REQUIRED = "Select a role"
ROLE_DUPLICATE = "They already have that role in that agency"
ROLE_ALREADY_ENDED = "That role has already ended"
OWN_ADMIN_ROLE = "You cannot end your own administrator role. Ask another administrator."
USER_INACTIVE = "This user has been deactivated, so they cannot be given a role"
OWN_ACCOUNT = "You cannot deactivate your own account. Ask another administrator."
ALREADY_DEACTIVATED = "This user has already been deactivated"
AREAS_REQUIRED = "Select at least one area the agency serves"
LINK_INVALID = (
    "This link has expired or has already been used. Ask your administrator for a new one."
)

_username_validator = UnicodeUsernameValidator()


# Who may administer --------------------------------------------------------------------------


def _require_administrator(actor: Any) -> None:
    if not policy.may_administer(actor):
        raise PermissionDenied("Only an administrator can manage users, agencies and areas")


# Validation ----------------------------------------------------------------------------------


def _check_length(
    value: str, limit: int, field: str, label: str, errors: dict[str, list[str]]
) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(f"{label} must be {limit} characters or fewer")


def _validate_username(username: str, errors: dict[str, list[str]]) -> None:
    if not username:
        errors["username"] = ["Enter a username"]
        return
    _check_length(username, 150, "username", "Username", errors)
    try:
        _username_validator(username)
    except ValidationError:
        errors.setdefault("username", []).append(
            "Username must only include letters, numbers and the symbols @ . + - _"
        )
    if "username" not in errors and User.objects.filter(username__iexact=username).exists():
        errors["username"] = [USERNAME_TAKEN]


def _validate_email(email: str, errors: dict[str, list[str]]) -> None:
    if not email:
        errors["email"] = [EMAIL_REQUIRED]
        return
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [EMAIL_INVALID]
    else:
        _check_length(email, 254, "email", "Email address", errors)


def _validate_role(
    *, agency: Agency, role: str, team: Team | None, errors: dict[str, list[str]]
) -> None:
    if not agency.is_active:
        errors["agency"] = [AGENCY_INACTIVE]
    if role not in Role.values:
        errors["role"] = [ROLE_REQUIRED]
    if team is not None and team.agency_id != agency.pk:
        errors["team"] = [TEAM_NOT_IN_AGENCY]


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ServiceValidationError(errors)


# The set-password link -----------------------------------------------------------------------


def set_password_path(user: User) -> str:
    """The path of a one-time link with which ``user`` sets their password.

    Django's token includes the password hash and last sign-in, so the link stops working once
    it has been used; it also expires after ``PASSWORD_RESET_TIMEOUT``.
    """
    return reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def set_password_link_days() -> int:
    """For how many days a set-password link works."""
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86_400)


def _email_set_password_link(user_id: Any) -> None:
    """E-mail a new user their link (after commit: the user must exist when they click it)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    link = f"{settings.HARBOUR_BASE_URL}{set_password_path(user)}"
    days = set_password_link_days()
    send_mail(
        "Set your Harbour password",
        f"Hello {user.first_name or user.username},\n\n"
        f"An administrator has given you a Harbour account. Your username is {user.username}.\n\n"
        f"Set your password with this link. It works once and stops working after "
        f"{days} day{'s' if days != 1 else ''}:\n\n{link}\n\n"
        "If you were not expecting this email, tell your administrator.",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


# Users and roles -----------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    agency: Agency,
    role: str,
    team: Team | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Add an active user, with no usable password, holding ``role`` in ``agency``.

    They are e-mailed a link to set their password once the transaction commits.
    """
    _require_administrator(actor)
    username, email, job_title = username.strip(), email.strip(), job_title.strip()
    first_name, last_name = first_name.strip(), last_name.strip()
    errors: dict[str, list[str]] = {}
    _validate_username(username, errors)
    if not first_name:
        errors["first_name"] = ["Enter their first name"]
    _check_length(first_name, 150, "first_name", "First name", errors)
    if not last_name:
        errors["last_name"] = ["Enter their last name"]
    _check_length(last_name, 150, "last_name", "Last name", errors)
    _validate_email(email, errors)
    _check_length(job_title, 200, "job_title", "Job title", errors)
    _validate_role(agency=agency, role=role, team=team, errors=errors)
    _raise_if(errors)

    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        is_active=True,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        # Someone added the same username since we checked.
        raise ServiceValidationError({"username": [USERNAME_TAKEN]}) from None
    membership = Membership.objects.create(user=user, agency=agency, team=team, role=role)
    record_event(
        actor=actor,
        action="accounts.user_created",
        subject=user,
        after=snapshot(user, USER_AUDIT_FIELDS),
        request=request,
    )
    record_event(
        actor=actor,
        action="accounts.membership_added",
        subject=membership,
        after=snapshot(membership, MEMBERSHIP_AUDIT_FIELDS),
        request=request,
    )
    transaction.on_commit(partial(_email_set_password_link, user.pk), robust=True)
    return user


@transaction.atomic
def membership_add(
    *,
    actor: User,
    user: User,
    agency: Agency,
    role: str,
    team: Team | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """Give ``user`` a role in ``agency``. A role that had ended is started again."""
    _require_administrator(actor)
    errors: dict[str, list[str]] = {}
    if not user.is_active:
        errors[NON_FIELD_ERRORS] = [USER_INACTIVE]
    _validate_role(agency=agency, role=role, team=team, errors=errors)
    existing = (
        Membership.objects.select_for_update().filter(user=user, agency=agency, role=role).first()
    )
    if existing is not None and existing.is_active and "role" not in errors:
        errors["role"] = [ROLE_DUPLICATE]
    _raise_if(errors)

    before: dict[str, Any] | None = None
    if existing is not None:
        membership = existing
        before = snapshot(membership, MEMBERSHIP_AUDIT_FIELDS)
        membership.is_active = True
        membership.team = team
        membership.save(update_fields=["is_active", "team", "updated_at"])
    else:
        membership = Membership(user=user, agency=agency, team=team, role=role)
        try:
            with transaction.atomic():
                membership.save(force_insert=True)
        except IntegrityError:
            raise ServiceValidationError({"role": [ROLE_DUPLICATE]}) from None
    after = snapshot(membership, MEMBERSHIP_AUDIT_FIELDS)
    if before is not None:
        before, after = changes(before, after)
    record_event(
        actor=actor,
        action="accounts.membership_added",
        subject=membership,
        before=before,
        after=after,
        request=request,
    )
    policy.forget_viewer(user)
    return membership


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, request: HttpRequest | None = None
) -> Membership:
    """End one role: the user keeps their account and any other roles."""
    _require_administrator(actor)
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if not current.is_active:
        raise ServiceValidationError(ROLE_ALREADY_ENDED)
    if current.user_id == actor.pk and current.role == Role.ADMINISTRATOR:
        raise ServiceValidationError(OWN_ADMIN_ROLE)
    current.is_active = False
    current.save(update_fields=["is_active", "updated_at"])
    membership.is_active = False
    record_event(
        actor=actor,
        action="accounts.membership_ended",
        subject=current,
        before={"is_active": True},
        after={"is_active": False},
        request=request,
    )
    policy.forget_viewer(membership.user)
    return current


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    """Stop ``user`` signing in. Their sessions stop working on their next request."""
    _require_administrator(actor)
    if user.pk == actor.pk:
        raise ServiceValidationError(OWN_ACCOUNT)
    current = User.objects.select_for_update().get(pk=user.pk)
    if not current.is_active:
        raise ServiceValidationError(ALREADY_DEACTIVATED)
    current.is_active = False
    current.save(update_fields=["is_active"])
    user.is_active = False
    record_event(
        actor=actor,
        action="accounts.user_deactivated",
        subject=current,
        before={"is_active": True},
        after={"is_active": False},
        request=request,
    )
    policy.forget_viewer(user)
    return current


# Passwords -----------------------------------------------------------------------------------

#: Django's password validator messages, in plain words, by the validator's error code.
_PASSWORD_MESSAGES = {
    "password_too_short": "Password must be {min_length} characters or more",
    "password_too_common": "Password is too common. Choose one that is harder to guess",
    "password_entirely_numeric": "Password must include letters or symbols, not only numbers",
    "password_too_similar": "Password must not be like your name, username or email address",
}


def password_problems(password: str, user: User) -> list[str]:
    """What is wrong with ``password`` for ``user`` under the project's validators, if anything."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        problems = []
        for item in error.error_list:
            template = _PASSWORD_MESSAGES.get(str(item.code))
            params = item.params if isinstance(item.params, dict) else {}
            problems.append(template.format(**params) if template else " ".join(item.messages))
        return problems
    return []


@transaction.atomic
def password_set_with_link(
    *, user: User, token: str, password: str, request: HttpRequest | None = None
) -> User:
    """``user`` sets their password with their one-time link's token. The link then stops
    working, and any session they had elsewhere ends (the password hash changed)."""
    if not user.is_active or not default_token_generator.check_token(user, token):
        raise ServiceValidationError(LINK_INVALID)
    problems = password_problems(password, user)
    if problems:
        raise ServiceValidationError({"new_password1": problems})
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(actor=user, action="accounts.password_set", subject=user, request=request)
    return user


# Agencies and areas --------------------------------------------------------------------------


def _area_ids(areas: Iterable[Area]) -> list[str]:
    return sorted(str(area.pk) for area in areas)


@transaction.atomic
def agency_create(
    *,
    actor: User,
    name: str,
    agency_type: str,
    areas: Iterable[Area],
    request: HttpRequest | None = None,
) -> Agency:
    """Add an agency serving ``areas``."""
    _require_administrator(actor)
    name = " ".join(name.split())
    areas = list(areas)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the agency's name"]
    _check_length(name, 200, "name", "Agency name", errors)
    if "name" not in errors and Agency.objects.filter(name__iexact=name).exists():
        errors["name"] = ["An agency with that name already exists"]
    if agency_type not in AgencyType.values:
        errors["agency_type"] = ["Select the type of agency"]
    if not areas:
        errors["areas"] = [AREAS_REQUIRED]
    _raise_if(errors)

    agency = Agency(name=name, agency_type=agency_type, is_active=True)
    try:
        with transaction.atomic():
            agency.save(force_insert=True)
    except IntegrityError:
        raise ServiceValidationError(
            {"name": ["An agency with that name already exists"]}
        ) from None
    agency.areas.set(areas)
    record_event(
        actor=actor,
        action="accounts.agency_created",
        subject=agency,
        after={**snapshot(agency, AGENCY_AUDIT_FIELDS), "areas": _area_ids(areas)},
        request=request,
    )
    return agency


@transaction.atomic
def agency_update_areas(
    *, actor: User, agency: Agency, areas: Iterable[Area], request: HttpRequest | None = None
) -> Agency:
    """Change the areas an agency serves (which also changes what its front door sees)."""
    _require_administrator(actor)
    areas = list(areas)
    if not areas:
        raise ServiceValidationError({"areas": [AREAS_REQUIRED]})
    before = _area_ids(agency.areas.all())
    after = _area_ids(areas)
    if before == after:
        return agency
    agency.areas.set(areas)
    record_event(
        actor=actor,
        action="accounts.agency_updated",
        subject=agency,
        before={"areas": before},
        after={"areas": after},
        request=request,
    )
    return agency


@transaction.atomic
def area_create(*, actor: User, name: str, code: str, request: HttpRequest | None = None) -> Area:
    """Add an area (a borough) of the partnership."""
    _require_administrator(actor)
    name = " ".join(name.split())
    code = code.strip().lower()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the area's name"]
    _check_length(name, 120, "name", "Area name", errors)
    if "name" not in errors and Area.objects.filter(name__iexact=name).exists():
        errors["name"] = ["An area with that name already exists"]
    if not code:
        errors["code"] = ["Enter a short code"]
    else:
        _check_length(code, 20, "code", "Short code", errors)
        try:
            validate_slug(code)
        except ValidationError:
            errors.setdefault("code", []).append(
                "Short code must only include letters, numbers, hyphens and underscores"
            )
    if "code" not in errors and Area.objects.filter(code=code).exists():
        errors["code"] = ["An area with that short code already exists"]
    _raise_if(errors)

    area = Area(name=name, code=code)
    try:
        with transaction.atomic():
            area.save(force_insert=True)
    except IntegrityError:
        raise ServiceValidationError(
            {NON_FIELD_ERRORS: ["An area with that name or short code already exists"]}
        ) from None
    record_event(
        actor=actor,
        action="accounts.area_created",
        subject=area,
        after=snapshot(area, AREA_AUDIT_FIELDS),
        request=request,
    )
    return area
