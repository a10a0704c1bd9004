"""The project's URLs with return interviews at ``return-interviews/`` (until the root URLconf
includes it)."""

from django.urls import include, path
from django.urls.resolvers import URLResolver

from config.urls import urlpatterns as project_urlpatterns

_included = any(
    isinstance(pattern, URLResolver) and pattern.namespace == "return_interviews"
    for pattern in project_urlpatterns
)
urlpatterns = list(project_urlpatterns)
if not _included:
    urlpatterns.append(path("return-interviews/", include("harbour.return_interviews.urls")))
