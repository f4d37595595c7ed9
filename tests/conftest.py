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
    from django.core.cache import cache

    cache.clear()
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
def home_page(db):
    from wagtail.models import Page, Site

    from tests.factories.home import HomePageFactory, OrganisationSettingsFactory

    site = Site.objects.get(is_default_site=True)
    welcome = site.root_page
    # Free the slug "home" for the real home page, then swap it in.
    welcome.slug = "welcome-placeholder"
    welcome.save(update_fields=["slug"])
    home = HomePageFactory(parent=Page.get_first_root_node())
    site.root_page = home
    site.site_name = "Our Places"
    site.save()
    welcome.delete()
    OrganisationSettingsFactory(site=site)
    home.refresh_from_db()
    return home


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
    # bypass_csp lets axe-core be injected; the pages themselves are unchanged.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.route("**/*", _block_other_hosts)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
