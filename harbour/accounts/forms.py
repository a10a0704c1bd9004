"""Sign-in and password forms with GOV.UK messages."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from harbour.core.forms import GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        # No autofocus: it would jump past the skip link and the page heading.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].error_messages["required"] = "Enter your password"


class ChangePasswordForm(GovukFormMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": "The two new passwords do not match",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 12 characters. Not a common password, not all numbers, not like your name."
        )
