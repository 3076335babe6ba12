"""Production settings: PostgreSQL, HTTPS only, secrets from the environment, never demo accounts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, require_field_encryption_keys, require_secret_key, require_site_url

SECRET_KEY = require_secret_key(os.environ.get("SECRET_KEY", ""))
FIELD_ENCRYPTION_KEYS = require_field_encryption_keys(FIELD_ENCRYPTION_KEYS, SECRET_KEY)  # noqa: F405
SITE_URL = require_site_url(os.environ.get("SITE_URL", ""), ALLOWED_HOSTS)  # noqa: F405
# Persistent database connections (checked before reuse): a new PostgreSQL connection per request costs more than
# most pages' queries (see bench/results/latest.md).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))  # noqa: F405
DEBUG = False
DEMO = False

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Cached pages (core.page_cache) and rate limits count on one cache shared by every process: without it, a page
# rewritten after a write in one process would still be served from another's memory.
if PAGE_CACHE_SECONDS and not CACHE_URL:  # noqa: F405
    raise ImproperlyConfigured(
        "CACHE_URL doit désigner le cache Redis partagé par les processus (redis://hôte:6379/1) ; "
        "à défaut, PAGE_CACHE_SECONDS=0 désactive le cache des pages."
    )
