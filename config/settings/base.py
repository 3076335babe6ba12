"""Settings shared by every environment; each environment module overrides what it must."""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default, *, minimum=1, maximum=None):
    """A whole number from the environment; a typo stops the start with a French message."""
    value = os.environ.get(name, str(default)).strip()
    if maximum is not None and (not value.isdigit() or not minimum <= int(value) <= maximum):
        raise ImproperlyConfigured(f"{name} doit être un nombre entier compris entre {minimum} et {maximum}, pas « {value} ».")
    if not value.isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier supérieur ou égal à {minimum}, pas « {value} ».")
    return int(value)


def env_rate(name, default):
    """A rate such as "20/m" (per s, m, h or d), as django-ratelimit and DRF both read it; a typo stops the start."""
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"[0-9]+/[smhd][a-z]*", value):
        raise ImproperlyConfigured(f"{name} doit être un débit comme « 20/m » (par s, m, h ou d), pas « {value} ».")
    return value


def release_fingerprint():
    """A short digest of the templates and Python files of the project (their sizes and dates), read at start."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((BASE_DIR / "mobilisation").rglob("*")):
        if path.suffix in {".py", ".html", ".txt"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(BASE_DIR)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "mobilisation.core.apps.MobilisationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: Django takes a management command from the first app that has it, and core's runserver
    # (French pages for the development server's own errors) must win over staticfiles' one.
    "mobilisation.core",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "mobilisation.accounts",
    "mobilisation.audit",
    "mobilisation.territories",
    "mobilisation.catalogue",
    "mobilisation.contracts",
    "mobilisation.plans",
    "mobilisation.directory",
    "mobilisation.portal",
    "mobilisation.api",
    "mobilisation.followup",
    "mobilisation.mutualaid",
    "mobilisation.hotline",
    "phonenumber_field",
    "mobilisation.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files get the Permissions-Policy too (they never carry a user: no no-store).
    "mobilisation.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP (its 413 and 414 pages get the policy), before the session, CSRF and anything that reads the body.
    "mobilisation.core.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An account that must use a second factor, or has one, reaches nothing but the second factor's pages until verified.
    "mobilisation.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mobilisation" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mobilisation.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work side by side; busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages' queries are short: PostgreSQL's JIT compiler, started by cost estimates over 100,000 (a subquery
    # a row on a large table), spent 30 ms compiling a 2 ms query of the volunteers' list. Off for this application.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce UNIQUE ... NULLS NOT DISTINCT; PostgreSQL, the production database, does.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mobilisation.accounts.validators.CharacterClassesValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# django-axes: after repeated failures for an e-mail address from one client address, that pair is locked out
# for a while, whether the account exists or not (same answer). Locking on the pair, not the address alone,
# keeps a third party from locking a colleague out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "mobilisation.core.limits.client_ip"

# The client address behind NUM_PROXIES trusted reverse proxies (each appends to X-Forwarded-For); 0: REMOTE_ADDR.
# Lockouts, rate limits and API throttles all use it; a header a client sends itself is never trusted.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

# Rate limits per client address (django-ratelimit), past which public forms answer 429 (SECURITY.md 11).
# Login: a person who mistypes retries a few times a minute, and an office shares one address; 20 a minute stops
# credential stuffing across many e-mails, which django-axes (one e-mail and one address) does not see.
RATE_LIMIT_LOGIN = env_rate("RATE_LIMIT_LOGIN", "20/m")
# Password reset: each request may send an e-mail; nobody needs more than a few a minute.
RATE_LIMIT_PASSWORD_RESET = env_rate("RATE_LIMIT_PASSWORD_RESET", "5/m")
# Territory search: two searches a second for a minute is more than a person types, less than a scraper asks.
RATE_LIMIT_SEARCH = env_rate("RATE_LIMIT_SEARCH", "120/m")
# Public sign-ups and requests (no account): a family fills two or three a minute from one box, a script more.
RATE_LIMIT_PUBLIC_FORMS = env_rate("RATE_LIMIT_PUBLIC_FORMS", "10/m")
# API throttles (DRF): anonymous clients per address (public reference data, 500 rows a page at most), and each
# account (token or session), whose scripts may page through every plan and action but not loop without end.
API_THROTTLE_ANON = env_rate("API_THROTTLE_ANON", "120/m")
API_THROTTLE_USER = env_rate("API_THROTTLE_USER", "1200/m")
# Second factor codes: a person mistypes a few times; 6 digits are not to be tried by the thousand (docs/securite.md).
RATE_LIMIT_SECOND_FACTOR = env_rate("RATE_LIMIT_SECOND_FACTOR", "10/m")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "mobilisation.core.limits.client_ip"
RATELIMIT_VIEW = "mobilisation.core.views.too_many_requests"

# Request limits (SECURITY.md 14), answered with a French 413 or 414 page by core.middleware.RequestLimitsMiddleware
# before the session, CSRF or form parsing reads anything. The reverse proxy caps first (docs/deploiement.md).
# Bodies: no form takes a file but the register import (IMPORT_MAX_BYTES below), and the longest text a form accepts (10,000 characters, core.forms) is
# 40 kB in UTF-8 at worst; 1 MiB is room to spare. A view taking more (a file import) says so with
# @accepts_body_up_to(bytes).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
# The one view that takes a file: a register import (followup). 100,000 people with every column is about 25 MB of CSV.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 32 * 1024 * 1024)
# Django's own ceilings, for what the middleware lets through: the fields of a body (files aside) fit in the same
# MiB, and a form sends at most one value per commune of a CLS (103 for the Pays de Brest, the largest) plus a
# dozen fields, or one per row of an admin list page (100): 1,000 pairs is ample.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# URLs: the longest the site builds (an export link keeping every filter of a list) is a few hundred characters.
# 4,096 stays under gunicorn's request line limit (8,190 bytes in config/gunicorn.conf.py) and the proxy's.
URL_MAX_LENGTH = env_int("URL_MAX_LENGTH", 4096)

# Second factor (django-otp, ADR 007): TOTP applications and single-use backup codes. After SECOND_FACTOR_FAILURE_LIMIT
# wrong codes in a row an account's code step is locked for as long as a password lockout (AXES_COOLOFF_TIME); each
# device also waits twice as long after each failure (django-otp's throttling, kept in the database).
SECOND_FACTOR_FAILURE_LIMIT = env_int("SECOND_FACTOR_FAILURE_LIMIT", 5)
OTP_TOTP_ISSUER = "Mobilisation CLS"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions of accounts that must use a second factor (they read personal data) last less than the others.
SENSITIVE_SESSION_SECONDS = env_int("SENSITIVE_SESSION_SECONDS", 60 * 60 * 2, minimum=60)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "mobilisation.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy: no inline script anywhere; the DSFR scripts carry the request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Style attributes only (never <style> elements or scripts): the DSFR and Leaflet scripts set them at run time.
        "style-src-attr": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF],
        "img-src": [SELF, "data:", *env_list("CSP_IMG_EXTRA")],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "mobilisation" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Mobilisation CLS <ne-pas-repondre@mobilisation-cls.bzh>")

# Rate limits count in the cache, which several processes must share: CACHE_URL (redis://host:6379/1) selects
# Django's Redis backend. Unset: a cache per process, enough for one process (`make run`, the tests).
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL doit être une adresse Redis (redis://, rediss:// ou unix://).")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "mcls"}}
    # django-ratelimit's list of supported backends predates Django's own Redis backend, which increments atomically.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Counters of one process are the whole truth when there is one process; docs/environnement.md asks for
    # CACHE_URL as soon as several workers serve the site.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

# Background work (docs/adr/009-taches-de-fond.md): Django's task framework (the django-tasks backport). By default
# the database backend, whose worker `make run` starts (manage.py db_worker); TASKS_BACKEND=rq hands tasks to RQ on
# Redis (TASKS_REDIS_URL, else CACHE_URL) and its own workers (manage.py rqworker --job-class django_tasks_rq.Job --with-scheduler default).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip() or "database"
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "rq":
    TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", "").strip() or CACHE_URL
    if not TASKS_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq demande une adresse Redis dans TASKS_REDIS_URL (ou CACHE_URL), par exemple redis://hôte:6379/2."
        )
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND doit valoir « database » ou « rq », pas « {TASKS_BACKEND} ».")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mobilisation.api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mobilisation.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Documents the error answers (400, 401, 404, 429) of every operation, once for all views.
    "DEFAULT_SCHEMA_CLASS": "mobilisation.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Rates come from API_THROTTLE_ANON and API_THROTTLE_USER, read at each request (mobilisation.api.throttling).
    "DEFAULT_THROTTLE_CLASSES": ["mobilisation.api.throttling.AnonThrottle", "mobilisation.api.throttling.UserThrottle"],
    "EXCEPTION_HANDLER": "mobilisation.api.exceptions.exception_handler",
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Mobilisation CLS",
    "DESCRIPTION": (
        "API de la plateforme Mobilisation CLS (ARS Bretagne) : référentiel des territoires bretons, "
        "implantations de l’ARS, registre des contrats locaux de santé et catalogue des mobilisations (publics), "
        "plans d’action, actions et demandes de financement (selon le périmètre). Authentification par jeton personnel "
        "(en-tête « Authorization: Token <jeton> »). Les erreurs répondent en JSON, en français : "
        "« detail » explique l’erreur, ou chaque paramètre refusé a ses messages (400)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Pages rendered once per change of their content (core.page_cache): how long a rendered page is kept (0: never).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# Names the code that rendered a cached page, so that a new release never serves the pages of the previous one.
PAGE_CACHE_RELEASE = os.environ.get("RELEASE") or release_fingerprint()

SITE_NAME = "Mobilisation CLS"
# The site's public address: every link sent by e-mail is built from it (core.site.absolute_url), never from the
# Host header of the request that triggered the e-mail. `make run` sets it from PORT; production requires https.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Optional map background: a tile URL template (e.g. an internal tile server). Empty: boundaries only.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "")

# Keys of the fields encrypted at rest (core.crypto: the fragility reasons of the register), never SECRET_KEY: Fernet
# keys, comma-separated, the first one encrypts, every one decrypts (rotation: docs/environnement.md).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
# Phone numbers of the register: French numbering unless a number says otherwise (+32…).
PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

DEMO = False
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Bretagne-CLS-2026!")

# The access log (audit.AuditEvent, SECURITY.md 21): events older than this many days are purged (purge_audit). The
# law asks for 6 to 12 months; the database itself refuses to delete an event younger than 183 days.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365, minimum=183, maximum=366)

# Logs never hold personal data (SECURITY.md 20): tracebacks without exception messages, django-axes masking the
# e-mail and address of a failed login (AXES_SENSITIVE_PARAMETERS); Django names the path of a failed request, not its query.
# Error reports (Django's technical 500 page and report e-mails, should they be turned on) show no POST value, no
# local variable of a frame, no query string, no cookie and no exception message: any of them may hold a name, a
# phone number or a reason.
DEFAULT_EXCEPTION_REPORTER = "mobilisation.core.error_reports.PrivateExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "mobilisation.core.error_reports.PrivateExceptionReporterFilter"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"private": {"()": "mobilisation.core.log_formatters.PrivacyFormatter", "format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "private"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Removals and objections of registered people, by public id only: replayed on a restored backup.
        "mobilisation.erasures": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def require_site_url(url, allowed_hosts):
    """Production's SITE_URL: an https address whose host the site serves, else a French message stops the start."""
    from urllib.parse import urlsplit

    from django.http.request import validate_host

    example = "par exemple https://mobilisation-cls.example"
    if not url.strip():
        raise ImproperlyConfigured(
            f"SITE_URL doit être défini en production : l’adresse publique du site en https ({example}), dont les liens des courriels dépendent."
        )
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ImproperlyConfigured(f"SITE_URL doit être l’adresse publique du site en https ({example}), pas « {url} ».")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"SITE_URL ne doit contenir que l’origine du site (https://hôte[:port]), pas « {url} ».")
    if not validate_host(parts.hostname, allowed_hosts):
        raise ImproperlyConfigured(f"L’hôte de SITE_URL ({parts.hostname}) doit figurer dans ALLOWED_HOSTS.")
    return url.strip().rstrip("/")


def require_field_encryption_keys(keys, secret_key):
    """Production's FIELD_ENCRYPTION_KEYS: at least one valid Fernet key, none of them SECRET_KEY."""
    from cryptography.fernet import Fernet

    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS doit être défini en production : une clé Fernet au moins, produite par "
            "« python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' »."
        )
    for position, key in enumerate(keys, start=1):
        if key == secret_key:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS ne doit pas reprendre SECRET_KEY : donnez une clé propre au chiffrement.")
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"La clé n° {position} de FIELD_ENCRYPTION_KEYS n’est pas une clé Fernet valide (44 caractères base64)."
            ) from None
    return keys


def require_secret_key(key):
    if not key or len(key) < 50:
        raise ImproperlyConfigured("SECRET_KEY doit être défini (50 caractères au moins) en production.")
    return key
