from django.urls import path

from harbour.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/chronology/", views.person_chronology, name="chronology"),
    path("<uuid:person_id>/identifiers/new/", views.identifier_add, name="identifier_add"),
    path("<uuid:person_id>/addresses/new/", views.address_add, name="address_add"),
]
