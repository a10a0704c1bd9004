from django.urls import path

from harbour.return_interviews import views

app_name = "return_interviews"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("episodes/<uuid:episode_id>/offer/", views.offer, name="offer"),
    path("episodes/<uuid:episode_id>/not-offered/", views.not_offered, name="not_offered"),
    path("<uuid:interview_id>/", views.interview_detail, name="detail"),
    path("<uuid:interview_id>/refused/", views.refusal, name="refusal"),
    path("<uuid:interview_id>/complete/", views.complete, name="complete"),
]
