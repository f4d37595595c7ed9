"""Rate limits shared by every process (home.ratelimit), in every supported setup.

- With no Redis the "ratelimit" cache is a table in the site's database whose
  increments two processes cannot both win; `check --deploy` refuses a store
  that only one process can see.
- The drill: two gunicorn workers, no Redis, the survey limit holds at its
  number (issue 10 found 37 accepted against a limit of 20).
"""

import logging
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import checks
from django.core.cache import caches
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from engagement.themes import THEME_KEYS
from home import ratelimit
from tests.factories.engagement import PlaceStandardFormPageFactory
from tests.helpers.servers import (
    FormClient,
    ensure_default_locale,
    served_database,
    start_gunicorn,
)

DATABASE_STORE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "home.ratelimit.SharedDatabaseCache",
        "LOCATION": "test_ourplaces_ratelimit",
    },
}


def request_from(address):
    return RequestFactory().post("/", REMOTE_ADDR=address)


@pytest.fixture
def database_store(db):
    with override_settings(CACHES=DATABASE_STORE):
        call_command("createcachetable", verbosity=0)
        yield caches["ratelimit"]


def test_the_database_store_counts_and_limits(database_store):
    assert isinstance(database_store, ratelimit.SharedDatabaseCache)
    one, other = request_from("192.0.2.1"), request_from("192.0.2.2")
    decisions = [ratelimit.check(one, "form", limit=3, window=600).allowed for _ in range(5)]
    assert decisions == [True, True, True, False, False]
    assert ratelimit.check(other, "form", limit=3, window=600).allowed
    # Subjects that are not requests share the store.
    assert [ratelimit.count("sign-in", "pat", window=600).count for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("sign-in", "sam", window=600).count == 1


def test_the_database_store_increments_and_expires_like_a_cache(database_store):
    with pytest.raises(ValueError):
        database_store.incr("missing")
    database_store.add("n", 0, timeout=600)
    assert [database_store.incr("n") for _ in range(3)] == [1, 2, 3]
    assert database_store.incr("n", 5) == 8
    database_store.set("gone", 1, timeout=-1)
    with pytest.raises(ValueError):
        database_store.incr("gone")


def test_claim_once_answers_true_once_per_period(database_store):
    assert ratelimit.claim_once("email", "a@example.org", period=600)
    assert not ratelimit.claim_once("email", "a@example.org", period=600)
    assert ratelimit.claim_once("email", "b@example.org", period=600)
    # The address is stored only as a keyed hash.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM test_ourplaces_ratelimit")
        keys = " ".join(row[0] for row in cursor.fetchall())
    assert "example.org" not in keys


def test_a_store_that_is_down_allows_the_request_and_logs_it(caplog):
    down = {
        **DATABASE_STORE,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }
    with override_settings(CACHES=down), caplog.at_level(logging.ERROR, logger="home.ratelimit"):
        request = request_from("192.0.2.9")
        assert all(ratelimit.check(request, "form", limit=1, window=60).allowed for _ in range(3))
        assert ratelimit.count("sign-in", "pat", window=60).count == 0
        assert ratelimit.claim_once("email", "a@example.org", period=60)
    assert "unavailable" in caplog.text


@pytest.mark.parametrize(
    ("backend", "refused"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True),
        ("django.core.cache.backends.dummy.DummyCache", True),
        ("home.ratelimit.SharedDatabaseCache", False),
        ("django.core.cache.backends.redis.RedisCache", False),
    ],
)
def test_check_deploy_refuses_a_process_local_store(backend, refused):
    caches_setting = {**DATABASE_STORE, "ratelimit": {"BACKEND": backend, "LOCATION": "x"}}
    with override_settings(CACHES=caches_setting):
        found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.caches])
    ids = [message.id for message in found if message.level >= checks.WARNING]
    assert ("home.E010" in ids) is refused


def test_check_deploy_without_the_alias_judges_the_default_cache():
    only_default = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=only_default):
        found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.caches])
    assert "home.E010" in [message.id for message in found]


def test_the_base_settings_share_the_store():
    """The embedded default (no REDIS_URL) and production use the database, or Redis."""
    from config.settings import base

    backend = base.CACHES["ratelimit"]["BACKEND"]
    assert backend in (
        "home.ratelimit.SharedDatabaseCache",
        "home.cache.FallbackCache",  # Redis, and the database table while Redis is down
    )
    assert backend not in ratelimit.PROCESS_LOCAL_BACKENDS


# --- The drill: two gunicorn workers, no Redis ------------------------------------

LIMIT = 5
SENT = 14


@pytest.mark.drill
@pytest.mark.django_db(transaction=True)
def test_two_workers_without_redis_hold_the_survey_limit(home_page, tmp_path):
    ensure_default_locale()
    form_page = PlaceStandardFormPageFactory()
    url = form_page.url  # resolved here: worker threads never touch the database
    # What `migrate` does for the embedded default (home.ratelimit.create_cache_table).
    call_command("createcachetable", "ourplaces_ratelimit", verbosity=0)
    database = served_database(tmp_path)
    env = {
        "OUR_PLACES_TEST_RATELIMIT_STORE": "database",
        "ENGAGEMENT_RATE_LIMIT": str(LIMIT),
        "ENGAGEMENT_RATE_LIMIT_WINDOW": "3600",
        # Each access-log line names the worker process that answered.
        "GUNICORN_CMD_ARGS": "--access-logfile - --access-logformat 'served-by=%(p)s %(m)s %(s)s'",
    }
    server = start_gunicorn(database.url, workers=2, env=env, log_dir=tmp_path)
    answers = {key: str(n % 7 + 1) for n, key in enumerate(THEME_KEYS)}

    def send(n):
        client = FormClient(server.base_url)
        try:
            data = {**answers, "place": form_page.place_id, "token": str(uuid.uuid4())}
            return client.post_form(url, {**data, "website": ""})[0]
        finally:
            client.close()

    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = sorted(pool.map(send, range(SENT)))
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")
    workers = set(re.findall(r"served-by=<(\d+)> POST", log))
    assert statuses == [303] * LIMIT + [429] * (SENT - LIMIT), server.log()
    assert database.count("engagement_submission") == LIMIT
    assert len(workers) == 2, f"one worker served every post, so this proved nothing:\n{log}"
