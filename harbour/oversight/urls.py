from django.urls import path

from harbour.oversight import views

app_name = "oversight"
urlpatterns = [
    path("missing/", views.missing_oversight, name="missing"),
]
