"""Settings for the Rock Valley clinic locator.

Every value comes from the environment (see ``.env.example``), or from a ``.env`` file in the
project root (ENV_FILE names another) for what the environment leaves unset. With no environment at all
the project runs for development on SQLite and a local-memory cache; with DEBUG off it
refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from locator.env import (
    DEVELOPMENT_SECRET_KEY,
    check_deployment_safety,
    envbool,
    envchoice,
    envfloat,
    envint,
    envjson,
    envlist,
    envloglevel,
    envorigins,
    envrate,
    envsiteurl,
    envstr,
    read_env_file,
    url_origin,
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

# How many proxies stand in front (1 behind nginx or a load balancer). The client's address is the one
# they saw (X-Forwarded-For, counted from the right), and X-Forwarded-Proto says whether the visitor
# came over HTTPS; with 0, both headers are ignored, since a client could write them itself.
NUM_PROXIES = envint("NUM_PROXIES", 0)
if NUM_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
# HTTPS (see the production block of .env.example): redirect plain HTTP, except the health checks a load
# balancer makes over plain HTTP inside the network; HSTS once the site is known to work over HTTPS.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is the owner's decision for the whole registrable domain (rockvalleypt.com), made on
    # hstspreload.org, not this app's: SECURE_HSTS_PRELOAD=true adds the flag once that is decided.
    "security.W021",
]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Browser features: "Use my location" needs geolocation, for our own pages only (not for any page that
# frames us); everything else this site never uses is off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "geolocation": ["self"],
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

INSTALLED_APPS = [
    # SimpleAdminConfig: no autodiscovery, so django-leaflet's GeoDjango admin module is never imported.
    # Before the admin: its translated fields (clinics/translation.py) must exist when the admin's forms are built.
    "modeltranslation",
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
    "axes",
    "csp",
    "django_guid",
    "simple_history",
    "clinics",
    "demand",
    "embed",
]

MIDDLEWARE = [
    # First: every later log line, the access line and the error pages know the request's id.
    "django_guid.middleware.guid_middleware",
    "clinics.request_log.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After WhiteNoise (static files keep no Vary: Accept-Language), before CommonMiddleware (as Django asks): the
    # visitor pages' language comes from their address (/es/...; no prefix is English), never from the browser, so
    # a link always opens in its language. The API chooses its own (clinics/api/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "clinics.api.language.ApiLanguageMiddleware",
    # While the database is known to be down, its 503 is answered here: after the middleware that set the
    # security headers and the language (so the 503 has both), before any that may read the database.
    "clinics.outage.DatabaseOutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Changes made in this request are recorded as the signed-in staff member's (clinics/history.py).
    "clinics.history.StaffAttributionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
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
# After a failure to connect, a process answers 503 at once for this many seconds before trying again
# (clinics/outage.py), so a database that hangs does not make every request wait DB_CONNECT_TIMEOUT.
DB_RETRY_AFTER = envfloat("DB_RETRY_AFTER", 5.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database answers in seconds (a friendly 503), not after the OS's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", envint("DB_CONNECT_TIMEOUT", 3))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
# Redis is an accelerator, never a dependency (clinics/shared_cache.py): each call waits at most
# REDIS_TIMEOUT seconds, is never retried, and a failure pauses Redis for this process for
# REDIS_RETRY_AFTER seconds, during which the cache answers misses and rate limits let visitors through.
REDIS_TIMEOUT = envfloat("REDIS_TIMEOUT", 0.25)
REDIS_RETRY_AFTER = envfloat("REDIS_RETRY_AFTER", 10.0)


def redis_cache(url: str, *, timeout: float = REDIS_TIMEOUT, key_prefix: str = "locator") -> dict[str, Any]:
    """The cache settings for Redis at ``url`` (also used by the tests that take Redis away)."""
    return {
        "BACKEND": "clinics.shared_cache.FailOpenRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": timeout,
            "SOCKET_TIMEOUT": timeout,
            # redis-py retries a failed command with backoff by default; here a failure is answered at once.
            "CONNECTION_POOL_KWARGS": {"retry": Retry(NoBackoff(), 0)},
            # Off: FailOpenRedisCache handles every failure itself (its breaker must see them).
            "IGNORE_EXCEPTIONS": False,
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL, key_prefix=envstr("CACHE_KEY_PREFIX", "locator"))}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Readiness (clinics/health.py) answers 503 when the database is down; with this on, also when Redis is.
READY_REQUIRES_CACHE = envbool("READY_REQUIRES_CACHE", False)

# Staff sign-in (the admin): django-axes first, so a locked-out client or user is refused before any
# password is hashed. Each hash costs tens of milliseconds of CPU on purpose; a guesser who could keep
# asking would take that CPU from visitors.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After ADMIN_LOGIN_FAILURE_LIMIT failed sign-ins, the client address is locked out, and so is the user
# name (separately: a guesser moving between addresses still locks the name, one trying many names from
# one address locks the address) for ADMIN_LOCKOUT_MINUTES. A superuser unlocks at once by deleting the
# "Access attempts" rows in the admin, or with `manage.py axes_reset_username NAME` / `axes_reset_ip IP`.
AXES_FAILURE_LIMIT = envint("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("ADMIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clinics.signin.locked_out"
# The client address by the same rule as the rate limits (NUM_PROXIES), never a header a client wrote.
AXES_CLIENT_IP_CALLABLE = "clinics.throttling.client_address"
# No user agents, paths or form data in the log lines django-axes writes.
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Visitor pages in English (no prefix) and Spanish (/es/...): see the README's "Languages". The translations are
# in locale/ (.po files in git; the .mo files are compiled at install time by `manage.py compilemessages`).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The chain's home time zone; each clinic also carries its own for opening hours.
TIME_ZONE = "America/Chicago"
USE_I18N = True
# Visitor-facing text of services and conditions in English and Spanish (django-modeltranslation,
# clinics/translation.py): English is the default and what a missing Spanish text falls back to.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
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

# Logs go to standard error, one line per request (clinics/request_log.py) and every line carrying the
# request's id. LOG_FORMAT=json writes one JSON object per line for a log collector. No visitor data:
# no query strings, addresses, coordinates or client IPs are logged.
LOG_FORMAT = envchoice("LOG_FORMAT", "text", ["text", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "clinics.request_log.RequestIdFilter"},
        "not_service_unavailable": {"()": "clinics.request_log.NotServiceUnavailable"},
    },
    "formatters": {
        "text": {
            "()": "clinics.request_log.TextLogFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "clinics.request_log.JsonLogFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": envloglevel("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-guid says at INFO, on every request, whether the id came from a header.
        "django_guid": {"level": "WARNING"},
        # Django's own handlers (console with DEBUG on, mail_admins) would write its lines twice: root's only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A 503 is the site's planned answer while the database is down (logged once, clinics/outage.py) or a
        # readiness check that failed (polled every few seconds): not an error line per request.
        "django.request": {"filters": ["not_service_unavailable"]},
    },
}
# The request id (django-guid): taken from the proxy's X-Request-ID when it is a valid id, else made here;
# returned in X-Request-ID.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True, "RETURN_HEADER": True}

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
    # Seconds the service gets to answer; the visitor waits no longer.
    "TIMEOUT": envfloat("GEOCODER_TIMEOUT", 2.0),
    # Lookups may start at most this often for the whole site (Nominatim asks for 1 s); one that
    # comes sooner is not delayed but falls back to the ZIP or city in the address.
    "MIN_DELAY_SECONDS": envfloat("GEOCODER_MIN_DELAY_SECONDS", 1.0),
    # Lookups running at once for the whole site (0: no cap); the rest fall back at once.
    "MAX_CONCURRENT": envint("GEOCODER_MAX_CONCURRENT", 2),
    # After this many failures or timeouts within PAUSE_SECONDS, the service is not asked for
    # PAUSE_SECONDS (0: never pause).
    "FAILURES_TO_PAUSE": envint("GEOCODER_FAILURES_TO_PAUSE", 3),
    "PAUSE_SECONDS": envint("GEOCODER_PAUSE_SECONDS", 60),
    # How long a timeout or error is remembered for the address that met it.
    "FAILURE_TTL": envint("GEOCODER_FAILURE_TTL", 60),
    "CACHE_TTL": envint("GEOCODER_CACHE_TTL", 60 * 60 * 24 * 30),
    "NOT_FOUND_TTL": envint("GEOCODER_NOT_FOUND_TTL", 60 * 60 * 24),
}

# A city typed without a state ("Davenport") is taken to be the one in these states, if only one matches.
HOME_STATES = envlist("HOME_STATES", ["IA", "IL", "NE"])
# A search whose nearest clinic is farther than this is outside the service area: the page and the API say where
# the clinics are and how far the nearest one is, and offer its phone number.
SERVICE_AREA_MILES = envfloat("SERVICE_AREA_MILES", 100.0)

# --- Maps ------------------------------------------------------------------------------
MAP_TILES_URL = envstr("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = envstr(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# Content-Security-Policy (django-csp): scripts, styles, fonts and requests only from this site; images
# from this site, the map tile server and data: URLs; no plugins, no framing, forms only to this site. The pages hold
# no inline script or style. The API docs page adds what Swagger UI needs (clinics/api/docs.py).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the blank 1x1 image Leaflet puts in place of a tile it drops (L.Util.emptyImageUrl).
        "img-src": [SELF, url_origin(MAP_TILES_URL), "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
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
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rock Valley clinic locator API",
    "DESCRIPTION": "Find the nearest Rock Valley Physical Therapy clinics by ZIP code, city or coordinates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation takes ?lang=es (clinics/api/language.py), after drf-spectacular's own enum step.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "clinics.api.language.document_language",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two fields are called status: a clinic's and the health check's.
    "ENUM_NAME_OVERRIDES": {
        "ClinicStatusEnum": [("published", "Published"), ("temporarily_closed", "Temporarily closed")]
    },
}
CORS_ALLOWED_ORIGINS = envlist("CORS_ALLOWED_ORIGINS")

# --- The embeddable finder (embed/) -----------------------------------------------------------
# Sites whose pages may show the finder (/embed/finder/, inserted by /embed.js) in a frame, besides this site
# itself: its frame-ancestors. Every other page stays unframeable (frame-ancestors 'none' above, X-Frame-Options).
EMBED_ALLOWED_ORIGINS = envorigins("EMBED_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]

# --- Spreadsheet import ----------------------------------------------------------------
# The admin's import refuses files over ADMIN_IMPORT_MAX_MB megabytes (checked before the file is read)
# or with more than ADMIN_IMPORT_MAX_ROWS rows (counted before any row is checked), so one upload cannot
# hold a web worker for long; `manage.py import_clinics FILE` imports bigger files with the same checks.
ADMIN_IMPORT_MAX_BYTES = round(envfloat("ADMIN_IMPORT_MAX_MB", 1.0) * 1024 * 1024)
ADMIN_IMPORT_MAX_ROWS = envint("ADMIN_IMPORT_MAX_ROWS", 500)
# Where an upload waits between the import's preview and its confirmation (clinics/import_uploads.py),
# and how long an unconfirmed one may stay there before the import page deletes it.
IMPORT_UPLOAD_DIR = Path(envstr("IMPORT_UPLOAD_DIR") or Path(tempfile.gettempdir()) / "locator-import-uploads")
IMPORT_UPLOAD_MAX_AGE_MINUTES = envint("IMPORT_UPLOAD_MAX_AGE_MINUTES", 60)
for _name, _value in [
    ("ADMIN_IMPORT_MAX_MB", ADMIN_IMPORT_MAX_BYTES),
    ("ADMIN_IMPORT_MAX_ROWS", ADMIN_IMPORT_MAX_ROWS),
    ("IMPORT_UPLOAD_MAX_AGE_MINUTES", IMPORT_UPLOAD_MAX_AGE_MINUTES),
]:
    if _value <= 0:
        raise ImproperlyConfigured(f"{_name} must be more than 0")
# A pin placed by hand more than this many miles from its ZIP code's centre (or outside the clinic's state) is
# saved only once staff confirm it ("Yes, the pin is right"; a pin_confirmed column in an import).
PIN_MAX_MILES_FROM_ZIP = envfloat("PIN_MAX_MILES_FROM_ZIP", 25.0)
if PIN_MAX_MILES_FROM_ZIP <= 0:
    raise ImproperlyConfigured("PIN_MAX_MILES_FROM_ZIP must be more than 0")
# Not IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT: in django-import-export 4.4.3 it deletes a leading "=" (changing
# the data, and leaving "==1" a formula) and ignores + - @ tab and CR. ClinicResource escapes every export instead.

# Clinic versions (clinics/history.py) older than this many days are deleted by `manage.py purge_clinic_history`
# (run it daily); each clinic's newest version is always kept, so its next change still shows what it changed.
CLINIC_HISTORY_DAYS = envint("CLINIC_HISTORY_DAYS", 730)
if CLINIC_HISTORY_DAYS <= 0:
    raise ImproperlyConfigured("CLINIC_HISTORY_DAYS must be more than 0")

# Temporarily closed clinics are listed in nearest results at their distance, marked closed with their reason and
# reopening date and without a Schedule button (a patient may be looking for their own clinic); false leaves them
# out of nearest results (they keep their page and their place in the clinic list). "Open now" always leaves them out.
SEARCH_SHOWS_TEMPORARILY_CLOSED = envbool("SEARCH_SHOWS_TEMPORARILY_CLOSED", True)

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

# --- Search demand (demand/) -------------------------------------------------------------------
# Searches are counted per day, area (5-digit ZIP or city) and filter, never per visitor (demand/models.py).
# Counts wait in each process's memory and are written after a response, at most every SEARCH_DEMAND_FLUSH_SECONDS
# (0: after every request), so no search waits for the database; a process killed outright loses its last interval.
SEARCH_DEMAND_RECORDING = envbool("SEARCH_DEMAND_RECORDING", True)
SEARCH_DEMAND_FLUSH_SECONDS = envfloat("SEARCH_DEMAND_FLUSH_SECONDS", 10.0)
# Rows older than this many days are deleted by `manage.py purge_search_demand` (run it daily).
SEARCH_DEMAND_RETENTION_DAYS = envint("SEARCH_DEMAND_RETENTION_DAYS", 395)
# The report's default for "far": an area whose nearest clinic is farther than this is unmet demand.
SEARCH_DEMAND_UNMET_MILES = envint("SEARCH_DEMAND_UNMET_MILES", 30)
if SEARCH_DEMAND_FLUSH_SECONDS < 0:
    raise ImproperlyConfigured(f"SEARCH_DEMAND_FLUSH_SECONDS must be 0 or more, not {SEARCH_DEMAND_FLUSH_SECONDS}")
if SEARCH_DEMAND_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(f"SEARCH_DEMAND_RETENTION_DAYS must be 1 or more, not {SEARCH_DEMAND_RETENTION_DAYS}")
if SEARCH_DEMAND_UNMET_MILES < 0:
    raise ImproperlyConfigured(f"SEARCH_DEMAND_UNMET_MILES must be 0 or more, not {SEARCH_DEMAND_UNMET_MILES}")
