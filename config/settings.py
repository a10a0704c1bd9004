"""Harbour's one settings module, driven by the environment.

Defaults suit a laptop demo (SQLite file, console e-mail). Production sets ``DATABASE_URL``,
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``; outside DEBUG a missing secret stops start-up.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG: bool = env.bool("DJANGO_DEBUG", default=False)
#: Demo mode lists the synthetic demo accounts on the sign-in page. Never on in production.
HARBOUR_DEMO_MODE: bool = env.bool("HARBOUR_DEMO_MODE", default=False)

SECRET_KEY: str = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-only-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment (or DJANGO_DEBUG=1 for a "
            "local demo only)."
        )

ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "harbour.core",
    "harbour.accounts",
    "harbour.audit",
    "harbour.access",
    "harbour.people",
    "harbour.referrals",
    "harbour.assessments",
    "harbour.cases",
    "harbour.missing",
    "harbour.return_interviews",
    "harbour.oversight",
    "harbour.matching",
    "harbour.duplicates",
    "harbour.imports",
    "harbour.api",
    "harbour.panels",
    "harbour.notifications",
    "harbour.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "harbour.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harbour.core.context_processors.harbour",
            ],
            "builtins": ["harbour.core.templatetags.govuk"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"transaction_mode": "IMMEDIATE", "timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions expire after a period of inactivity: every request renews the cookie.
SESSION_IDLE_TIMEOUT_MINUTES: int = env.int("HARBOUR_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env.bool("HARBOUR_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

#: How long break-glass (emergency) access to one person lasts.
HARBOUR_BREAK_GLASS_HOURS: int = env.int("HARBOUR_BREAK_GLASS_HOURS", default=24)
#: Public concern form: submissions allowed per client address per hour.
HARBOUR_PUBLIC_FORM_RATE_PER_HOUR: int = env.int("HARBOUR_PUBLIC_FORM_RATE_PER_HOUR", default=5)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "HARBOUR_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://harbour")}

# Background tasks (Django's tasks API). The database backend needs a worker
# (``manage.py db_worker``); tests and single-process demos may use the immediate backend.
TASKS = {
    "default": {
        "BACKEND": env.str("HARBOUR_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# Person matching (harbour.matching). Splink runs on DuckDB by default; the backend is a setting
# so PostgreSQL or Spark can serve at scale. Trained models are versioned JSON files.
HARBOUR_MATCHING = {
    "BACKEND": env.str("HARBOUR_MATCHING_BACKEND", default="duckdb"),
    # How often (seconds) a web process looks for persons changed by other processes.
    "REFRESH_SECONDS": env.float("HARBOUR_MATCHING_REFRESH_SECONDS", default=2.0),
    "MODEL_DIR": Path(
        env.str("HARBOUR_MATCHING_MODEL_DIR", default=str(BASE_DIR / "var" / "matching"))
    ),
}

# The partner API (harbour.api): owned by that app; see docs/api.md and ADR 0013.
REST_FRAMEWORK: dict[str, object] = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["harbour.api.authentication.PartnerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "harbour.api.problems.exception_handler",
    # Calls per credential ("N/sec|min|hour|day"); the cache must be shared across processes.
    "DEFAULT_THROTTLE_RATES": {"partner": env.str("HARBOUR_API_RATE", default="120/min")},
}
SPECTACULAR_SETTINGS: dict[str, object] = {
    "TITLE": "Harbour partner API",
    "DESCRIPTION": (
        "For partner systems of the safeguarding partnership: submit referrals, missing "
        "episodes and intelligence, ask whether a child is known, read the outcome of what your "
        "agency submitted. Each call answers only what your agency's staff could see. Errors "
        "are RFC 9457 problem details; submissions need an Idempotency-Key."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Two "status" choice sets (referrals, missing episodes): name each enum after its own.
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "harbour.referrals.models.ReferralStatus",
        "EpisodeStatusEnum": "harbour.missing.models.EpisodeStatus",
    },
}

MAILERS = {
    "default": {
        "BACKEND": env.str(
            "HARBOUR_EMAIL_BACKEND",
            default="django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    },
}
#: Used to build links in e-mails.
HARBOUR_BASE_URL: str = env.str("HARBOUR_BASE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("HARBOUR_FROM_EMAIL", default="harbour-no-reply@example.org")

# Django's built-in Content Security Policy, with a nonce for the one inline module script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind TLS in production: redirect plain HTTP and tell browsers to insist on HTTPS.
SECURE_SSL_REDIRECT: bool = env.bool("HARBOUR_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS: int = env.int("HARBOUR_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# Preloading is a one-way decision for the partnership's domain, not the application's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("HARBOUR_BEHIND_TLS_PROXY", default=False)
    else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("HARBOUR_LOG_LEVEL", default="WARNING")},
}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
