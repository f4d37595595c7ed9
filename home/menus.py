"""The site's menus and organisation settings, rendered once and cached.

Every public page shows the main menu, the footer menu and the organisation's
name and contact details. wagtailmenus' own tags fetch the specific page of
every menu item on every request and the settings cost two queries more, so
this module reads the menus from wagtailmenus' models at `.values()` level
(one query per menu, never a specific page), reads the settings with the
pages they link to in one query, and keeps both in the default cache:

- the data (items, settings) once per site: `menus:<version>:<site>:data`
  (a lookup, in home.fragments' terms: kept in every cache state);
- the rendered HTML once per site and per *active state*: which menu item is
  the current page (`aria-current="page"`) or the current section, that is
  an ancestor of the current page (`aria-current="true"`). A main menu of
  n items has at most 2n + 1 such renderings, so the cache holds a few per
  site whatever the size of the page tree (fragments: rendered anew when
  `CACHE_FRAGMENTS` is off).

A warm page pays no query at all for its menus and settings.

Invalidation: every key carries the stamp of the name `site`
(home.versions), which home.invalidation renews whenever something a menu
shows may have changed: a page linked from a menu or the settings (or a page
above one) published, unpublished, moved or deleted, a main or flat menu or
one of their items saved or deleted (the wagtailmenus admin saves through
the models, so its edits count), the organisation settings saved, a site
saved or deleted. The stamp lives where every process sees it (Redis, or a
table in the site's database), so a bump made by one process is seen by all.

If the cache cannot be reached (home.cache.ResilientRedisCache, which logs
the outage once), the menus are built from the database for that request: a
cache outage costs speed, never the page. A bump that could not reach Redis
is retried by this process before it next reads a stamp (home.versions), so
fragments cached before the outage never come back after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.core.cache import caches
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Page, Site

from home import fragments, versions

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
#: Fragments live at most this long even if nothing bumps the version.
CACHE_TIMEOUT = 24 * 60 * 60
KEY_PREFIX = "ourplaces:menus"
#: wagtailmenus marks an item as the current section only from this depth
#: (its SECTION_ROOT_DEPTH): the home page is nobody's "section".
SECTION_ROOT_DEPTH = 3
FOOTER_HANDLE = "footer"
MAIN_MENU_TEMPLATE = "includes/menus/main_menu.html"
FOOTER_TEMPLATE = "includes/footer.html"


def _cache():
    return caches[CACHE_ALIAS]


# --------------------------------------------------------------------------
# The version
# --------------------------------------------------------------------------


class CacheUnreachable(Exception):
    """The shared stamps cannot be read: build the menus from the database."""


def current_version(request=None) -> str:
    """The stamp every menu key carries (raises CacheUnreachable while it cannot be read)."""
    stamps = versions.current(request, [fragments.SITE])
    if stamps is None:
        raise CacheUnreachable("the menu stamp could not be read")
    if stamps[fragments.SITE] is None and not versions.claim(request, [fragments.SITE]):
        raise CacheUnreachable("the menu stamp was renewed while it was first made")
    return versions.current(request, [fragments.SITE])[fragments.SITE]


def bump_version() -> None:
    """Give every menu key a new version: the next request renders from the database."""
    versions.bump([fragments.SITE])


_state = {"outage_logged": False}


def _log_outage(message: str, error: BaseException | None = None) -> None:
    if _is_logged_by_the_backend(error):
        return
    if not _state["outage_logged"]:
        _state["outage_logged"] = True
        logger.warning("%s; menus are built from the database until it returns", message)


def _is_logged_by_the_backend(error) -> bool:
    """home.cache and home.versions log their own outages (once each)."""
    from home.cache import CacheUnavailable

    return isinstance(error, CacheUnavailable | CacheUnreachable)


def _store_reached() -> None:
    if _state["outage_logged"]:
        _state["outage_logged"] = False
        logger.info("Menu cache reachable again")


# --------------------------------------------------------------------------
# The data, read at values() level
# --------------------------------------------------------------------------


@dataclass
class MenuItem:
    text: str
    href: str
    page_id: int | None = None
    path: str = ""  # the linked page's tree path (treebeard), "" for a URL
    depth: int = 0


@dataclass
class MenuData:
    site_id: int | None
    main: list[MenuItem] = field(default_factory=list)
    footer: list[MenuItem] = field(default_factory=list)
    organisation: dict = field(default_factory=dict)


ITEM_FIELDS = (
    "link_text",
    "link_url",
    "url_append",
    "link_page_id",
    "link_page__title",
    "link_page__url_path",
    "link_page__path",
    "link_page__depth",
    "link_page__live",
    "link_page__expired",
    "link_page__show_in_menus",
)


def _page_url(page_id, url_path, request, site_id) -> str | None:
    """A page's URL from its url_path alone (Wagtail's own rules, no query)."""
    page = Page(id=page_id, url_path=url_path)
    current_site = Site(id=site_id) if site_id is not None else None
    return page.get_url(request=request, current_site=current_site)


def _menu_items(rows, request, site_id) -> list[MenuItem]:
    items = []
    for row in rows:
        page_id = row["link_page_id"]
        if page_id is None:
            href = (row["link_url"] or "") + (row["url_append"] or "")
            items.append(MenuItem(text=row["link_text"] or "", href=href))
            continue
        # wagtailmenus shows only live, unexpired pages with "Show in menus" ticked.
        if not (
            row["link_page__live"]
            and not row["link_page__expired"]
            and row["link_page__show_in_menus"]
        ):
            continue
        url = _page_url(page_id, row["link_page__url_path"], request, site_id)
        if url is None:
            continue
        items.append(
            MenuItem(
                text=row["link_text"] or row["link_page__title"],
                href=url + (row["url_append"] or ""),
                page_id=page_id,
                path=row["link_page__path"],
                depth=row["link_page__depth"],
            )
        )
    return items


def _main_menu_rows(site_id):
    from wagtailmenus.models import MainMenuItem

    return (
        MainMenuItem.objects.filter(menu__site_id=site_id)
        .order_by("sort_order", "pk")
        .values(*ITEM_FIELDS)
    )


def _footer_rows(site_id):
    """The footer flat menu's items for the site, else the default site's (one query)."""
    from wagtailmenus.models import FlatMenuItem

    rows = list(
        FlatMenuItem.objects.filter(menu__handle=FOOTER_HANDLE)
        .filter(Q(menu__site_id=site_id) | Q(menu__site__is_default_site=True))
        .order_by("sort_order", "pk")
        .values("menu__site_id", *ITEM_FIELDS)
    )
    own = [row for row in rows if row["menu__site_id"] == site_id]
    return own if own else rows


def _organisation(site_id, request) -> dict:
    """The organisation settings the layout shows, with their pages, in one query."""
    from home.models import OrganisationSettings

    org = (
        OrganisationSettings.objects.filter(site_id=site_id)
        .select_related("accessibility_statement", "privacy_notice")
        .first()
    )
    if org is None:
        # Not saved yet: the defaults, without writing a row on a GET.
        org = OrganisationSettings(site_id=site_id)
    return {
        "organisation_name": org.organisation_name,
        "email": org.email,
        "phone": org.phone,
        "address": org.address,
        "social_links": [
            {"url": link.value["url"], "name": link.value["name"]} for link in org.social_links
        ],
        "accessibility_statement_url": _linked_page_url(
            org.accessibility_statement, request, site_id
        ),
        "privacy_notice_url": _linked_page_url(org.privacy_notice, request, site_id),
    }


def _linked_page_url(page, request, site_id):
    if page is None:
        return None
    return _page_url(page.pk, page.url_path, request, site_id)


def build_menu_data(site_id, request=None) -> MenuData:
    """Read everything the menus and layout show for a site: three queries, any tree size."""
    if site_id is None:
        return MenuData(site_id=None, organisation=_organisation(None, request))
    return MenuData(
        site_id=site_id,
        main=_menu_items(_main_menu_rows(site_id), request, site_id),
        footer=_menu_items(_footer_rows(site_id), request, site_id),
        organisation=_organisation(site_id, request),
    )


# --------------------------------------------------------------------------
# Which site, without a query on a warm request
# --------------------------------------------------------------------------


def _site_table(version):
    key = f"{KEY_PREFIX}:{version}:sites"
    table = _cache().get(key)
    if table is None:
        table = list(Site.objects.values_list("id", "hostname", "port", "is_default_site"))
        _cache().set(key, table, CACHE_TIMEOUT)
    return table


def _site_for_host(table, hostname, port):
    """Wagtail's rules (wagtail.models.sites.get_site_for_hostname) over the cached table."""
    hostname = (hostname or "").lower()
    for site_id, host, site_port, _ in table:
        if host == hostname and str(site_port) == str(port):
            return site_id
    default = next((row for row in table if row[3]), None)
    if default is not None and default[1] == hostname:
        return default[0]
    matches = [row[0] for row in table if row[1] == hostname]
    if len(matches) == 1:
        return matches[0]
    return default[0] if default is not None else None


def site_id_for_request(request, version=None) -> int | None:
    if request is None:
        return None
    if hasattr(request, "_wagtail_site"):
        # Wagtail's page view has already found it.
        site = request._wagtail_site
        return site.pk if site is not None else None
    if version is None:
        site = Site.find_for_request(request)
        return site.pk if site is not None else None
    from django.http.request import split_domain_port

    hostname = split_domain_port(request._get_raw_host())[0]
    return _site_for_host(_site_table(version), hostname, request.get_port())


# --------------------------------------------------------------------------
# Active state and rendering
# --------------------------------------------------------------------------


def active_state(items: list[MenuItem], current_page=None, request_path: str = "") -> list[str]:
    """'active' (the current page), 'ancestor' (the current section) or '' per item.

    Same rules as wagtailmenus: the item linking to the current page is
    active; an item linking to one of its ancestors (from the section depth
    down) is the current section; on a view that is not a page, or for an
    item with a URL, the request path decides.
    """
    states = []
    for item in items:
        state = ""
        if item.page_id is not None and current_page is not None and current_page.pk:
            current_path = getattr(current_page, "path", "") or ""
            if item.page_id == current_page.pk:
                state = "active"
            elif (
                item.depth >= SECTION_ROOT_DEPTH
                and current_path.startswith(item.path)
                and len(current_path) > len(item.path)
            ):
                state = "ancestor"
        elif request_path and (item.page_id is None or current_page is None):
            parsed = urlparse(item.href)
            if not parsed.netloc and parsed.path:
                if request_path == parsed.path:
                    state = "active"
                elif parsed.path != "/" and request_path.startswith(parsed.path):
                    state = "ancestor"
        states.append(state)
    return states


def _state_key(states: list[str]) -> str:
    marked = [f"{n}{state}" for n, state in enumerate(states) if state]
    return "-".join(marked) or "none"


@dataclass
class RenderedMenus:
    """What one request needs: the version, the site and its menu data."""

    version: str | None
    site_id: int | None
    data: MenuData


def _menus_for_request(request) -> RenderedMenus:
    cached = getattr(request, "_ourplaces_menus", None) if request is not None else None
    if cached is not None:
        return cached
    try:
        version = current_version(request)
        fragments.note(request, [fragments.SITE])
        site_id = site_id_for_request(request, version)
        key = f"{KEY_PREFIX}:{version}:{site_id}:data"
        data = _cache().get(key)
        if data is None:
            data = build_menu_data(site_id, request)
            _cache().set(key, data, CACHE_TIMEOUT)
        result = RenderedMenus(version, site_id, data)
        _store_reached()
    except Exception as error:
        if not _is_cache_error():
            raise
        _log_outage("Menu cache unreachable", error)
        site_id = site_id_for_request(request)
        result = RenderedMenus(None, site_id, build_menu_data(site_id, request))
    if request is not None:
        request._ourplaces_menus = result
    return result


def _is_cache_error() -> bool:
    import sys

    error = sys.exc_info()[1]
    if error is None:
        return False
    module = type(error).__module__ or ""
    # Database errors are the page's to report; cache-client errors are ours to absorb.
    return not module.startswith("django.db")


def organisation(request) -> dict:
    """The organisation settings for the request's site (cached with the menus)."""
    return _menus_for_request(request).data.organisation


def _render_cached(request, name, version, site_id, states, template, context) -> str:
    # The menus' data is a lookup, always kept; their HTML is a fragment, which
    # the bench's cold state (CACHE_FRAGMENTS off) renders every time.
    if version is None or not fragments.enabled(fragments.FRAGMENT):
        return render_to_string(template, context)
    key = f"{KEY_PREFIX}:{version}:{site_id}:{name}:{_state_key(states)}"
    try:
        html = _cache().get(key)
    except Exception as error:
        _log_outage("Menu cache unreachable", error)
        return render_to_string(template, context)
    if html is None:
        html = render_to_string(template, context)
        try:
            _cache().set(key, html, CACHE_TIMEOUT)
        except Exception as error:
            _log_outage("Menu cache unreachable", error)
    return html


def _items_with_state(items, states):
    return [
        {"text": item.text, "href": item.href, "active_class": state}
        for item, state in zip(items, states, strict=True)
    ]


def render_main_menu(request, current_page=None) -> str:
    menus = _menus_for_request(request)
    items = menus.data.main
    states = active_state(items, current_page, getattr(request, "path", ""))
    return _render_cached(
        request,
        "main",
        menus.version,
        menus.site_id,
        states,
        MAIN_MENU_TEMPLATE,
        {"menu_items": _items_with_state(items, states)},
    )


def render_footer(request, current_page=None) -> str:
    menus = _menus_for_request(request)
    items = menus.data.footer
    states = active_state(items, current_page, getattr(request, "path", ""))
    # The copyright year is part of the fragment: a new year is a new key.
    year = timezone.localdate().year
    return _render_cached(
        request,
        f"footer:{year}",
        menus.version,
        menus.site_id,
        states,
        FOOTER_TEMPLATE,
        {
            "menu_items": _items_with_state(items, states),
            "org": menus.data.organisation,
            "year": year,
        },
    )
