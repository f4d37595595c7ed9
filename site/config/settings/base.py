"""Settings shared by every environment.

Everything that differs between a laptop and production is read from the
environment (see the README's configuration table); the defaults give the
embedded setup: a SQLite file under var/, local media, local-memory cache.
"""

from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_str

# site/config/settings/base.py -> the repository root
BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(env_str("OUR_PLACES_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
# Only used when DEBUG is on or by tests; production refuses to start without
# a real key (see production.py).
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-development-key-change-me")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps, in dependency order: home <- places <- the rest.
    "home",
    "places",
    "engagement",
    "councillor_pages",
    "schools",
    "engagement.conversation",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "wagtailmenus",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Django's own widget templates, for the TemplatesSetting form renderer below.
    "django.forms",
    # Staff sign-in: throttling and two-factor (home/signin/)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "home.signin",
]

MIDDLEWARE = [
    # First: settles the request's charset before anything reads GET or POST.
    "home.middleware.FormCharsetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.StripNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages from the page cache, before sessions, auth or routing
    # are touched; and every public response's Cache-Control (home.page_cache).
    "home.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Fetch Metadata/Origin checks for the public site, Django's CSRF token for
    # the admin (see the README's "Cross-site protection").
    "config.middleware.CrossSiteProtectionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After AuthenticationMiddleware: the second factor for the admin (home/signin/).
    "django_otp.middleware.OTPMiddleware",
    "home.signin.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Every form renders from the project's templates; public forms' fields through
# templates/forms/field.html, one GOV.UK markup for all (home/forms.py).
FORM_RENDERER = "home.forms.GovukFormRenderer"

# Database: SQLite under var/ unless DATABASE_URL points elsewhere.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Connections kept between requests (checked before reuse): opening one
        # per request cost a page served from the cache a third of its time.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while a command writes, and the
    # timeout turns brief write contention into a wait instead of an error.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory per process unless REDIS_URL is set (page fragments and
# lookups that may differ for a moment between processes). Redis is only ever
# a speed-up (home.cache.ResilientRedisCache): while it is unreachable the
# cache answers as empty, pages are built without it, the outage is logged
# once per process, and Redis is tried again every REDIS_RETRY_SECONDS.
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "ourplaces")
REDIS_OPTIONS = {
    # A Redis that hangs costs at most this much, once per retry period.
    "socket_connect_timeout": env_int("REDIS_CONNECT_TIMEOUT_MS", 250) / 1000,
    "socket_timeout": env_int("REDIS_TIMEOUT_MS", 500) / 1000,
    "retry_after": env_int("REDIS_RETRY_SECONDS", 5),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "home.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": REDIS_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "our-places",
        }
    }
# The stamps every cached lookup, fragment and page is checked against
# (home.versions) must be seen by every process: Redis with REDIS_URL, and
# otherwise a table in the site's own database (created by `migrate`), so the
# embedded default needs no other server. Fragments and pages themselves live
# in "default" (Redis, or each process's memory).
if REDIS_URL:
    CACHES["shared"] = {
        "BACKEND": "home.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX + ":shared",
        "OPTIONS": REDIS_OPTIONS,
    }
else:
    CACHES["shared"] = {
        "BACKEND": "home.versions.StampDatabaseCache",
        "LOCATION": "ourplaces_cache_stamps",
        "OPTIONS": {"MAX_ENTRIES": 200000, "CULL_FREQUENCY": 10},
    }

# Rate limits and "once per period" rules (home.ratelimit) must hold across
# every process, so they live in a shared store: a table in the site's
# database (created by `migrate`) with no Redis, and with REDIS_URL set, Redis
# while it answers and that same table while it does not
# (home.cache.FallbackCache). `check --deploy` refuses a process-local store.
RATELIMIT_DATABASE_CACHE = {
    "BACKEND": "home.ratelimit.SharedDatabaseCache",
    "LOCATION": "ourplaces_ratelimit",
    # Culling starts only past this many rows (expired ones go first).
    "OPTIONS": {"MAX_ENTRIES": 50000, "CULL_FREQUENCY": 3},
}
if REDIS_URL:
    CACHES["ratelimit-redis"] = {
        "BACKEND": "home.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX + ":ratelimit",
        "OPTIONS": REDIS_OPTIONS,
    }
    CACHES["ratelimit-database"] = RATELIMIT_DATABASE_CACHE
    CACHES["ratelimit"] = {
        "BACKEND": "home.cache.FallbackCache",
        "OPTIONS": {"PRIMARY": "ratelimit-redis", "FALLBACK": "ratelimit-database"},
    }
else:
    CACHES["ratelimit"] = RATELIMIT_DATABASE_CACHE

# Sessions (staff sign-in, the admin) live in the database, never only in a
# cache that may go away: an outage of Redis signs nobody out. Django's
# default, stated so that nobody moves them to the cache by accident.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# Static files: collected into static_collected/ and served by whitenoise
# with hashed, long-cached names.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static_collected")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Citizens' uploads waiting for a moderator: outside MEDIA_ROOT, never served.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private-media")))
# Private by default (see config.storage): documents and original images in
# `default`, citizens' uploads in `private`; only image renditions are public.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "home.storage.PrivateFileSystemStorage"},
    "renditions": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WAGTAILIMAGES_RENDITION_STORAGE = "home.storage.get_rendition_storage"
# With local media, Django serves the public image renditions (MEDIA_URL
# images/) and nothing else: documents go through Wagtail's serve view and
# originals stay private. Set false when a web server or CDN serves images/.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Images larger than this many pixels are refused before they are decoded
# (Pillow refuses to open anything over twice the larger of the two).
STORY_PHOTO_MAX_PIXELS = env_int("STORY_PHOTO_MAX_PIXELS", 40_000_000)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Our Places <no-reply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (django-tasks): email and Wagtail's own tasks leave the
# request. The default keeps them in the database, where `manage.py db_worker`
# (started by `make run`) runs them; home/tasks.py retries failed email.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 6)
EMAIL_RETRY_DELAY_SECONDS = env_int("EMAIL_RETRY_DELAY_SECONDS", 60)
EMAIL_RETRY_MAX_DELAY_SECONDS = env_int("EMAIL_RETRY_MAX_DELAY_SECONDS", 6 * 3600)

# Wagtail
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Our Places")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    # The database backend uses PostgreSQL's full-text search on PostgreSQL
    # and a simpler fallback on SQLite.
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# Documents go through Wagtail's serve view so privacy rules hold.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_RESPONSIVE_HTML = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False

TAGGIT_CASE_INSENSITIVE = True

WAGTAILMENUS_ACTIVE_CLASS = "active"
WAGTAILMENUS_ACTIVE_ANCESTOR_CLASS = "ancestor"
WAGTAILMENUS_FLAT_MENUS_HANDLE_CHOICES = (("footer", "Footer"),)

SILENCED_SYSTEM_CHECKS = [
    # wagtailmenus 4.2's MainMenu and FlatMenu declare `content_panels` and
    # `settings_panels`, which Wagtail 8 warns have no effect on non-page
    # models. wagtailmenus builds its own tabbed edit handler from them, so
    # menu editing works (tests/integration/test_menus.py edits both menus in
    # the admin). Django can only silence a check by id, so
    # tests/unit/test_checks.py asserts that every W002 comes from
    # wagtailmenus: one of ours would fail the build.
    "wagtailadmin.W002",
]

# Content Security Policy for public pages (see config.middleware). Embeds
# need their providers' frames; add more with CSP_FRAME_SRC.
CSP_FRAME_SRC = env_list(
    "CSP_FRAME_SRC",
    ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
CSRF_FAILURE_VIEW = "config.middleware.csrf_failure"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Place Standard forms: answers accepted per client, per form, per window
# (seconds). Counted in the shared "ratelimit" cache above.
ENGAGEMENT_RATE_LIMIT = env_int("ENGAGEMENT_RATE_LIMIT", 20)
ENGAGEMENT_RATE_LIMIT_WINDOW = env_int("ENGAGEMENT_RATE_LIMIT_WINDOW", 3600)
ENGAGEMENT_FOLLOW_UP_RETENTION_DAYS = env_int("ENGAGEMENT_FOLLOW_UP_RETENTION_DAYS", 365)
# Place insight hides every figure for a place or theme with fewer responses
# than this, so nobody can be singled out.
INSIGHT_MIN_RESPONSES = env_int("INSIGHT_MIN_RESPONSES", 5)

# Email alerts: one address gets at most one confirmation email per this many
# seconds, however often it is entered (counted in the "ratelimit" cache).
ALERTS_CONFIRMATION_EMAIL_INTERVAL = env_int("ALERTS_CONFIRMATION_EMAIL_INTERVAL", 86400)

# Behind a proxy: trust its forwarded headers only when told to.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Rendered output reused between requests (see the README's "Caching"):
# fragments (menus, page content, place-page sections) in the default cache,
# whole anonymous pages in the app's page cache and behind a CDN for
# PAGE_CACHE_SECONDS (0: no page cache and no s-maxage).
CACHE_FRAGMENTS = env_bool("CACHE_FRAGMENTS", True)
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 24 * 60 * 60)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# How long a browser (which nobody can purge) may reuse a public page.
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 60)

# `make bench` compares pages with reference pages served by the same process
# (tests/benchmarks/README.md); the routes and the references' app (a minimal
# Wagtail page type, a one-row table) exist only when this is on, and so does
# the bench-only cache state: "cold" (no fragment or page cache), "warm"
# (fragments cached, no page cache) or "hit" (both, as in production).
BENCHMARK_ROUTES = env_bool("OUR_PLACES_BENCHMARK_ROUTES", False)
if BENCHMARK_ROUTES:
    INSTALLED_APPS = [*INSTALLED_APPS, "tests.benchmarks.reference"]
    BENCH_CACHE_STATE = env_str("OUR_PLACES_BENCH_CACHE_STATE", "hit")
    if BENCH_CACHE_STATE not in ("cold", "warm", "hit"):
        raise ValueError(f"OUR_PLACES_BENCH_CACHE_STATE={BENCH_CACHE_STATE!r}: cold, warm or hit")
    if BENCH_CACHE_STATE == "cold":
        CACHE_FRAGMENTS = False
    if BENCH_CACHE_STATE in ("cold", "warm"):
        PAGE_CACHE_SECONDS = 0

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Staff sign-in (home/signin/). A client address may fail LOGIN_FAILURE_LIMIT
# times per account in each LOGIN_FAILURE_WINDOW (seconds) before that address
# is locked out of that account until the window ends; past
# LOGIN_ACCOUNT_FAILURE_LIMIT failures on one account from anywhere, each
# further failure holds the account for a growing delay (at most
# LOGIN_ACCOUNT_MAX_DELAY seconds) except in browsers that signed in to it before.
AUTHENTICATION_BACKENDS = ["home.signin.throttle.ThrottledModelBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "home.signin.forms.ThrottledLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "home.signin.forms.ThrottledPasswordResetForm"  # noqa: S105
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 900)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_ACCOUNT_MAX_DELAY = env_int("LOGIN_ACCOUNT_MAX_DELAY", 300)
# Everyone who can see personal data (and every superuser) must sign in with a
# second factor; on by default in production (production.py).
OTP_REQUIRED_FOR_PERSONAL_DATA = env_bool("OTP_REQUIRED_FOR_PERSONAL_DATA", False)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# django-otp's own per-device throttle grows without bound, so anyone holding a
# stolen password could lock a member of staff's authenticator for days; the
# limits above (per address, and a capped hold per account) apply to codes instead.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
