"""Break-glass (emergency) access, and information governance's review of it."""

from django.urls import URLPattern, path

from harbour.access import views

app_name = "access"
urlpatterns: list[URLPattern] = [
    path("emergency/", views.emergency_search, name="emergency_search"),
    path("emergency/grant/", views.emergency_grant, name="emergency_grant"),
    path("emergency/review/", views.review_list, name="review_list"),
    path("emergency/review/<uuid:grant_id>/", views.review_grant, name="review_grant"),
]
