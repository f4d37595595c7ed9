"""A cache outage costs speed, never availability (issue 12).

- With Redis unreachable (a closed port), every public page type answers 200
  and a Place Standard response is stored; the outage is logged once, however
  many requests meet it; sessions live in the database; rate limits still
  hold, counted in the database store (home.cache.FallbackCache).
- With a Redis server the test starts, stops and starts again, values are
  cached again once it is back, and its return is logged once.
- The drill (done-when 6): two gunicorn processes under a load of GETs over
  every public page type and Place Standard POSTs; Redis stops in the middle
  and comes back. Every page answers 200 throughout, every accepted response
  is stored, and pages fill Redis again after it returns.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings

from engagement.models import Submission
from engagement.themes import THEME_KEYS
from home import cache as resilient
from home import ratelimit
from places.models import PlaceKind
from tests.factories.conversation import StoryIndexPageFactory
from tests.factories.councillor_pages import CouncillorPageFactory
from tests.factories.engagement import PlaceStandardFormPageFactory
from tests.factories.home import StandardPageFactory
from tests.factories.places import PlacePageFactory
from tests.factories.schools import ResourceIndexPageFactory
from tests.helpers.servers import (
    FormClient,
    ensure_default_locale,
    free_port,
    served_database,
    start_gunicorn,
    unique_cache_prefix,
)

RATELIMIT_TABLE = "test_outage_ratelimit"
HANG_LIMIT_SECONDS = 60  # only ever reached by a test that is going to fail


def caches_for(redis_url: str, *, retry_after: float = 60, prefix: str = "ourplaces") -> dict:
    """The CACHES the base settings build with REDIS_URL set, pointed at `redis_url`."""
    options = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, "retry_after": retry_after}
    return {
        "default": {
            "BACKEND": "home.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
            "OPTIONS": options,
        },
        "shared": {
            "BACKEND": "home.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix + ":shared",
            "OPTIONS": options,
        },
        "ratelimit-redis": {
            "BACKEND": "home.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix + ":ratelimit",
            "OPTIONS": options,
        },
        "ratelimit-database": {
            "BACKEND": "home.ratelimit.SharedDatabaseCache",
            "LOCATION": RATELIMIT_TABLE,
        },
        "ratelimit": {
            "BACKEND": "home.cache.FallbackCache",
            "OPTIONS": {"PRIMARY": "ratelimit-redis", "FALLBACK": "ratelimit-database"},
        },
    }


@contextmanager
def cache_settings(redis_url: str, **kwargs):
    resilient.reset_breakers()
    try:
        with override_settings(CACHES=caches_for(redis_url, **kwargs)):
            call_command("createcachetable", verbosity=0)
            yield
    finally:
        resilient.reset_breakers()


@pytest.fixture
def redis_down(db):
    """Every cache alias pointed at a port where nothing listens."""
    with cache_settings(f"redis://127.0.0.1:{free_port()}/0"):
        yield


def public_pages(home_page) -> tuple[dict[str, str], object]:
    """One page of every public type, by name, and the open Place Standard form."""
    district = PlacePageFactory(title="Example District", kind=PlaceKind.DISTRICT)
    town = PlacePageFactory(parent=district, title="Example Town")
    form_page = PlaceStandardFormPageFactory(parent=town, place=town)
    councillor = CouncillorPageFactory()
    pages = {
        "home": home_page.url,
        "standard page": StandardPageFactory(parent=home_page).url,
        "place index": district.get_parent().url,
        "district place page": district.url,
        "place page with its open form": town.url,
        "place standard form": form_page.url,
        "councillor index": councillor.get_parent().url,
        "councillor page": councillor.url,
        "resource library": ResourceIndexPageFactory().url,
        "stories": StoryIndexPageFactory().url,
        "results": "/results/",
    }
    return pages, form_page


def answers(form_page, marker: str = "") -> dict:
    data = {key: str(n % 7 + 1) for n, key in enumerate(THEME_KEYS)}
    data.update(
        {
            "place": str(form_page.place_id),
            "token": str(uuid.uuid4()),
            "moving_around_comment": marker,
            "website": "",
        }
    )
    return data


def outage_records(caplog, level=logging.WARNING):
    return [
        record
        for record in caplog.records
        if record.name == "home.cache" and record.levelno == level
    ]


# --- Redis unreachable, in one process ---------------------------------------------


def test_every_public_page_answers_and_a_response_is_stored_without_redis(
    client, home_page, redis_down, caplog
):
    pages, form_page = public_pages(home_page)
    with caplog.at_level(logging.INFO, logger="home.cache"):
        for _ in range(3):
            for name, url in pages.items():
                response = client.get(url)
                assert response.status_code == 200, (
                    f"{name} ({url}) answered {response.status_code}"
                )
        response = client.post(
            form_page.url, answers(form_page, "sent during the outage"), follow=True
        )
        assert response.status_code == 200
    assert Submission.objects.filter(form_page=form_page).count() == 1
    # Logged when Redis was first found missing, not for each of the requests since.
    warnings = outage_records(caplog)
    assert len(warnings) == 1, [record.getMessage() for record in warnings]
    assert "unreachable" in warnings[0].getMessage()
    assert not outage_records(caplog, logging.ERROR)


def test_the_cache_answers_as_an_empty_cache_and_skips_redis_after_a_failure(
    redis_down, monkeypatch
):
    cache = caches["default"]
    cache.set("key", "value")
    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.get_many(["key", "other"]) == {}
    assert cache.get_or_set("key", "computed") == "computed"
    assert cache.add("key", 1) is False
    assert cache.delete("key") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    cache.delete_many(["a", "b"])
    assert not cache.has_key("a")
    with pytest.raises(ValueError):
        cache.incr("counter")
    # The breaker is open: nothing goes to Redis until the retry period ends.
    connects = []
    original = resilient.RedisCache.get
    monkeypatch.setattr(
        resilient.RedisCache, "get", lambda *a, **k: connects.append(1) or original(*a, **k)
    )
    for _ in range(20):
        assert cache.get("key") is None
    assert connects == []


def test_a_redis_that_hangs_costs_one_timeout_then_is_skipped(db, caplog):
    """A server that accepts connections and never answers: a miss after the read timeout."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # connections queue up; nothing ever reads or answers
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        with cache_settings(url), caplog.at_level(logging.WARNING, logger="home.cache"):
            cache = caches["default"]
            assert cache.get("key", "miss") == "miss"
            assert cache.breaker.down
            for _ in range(10):
                assert cache.get("key") is None
    [warning] = outage_records(caplog)
    assert "Timeout" in warning.getMessage()


def test_a_probe_that_redis_answers_with_an_error_closes_the_circuit(redis_down, monkeypatch):
    """An incr of a missing key is Redis answering: the next calls use it again."""
    cache = caches["default"]
    assert cache.get("key") is None  # the connection fails: the circuit opens
    breaker = cache.breaker
    assert breaker.down

    def missing(*args, **kwargs):
        raise ValueError("Key not found.")

    monkeypatch.setattr(resilient.RedisCache, "incr", missing)
    monkeypatch.setattr(resilient.RedisCache, "get", lambda *args, **kwargs: "from redis")
    breaker._retry_at = 0  # the retry period is over
    with pytest.raises(ValueError):
        cache.incr("counter")  # the probe
    assert not breaker.down
    assert cache.get("key") == "from redis"


def test_sessions_live_in_the_database_and_staff_stay_signed_in_without_redis(
    client, admin_user, redis_down
):
    from django.contrib.sessions.models import Session

    from config.settings import base

    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    client.force_login(admin_user)
    assert Session.objects.count() == 1
    response = client.get("/admin/")
    assert response.status_code == 200


def request_from(address):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_rate_limits_hold_in_the_database_store_while_redis_is_down(redis_down):
    one, other = request_from("192.0.2.1"), request_from("192.0.2.2")
    decisions = [ratelimit.check(one, "form", limit=3, window=600).allowed for _ in range(5)]
    assert decisions == [True, True, True, False, False]
    assert ratelimit.check(other, "form", limit=3, window=600).allowed
    assert ratelimit.claim_once("email", "a@example.org", period=600)
    assert not ratelimit.claim_once("email", "a@example.org", period=600)
    # Counted in the shared table, which every process sees.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {RATELIMIT_TABLE}")  # noqa: S608
        assert cursor.fetchone()[0] == 3


def test_a_survey_over_its_limit_is_refused_while_redis_is_down(client, home_page, redis_down):
    form_page = PlaceStandardFormPageFactory()
    with override_settings(ENGAGEMENT_RATE_LIMIT=2, ENGAGEMENT_RATE_LIMIT_WINDOW=600):
        statuses = [client.post(form_page.url, answers(form_page)).status_code for _ in range(4)]
    assert statuses == [303, 303, 429, 429]
    assert Submission.objects.count() == 2


# --- A real Redis that goes away and comes back ------------------------------------


@dataclass
class RedisServer:
    """Debian's redis-server on a port of the test's own, with nothing saved to disk."""

    port: int
    log_dir: object
    process: subprocess.Popen | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is missing: `make install-test` installs it")
        log = (self.log_dir / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.log_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self.answers, "redis-server to answer PING")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=HANG_LIMIT_SECONDS)
        self.process = None

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=5)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def dbsize(self) -> int:
        return self.client().dbsize()

    def page_keys(self, prefix: str) -> list:
        """Keys of the "default" cache (pages and their parts), not the rate limits'."""
        keys = self.client().keys(f"{prefix}:*")
        return [key for key in keys if not key.startswith(f"{prefix}:ratelimit:".encode())]


def wait_for(condition, what: str, between=None) -> None:
    """Wait for `condition()`; fail only at the hang limit (no speed-dependent timing)."""
    deadline = time.monotonic() + HANG_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {HANG_LIMIT_SECONDS}s for {what}")
        if between is not None:
            between()
        time.sleep(0.05)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


def test_the_cache_fills_again_when_redis_returns(client, home_page, redis_server, caplog):
    pages, _ = public_pages(home_page)
    with (
        cache_settings(redis_server.url, retry_after=0.2),
        caplog.at_level(logging.INFO, logger="home.cache"),
    ):
        cache = caches["default"]
        cache.set("before", 1)
        assert cache.get("before") == 1
        for url in pages.values():
            assert client.get(url).status_code == 200
        assert redis_server.page_keys("ourplaces")

        redis_server.stop()
        for _ in range(3):
            for name, url in pages.items():
                assert client.get(url).status_code == 200, name
        assert cache.get("before") is None

        redis_server.start()  # empty, as a restarted Redis with nothing saved is
        assert redis_server.dbsize() == 0

        def request_every_page():
            for url in pages.values():
                assert client.get(url).status_code == 200

        wait_for(
            lambda: redis_server.page_keys("ourplaces"),
            "pages to be cached again",
            request_every_page,
        )
        cache.set("after", 2)
        assert cache.get("after") == 2
    assert len(outage_records(caplog, logging.WARNING)) == 1
    returns = outage_records(caplog, logging.INFO)
    assert len(returns) == 1
    assert "reachable again" in returns[0].getMessage()


# --- The drill: two gunicorn processes, Redis stops under load and returns ----------

THREADS = 4
BEFORE_STOP = 40  # requests answered with Redis up before it is stopped
DURING_OUTAGE = 60  # answered while it is down (POSTs included) before it returns
AFTER_RETURN = 30  # answered after it is back and caching again
#: The thank-you page, or a redirect to it (Post/Redirect/Get).
ACCEPTED = (200, 302, 303)


@dataclass
class Load:
    """GETs over every public page and Place Standard POSTs, alternating between servers."""

    servers: list
    pages: dict
    form_url: str
    form_page: object
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    answered: int = 0
    phase: str = "redis up"
    failures: list = field(default_factory=list)
    accepted: dict = field(default_factory=dict)

    def run(self, n: int) -> None:
        clients = [FormClient(server.base_url) for server in self.servers]
        targets = list(self.pages.items())
        i = 0
        try:
            while not self.stop.is_set():
                client = clients[(n + i) % len(clients)]
                phase = self.phase
                if i % 4 == 3:
                    status, _ = client.post_form(self.form_url, answers(self.form_page, phase))
                    ok = status in ACCEPTED
                    with self.lock:
                        self.accepted[phase] = self.accepted.get(phase, 0) + ok
                    name = "POST form"
                else:
                    name, url = targets[(n + i) % len(targets)]
                    status, _ = client.request("GET", url)
                    ok = status == 200
                with self.lock:
                    self.answered += 1
                    if not ok:
                        self.failures.append((phase, name, status, client.base_url))
                i += 1
        finally:
            for client in clients:
                client.close()

    def wait_for_answers(self, more: int, what: str) -> None:
        target = self.answered + more
        wait_for(lambda: self.answered >= target or self.failures, what)


@pytest.mark.drill
@pytest.mark.django_db(transaction=True)
def test_drill_redis_stops_under_load_and_returns(home_page, redis_server, tmp_path):
    ensure_default_locale()
    pages, form_page = public_pages(home_page)
    form_url = form_page.url  # resolved here: load threads never touch the database
    # What `migrate` does with REDIS_URL set: the rate limits' fallback table.
    call_command("createcachetable", "ourplaces_ratelimit", verbosity=0)
    database = served_database(tmp_path)
    prefix = unique_cache_prefix()
    env = {
        "REDIS_URL": redis_server.url,
        "CACHE_KEY_PREFIX": prefix,
        "REDIS_RETRY_SECONDS": "1",
        "LOG_LEVEL": "INFO",
        # The limit is counted (in Redis, then in the database) but never reached.
        "ENGAGEMENT_RATE_LIMIT": "100000",
        # Whole pages cached too, as in production.
        "PAGE_CACHE_SECONDS": "300",
    }
    servers = [start_gunicorn(database.url, env=env, log_dir=tmp_path) for _ in range(2)]
    load = Load(servers, pages, form_url, form_page)
    threads = [threading.Thread(target=load.run, args=(n,), daemon=True) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        load.wait_for_answers(BEFORE_STOP, "the load to start")
        assert redis_server.page_keys(prefix), "nothing was cached before the outage"

        redis_server.stop()
        load.phase = "redis down"
        load.wait_for_answers(DURING_OUTAGE, "answers during the outage")

        redis_server.start()
        load.phase = "redis back"
        wait_for(
            lambda: redis_server.page_keys(prefix) or load.failures, "pages to be cached again"
        )
        load.wait_for_answers(AFTER_RETURN, "answers after Redis returned")
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=HANG_LIMIT_SECONDS)
        for server in servers:
            server.stop()

    logs = [server.log_path.read_text(errors="replace") for server in servers]
    assert load.failures == [], (load.failures[:10], [log[-3000:] for log in logs])
    assert load.accepted.get("redis down", 0) > 0, load.accepted
    assert redis_server.page_keys(prefix)
    # Every accepted response was stored, once, those sent during the outage included.
    assert database.count("engagement_submission") == sum(load.accepted.values())
    for phase, accepted in load.accepted.items():
        where = f"theme = 'moving_around' AND comment = '{phase}'"
        assert database.count("engagement_themescore", where) == accepted, phase
    # Each process logged the outage once and its end once, never per request.
    for log in logs:
        assert len(re.findall(r"Cache .* is unreachable", log)) == 1, log[-3000:]
        assert len(re.findall(r"Cache .* is reachable again", log)) == 1, log[-3000:]
