"""The project's URLs with the assessment pages at ``assessments/`` (as ``config.urls`` will
include them): tests of the pages run whether or not the project has included them yet."""

from django.urls import URLResolver, include, path

from config.urls import urlpatterns as project_urlpatterns

_included = any(
    isinstance(pattern, URLResolver) and pattern.namespace == "assessments"
    for pattern in project_urlpatterns
)
urlpatterns = [
    *project_urlpatterns,
    *([] if _included else [path("assessments/", include("harbour.assessments.urls"))]),
]
