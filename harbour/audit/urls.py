"""Information governance: the audit log, who has seen a person, and the landing page."""

from django.urls import URLPattern, path

from harbour.audit import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.governance, name="governance"),
    path("people/<uuid:person_id>/", views.person_access, name="person_access"),
    path("log/", views.log, name="log"),
]
