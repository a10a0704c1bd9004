"""The partner API's addresses: ``/api/v1/...``, the OpenAPI schema at ``/api/schema/``, its
reference at ``/api/docs/`` (an accessible GOV.UK page generated from the schema) and Swagger
UI at ``/api/docs/swagger/`` (third-party, from local static files, no CDN).

Every address here is outside the staff sign-in (``login_not_required``): the API
authenticates partner systems by their own bearer credentials, and the schema and its
documentation are public (they describe the API, never data).
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from harbour.api import admin_views, docs_views, views
from harbour.api.schema import PartnerTokenScheme  # noqa: F401  registers the security scheme

app_name = "api"

#: Swagger UI's policy (``/api/docs/swagger/``): the site's, except that Swagger UI sets inline
#: ``style`` attributes on elements (``style-src-attr``); no inline script or style element,
#: nothing from another origin.
DOCS_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

swagger_view = SpectacularSwaggerSplitView.as_view(
    url_name="api:schema", template_name="api/swagger_ui.html", title="Harbour partner API"
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("api/docs/", docs_views.reference, name="docs"),
    path(
        "api/docs/swagger/",
        login_not_required(csp_override(DOCS_CSP)(swagger_view)),
        name="swagger",
    ),
    path(
        "api/v1/referrals/",
        login_not_required(views.ReferralCreateView.as_view()),
        name="referral_create",
    ),
    path(
        "api/v1/referrals/<uuid:referral_id>/",
        login_not_required(views.ReferralDetailView.as_view()),
        name="referral_detail",
    ),
    path(
        "api/v1/missing-episodes/",
        login_not_required(views.EpisodeCreateView.as_view()),
        name="episode_create",
    ),
    path(
        "api/v1/missing-episodes/<uuid:episode_id>/",
        login_not_required(views.EpisodeDetailView.as_view()),
        name="episode_detail",
    ),
    path(
        "api/v1/missing-episodes/<uuid:episode_id>/return/",
        login_not_required(views.EpisodeReturnView.as_view()),
        name="episode_return",
    ),
    path(
        "api/v1/missing-episodes/<uuid:episode_id>/close/",
        login_not_required(views.EpisodeCloseView.as_view()),
        name="episode_close",
    ),
    path(
        "api/v1/intelligence/",
        login_not_required(views.IntelligenceCreateView.as_view()),
        name="intelligence_create",
    ),
    path(
        "api/v1/children/known/",
        login_not_required(views.ChildKnownView.as_view()),
        name="child_known",
    ),
    re_path(r"^api/", login_not_required(views.NotFoundView.as_view()), name="not_found"),
    # Administration of credentials (administrators only; 404 for everyone else).
    path("accounts/manage/partner-credentials/", admin_views.credentials, name="credentials"),
    path(
        "accounts/manage/partner-credentials/new/",
        admin_views.credential_new,
        name="credential_new",
    ),
    path(
        "accounts/manage/partner-credentials/<uuid:credential_id>/",
        admin_views.credential_detail,
        name="credential_detail",
    ),
    path(
        "accounts/manage/partner-credentials/<uuid:credential_id>/revoke/",
        admin_views.credential_revoke,
        name="credential_revoke",
    ),
]
