"""Settings for the test suite: fast, isolated, and the same on SQLite and PostgreSQL."""

import os
from pathlib import Path

from config.env import env_int, env_str

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, REDIS_URL

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run as soon as they are enqueued (after the transaction commits), so a
# test sees its email in mail.outbox; tests of the queue itself switch to the
# database backend and run the worker's code (tests/integration/test_email_tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A drill's servers are given the test session's own folder (MEDIA_ROOT).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "test-media")))
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private-media"
# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "home.storage.PrivateFileSystemStorage"},
    "renditions": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Whole anonymous pages are not kept between a test's requests, so a test sees
# each response rendered (with its context); the tests of the page cache turn
# it on (the `page_cache` fixture in tests/conftest.py, or PAGE_CACHE_SECONDS
# in the environment of the servers a drill starts). Fragments are cached, as
# in production.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0)

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Several checkouts may run the PostgreSQL pass on one server at once.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_DATABASE_NAME", "test_" + DATABASES["default"]["NAME"])
    }

if not REDIS_URL and env_str("OUR_PLACES_TEST_RATELIMIT_STORE", "memory") == "memory":
    # One test process, emptied before every test (tests/conftest.py). The
    # database store is tested on its own and across two gunicorn workers
    # (tests/integration/test_ratelimit_store.py), which set this to "database".
    CACHES = {
        **CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "our-places-ratelimit",
        },
    }
