"""Test settings: fast hashing, in-memory e-mail, no manifest for static files, rate limits out of the way."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
DEMO = True
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS1ub3QtZm9yLXByb2Q="]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Many tests log in and search from one address: the ceilings stay active but far above what a test does.
# tests/security sets low rates of its own, so the limits are really exercised there.
RATE_LIMIT_LOGIN = RATE_LIMIT_PASSWORD_RESET = RATE_LIMIT_SEARCH = RATE_LIMIT_SECOND_FACTOR = RATE_LIMIT_PUBLIC_FORMS = "100000/m"
API_THROTTLE_ANON = API_THROTTLE_USER = "100000/m"
# Pages are rendered at every request in the tests, whose query counts and settings overrides read the real work;
# tests/test_page_cache.py and the browser journeys (tests/e2e/conftest.py) turn the page cache on.
PAGE_CACHE_SECONDS = 0
# Tasks run at once, inside the call that enqueues them: mail.outbox holds the e-mails as before. tests/jobs run the
# database backend and its real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
