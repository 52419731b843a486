"""Settings for the Rock Valley clinic locator.

Every value comes from the environment (see ``.env.example``), or from a ``.env`` file in the
project root (ENV_FILE names another) for what the environment leaves unset. With no environment at all
the project runs for development on SQLite and a local-memory cache; with DEBUG off it
refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from locator.env import (
    DEVELOPMENT_SECRET_KEY,
    check_deployment_safety,
    envbool,
    envfloat,
    envint,
    envjson,
    envlist,
    envloglevel,
    envrate,
    envsiteurl,
    envstr,
    read_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = read_env_file(BASE_DIR / ".env")

DEBUG = envbool("DEBUG", True)
SECRET_KEY = envstr("SECRET_KEY") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
check_deployment_safety(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)

CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address for absolute links (sitemap, canonical links, JSON-LD); empty: the address each request came to.
SITE_URL = envsiteurl("SITE_URL")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

INSTALLED_APPS = [
    # SimpleAdminConfig: no autodiscovery, so django-leaflet's GeoDjango admin module is never imported.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "import_export",
    "clinics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "locator.urls"
WSGI_APPLICATION = "locator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "locator"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The chain's home time zone; each clinic also carries its own for opening hours.
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envloglevel("LOG_LEVEL", "INFO")},
}

# --- Geocoding -------------------------------------------------------------------------
# ZIP and city searches are answered offline from the `zipcodes` package. Street addresses
# need an online geopy service, off by default: GEOCODER_SERVICE is a geopy service name
# ("nominatim", "arcgis", ...) or a dotted path to a geopy-compatible class.
GEOCODER: dict[str, Any] = {
    "SERVICE": envstr("GEOCODER_SERVICE"),
    "OPTIONS": envjson("GEOCODER_OPTIONS", {"user_agent": "rock-valley-clinic-locator"}),
    # Empty: Nominatim is restricted to the US; other services get no extra options.
    "QUERY_OPTIONS": envjson("GEOCODER_QUERY_OPTIONS"),
    # Online lookups a minute for the whole site (0: no limit); past it, visitors are asked for a ZIP.
    "MAX_PER_MINUTE": envint("GEOCODER_MAX_PER_MINUTE", 50),
    "TIMEOUT": envfloat("GEOCODER_TIMEOUT", 3.0),
    "MIN_DELAY_SECONDS": envfloat("GEOCODER_MIN_DELAY_SECONDS", 1.0),
    "CACHE_TTL": envint("GEOCODER_CACHE_TTL", 60 * 60 * 24 * 30),
    "NOT_FOUND_TTL": envint("GEOCODER_NOT_FOUND_TTL", 60 * 60 * 24),
}

# A city typed without a state ("Davenport") is taken to be the one in these states, if only one matches.
HOME_STATES = envlist("HOME_STATES", ["IA", "IL", "NE"])

# --- Maps ------------------------------------------------------------------------------
MAP_TILES_URL = envstr("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = envstr(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
LEAFLET_CONFIG: dict[str, Any] = {
    # Centred on the Quad Cities, where most clinics are.
    "DEFAULT_CENTER": (41.52, -90.55),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "SCALE": "imperial",
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    "TILES": [("Map", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})],
    "ATTRIBUTION_PREFIX": "Leaflet",
}

# --- API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["clinics.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "clinics.api.pagination.ClinicPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "clinics.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {
        "search": envrate("API_SEARCH_RATE", "60/min"),
        "anon": envrate("API_ANON_RATE", "600/min"),
    },
    # How many proxies stand in front (1 behind a load balancer): the client is the address they
    # saw, never a header the client wrote itself.
    "NUM_PROXIES": envint("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rock Valley clinic locator API",
    "DESCRIPTION": "Find the nearest Rock Valley Physical Therapy clinics by ZIP code, city or coordinates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
CORS_ALLOWED_ORIGINS = envlist("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]

# --- The clinic list at any size (/clinics/) -------------------------------------------------------
# Up to CLINIC_LIST_ALL_MAX active clinics, /clinics/ shows every one on one page, grouped by state (the real chain
# has about 60). Above it, /clinics/ is an index of states leading to each state's clinics, CLINIC_LIST_PAGE_SIZE to
# a page (/clinics/?state=IA&page=2), so no page grows with the directory.
CLINIC_LIST_ALL_MAX = envint("CLINIC_LIST_ALL_MAX", 200)
CLINIC_LIST_PAGE_SIZE = envint("CLINIC_LIST_PAGE_SIZE", 50)
if CLINIC_LIST_ALL_MAX < 0:
    raise ImproperlyConfigured(f"CLINIC_LIST_ALL_MAX must be 0 or more, not {CLINIC_LIST_ALL_MAX}")
if not 1 <= CLINIC_LIST_PAGE_SIZE <= 500:
    raise ImproperlyConfigured(f"CLINIC_LIST_PAGE_SIZE must be from 1 to 500, not {CLINIC_LIST_PAGE_SIZE}")
