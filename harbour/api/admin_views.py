"""Administrators issue and revoke partner credentials. No case content.

For administrators only; to anyone else the pages do not exist (404). The token is shown once,
on the page that answers the issuing form, and is never stored (only its hash is).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from harbour.access import policy
from harbour.accounts.auth import signed_in_user
from harbour.accounts.models import Agency, User
from harbour.core.errors import ServiceValidationError
from harbour.core.service_errors import add_service_errors

from . import services
from .forms import NEVER, CredentialIssueForm, CredentialRevokeForm
from .models import PartnerCredential


def _administrator(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not policy.may_administer(user):
        raise Http404
    return user


def _credential(credential_id: Any) -> PartnerCredential:
    credential = (
        PartnerCredential.objects.select_related("agency", "created_by", "revoked_by")
        .filter(pk=credential_id)
        .first()
    )
    if credential is None:
        raise Http404
    return credential


def credentials(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    listed = PartnerCredential.objects.select_related("agency").order_by("agency__name", "name")
    return render(request, "api/manage/credentials.html", {"credentials": listed})


@never_cache
@require_http_methods(["GET", "POST"])
def credential_new(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    agencies = Agency.objects.filter(is_active=True).order_by("name")
    form = CredentialIssueForm(
        request.POST if request.method == "POST" else None, agencies=agencies
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        expires_at = (
            None
            if data["expires"] == NEVER
            else timezone.now() + datetime.timedelta(days=int(data["expires"]))
        )
        try:
            credential, token = services.credential_issue(
                actor=viewer,
                name=data["name"],
                agency=data["agency"],
                role=data["role"],
                scopes=data["scopes"],
                expires_at=expires_at,
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown on this response only: never stored, never in a redirect or the session.
            return render(
                request,
                "api/manage/credential_issued.html",
                {"credential": credential, "token": token},
            )
    return render(
        request,
        "api/manage/credential_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def credential_detail(request: HttpRequest, credential_id: Any) -> HttpResponse:
    _administrator(request)
    return render(
        request, "api/manage/credential_detail.html", {"credential": _credential(credential_id)}
    )


@require_http_methods(["GET", "POST"])
def credential_revoke(request: HttpRequest, credential_id: Any) -> HttpResponse:
    """Ask "are you sure?", then revoke."""
    viewer = _administrator(request)
    credential = _credential(credential_id)
    form = CredentialRevokeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.credential_revoke(
                actor=viewer,
                credential=credential,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{credential.name} has been revoked. It no longer works.")
            return redirect("api:credential_detail", credential.pk)
    return render(
        request,
        "api/manage/credential_revoke.html",
        {"credential": credential, "form": form},
        status=400 if form.errors else 200,
    )
