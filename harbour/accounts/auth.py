"""The signed-in user of a request, typed. Every staff page is behind LoginRequiredMiddleware."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from harbour.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first")
    return user
