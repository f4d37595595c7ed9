"""The site's menus and organisation settings, rendered once and cached.

Every public page shows the main menu, the footer menu and the organisation's
name and contact details. wagtailmenus' own tags fetch the specific page of
every menu item on every request and the settings cost two queries more, so
this module reads the menus from wagtailmenus' models at `.values()` level
(one query per menu, never a specific page), reads the settings with the
pages they link to in one query, and keeps both in the default cache:

- the data (items, settings) once per site: `menus:<version>:<site>:data`;
- the rendered HTML once per site and per *active state*: which menu item is
  the current page (`aria-current="page"`) or the current section, that is
  an ancestor of the current page (`aria-current="true"`). A main menu of
  n items has at most 2n + 1 such renderings, so the cache holds a few per
  site whatever the size of the page tree.

A warm page pays no query at all for its menus and settings.

Invalidation: every key carries a version, replaced (never counted up, so
two processes bumping at once cannot meet on one value) whenever something a
menu shows may have changed: a page published, unpublished, moved or deleted,
a main or flat menu or one of their items saved or deleted (the wagtailmenus
admin saves through the models, so its edits count), the organisation
settings saved, a site saved or deleted. The version is replaced at once and
again when the transaction commits, so a request that read the old rows
cannot store them under the new version.

Where the version lives decides who sees a bump:

- when the default cache is shared by every process (Redis with
  `REDIS_URL`), the version lives in it beside the fragments;
- when the default cache is local to each process (local memory, the
  embedded default), the fragments are per process but the version lives in
  a small file under `VAR_DIR/cache-stamps/`, one per database, which every
  process of that database reads on each request (a file read, no query).
  The embedded default is one machine (SQLite), so every process sees it;
  several machines need `REDIS_URL`, as the growth path says;
- a test database in memory is seen by one process only: its version stays
  in that process.

If the cache cannot be reached (home.cache.ResilientRedisCache, which logs
the outage once), the menus are built from the database for that request: a
cache outage costs speed, never the page. A bump that could not reach Redis
is retried by this process before it next reads the version, so fragments
cached before the outage never come back after it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Page, Site

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

PROCESS_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _cache():
    return caches[CACHE_ALIAS]


def _strict(method: str, *args):
    """Call the cache so that an unreachable server raises instead of answering as empty.

    home.cache.ResilientRedisCache answers as an empty cache during an outage
    (and logs it); for the version, a silent miss is not enough: a bump that
    did not reach Redis must be retried (see bump_version), so go through
    its `attempt`, which raises CacheUnavailable.
    """
    cache = _cache()
    attempt = getattr(cache, "attempt", None)
    if attempt is not None:
        return attempt(method, *args)
    return getattr(cache, method)(*args)


# --------------------------------------------------------------------------
# The version
# --------------------------------------------------------------------------

_local_version = {"value": uuid.uuid4().hex}
_local_lock = threading.Lock()


def _cache_is_shared() -> bool:
    backend = settings.CACHES.get(CACHE_ALIAS, {}).get("BACKEND", "")
    return backend not in PROCESS_LOCAL_BACKENDS


def _database_is_in_memory() -> bool:
    from django.db import connection

    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)


def stamp_path() -> Path:
    """The file holding the version when the cache is local to each process."""
    from django.db import connection

    conf = connection.settings_dict
    identity = ":".join(
        str(part or "")
        for part in (connection.vendor, conf.get("HOST"), conf.get("PORT"), conf.get("NAME"))
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    base = getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")
    return Path(base) / "cache-stamps" / f"menus-{digest}"


def _version_store() -> str:
    if _cache_is_shared():
        return "cache"
    if _database_is_in_memory():
        return "process"
    return "file"


def current_version() -> str:
    """The version every menu key carries (raises if a shared cache is unreachable)."""
    if _state["bump_pending"]:
        bump_version()
    store = _version_store()
    if store == "process":
        return _local_version["value"]
    if store == "file":
        path = stamp_path()
        try:
            return path.read_text().strip() or _write_stamp(path)
        except FileNotFoundError:
            return _write_stamp(path)
    key = f"{KEY_PREFIX}:version"
    version = _strict("get", key)
    if version is None:
        # add() so that two processes starting at once agree on one value.
        _strict("add", key, uuid.uuid4().hex, None)
        version = _strict("get", key)
    if version is None:
        raise CacheUnreachable("the menu version could not be stored")
    return version


class CacheUnreachable(Exception):
    """The shared cache holds no version: build the menus from the database."""


def _write_stamp(path: Path) -> str:
    version = uuid.uuid4().hex
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stamp-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(version)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return version


def bump_version() -> None:
    """Give every menu key a new version: the next request renders from the database."""
    store = _version_store()
    try:
        if store == "process":
            with _local_lock:
                _local_version["value"] = uuid.uuid4().hex
        elif store == "file":
            _write_stamp(stamp_path())
        else:
            _strict("set", f"{KEY_PREFIX}:version", uuid.uuid4().hex, None)
        _state["bump_pending"] = False
    except Exception as error:
        # The shared store is unreachable: the old version would outlive it
        # with stale fragments, so this process bumps again on its next
        # request that reaches the store (see current_version).
        _state["bump_pending"] = True
        _log_outage("Could not renew the menu cache version", error)


#: Per process: a bump that could not reach the store, and whether the
#: current outage has been logged (once per outage, not per request).
_state = {"bump_pending": False, "outage_logged": False}


def _log_outage(message: str, error: BaseException | None = None) -> None:
    if _is_logged_by_the_backend(error):
        return
    if not _state["outage_logged"]:
        _state["outage_logged"] = True
        logger.warning("%s; menus are built from the database until it returns", message)


def _is_logged_by_the_backend(error) -> bool:
    """home.cache logs its own outages (once each): say nothing more about them."""
    from home.cache import CacheUnavailable

    return isinstance(error, CacheUnavailable | CacheUnreachable)


def _store_reached() -> None:
    if _state["outage_logged"]:
        _state["outage_logged"] = False
        logger.info("Menu cache reachable again")


def invalidate(**kwargs) -> None:
    """Signal receiver: bump now and again once the transaction commits."""
    bump_version()
    transaction.on_commit(bump_version)


def connect_signals() -> None:
    """Connect the events that change what menus and settings show (HomeConfig.ready)."""
    from wagtail.signals import page_published, page_unpublished, post_page_move
    from wagtailmenus.models import FlatMenu, FlatMenuItem, MainMenu, MainMenuItem

    from home.models import OrganisationSettings

    page_published.connect(invalidate, dispatch_uid="home-menus-published")
    page_unpublished.connect(invalidate, dispatch_uid="home-menus-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="home-menus-moved")
    # Sent for Page's own row whatever the page type (and for each descendant).
    post_delete.connect(invalidate, sender=Page, dispatch_uid="home-menus-page-deleted")
    for model in (MainMenu, MainMenuItem, FlatMenu, FlatMenuItem, OrganisationSettings, Site):
        name = model._meta.label_lower
        post_save.connect(invalidate, sender=model, dispatch_uid=f"home-menus-save-{name}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"home-menus-delete-{name}")


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
        version = current_version()
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
    if version is None:
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
