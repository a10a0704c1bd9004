"""Panel pages, one URL module per part: meetings and agendas, the meeting record, actions and
escalations, minutes."""

from django.urls import include, path

app_name = "panels"
urlpatterns = [
    path("", include("harbour.panels.urls_meetings")),
    path("", include("harbour.panels.urls_record")),
    path("", include("harbour.panels.urls_actions")),
    path("", include("harbour.panels.urls_minutes")),
]
