"""Development settings: embedded SQLite, console e-mail, demo accounts."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
DEMO = env_bool("DEMO", True)
# A fixed key for the embedded database only (production requires its own: require_field_encryption_keys).
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZC0="]  # noqa: F405
# Static files are served by WhiteNoise from the app directories without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
