"""Administration pages: users and their roles, agencies and areas. No case content.

Every page is for administrators only; to anyone else it does not exist (404). Thin: read
through ``selectors``, write through one ``services`` call, render.

Also here, because it finishes adding a user: the page where a new user sets their password
from the one-time link (``SetPasswordView``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from harbour.access import policy
from harbour.accounts import selectors, services
from harbour.accounts.admin_forms import (
    AgencyAreasForm,
    AgencyCreateForm,
    AreaCreateForm,
    MembershipAddForm,
    SetYourPasswordForm,
    UserCreateForm,
    UserSearchForm,
)
from harbour.accounts.auth import signed_in_user
from harbour.accounts.models import Agency, User
from harbour.core.errors import ServiceValidationError
from harbour.core.forms import GovukForm
from harbour.core.service_errors import add_service_errors

#: The new user whose set-password link the administrator's next view of them shows, once.
NEW_USER_SESSION_KEY = "accounts_new_user_link"


class ActionForm(GovukForm):
    """A button with no fields (end a role, deactivate): it carries the service's refusal to
    the error summary."""


def _administrator(request: HttpRequest) -> User:
    """The signed-in administrator. To anyone else the page does not exist."""
    user = signed_in_user(request)
    if not policy.may_administer(user):
        raise Http404
    return user


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _active_agencies(viewer: User) -> Any:
    return selectors.agency_list(viewer=viewer).filter(is_active=True)


def _role_form(request: HttpRequest, viewer: User) -> MembershipAddForm:
    return MembershipAddForm(
        _posted(request),
        agencies=_active_agencies(viewer),
        teams=selectors.team_list(viewer=viewer),
    )


def _render_user(
    request: HttpRequest,
    viewer: User,
    account: User,
    *,
    role_form: MembershipAddForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page about one user (``account``: ``user`` is the signed-in user in templates)."""
    set_password_url = ""
    if request.method == "GET" and request.session.get(NEW_USER_SESSION_KEY) == str(account.pk):
        del request.session[NEW_USER_SESSION_KEY]
        if account.is_active and not account.has_usable_password():
            set_password_url = request.build_absolute_uri(services.set_password_path(account))
    context = {
        "account": account,
        "memberships": selectors.user_memberships(viewer=viewer, user=account),
        "role_form": role_form
        or MembershipAddForm(
            agencies=_active_agencies(viewer), teams=selectors.team_list(viewer=viewer)
        ),
        "action_form": action_form,
        "is_self": account.pk == viewer.pk,
        "set_password_url": set_password_url,
        "link_days": services.set_password_link_days(),
    }
    return render(request, "accounts/manage/user_detail.html", context, status=status)


# Start page ----------------------------------------------------------------------------------


def manage(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    return render(request, "accounts/manage/index.html")


# Users ---------------------------------------------------------------------------------------


def manage_users(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    form = UserSearchForm(request.GET or None, agencies=selectors.agency_list(viewer=viewer))
    query, agency = "", None
    if form.is_bound and form.is_valid():
        query, agency = form.cleaned_data["q"], form.cleaned_data["agency"]
    page = selectors.user_list(
        viewer=viewer,
        query=query,
        agency=agency,
        page_number=request.GET.get("page"),
        request=request,
    )
    return render(
        request,
        "accounts/manage/users.html",
        {"form": form, "page": page, "searched": bool(query or agency)},
    )


@require_http_methods(["GET", "POST"])
def manage_user_new(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    form = UserCreateForm(
        _posted(request),
        agencies=_active_agencies(viewer),
        teams=selectors.team_list(viewer=viewer),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=viewer,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                job_title=data["job_title"],
                agency=data["agency"],
                role=data["role"],
                team=data["team"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[NEW_USER_SESSION_KEY] = str(account.pk)
            messages.success(
                request,
                f"{account.get_full_name()} has been added. "
                "We have emailed them a link to set their password.",
            )
            return redirect("accounts:manage_user", account.pk)
    return render(request, "accounts/manage/user_new.html", {"form": form})


def manage_user(request: HttpRequest, user_id: Any) -> HttpResponse:
    viewer = _administrator(request)
    account = selectors.user_get(viewer=viewer, user_id=user_id)
    return _render_user(request, viewer, account)


@require_POST
def manage_user_add_role(request: HttpRequest, user_id: Any) -> HttpResponse:
    viewer = _administrator(request)
    account = selectors.user_get(viewer=viewer, user_id=user_id)
    form = _role_form(request, viewer)
    if form.is_valid():
        try:
            membership = services.membership_add(
                actor=viewer,
                user=account,
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{account} now has the role {membership.get_role_display()} "
                f"at {membership.agency}.",
            )
            return redirect("accounts:manage_user", account.pk)
    return _render_user(request, viewer, account, role_form=form, status=400)


@require_POST
def manage_membership_end(request: HttpRequest, user_id: Any, membership_id: Any) -> HttpResponse:
    viewer = _administrator(request)
    account = selectors.user_get(viewer=viewer, user_id=user_id)
    membership = selectors.membership_get(viewer=viewer, user=account, membership_id=membership_id)
    form = ActionForm(request.POST)
    form.is_valid()
    try:
        services.membership_end(actor=viewer, membership=membership, request=request)
    except ServiceValidationError as error:
        add_service_errors(form, error)
        return _render_user(request, viewer, account, action_form=form, status=400)
    messages.success(
        request,
        f"{account} no longer has the role {membership.get_role_display()} at {membership.agency}.",
    )
    return redirect("accounts:manage_user", account.pk)


@require_http_methods(["GET", "POST"])
def manage_user_deactivate(request: HttpRequest, user_id: Any) -> HttpResponse:
    """Ask "are you sure?", then deactivate."""
    viewer = _administrator(request)
    account = selectors.user_get(viewer=viewer, user_id=user_id)
    form = ActionForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            services.user_deactivate(actor=viewer, user=account, request=request)
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{account} has been deactivated. They can no longer sign in."
            )
            return redirect("accounts:manage_user", account.pk)
    return render(
        request,
        "accounts/manage/user_deactivate.html",
        {"account": account, "form": form, "is_self": account.pk == viewer.pk},
        status=400 if form.errors else 200,
    )


# Agencies ------------------------------------------------------------------------------------


def manage_agencies(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    return render(
        request, "accounts/manage/agencies.html", {"agencies": selectors.agency_list(viewer=viewer)}
    )


@require_http_methods(["GET", "POST"])
def manage_agency_new(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    form = AgencyCreateForm(_posted(request), areas=selectors.area_list(viewer=viewer))
    if form.is_bound and form.is_valid():
        try:
            agency = services.agency_create(
                actor=viewer,
                name=form.cleaned_data["name"],
                agency_type=form.cleaned_data["agency_type"],
                areas=form.cleaned_data["areas"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{agency.name} has been added.")
            return redirect("accounts:manage_agencies")
    return render(request, "accounts/manage/agency_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def manage_agency_areas(request: HttpRequest, agency_id: Any) -> HttpResponse:
    viewer = _administrator(request)
    agency: Agency = selectors.agency_get(viewer=viewer, agency_id=agency_id)
    form = AgencyAreasForm(
        _posted(request),
        areas=selectors.area_list(viewer=viewer),
        initial={"areas": list(agency.areas.all())},
    )
    if form.is_bound and form.is_valid():
        try:
            services.agency_update_areas(
                actor=viewer, agency=agency, areas=form.cleaned_data["areas"], request=request
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The areas {agency.name} serves have been saved.")
            return redirect("accounts:manage_agencies")
    return render(request, "accounts/manage/agency_areas.html", {"agency": agency, "form": form})


# Areas ---------------------------------------------------------------------------------------


def manage_areas(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    return render(
        request, "accounts/manage/areas.html", {"areas": selectors.area_list(viewer=viewer)}
    )


@require_http_methods(["GET", "POST"])
def manage_area_new(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    form = AreaCreateForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            area = services.area_create(
                actor=viewer,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{area.name} has been added.")
            return redirect("accounts:manage_areas")
    return render(request, "accounts/manage/area_new.html", {"form": form})


# A new user sets their password --------------------------------------------------------------


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link's page (no sign-in needed; Django marks it ``login_not_required``).

    Django's view checks the link, keeps its token in the session and redirects to an address
    without it (so the token cannot leak in a Referer header); the password is then set by
    ``services.password_set_with_link``, which checks the token again and audits it.
    """

    form_class = SetYourPasswordForm
    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:login")
    title = "Set your password"

    def get_user(self, uidb64: str) -> Any:
        """Only an active user's link works."""
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        assert isinstance(self.user, User)  # dispatch() only shows the form for a valid link
        token = str(self.request.session.get(INTERNAL_RESET_SESSION_TOKEN, ""))
        try:
            services.password_set_with_link(
                user=self.user,
                token=token,
                password=form.cleaned_data["new_password1"],
                request=self.request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(
            self.request,
            "Your password has been set. Sign in with your username and new password.",
        )
        return HttpResponseRedirect(self.get_success_url())
