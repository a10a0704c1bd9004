"""Import pages, mounted at ``/imports/``."""

from django.urls import URLPattern, URLResolver, path

from harbour.imports import views

app_name = "imports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.source_list, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<uuid:source_id>/upload/", views.upload, name="upload"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<uuid:batch_id>/columns/", views.columns, name="columns"),
    path("batches/<uuid:batch_id>/rows/", views.batch_rows, name="rows"),
    path("batches/<uuid:batch_id>/progress.json", views.batch_progress, name="progress"),
    path("batches/<uuid:batch_id>/commit/", views.batch_commit, name="commit"),
    path("batches/<uuid:batch_id>/discard/", views.batch_discard, name="discard"),
    path("rows/<int:row_id>/decide/", views.row_decide, name="decide"),
]
