"""Production: a real secret key and host names are required, HTTPS everywhere.

`manage.py check --deploy` passes with no warnings once DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS are set.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str
from config.storage import s3_storages

from .base import *  # noqa: F403
from .base import SECRET_KEY

if SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY to a random value of at least 50 characters in production."
    )

DEBUG = env_bool("DJANGO_DEBUG", False)

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Staff who can see personal data sign in with a second factor (home/signin/).
OTP_REQUIRED_FOR_PERSONAL_DATA = env_bool("OTP_REQUIRED_FOR_PERSONAL_DATA", True)

# Media on S3-compatible storage when a bucket is named (needs django-storages,
# installed with `pip install "django-storages[s3]"`): private objects and
# signed URLs for everything but the image renditions (see config.storage).
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES = {  # noqa: F405
        **STORAGES,  # noqa: F405
        **s3_storages(
            bucket_name=AWS_STORAGE_BUCKET_NAME,
            endpoint_url=env_str("AWS_S3_ENDPOINT_URL") or None,
            region_name=env_str("AWS_S3_REGION_NAME") or None,
            custom_domain=env_str("AWS_S3_CUSTOM_DOMAIN") or None,
        ),
    }
    SERVE_MEDIA = False

# Purge the CDN of every URL an event affects (home.invalidation, through
# Wagtail's frontend-cache backends and purge task). The app
# wagtail.contrib.frontend_cache is not installed: its own signal handlers
# would purge only the page published, a second time.
FRONTEND_CACHE_URL = env_str("FRONTEND_CACHE_URL")
if FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_URL,
        }
    }

LOGGING["root"]["level"] = env_str("LOG_LEVEL", "INFO")  # noqa: F405
