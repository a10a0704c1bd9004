"""Harbour's URL map: one include per app."""

from django.urls import include, path

from harbour.core.urls import public_urlpatterns

urlpatterns = [
    path("", include("harbour.core.urls")),
    *public_urlpatterns,
    path("accounts/", include("harbour.accounts.urls")),
    path("people/", include("harbour.people.urls")),
    path("referrals/", include("harbour.referrals.urls")),
    path("assessments/", include("harbour.assessments.urls")),
    path("cases/", include("harbour.cases.urls")),
    path("missing/", include("harbour.missing.urls")),
    path("return-interviews/", include("harbour.return_interviews.urls")),
    path("oversight/", include("harbour.oversight.urls")),
    path("audit/", include("harbour.audit.urls")),
    path("access/", include("harbour.access.urls")),
    path("notifications/", include("harbour.notifications.urls")),
    path("duplicates/", include("harbour.duplicates.urls")),
    path("imports/", include("harbour.imports.urls")),
    path("panels/", include("harbour.panels.urls")),
    path("", include("harbour.api.urls")),
]
