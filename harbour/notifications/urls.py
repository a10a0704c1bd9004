from django.urls import path

from harbour.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:notification_id>/open/", views.open_notification, name="open"),
]
