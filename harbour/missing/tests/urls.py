"""The project's URLs with this app's at ``missing/``, for tests, until ``config/urls.py``
includes them (once it does, the project's own URLs are used unchanged)."""

from django.urls import URLResolver, include, path

from config.urls import urlpatterns as project_urlpatterns

_included = any(
    isinstance(pattern, URLResolver) and pattern.namespace == "missing"
    for pattern in project_urlpatterns
)
urlpatterns = (
    list(project_urlpatterns)
    if _included
    else [*project_urlpatterns, path("missing/", include("harbour.missing.urls"))]
)
