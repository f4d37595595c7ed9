"""Menus and organisation settings cached per site and active item (home/menus.py).

- Query budgets on realistic content (a main menu of sections with children,
  a footer menu of pages and links, settings filled in): an ordinary page
  makes exactly the same number of queries with 10 and with 500 pages in the
  tree, and a warm request pays no query at all for menus and settings.
- Invalidation: after each event (publish, unpublish, move, delete, a main or
  footer menu edited in the admin, the settings edited in the admin) the next
  anonymous GET shows it.
- The same with two gunicorn servers and the event made by a third process
  (drill): the version every key carries lives where every process sees it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtailmenus.models import FlatMenu, MainMenu, MainMenuItem

from home import menus
from home.models import OrganisationSettings
from places.models import PlaceKind
from tests.factories.councillor_pages import CouncillorIndexPageFactory
from tests.factories.home import StandardPageFactory
from tests.factories.menus import FlatMenuFactory, FlatMenuItemFactory, set_main_menu
from tests.factories.places import PlaceIndexPageFactory, PlacePageFactory, create_places
from tests.helpers.menus import footer, main_nav, nav_link
from tests.helpers.queries import capture_queries, stamp_queries

#: What menus and settings read: none of it may appear on a warm request.
#: (Wagtail's page view finds the Site itself, one query of its own.)
MENU_TABLES = ("wagtailmenus_", "home_organisationsettings")

#: Exact queries of a warm anonymous GET (menus, settings, the route and the
#: page's content served from the caches), the same with 10 and with 500 pages
#: in the tree: the cache stamps (home.versions, a table in the database without
#: Redis) and the page itself. A 404 has no page: the stamps, the one query that
#: finds no page at the path, and Wagtail's redirects looking for one.
WARM_QUERIES = {
    name: count + stamp_queries()
    for name, count in {"standard page": 1, "home page": 1, "404 page": 2}.items()
}
#: The same pages just after an invalidation of the menus (the name `site`):
#: menus, footer and settings are read again, in three queries (main menu,
#: footer menu, settings with their pages), and the site table (home.routing).
COLD_MENU_QUERIES = 4


@dataclass
class Content:
    site: Site
    home: Page
    about: Page
    team: Page
    places: Page
    town: Page
    councillors: Page
    accessibility: Page
    privacy: Page


def build_content(home_page) -> Content:
    """A realistic layout: four main sections with children, a footer menu, settings."""
    site = Site.objects.get(is_default_site=True)
    about = StandardPageFactory(title="About", slug="about", show_in_menus=True)
    team = StandardPageFactory(title="Our team", slug="team", parent=about)
    StandardPageFactory(title="How we work", parent=about)
    places = PlaceIndexPageFactory(show_in_menus=True)
    town = PlacePageFactory(title="Example Town", parent=places, show_in_menus=True)
    create_places(town, 3, prefix="Street")
    councillors = CouncillorIndexPageFactory(show_in_menus=True)
    get_involved = StandardPageFactory(title="Get involved", show_in_menus=True)
    StandardPageFactory(title="Volunteer", parent=get_involved)
    set_main_menu(site, [about, places, councillors, get_involved])
    MainMenuItem.objects.create(
        menu=MainMenu.objects.get(site=site),
        link_url="https://www.example.org/",
        link_text="Council website",
        sort_order=10,
    )
    accessibility = StandardPageFactory(title="Accessibility statement", show_in_menus=True)
    privacy = StandardPageFactory(title="Privacy notice", show_in_menus=True)
    footer = FlatMenuFactory()
    FlatMenuItemFactory(menu=footer, link_page=accessibility, link_text="", link_url="")
    FlatMenuItemFactory(menu=footer, link_page=privacy, link_text="", link_url="")
    FlatMenuItemFactory(menu=footer, link_text="Contact us", link_url="/contact/")
    FlatMenuItemFactory(menu=footer, link_text="Cookies", link_url="/cookies/")
    settings = OrganisationSettings.objects.get(site=site)
    settings.accessibility_statement = accessibility
    settings.privacy_notice = privacy
    settings.save()
    return Content(site, home_page, about, team, places, town, councillors, accessibility, privacy)


@pytest.fixture
def content(home_page) -> Content:
    return build_content(home_page)


def page_html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# --------------------------------------------------------------------------
# Query budgets
# --------------------------------------------------------------------------


def _urls(content: Content) -> dict[str, tuple[str, int]]:
    return {
        "standard page": (content.team.url, 200),
        "home page": ("/", 200),
        "404 page": ("/no-such-page/", 404),
    }


@pytest.mark.django_db
def test_pages_make_the_same_exact_queries_with_10_and_500_pages(client, content):
    """Warm: exact counts, equal at both sizes, none for menus or settings.
    Just after an invalidation: three more, whatever the size, and no specific page."""
    urls = _urls(content)
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            # 500 pages in the tree, most of them inside menu sections.
            create_places(content.town, 490, kind=PlaceKind.NEIGHBOURHOOD)
            assert Page.objects.count() >= 500
        else:
            assert 10 <= Page.objects.count() < 30
        for name, (url, status) in urls.items():
            page_html(client, url, status)  # fills the caches
            queries = capture_queries(lambda u=url, s=status: page_html(client, u, s))
            counts[name, size, "warm"] = len(queries)
            assert not [sql for sql in queries if any(t in sql for t in MENU_TABLES)], name

            menus.bump_version()
            queries = capture_queries(lambda u=url, s=status: page_html(client, u, s))
            counts[name, size, "cold"] = len(queries)
            # wagtailmenus' items are read in one query per menu, never a specific page.
            menu_queries = [sql for sql in queries if "wagtailmenus_" in sql]
            assert len(menu_queries) == 2, menu_queries
    for name in urls:
        warm, cold = WARM_QUERIES[name], WARM_QUERIES[name] + COLD_MENU_QUERIES
        assert counts[name, "small", "warm"] == counts[name, "large", "warm"] == warm, counts
        assert counts[name, "small", "cold"] == counts[name, "large", "cold"] == cold, counts


@pytest.mark.django_db
def test_menus_and_settings_cost_no_query_once_warm(content, django_assert_num_queries):
    """The tags alone, outside Wagtail's page view: only the stamps are read."""
    template = engines["django"].from_string(
        "{% load site_menus %}{% organisation_name %}{% site_main_menu %}{% site_footer %}"
    )
    request = RequestFactory().get("/search/")
    template.render({}, request)

    request = RequestFactory().get("/search/")
    # The cache stamps (home.versions) that say the cached menus are current, if any.
    with django_assert_num_queries(stamp_queries()):
        html = template.render({"page": content.team}, request)

    assert html.startswith("Example Council")
    assert 'aria-current="true"' in nav_link(main_nav(html), "About")
    assert "Contact Example Council" in html


# --------------------------------------------------------------------------
# Active item and section
# --------------------------------------------------------------------------


@pytest.mark.django_db
def test_current_page_and_section_stay_right_from_the_cache(client, content):
    for _ in range(2):  # the second round is served from the cache
        nav = main_nav(page_html(client, content.about.url))
        assert 'aria-current="page"' in nav_link(nav, "About")
        assert "aria-current" not in nav_link(nav, "Places")

        nav = main_nav(page_html(client, content.team.url))
        assert 'aria-current="true"' in nav_link(nav, "About")
        assert "aria-current" not in nav_link(nav, "Places")

        nav = main_nav(page_html(client, content.town.url))
        assert "aria-current" not in nav_link(nav, "About")
        assert 'aria-current="true"' in nav_link(nav, "Places")

        nav = main_nav(page_html(client, "/"))
        assert "aria-current" not in nav

        html = page_html(client, content.privacy.url)
        assert 'aria-current="page"' in nav_link(footer(html), "Privacy notice")
        assert "aria-current" not in nav_link(footer(html), "Accessibility statement")
        assert "aria-current" not in main_nav(html)


@pytest.mark.django_db
def test_a_view_that_is_not_a_page_marks_items_by_its_path(client, content):
    nav = main_nav(page_html(client, reverse("search")))
    assert "aria-current" not in nav
    html = page_html(client, "/contact/", 404)
    assert 'aria-current="page"' in nav_link(footer(html), "Contact us")


# --------------------------------------------------------------------------
# Invalidation, one process
# --------------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_a_page_shows_in_the_next_get(client, content):
    assert "About" in main_nav(page_html(client, "/"))
    about = content.about.specific
    about.title = "About the programme"
    about.save_revision().publish()

    nav = main_nav(page_html(client, "/"))
    assert f'href="{content.about.url}"' in nav_link(nav, "About the programme")


@pytest.mark.django_db
def test_unpublishing_a_page_shows_in_the_next_get(client, content):
    assert content.councillors.title in main_nav(page_html(client, "/"))
    content.councillors.specific.unpublish()

    nav = main_nav(page_html(client, "/"))
    assert content.councillors.title not in nav


@pytest.mark.django_db
def test_moving_a_page_shows_in_the_next_get(client, content):
    old_url = content.about.url
    assert f'href="{old_url}"' in main_nav(page_html(client, "/"))
    content.about.move(content.places, pos="last-child")

    moved = Page.objects.get(pk=content.about.pk)
    nav = main_nav(page_html(client, "/"))
    assert f'href="{old_url}"' not in nav
    assert f'href="{moved.url}"' in nav_link(nav, "About")


@pytest.mark.django_db
def test_deleting_a_page_shows_in_the_next_get(client, content):
    # A page only the settings link to: deleting it clears the link in SQL
    # (SET_NULL sends no signal), so only the page's own deletion can tell.
    notice = StandardPageFactory(title="Privacy and cookies")
    OrganisationSettings.objects.filter(site=content.site).update(privacy_notice=notice)
    menus.bump_version()
    assert f'<a href="{notice.url}">Privacy notice</a>' in footer(page_html(client, "/"))

    Page.objects.get(pk=notice.pk).delete()

    html = footer(page_html(client, "/"))
    assert f'href="{notice.url}"' not in html
    assert "Accessibility statement" in html


@pytest.mark.django_db
def test_main_menu_edited_in_the_admin_shows_in_the_next_get(client, admin_client, content):
    assert "Council website" in main_nav(page_html(client, "/"))
    menu = MainMenu.objects.get(site=content.site)
    rows = _item_rows(menu)
    rows[0]["link_text"] = "Who we are"  # About
    rows[4]["DELETE"] = "on"  # Council website
    response = admin_client.post(
        reverse("wagtailsnippets_wagtailmenus_mainmenu:edit", args=[content.site.pk]),
        nested_form_data({"max_levels": 1, "menu_items": inline_formset(rows, initial=len(rows))}),
    )
    assert response.status_code == 302

    nav = main_nav(page_html(client, "/"))
    assert f'href="{content.about.url}"' in nav_link(nav, "Who we are")
    assert "Council website" not in nav and ">About<" not in nav


def _item_rows(menu) -> list[dict]:
    """A menu's items as the admin's inline formset posts them back."""
    return [
        {
            "id": item.pk,
            "link_page": item.link_page_id or "",
            "link_url": item.link_url or "",
            "link_text": item.link_text,
            "allow_subnav": "on" if item.allow_subnav else "",
        }
        for item in menu.menu_items.order_by("sort_order", "pk")
    ]


@pytest.mark.django_db
def test_footer_menu_edited_in_the_admin_shows_in_the_next_get(client, admin_client, content):
    assert "Cookies" in footer(page_html(client, "/"))
    menu = FlatMenu.objects.get(site=content.site, handle="footer")
    rows = _item_rows(menu)
    rows[3]["link_text"] = "Cookie settings"
    rows[2]["DELETE"] = "on"
    response = admin_client.post(
        reverse("wagtailsnippets_wagtailmenus_flatmenu:edit", args=[menu.pk]),
        nested_form_data(
            {
                "title": menu.title,
                "site": content.site.pk,
                "handle": "footer",
                "heading": "",
                "max_levels": 1,
                "menu_items": inline_formset(rows, initial=len(rows)),
            }
        ),
    )
    assert response.status_code == 302

    html = footer(page_html(client, "/"))
    assert '<a href="/cookies/">Cookie settings</a>' in html
    assert "Contact us" not in html


@pytest.mark.django_db
def test_settings_edited_in_the_admin_show_in_the_next_get(client, admin_client, content):
    html = page_html(client, "/")
    assert "Contact Example Council" in html
    url = reverse("wagtailsettings:edit", args=["home", "organisationsettings", content.site.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        nested_form_data(
            {
                "organisation_name": "Example District Council",
                "logo": "",
                "email": "hello@example.org",
                "phone": "",
                "address": "",
                "social_links-count": 0,
                "accessibility_statement": content.accessibility.pk,
                "privacy_notice": "",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    html = page_html(client, "/")
    assert "– Example District Council</title>" in html
    assert "Contact Example District Council" in footer(html)
    assert "hello@example.org" in footer(html)
    assert "Privacy notice</a></li>" not in footer(html).split("About this site")[1]


class FlakyCache:
    """The default cache, unreachable while `down` is set (as Redis stopped would be)."""

    def __init__(self, cache):
        self.cache = cache
        self.down = False

    def __getattr__(self, name):
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return getattr(self.cache, name)


@pytest.mark.django_db
def test_a_cache_outage_costs_the_cache_not_the_page_nor_the_next_edit(
    client, content, monkeypatch, caplog
):
    from django.core.cache import caches

    from home import versions

    flaky = FlakyCache(caches["default"])
    monkeypatch.setattr(menus, "_cache", lambda: flaky)
    # The stamps are unreachable too, as with Redis holding both.
    stamps = FlakyCache(versions.store())
    monkeypatch.setattr(versions, "store", lambda: stamps)
    assert ">About<" in main_nav(page_html(client, "/"))

    flaky.down = stamps.down = True
    about = content.about.specific
    about.title = "About the programme"
    about.save_revision().publish()  # the version cannot be renewed now
    for _ in range(3):
        html = page_html(client, content.team.url)
        assert 'aria-current="true"' in nav_link(main_nav(html), "About the programme")
        assert "Contact Example Council" in footer(html)
    outage_logs = [
        r
        for r in caplog.records
        if r.name in ("home.menus", "home.versions") and r.levelname == "WARNING"
    ]
    assert len(outage_logs) == 1, "an outage is logged once, not per request"

    flaky.down = stamps.down = False
    # The fragments cached before the outage must not come back.
    nav = main_nav(page_html(client, "/"))
    assert "About the programme" in nav and ">About<" not in nav


@pytest.fixture
def redis_cache():
    """The default cache as production has it with REDIS_URL (home.cache.ResilientRedisCache),
    under a key prefix of this test's own, removed afterwards."""
    from django.conf import settings
    from django.test import override_settings

    from home import cache as resilient
    from tests.helpers.servers import (
        redis_unavailable_reason,
        redis_url_for_tests,
        unique_cache_prefix,
    )

    url = redis_url_for_tests()
    reason = redis_unavailable_reason(url)
    if reason:
        pytest.skip(reason)
    prefix = unique_cache_prefix()
    default = {
        "BACKEND": "home.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"retry_after": 60},
    }
    resilient.reset_breakers()
    shared = {**default, "KEY_PREFIX": prefix + ":shared"}
    try:
        with override_settings(CACHES={**settings.CACHES, "default": default, "shared": shared}):
            yield
    finally:
        resilient.reset_breakers()
        import redis

        server = redis.Redis.from_url(url)
        keys = list(server.scan_iter(match=f"{prefix}:*"))
        if keys:
            server.delete(*keys)


@pytest.mark.django_db
def test_with_redis_an_edit_made_during_an_outage_shows_once_redis_returns(
    client, content, redis_cache, caplog
):
    from django.core.cache import caches

    assert ">About<" in main_nav(page_html(client, "/"))
    breaker = caches["default"].breaker

    # Redis stops answering (the circuit opens as on a refused connection).
    breaker.failed(ConnectionError("Connection refused"))
    about = content.about.specific
    about.title = "About the programme"
    about.save_revision().publish()
    for _ in range(3):
        html = page_html(client, content.team.url)
        assert 'aria-current="true"' in nav_link(main_nav(html), "About the programme")
        assert "Contact Example Council" in footer(html)
    warnings = [r.name for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["home.cache"], "home.cache logs the outage, once; the menus add nothing"

    # Redis answers again: the version is renewed before anything is read from it.
    breaker.succeeded("probe")
    nav = main_nav(page_html(client, "/"))
    assert "About the programme" in nav and ">About<" not in nav
    assert caches["shared"].get("v:site") is not None


# --------------------------------------------------------------------------
# Two processes (drill)
# --------------------------------------------------------------------------

EVENT_SCRIPT = """
import django
django.setup()
from wagtail.models import Page
from wagtailmenus.models import FlatMenuItem
page = Page.objects.get(pk={about_pk}).specific
page.title = "About the programme"
page.save_revision().publish()
item = FlatMenuItem.objects.get(link_text="Cookies")
item.link_text = "Cookie settings"
item.save()
"""


@pytest.mark.drill
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", ["no redis", "redis"])
def test_two_servers_see_an_event_made_by_a_third_process(store, tmp_path):
    from tests.factories.home import make_home_page
    from tests.helpers.servers import (
        REPO_ROOT,
        FormClient,
        ensure_default_locale,
        redis_unavailable_reason,
        redis_url_for_tests,
        served_database,
        start_gunicorn,
        unique_cache_prefix,
    )

    # The servers and the third process share the stamps: the database's table
    # without Redis, Redis with it.
    env = {"OUR_PLACES_VAR_DIR": str(tmp_path)}
    if store == "redis":
        url = redis_url_for_tests()
        reason = redis_unavailable_reason(url)
        if reason:
            pytest.skip(reason)
        env.update({"REDIS_URL": url, "CACHE_KEY_PREFIX": unique_cache_prefix()})
    ensure_default_locale()
    content = build_content(make_home_page())
    about_url = content.about.url
    database = served_database(tmp_path)
    servers = [start_gunicorn(database.url, env=env, log_dir=tmp_path) for _ in range(2)]
    try:
        clients = [FormClient(server.base_url) for server in servers]
        for client in clients:
            for _ in range(2):  # fill, then be served from the cache
                status, html = client.request("GET", "/")
                assert status == 200
                assert ">About<" in main_nav(html) and "Cookies" in footer(html)

        event_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database.url,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "site"), str(REPO_ROOT)]),
            **env,
        }
        if store != "redis":
            event_env.pop("REDIS_URL", None)
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", EVENT_SCRIPT.format(about_pk=content.about.pk)],
            env=event_env,
            cwd=REPO_ROOT,
            check=True,
            timeout=120,
        )

        for client in clients:
            status, html = client.request("GET", "/")
            assert status == 200
            nav = main_nav(html)
            assert f'href="{about_url}"' in nav_link(nav, "About the programme")
            assert '<a href="/cookies/">Cookie settings</a>' in footer(html)
    finally:
        for server in servers:
            server.stop()
    if store == "no redis":
        assert database.count("ourplaces_cache_stamps", "cache_key LIKE '%v:site'") == 1
