"""What an event changed, everywhere it shows: stamps renewed and CDN URLs purged.

Every cached lookup, fragment and page depends on names (home.fragments),
so the one thing an event has to say is which names it changed. `apply`
renews them (home.versions: in every process at once) and, when a CDN is
configured (`WAGTAILFRONTENDCACHE`), purges the URLs that showed them once
the transaction commits, through Wagtail's frontend-cache backends (in a
background task, so a slow CDN never delays an editor).

Pages: publishing, unpublishing, moving or deleting any page is handled
here, for every page type, without the apps naming each other:

- the page's own `page:<id>`, the `listing:` names of its model and the
  page models it inherits from (every list of such pages); the routes of the
  page and of the pages below it depend on its `page:<id>` (home.routing);
- the CDN URLs of the page (before and after a move), its ancestors (which
  list their children), every live page whose type lists pages of its kind
  (`cache_listings`), and the sitemap;
- the site-wide `site` name (menus, footer, settings) only when the page, or
  a page under it, is linked from a menu or the settings; then every page's
  URL is purged too, as every page shows the menus;
- whatever the apps that know more say under
  `home.contracts.PAGE_DEPENDENTS` (a story's places, a form's place, a
  councillor's ward's places), asked both before the change and after it,
  so a story moved from one place to another renews both.

Other events (an insight published, new responses moving the public
figures, a school or a community group saved) are reported by their own
apps with `apply(CacheChange(...))`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from home import fragments, versions
from home.contracts import PAGE_DEPENDENTS, CacheChange, collect_each

logger = logging.getLogger(__name__)

SITEMAP_PATH = "/sitemap.xml"


# --- Applying a change -----------------------------------------------------------------


def cdn_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def apply(change: CacheChange, *, now: bool = True) -> None:
    """Renew the change's names (and its pages' own) and purge its URLs after the commit.

    `now=False`: do nothing until the commit (for a transaction that must
    stay short, such as a citizen's response: no query, no cache call).
    """
    if not change:
        return
    if not now:
        transaction.on_commit(lambda: apply(change))
        return
    names = set(change.names) | {fragments.page_name(page_id) for page_id in change.page_ids}
    versions.bump(names)
    if cdn_configured():
        urls = urls_for(change)
        if urls:
            transaction.on_commit(lambda: purge(urls))


def purge(urls: Iterable[str]) -> None:
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    urls = sorted(set(urls))
    if urls:
        purge_urls_from_cache(urls)


def pages_for(change: CacheChange) -> set[int] | None:
    """Ids of the pages that show what changed (None: every page, the change is site-wide).

    The change's own pages, the pages its instance names belong to
    (`page:42`, `section:stories:42`), and every live page whose type
    declares one of its names (home.fragments.class_names): the same
    declarations the cached output was stored under, read backwards.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, get_page_models

    if change.site_wide:
        return None
    ids = set(change.page_ids)
    shared = set()
    for name in change.names:
        page_id = fragments.pages_named(name)
        if page_id is not None:
            ids.add(page_id)
        else:
            shared.add(name)
    models = [model for model in get_page_models() if fragments.class_names(model) & shared]
    if models:
        content_types = list(ContentType.objects.get_for_models(*models).values())
        ids |= set(
            Page.objects.live().filter(content_type__in=content_types).values_list("pk", flat=True)
        )
    return ids


def urls_for(change: CacheChange) -> set[str]:
    """Absolute URLs of every page that shows what changed, and of its paths, on every site."""
    from wagtail.models import Page, Site

    page_ids = pages_for(change)
    paths = set(change.paths)
    pages = Page.objects.filter(depth__gt=1)
    if page_ids is None:
        pages = pages.filter(live=True)
        paths |= extra_paths()
    else:
        pages = pages.filter(pk__in=page_ids)
    urls = set()
    cache_object = type("PurgeCache", (), {})()
    for page in pages.only("id", "url_path", "path", "depth"):
        url = page.get_full_url(request=cache_object)
        if url:
            urls.add(url)
    if paths:
        roots = {site.root_url.rstrip("/") for site in Site.objects.all()}
        urls |= {root + path for root in roots for path in paths}
    return urls


#: Menus, footer or settings changed: every page shows them.
SITE_WIDE = CacheChange(names=frozenset({fragments.SITE}), site_wide=True)


def extra_paths() -> set[str]:
    """Paths outside the page tree that show the menus: the sitemap and the public views."""
    from home.page_cache import public_view_paths

    return {SITEMAP_PATH, *public_view_paths()}


# --- Pages --------------------------------------------------------------------------


def _page_models(model) -> list:
    from wagtail.models import Page

    return [
        klass
        for klass in model.__mro__
        if isinstance(klass, type) and issubclass(klass, Page) and not klass._meta.abstract
    ]


def in_menus(page) -> bool:
    """Whether the page or a page under it is linked from a menu or the organisation settings."""
    from wagtailmenus.models import FlatMenuItem, MainMenuItem

    from home.models import OrganisationSettings

    under = Q(link_page__path__startswith=page.path)
    return (
        MainMenuItem.objects.filter(under).exists()
        or FlatMenuItem.objects.filter(under).exists()
        or OrganisationSettings.objects.filter(
            Q(accessibility_statement__path__startswith=page.path)
            | Q(privacy_notice__path__startswith=page.path)
        ).exists()
    )


def page_change(page) -> CacheChange:
    """Everything that shows `page`, read from the database as it stands."""
    from wagtail.models import Page

    specific_class = page.specific_class or type(page)
    names = {fragments.listing_name(klass) for klass in _page_models(specific_class)}
    page_ids = {page.pk}
    change = CacheChange(paths=frozenset({SITEMAP_PATH}))
    stored = Page.objects.filter(pk=page.pk).only("path", "depth").first()
    if stored is not None:
        page_ids |= set(
            Page.objects.ancestor_of(stored).filter(depth__gt=1).values_list("pk", flat=True)
        )
        if in_menus(stored):
            change |= SITE_WIDE
    page_ids |= referencing_pages(page)
    change |= CacheChange(names=frozenset(names), page_ids=frozenset(page_ids))
    for extra in collect_each(PAGE_DEPENDENTS, page):
        change |= extra
    return change


def page_changed(sender=None, instance=None, **kwargs) -> None:
    apply(page_change(instance))


def _is_page(instance) -> bool:
    from wagtail.models import Page

    return isinstance(instance, Page)


def before_page_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a full save of a stored page (a publish, an import): its old dependents."""
    if raw or not _is_page(instance) or instance.pk is None or update_fields is not None:
        return
    if not instance.live and not type(instance).objects.filter(pk=instance.pk, live=True).exists():
        return  # a draft saved in full: nothing public shows it yet
    apply(page_change(instance))


def before_page_delete(sender, instance, **kwargs):
    if _is_page(instance) and instance.live:
        apply(page_change(instance))


def after_page_delete(sender, instance, **kwargs):
    if _is_page(instance):
        versions.bump([fragments.page_name(instance.pk)])


def restrictions_changed(sender, instance, **kwargs):
    """A view restriction added, changed or removed: the section it guards, every route."""
    from wagtail.models import Page

    page_ids = frozenset(
        Page.objects.filter(path__startswith=instance.page.path).values_list("pk", flat=True)
    )
    apply(
        CacheChange(names=frozenset({fragments.RESTRICTIONS, fragments.ROUTES}), page_ids=page_ids)
    )


def site_wide_change(sender, instance=None, **kwargs):
    apply(SITE_WIDE | CacheChange(names=frozenset({fragments.ROUTES})))


def connect_signals() -> None:
    """Connect the page, menu, settings, site and restriction events (HomeConfig.ready)."""
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move
    from wagtailmenus.models import FlatMenu, FlatMenuItem, MainMenu, MainMenuItem

    from home.models import OrganisationSettings

    page_published.connect(page_changed, dispatch_uid="home-cache-published")
    page_unpublished.connect(page_changed, dispatch_uid="home-cache-unpublished")

    def moved(sender, instance, **kwargs):
        apply(page_change(instance))

    pre_page_move.connect(moved, dispatch_uid="home-cache-before-move", weak=False)
    post_page_move.connect(moved, dispatch_uid="home-cache-after-move", weak=False)
    pre_save.connect(before_page_save, dispatch_uid="home-cache-before-page-save")
    pre_delete.connect(before_page_delete, dispatch_uid="home-cache-before-page-delete")
    post_delete.connect(after_page_delete, dispatch_uid="home-cache-after-page-delete")
    for model in (PageViewRestriction,):
        label = model._meta.label_lower
        post_save.connect(restrictions_changed, sender=model, dispatch_uid=f"home-cache-{label}")
        pre_delete.connect(
            restrictions_changed, sender=model, dispatch_uid=f"home-cache-delete-{label}"
        )
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    track_referenced(get_image_model())
    track_referenced(get_document_model())
    for model in (MainMenu, MainMenuItem, FlatMenu, FlatMenuItem, OrganisationSettings, Site):
        label = model._meta.label_lower
        post_save.connect(site_wide_change, sender=model, dispatch_uid=f"home-cache-save-{label}")
        post_delete.connect(
            site_wide_change, sender=model, dispatch_uid=f"home-cache-delete-{label}"
        )


# --- Rows other than pages -----------------------------------------------------------------


def referencing_pages(instance) -> frozenset[int]:
    """Pages that link to `instance` (Wagtail's reference index: rich text, choosers, blocks)."""
    from wagtail.models import Page, ReferenceIndex

    base = ReferenceIndex._get_base_content_type(Page)
    return frozenset(
        ReferenceIndex.get_references_to(instance)
        .filter(base_content_type=base)
        .values_list("object_id", flat=True)
        .distinct()
        .iterator()
    )


def track(model, dependents=None) -> None:
    """Renew `listing:<model>` (and what `dependents(instance)` returns) when a row changes.

    `dependents(instance) -> CacheChange | None` is called before a save or
    delete (the row as stored) and after it, so a school moved to another
    ward renews the old ward's places and the new one's.
    """
    label = model._meta.label_lower

    def before(sender, instance, raw=False, **kwargs):
        if not raw and instance.pk is not None and dependents is not None:
            stored = model._default_manager.filter(pk=instance.pk).first()
            if stored is not None:
                apply(dependents(stored) or CacheChange())

    def after(sender, instance, raw=False, **kwargs):
        if raw:
            return
        change = CacheChange(names=frozenset({fragments.listing_name(model)}))
        if dependents is not None:
            change |= dependents(instance) or CacheChange()
        apply(change)

    pre_save.connect(before, sender=model, weak=False, dispatch_uid=f"home-cache-pre-{label}")
    post_save.connect(after, sender=model, weak=False, dispatch_uid=f"home-cache-post-{label}")
    pre_delete.connect(before, sender=model, weak=False, dispatch_uid=f"home-cache-pre-del-{label}")
    post_delete.connect(after, sender=model, weak=False, dispatch_uid=f"home-cache-del-{label}")


def track_referenced(model) -> None:
    """Renew the pages that show an image or document when it is changed or deleted."""

    def changed(sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None:
            return
        apply(
            CacheChange(
                names=frozenset({fragments.listing_name(model)}),
                page_ids=referencing_pages(instance),
            )
        )

    label = model._meta.label_lower
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"home-cache-ref-{label}")
    pre_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"home-cache-refd-{label}")
