"""Duplicates URLs, mounted at ``/duplicates/``."""

from django.urls import URLPattern, URLResolver, path

from harbour.duplicates import views

app_name = "duplicates"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("refresh/", views.refresh, name="refresh"),
    path("pairs/<uuid:candidate_id>/", views.pair, name="pair"),
    path("pairs/<uuid:candidate_id>/merge/", views.pair_merge, name="pair_merge"),
    path("merges/<uuid:merge_id>/", views.merge_detail, name="merge"),
    path("merges/<uuid:merge_id>/undo/", views.unmerge, name="unmerge"),
    path("people/<uuid:person_id>/", views.person_merges, name="person_merges"),
]
