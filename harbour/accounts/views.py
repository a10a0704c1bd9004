"""The whole sign-in flow, in one place: sign in, sign out, change password.

Multi-factor sign-in will extend ``SignInView`` here.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from harbour.accounts.forms import ChangePasswordForm, SignInForm
from harbour.audit.services import record_event


def demo_accounts() -> list[dict[str, str]]:
    """The synthetic demo accounts, listed on the sign-in page in demo mode only."""
    if not settings.HARBOUR_DEMO_MODE:
        return []
    from harbour.demo.partnership import DEMO_PASSWORD, demo_logins

    return [
        {**{key: str(value) for key, value in login.items()}, "password": DEMO_PASSWORD}
        for login in demo_logins()
    ]


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = demo_accounts()
        context["demo_password"] = (
            context["demo_accounts"][0]["password"] if context["demo_accounts"] else ""
        )
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        record_event(actor=form.get_user(), action="auth.signed_in", request=self.request)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = str(form.data.get("username", ""))[:150]
        record_event(
            actor=None,
            actor_label=f"attempted: {username}" if username else "anonymous",
            action="auth.sign_in_failed",
            request=self.request,
        )
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            record_event(actor=request.user, action="auth.signed_out", request=request)
        return super().post(request, *args, **kwargs)


class ChangePasswordView(auth_views.PasswordChangeView):
    """Changing the password signs out every other session (Django's session hash changes);
    this session stays signed in."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        record_event(actor=self.request.user, action="auth.password_changed", request=self.request)
        messages.success(
            self.request,
            "Your password has been changed. You have been signed out everywhere else.",
        )
        return response
