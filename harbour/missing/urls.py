from django.urls import path

from harbour.missing import views

app_name = "missing"
urlpatterns = [
    path("", views.open_episodes, name="open"),
    path("new/", views.episode_report, name="report"),
    path("<uuid:episode_id>/", views.episode_detail, name="detail"),
    path("<uuid:episode_id>/return/", views.episode_return, name="return"),
    path("<uuid:episode_id>/grade/", views.episode_grade, name="grade"),
    path("<uuid:episode_id>/close/", views.episode_close, name="close"),
]
