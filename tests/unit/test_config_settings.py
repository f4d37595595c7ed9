"""Settings read from the environment, checked in a fresh interpreter each time.

Settings modules read the environment once, at import, so each case runs in
a subprocess with exactly the variables it needs (and none from the shell
running the tests).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import importlib, json, sys
settings = importlib.import_module(sys.argv[1])
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "var_dir": str(settings.VAR_DIR),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
}))
"""


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment minus anything that configures Our Places."""
    prefixes = ("DJANGO_", "DATABASE_", "REDIS_", "OUR_PLACES_", "AWS_", "FRONTEND_CACHE")
    env = {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "site")])
    env.update(extra)
    return env


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in_subprocess(module: str, **env: str) -> dict:
    result = run(["-c", PRINT_SETTINGS, module], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_database_url_the_database_is_a_sqlite_file_under_var():
    values = settings_in_subprocess("config.settings.dev")

    assert values["engine"] == "django.db.backends.sqlite3"
    assert Path(values["name"]) == REPO_ROOT / "var" / "db.sqlite3"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_url_selects_postgresql():
    values = settings_in_subprocess(
        "config.settings.dev", DATABASE_URL="postgres://user:pw@db.example.org:5432/ourplaces"
    )

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "ourplaces"


def test_redis_url_selects_the_redis_cache():
    values = settings_in_subprocess("config.settings.dev", REDIS_URL="redis://127.0.0.1:6379/9")

    # Redis only ever as a speed-up: unreachable, it answers as an empty cache.
    assert values["cache"] == "home.cache.ResilientRedisCache"
    assert values["cache_location"] == "redis://127.0.0.1:6379/9"


PRINT_CACHES = """
import importlib, json, sys
settings = importlib.import_module(sys.argv[1])
print(json.dumps({"caches": settings.CACHES, "sessions": settings.SESSION_ENGINE}))
"""


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:6379/9"], ids=["no Redis", "Redis"])
def test_rate_limits_and_sessions_never_depend_on_redis_alone(redis_url):
    """The rate limits fall back to the embedded default's table; sessions are in the database."""
    result = run(
        ["-c", PRINT_CACHES, "config.settings.production"],
        **{
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "REDIS_URL": redis_url,
        },
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    caches = values["caches"]
    assert values["sessions"] == "django.contrib.sessions.backends.db"
    database_store = {
        "BACKEND": "home.ratelimit.SharedDatabaseCache",
        "LOCATION": "ourplaces_ratelimit",
    }
    if not redis_url:
        assert caches["ratelimit"].items() >= database_store.items()
        return
    ratelimit = caches["ratelimit"]
    assert ratelimit["BACKEND"] == "home.cache.FallbackCache"
    primary = caches[ratelimit["OPTIONS"]["PRIMARY"]]
    assert primary["BACKEND"] == "home.cache.ResilientRedisCache"
    assert primary["LOCATION"] == redis_url
    assert caches[ratelimit["OPTIONS"]["FALLBACK"]].items() >= database_store.items()
    # Short timeouts: a Redis that hangs costs a fraction of a second, once per retry period.
    assert primary["OPTIONS"]["socket_connect_timeout"] <= 1
    assert primary["OPTIONS"]["socket_timeout"] <= 1


@pytest.mark.parametrize(
    "secret_key",
    [None, "insecure-local-development-key-change-me", "too-short"],
    ids=["unset", "the development default", "too short"],
)
def test_production_refuses_an_insecure_secret_key(secret_key):
    env = {"DJANGO_ALLOWED_HOSTS": "example.org"}
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key

    result = run(["-c", "import config.settings.production"], **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_check_deploy_reports_no_warnings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        DJANGO_ALLOWED_HOSTS="example.org",
        OUR_PLACES_VAR_DIR=str(tmp_path),
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output
