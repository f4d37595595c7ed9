"""Fixtures shared by the whole suite (the test harness contract in the brief).

- `home_page`: a live HomePage at the root of the default Site, replacing
  Wagtail's welcome page, with OrganisationSettings filled in.
- `browser` (session) and `browser_page`: Debian's Chromium through
  Playwright's sync API; one browser per session, a fresh context per test.

Transactional tests (the browser tests, marked
`django_db(transaction=True)`) empty every table afterwards, including the
locale, tree root, root collection, default Site and groups that Wagtail's
migrations create. `pytest_collection_modifyitems` below turns on Django's
serialized rollback for them, so each starts from the migrated data, in
whatever order the tests run.
"""

import logging
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test's thread, and
# Django refuses database access from a thread with a running loop unless told
# this is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Benchmarks are scripts run by `make bench`, not tests.
collect_ignore_glob = ["benchmarks/*"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    """Give this session its own media folder under var/test-media.

    Several checkouts or helpers may run the suite at once; a folder per
    session keeps their uploads apart and lets each remove its own.
    """
    from django.conf import settings

    media_root = Path(settings.MEDIA_ROOT) / f"session-{os.getpid()}"
    settings.MEDIA_ROOT = media_root
    config._ourplaces_media_root = media_root
    private_root = Path(settings.PRIVATE_MEDIA_ROOT) / f"session-{os.getpid()}"
    settings.PRIVATE_MEDIA_ROOT = private_root
    config._ourplaces_private_root = private_root


def pytest_unconfigure(config):
    media_root = getattr(config, "_ourplaces_media_root", None)
    if media_root is not None:
        shutil.rmtree(media_root, ignore_errors=True)
    private_root = getattr(config, "_ourplaces_private_root", None)
    if private_root is not None:
        shutil.rmtree(private_root, ignore_errors=True)
    from tests.helpers.html import stop_validator

    stop_validator()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache.

    Wagtail caches the site root paths and rate limits live in the cache; a
    value left by an earlier test (whose rows were rolled back) must not leak.
    """
    from django.conf import settings
    from django.core.cache import caches

    for alias, config in settings.CACHES.items():
        # A database-backed store is rolled back with the test's own rows.
        if "DatabaseCache" not in config["BACKEND"]:
            caches[alias].clear()
    yield


def pytest_collection_modifyitems(config, items):
    """Give every transactional test Django's serialized rollback.

    Without it the first transactional test would leave the next one with no
    page tree, locale or default Site (see the module docstring).
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None:
            if not {"transactional_db", "live_server"} & set(item.fixturenames):
                continue
            kwargs = {"transaction": True}
        elif marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            kwargs = dict(marker.kwargs)
        else:
            continue
        kwargs["serialized_rollback"] = True
        args = marker.args if marker else ()
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture
def page_cache(settings):
    """The app's whole-page cache on, as in production (the test settings turn it off)."""
    settings.PAGE_CACHE_SECONDS = 300
    return settings


@pytest.fixture
def home_page(db):
    from tests.factories.home import make_home_page

    return make_home_page()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists.

    pytest-django hands an in-memory SQLite connection to the server thread
    only if the test database is already set up when the server starts; this
    makes that so whichever fixture a test names first, as Django's own
    LiveServerTestCase does.
    """
    return live_server


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/apt-install.sh chromium`.")
    # Django keeps database connections in a thread-local, but once an event
    # loop is running in the thread (as Playwright's sync API leaves one) it
    # keeps them per context instead, so tests get new connection objects.
    # Carry over the copy of the migrated data that serialized rollback
    # restores from, or transactional tests would start with empty tables.
    serialized = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    playwright = sync_playwright().start()
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


def _block_other_hosts(route):
    """Abort requests that leave the machine (embeds, fonts): tests stay hermetic."""
    from urllib.parse import urlsplit

    if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def browser_page(browser):
    from playwright.sync_api import expect

    # The site's real Content-Security-Policy stays in force (axe is injected
    # without a script tag: see tests/helpers/accessibility.py).
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", _block_other_hosts)
    # Waits are for events (navigation, an element, a response), never for
    # time; these limits only end a test that would otherwise hang, so they are
    # long enough for a busy two-core machine (`make test-under-load`).
    context.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _commits_run_their_hooks(monkeypatch):
    """Run `transaction.on_commit` callbacks when the code under test commits, as in production.

    A test runs inside a transaction that is rolled back at the end, so Django
    never runs on-commit callbacks (such as queueing an email) unless the
    test captures them. Here a callback runs when the code's own outermost
    atomic block exits successfully, or at once when the code is not in one
    (autocommit), exactly when it would in production; a rolled-back block's
    callbacks are discarded as Django discards them. Transactional tests are
    untouched: they commit for real.
    """
    from django.db import connections
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.transaction import Atomic

    def only_test_transactions(connection):
        return connection.in_atomic_block and all(
            block._from_testcase for block in connection.atomic_blocks
        )

    def run(callbacks):
        for _sids, func, robust in callbacks:
            if robust:
                try:
                    func()
                except Exception:  # Django logs a robust callback's error and carries on
                    logging.getLogger("django.db.backends.base").exception("on_commit callback")
            else:
                func()

    original_on_commit = BaseDatabaseWrapper.on_commit
    original_exit = Atomic.__exit__

    def on_commit(self, func, robust=False):
        if only_test_transactions(self):
            run([(set(), func, robust)])
        else:
            original_on_commit(self, func, robust)

    def exit_(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        connection = connections[self.using or "default"]
        if exc_type is None and only_test_transactions(connection) and connection.run_on_commit:
            callbacks, connection.run_on_commit = connection.run_on_commit, []
            run(callbacks)
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    monkeypatch.setattr(Atomic, "__exit__", exit_)
