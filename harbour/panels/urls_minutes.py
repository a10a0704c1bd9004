"""Panel pages: minutes (the viewer's own copy as a page or PDF; the chair sends the minutes and
sees the log of copies made)."""

from django.urls import URLPattern, path

from harbour.panels import views_minutes

urlpatterns: list[URLPattern] = [
    path("meetings/<uuid:meeting_id>/minutes/", views_minutes.minutes_page, name="minutes"),
    path("meetings/<uuid:meeting_id>/minutes.pdf", views_minutes.minutes_pdf, name="minutes_pdf"),
    path(
        "meetings/<uuid:meeting_id>/minutes/send/",
        views_minutes.minutes_distribute_page,
        name="minutes_distribute",
    ),
    path(
        "meetings/<uuid:meeting_id>/minutes/copies/",
        views_minutes.minutes_copies_page,
        name="minutes_copies",
    ),
]
