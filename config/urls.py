"""Harbour's URL map: one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("harbour.core.urls")),
    path("accounts/", include("harbour.accounts.urls")),
    path("people/", include("harbour.people.urls")),
    path("referrals/", include("harbour.referrals.urls")),
    path("audit/", include("harbour.audit.urls")),
    path("access/", include("harbour.access.urls")),
    path("notifications/", include("harbour.notifications.urls")),
]
