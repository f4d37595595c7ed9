"""Cached output that knows what it depends on: lookups, fragments and pages.

Every entry is stored with the stamps (home.versions) of the names it was
built from, and is reused only while every one of those stamps is still the
same: a bump of any name it depends on retires it, in every process. One
key holds one entry (a rebuild overwrites it), so the cache does not fill
with old versions of the same thing.

Three kinds, by what the bench's cache states switch off:

- **lookups**: small data that many pages need before they can render
  anything and that changes only when an editor publishes (the site table,
  routes, view restrictions, index pages, a ward's councillors). Always on.
- **fragments**: rendered HTML (menus and footer, a page's content, a place
  page's sections); off with `CACHE_FRAGMENTS = False`.
- **pages**: whole anonymous responses (home.page_cache); off with
  `PAGE_CACHE_SECONDS = 0`.

Each request records what it used (`note`): the names its fragments and
lookups depended on and the earliest moment any of them expires. The page
cache stores a whole page under exactly those names, so a page is retired
by everything that retires any piece of it.

Time: content that changes by the clock alone (a form opening at 9am) is
handled by `home.schedule`: no fragment or page outlives the next scheduled
change anywhere on the site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from home import versions

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
MISSING = object()

LOOKUP = "lookup"
FRAGMENT = "fragment"
PAGE = "page"

#: Lookups live at most this long whatever happens (a day).
LOOKUP_SECONDS = 24 * 60 * 60


@dataclass
class Entry:
    stamps: dict[str, str]
    value: Any
    #: When the entry stops being valid whatever its stamps say (UTC), or None.
    expires_at: dt.datetime | None = None
    created_at: dt.datetime = field(default_factory=timezone.now)


@dataclass
class Usage:
    """What one request's output depended on (see `note`)."""

    names: set[str] = field(default_factory=set)
    expires_at: dt.datetime | None = None

    def add(self, names: Iterable[str] = (), expires_at: dt.datetime | None = None) -> None:
        self.names.update(names)
        if expires_at is not None and (self.expires_at is None or expires_at < self.expires_at):
            self.expires_at = expires_at


def usage(request) -> Usage:
    if request is None:
        return Usage()
    found = getattr(request, "_ourplaces_usage", None)
    if found is None:
        found = request._ourplaces_usage = Usage()
    return found


def note(request, names: Iterable[str] = (), expires_at: dt.datetime | None = None) -> None:
    """Record that this request's output depends on `names` (and expires at `expires_at`).

    Also recorded by every fragment being built around this call (see
    `cached`), so a fragment depends on everything the lookups and fragments
    it used depend on.
    """
    names = tuple(names)
    usage(request).add(names, expires_at)
    for frame in getattr(request, "_ourplaces_building", ()) if request is not None else ():
        frame.add(names, expires_at)


def enabled(kind: str) -> bool:
    if kind == FRAGMENT:
        return bool(getattr(settings, "CACHE_FRAGMENTS", True))
    if kind == PAGE:
        return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0
    return True


def lifetime(kind: str) -> int:
    if kind == FRAGMENT:
        return int(getattr(settings, "FRAGMENT_CACHE_SECONDS", 86400))
    if kind == PAGE:
        return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))
    return LOOKUP_SECONDS


def cache():
    return caches[CACHE_ALIAS]


def make_key(kind: str, *parts) -> str:
    raw = ":".join(str(part) for part in parts)
    if len(raw) > 150 or any(ord(char) < 33 or ord(char) > 126 for char in raw):
        raw = hashlib.sha256(raw.encode()).hexdigest()
    return f"ourplaces:{kind}:{raw}"


def peek(request, key: str):
    """The entry stored at `key`, not yet checked against its stamps (read once per request)."""
    memo = getattr(request, "_ourplaces_entries", None) if request is not None else None
    if memo is not None and key in memo:
        return memo[key]
    entry = _read(key)
    if request is not None:
        if memo is None:
            memo = request._ourplaces_entries = {}
        memo[key] = entry
    return entry


def prefetch(request, names: Iterable[str]) -> None:
    """Read the stamps of `names` now, with nothing else (one round trip)."""
    versions.current(request, names)


def get(request, key: str, *, also: Iterable[str] = (), kind: str = FRAGMENT):
    """The entry's value if it is still valid, else MISSING (`also`: names to read with it)."""
    if not enabled(kind):
        return MISSING
    entry = peek(request, key)
    names = set(also)
    if isinstance(entry, Entry):
        names |= set(entry.stamps)
    stamps = versions.current(request, names) if names else {}
    if stamps is None or not isinstance(entry, Entry):
        return MISSING
    if entry.expires_at is not None and timezone.now() >= entry.expires_at:
        return MISSING
    if any(stamps.get(name) != stamp for name, stamp in entry.stamps.items()):
        return MISSING
    note(request, entry.stamps, entry.expires_at)
    return entry.value


def put(
    request,
    key: str,
    names: Iterable[str],
    value,
    *,
    kind: str = FRAGMENT,
    expires_at: dt.datetime | None = None,
) -> None:
    """Store `value` under the stamps `names` had when the request first read them."""
    if not enabled(kind):
        return
    names = set(names)
    stamps = versions.current(request, names) if names else {}
    if stamps is None:
        return  # the stamps are unreachable: the entry could never be validated
    unstamped = [name for name, stamp in stamps.items() if stamp is None]
    if unstamped:
        if not versions.claim(request, unstamped):
            return  # renewed while this was built: it may already be out of date
        stamps = versions.current(request, names)
    seconds = lifetime(kind)
    if kind != LOOKUP:
        expires_at = _earliest(expires_at, schedule_cap(request))
    if expires_at is not None:
        left = (expires_at - timezone.now()).total_seconds()
        if left <= 0:
            return
        seconds = min(seconds, int(left) + 1)
    entry = Entry(stamps=stamps, value=value, expires_at=expires_at)
    _write(key, entry, seconds)
    memo = getattr(request, "_ourplaces_entries", None) if request is not None else None
    if memo is not None:
        memo[key] = entry


def cached(
    request,
    key: str,
    names: Iterable[str],
    build: Callable[[], Any],
    *,
    kind: str = FRAGMENT,
    expires_at: dt.datetime | None = None,
):
    """The value cached at `key`, or `build()` stored under `names` (read before building)."""
    names = set(names)
    note(request, names, None if kind == LOOKUP else expires_at)
    value = get(request, key, also=names, kind=kind)
    if value is not MISSING:
        return value
    frame = Usage()
    building = getattr(request, "_ourplaces_building", None) if request is not None else None
    if request is not None:
        if building is None:
            building = request._ourplaces_building = []
        building.append(frame)
    try:
        value = build()
    finally:
        if building is not None:
            building.remove(frame)
    put(
        request,
        key,
        names | frame.names,
        value,
        kind=kind,
        expires_at=_earliest(expires_at, frame.expires_at),
    )
    return value


def schedule_cap(request) -> dt.datetime | None:
    from home import schedule

    moment = schedule.next_change(request)
    note(request, (), moment)
    return moment


def _earliest(*moments):
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def _read(key: str):
    try:
        return cache().get(key)
    except Exception as error:
        if type(error).__module__.startswith("django.db"):
            raise
        logger.warning("Cache read failed for %s: %s", key, error)
        return None


def _write(key: str, entry: Entry, seconds: int) -> None:
    try:
        cache().set(key, entry, seconds)
    except Exception as error:
        if type(error).__module__.startswith("django.db"):
            raise
        logger.warning("Cache write failed for %s: %s", key, error)


# --- Names ------------------------------------------------------------------------

SITE = "site"
ROUTES = "routes"
RESTRICTIONS = "restrictions"
SCHEDULE = "schedule"
#: Engagements open in a ward (home.contracts.WARD_ENGAGEMENTS), as councillor pages show them.
WARD_ENGAGEMENTS = "ward-engagements"
#: What every page and view needs before it renders: read together, once.
BASE_NAMES = (SITE, ROUTES, RESTRICTIONS, SCHEDULE)


def page_name(page_id: int) -> str:
    return f"page:{page_id}"


def listing_name(model) -> str:
    """Any list of `model`'s rows or pages (a model class or "app_label.modelname")."""
    label = model if isinstance(model, str) else model._meta.label_lower
    return f"listing:{label.lower()}"


def section_name(key, place_id: int | None = None) -> str:
    """A place page section (`key` from home.contracts) on one place, or on every place."""
    value = getattr(key, "value", key)
    return f"section:{value}" if place_id is None else f"section:{value}:{place_id}"


def class_names(model) -> set[str]:
    """The names every page of a page type depends on, whichever page it is.

    Declared on the page class: `cache_listings` (models whose rows or pages
    it lists: `listing:<label>`), `cache_depends_on` (other names, such as
    WARD_ENGAGEMENTS) and `cache_section_hook` (a section hook of
    home.contracts whose sections it shows: `section:<key>` for each key).
    home.invalidation reads the same declarations backwards to find the URLs
    a CDN must purge.
    """
    from home.contracts import SECTION_KEYS

    names = {listing_name(label) for label in getattr(model, "cache_listings", ())}
    names.update(getattr(model, "cache_depends_on", ()))
    hook = getattr(model, "cache_section_hook", None)
    if hook:
        names.update(section_name(key) for key in SECTION_KEYS[hook])
    return names


def page_names(page) -> set[str]:
    """What a page's cached output depends on, besides BASE_NAMES.

    Its own `page:<id>`, its type's `class_names`, and for a page with
    sections, `section:<key>:<id>` for each of its sections.
    """
    from home.contracts import SECTION_KEYS

    names = {page_name(page.pk), *class_names(type(page))}
    hook = getattr(page, "cache_section_hook", None)
    if hook:
        names.update(section_name(key, page.pk) for key in SECTION_KEYS[hook])
    return names


def pages_named(name: str) -> int | None:
    """The one page an instance name belongs to (`page:42`, `section:stories:42`), if any."""
    kind, _, rest = name.partition(":")
    if kind == "page" and rest.isdigit():
        return int(rest)
    if kind == "section" and rest.count(":") == 1:
        number = rest.rsplit(":", 1)[1]
        return int(number) if number.isdigit() else None
    return None


@dataclass(frozen=True)
class ViewContent:
    """A view's content block that may be reused (home_tags.cached_content).

    `build()` returns the context the content needs; it runs only when the
    fragment is rendered, never when a stored one is reused.
    """

    key: str
    names: frozenset[str]
    build: Callable[[], dict]


def view_content(key_parts, names: Iterable[str], build: Callable[[], dict]) -> dict:
    """The context entry with which a view (not a Wagtail page) asks for its content cached."""
    return {
        "content_cache": ViewContent(
            key=make_key(FRAGMENT, "view", *key_parts), names=frozenset(names), build=build
        )
    }
