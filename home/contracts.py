"""The one contract between apps: hook names, the types handed over, and section order.

Apps depend one way, ``home`` <- ``places`` <- ``engagement`` (with its
conversation plugin), ``councillor_pages`` and ``schools``. When
an app needs something from an app it may not import (a place page showing
results, councillors told about engagement in their ward, the feedback widget
on every page), the app that *has* it registers a function under one of the
Wagtail hook names below and returns the dataclass named beside it; the app
that *needs* it calls ``hooks.get_hooks(NAME)`` and refuses anything else
(``require``). Hook names appear as string literals here and nowhere else, and
ARCHITECTURE.md lists who provides and who consumes each one (a test keeps
that list true).

Every provider runs on a public page or in a background task: it must use a
bounded number of queries, whatever the amount of content.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from wagtail import hooks

# --- Hook names --------------------------------------------------------------------

#: ``fn(home_page, request) -> Section | None``, key from ``HomePageSection``.
HOME_PAGE_SECTIONS = "register_home_page_section"
#: ``fn(place_page, request) -> Section | None``, key from ``PlacePageSection``.
PLACE_PAGE_SECTIONS = "register_place_page_section"
#: ``fn(page, request) -> Section | None``, key from ``PageFooterPiece``; ``page``
#: is None on pages that are not Wagtail pages (search, errors).
PAGE_FOOTER_PIECES = "register_page_footer_piece"
#: ``fn(ward_ids: list[int] | None) -> Iterable[WardEngagement]``: engagements open
#: *now* in any of those wards (``None``: in any ward).
WARD_ENGAGEMENTS = "register_ward_engagements"
#: ``fn(ward_ids: list[int], since, until) -> Iterable[WardActivity]``: activity per
#: ward between ``since`` (inclusive) and ``until`` (exclusive).
WARD_ENGAGEMENT_DIGEST = "register_ward_engagement_digest"
#: ``fn(ward) -> Iterable[WardContact]``: who to tell about something in a ward.
WARD_CONTACTS = "register_ward_contacts"
#: ``fn(since) -> Iterable[PlaceAlertItem]``: news about places published at or
#: after ``since``, for the place alert emails.
PLACE_ALERT_ITEMS = "register_place_alert_items"
#: ``fn(now) -> Iterable[ScheduledChange]``: moments after ``now`` at which public
#: content changes by the clock alone (a form opening); caches never outlive them.
SCHEDULED_CHANGES = "register_scheduled_changes"
#: ``fn(page) -> CacheChange | None``: what else shows ``page``, read from the
#: database as it stands. Called before and after the page is published, moved
#: or deleted, and when it is unpublished, so old and new places both count.
PAGE_DEPENDENTS = "register_page_dependents"

#: Every hook name this project defines (Wagtail's own hooks are Wagtail's).
HOOK_NAMES = (
    HOME_PAGE_SECTIONS,
    PLACE_PAGE_SECTIONS,
    PAGE_FOOTER_PIECES,
    WARD_ENGAGEMENTS,
    WARD_ENGAGEMENT_DIGEST,
    WARD_CONTACTS,
    PLACE_ALERT_ITEMS,
    SCHEDULED_CHANGES,
    PAGE_DEPENDENTS,
)


# --- Section order: declared here, in the order pages show them ---------------------


class PlacePageSection(enum.Enum):
    """A place page's sections, top to bottom: reorder here, never in the providers."""

    OPEN_FORM = "open-form"
    RESULTS = "results"
    COUNCILLORS = "councillors"
    SCHOOLS = "schools"
    STORIES = "stories"
    COMMUNITY_GROUPS = "community-groups"
    CROWDFUNDING = "crowdfunding"
    ALERTS_SIGNUP = "alerts-signup"


class HomePageSection(enum.Enum):
    """The home page's sections, top to bottom."""

    OPEN_ENGAGEMENTS = "open-engagements"


class PageFooterPiece(enum.Enum):
    """Pieces every page shows after its main content, in order."""

    PAGE_FEEDBACK = "page-feedback"


#: Which keys each section hook accepts; their declaration order is the page order.
SECTION_KEYS: Mapping[str, type[enum.Enum]] = MappingProxyType(
    {
        HOME_PAGE_SECTIONS: HomePageSection,
        PLACE_PAGE_SECTIONS: PlacePageSection,
        PAGE_FOOTER_PIECES: PageFooterPiece,
    }
)


# --- The types handed over ------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A piece of a page that another app renders: ``{% include template %}`` with
    ``section`` bound to ``context``. ``key`` places it in the declared order."""

    key: PlacePageSection | HomePageSection | PageFooterPiece
    template: str
    context: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class WardEngagement:
    """An engagement open now: shown on councillor pages, announced to ward councillors.

    ``key`` is stable and unique (e.g. "place-standard:42"): it stops a
    councillor hearing about the same engagement twice.
    """

    key: str
    title: str
    url: str
    ward_ids: tuple[int, ...]
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass(frozen=True)
class DigestComment:
    """A moderated, publishable comment (as approved, redactions included)."""

    text: str
    place: str = ""


@dataclass(frozen=True)
class WardActivity:
    """One provider's activity in one ward over a digest period."""

    ward_id: int
    new_responses: int = 0
    comments: tuple[DigestComment, ...] = ()


@dataclass(frozen=True)
class WardContact:
    """Someone to tell about something in a ward (a ward councillor)."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class PlaceAlertItem:
    """Something new about one or more places that alert subscribers should hear about.

    ``kind`` ("story", "engagement", "result") with ``item_id`` is the item's
    identity: the sender never tells anyone about the same item twice.
    ``topics`` are tag slugs; empty matches only subscriptions to every topic.
    """

    kind: str
    item_id: str
    title: str
    url: str
    published_at: datetime
    place_ids: frozenset[int]
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ScheduledChange:
    """A moment at which something public changes with nobody doing anything."""

    at: datetime
    what: str = ""


@dataclass(frozen=True)
class CacheChange:
    """What an event changed, for the caches (home.invalidation.apply).

    ``names`` are the home.fragments names to renew (``section_name(...)``,
    ``listing_name(...)``...); ``page_ids`` are pages whose own content
    changed (their ``page:<id>`` is renewed and their URLs purged from the
    CDN); ``paths`` are other site paths to purge (a results page, a
    document).
    """

    names: frozenset[str] = frozenset()
    page_ids: frozenset[int] = frozenset()
    paths: frozenset[str] = frozenset()
    #: Something every page shows changed (the menus): purge every page's URL.
    site_wide: bool = False

    def __or__(self, other: CacheChange) -> CacheChange:
        return CacheChange(
            names=self.names | other.names,
            page_ids=self.page_ids | other.page_ids,
            paths=self.paths | other.paths,
            site_wide=self.site_wide or other.site_wide,
        )

    def __bool__(self) -> bool:
        return bool(self.names or self.page_ids or self.paths or self.site_wide)


#: The type each hook's functions return (one item, or an iterable of items).
HOOK_TYPES: Mapping[str, type] = MappingProxyType(
    {
        HOME_PAGE_SECTIONS: Section,
        PLACE_PAGE_SECTIONS: Section,
        PAGE_FOOTER_PIECES: Section,
        WARD_ENGAGEMENTS: WardEngagement,
        WARD_ENGAGEMENT_DIGEST: WardActivity,
        WARD_CONTACTS: WardContact,
        PLACE_ALERT_ITEMS: PlaceAlertItem,
        SCHEDULED_CHANGES: ScheduledChange,
        PAGE_DEPENDENTS: CacheChange,
    }
)


# --- For consumers ------------------------------------------------------------------


def require(hook_name: str, item):
    """Return `item` if it is the type `hook_name` hands over, else raise TypeError.

    Consumers call this on every item, so a provider that returns a dict or a
    tuple fails loudly where it is registered instead of half-working.
    """
    expected = HOOK_TYPES[hook_name]
    if not isinstance(item, expected):
        raise TypeError(
            f"A function registered under {hook_name!r} returned {type(item).__name__}; "
            f"it must return home.contracts.{expected.__name__}."
        )
    return item


def collect_items(hook_name: str, *args) -> Iterable:
    """Every item every function under `hook_name` returns for `args`, checked."""
    for fn in hooks.get_hooks(hook_name):
        for item in fn(*args) or ():
            yield require(hook_name, item)


def collect_each(hook_name: str, *args) -> list:
    """What every function under `hook_name` returns for `args` (one item or None), checked."""
    items = []
    for fn in hooks.get_hooks(hook_name):
        item = fn(*args)
        if item is not None:
            items.append(require(hook_name, item))
    return items


def provides(key):
    """Declare the section a section provider returns: ``@provides(PlacePageSection.STORIES)``.

    The page knows each section's key before calling its provider, so a
    cached section is served without running the provider at all.
    """

    def decorate(fn):
        fn.section_key = key
        return fn

    return decorate


def section_providers(hook_name: str) -> list[tuple[enum.Enum, object]]:
    """(key, provider) for every function under `hook_name`, in the declared page order.

    A provider without a declared key (`provides`), or with a key not
    declared for this hook, raises ValueError: adding a section means adding
    its key above, where the order is decided.
    """
    keys = list(SECTION_KEYS[hook_name])
    providers = []
    for fn in hooks.get_hooks(hook_name):
        key = getattr(fn, "section_key", None)
        if key not in keys:
            raise ValueError(
                f"{getattr(fn, '__qualname__', fn)!r} is registered under {hook_name!r} with "
                f"section key {key!r}, which is not declared for it in home.contracts "
                "(decorate it with @provides(<key>))."
            )
        providers.append((key, fn))
    return sorted(providers, key=lambda pair: keys.index(pair[0]))


def build_section(hook_name: str, key, fn, page, request) -> Section | None:
    """Call one provider and check that it returned a Section with its declared key."""
    section = fn(page, request)
    if section is None:
        return None
    require(hook_name, section)
    if section.key != key:
        raise ValueError(
            f"{getattr(fn, '__qualname__', fn)!r} declares section {key!r} but returned "
            f"{section.key!r}."
        )
    return section


def collect_sections(hook_name: str, page, request) -> list[Section]:
    """The sections registered under `hook_name` for `page`, in the declared order."""
    sections = []
    for key, fn in section_providers(hook_name):
        section = build_section(hook_name, key, fn, page, request)
        if section is not None:
            sections.append(section)
    return sections
