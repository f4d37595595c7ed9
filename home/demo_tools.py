"""Building blocks for the apps' demo loaders (`<app>/demo.py`).

Every loader must be idempotent: `make run` calls it on every start, after
editors may have changed things. The rule these helpers follow is "create
only what is missing, never overwrite": a page is found by its slug under its
parent, a menu item by the page it links to, and an existing object is left
exactly as it is. Pages are created as drafts first and published with one
revision once their content (which may link to pages created in the same
run) is complete, so editors see a clean history.

StreamField content is written in Wagtail's stored (JSON) form, built with
the small functions at the bottom, so loaders never depend on block classes.
"""

from __future__ import annotations

from wagtail.models import Page, Site
from wagtailmenus.models import MainMenu, MainMenuItem

#: Placeholder body for a page between its creation as a draft and its first
#: (published) revision, which replaces it in the same transaction.
DRAFT_BODY = [{"type": "paragraph", "value": "<p>This page is being prepared.</p>"}]


def default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).select_related("root_page").first()


def find_child(parent: Page, slug: str) -> Page | None:
    page = parent.get_children().filter(slug=slug).first()
    return page.specific if page is not None else None


def ensure_draft(parent: Page, model: type[Page], slug: str, **fields) -> tuple[Page, bool]:
    """Return (page, created): the child of `parent` with `slug`, or a new draft.

    A new page is saved unpublished; call `publish(page)` once its content is
    final. An existing page is returned untouched, whatever its type.
    """
    existing = find_child(parent, slug)
    if existing is not None:
        return existing, False
    page = model(slug=slug, live=False, **fields)
    parent.add_child(instance=page)
    return page, True


def publish(page: Page) -> None:
    """Save the page's current state as a revision and publish it.

    Publishing works on a fresh copy of the page, so reload this one: callers
    go on to read `live` and add children to it.
    """
    page.save_revision().publish()
    page.refresh_from_db()


def ensure_main_menu_item(page: Page, *, position: int | None = None, link_text: str = ""):
    """Add `page` to the default site's main menu unless an item links to it.

    `position` puts the new item at that index (0 is first) and renumbers the
    others; by default it goes last. Call this only for a page the loader has
    just created, so an item an editor removed on purpose stays removed.
    """
    site = default_site()
    if site is None:
        return None
    menu = MainMenu.get_for_site(site)
    items = list(MainMenuItem.objects.filter(menu=menu).order_by("sort_order", "pk"))
    if any(item.link_page_id == page.pk for item in items):
        return None
    new_item = MainMenuItem(menu=menu, link_page=page, link_text=link_text)
    if position is None:
        position = len(items)
    items.insert(min(position, len(items)), new_item)
    for index, item in enumerate(items):
        if item.pk is None or item.sort_order != index:
            item.sort_order = index
            item.save()
    return new_item


# StreamField values in stored form -------------------------------------------


def page_link(page: Page, text: str) -> str:
    """An internal link for rich text: it follows the page if it moves."""
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def quote(text: str, attribution: str = "") -> dict:
    return {"type": "quote", "value": {"quote": text, "attribution": attribution}}


def accordion(items: list[tuple[str, str]], title: str = "") -> dict:
    """`items` are (heading, rich-text HTML) pairs."""
    return {
        "type": "accordion",
        "value": {
            "heading": title,
            "items": [
                {"heading": item_heading, "content": content} for item_heading, content in items
            ],
        },
    }


def call_to_action(
    title: str, button_label: str, *, page: Page | None = None, url: str = "", text: str = ""
) -> dict:
    return {
        "type": "call_to_action",
        "value": {
            "title": title,
            "text": text,
            "link": {"page": page.pk if page else None, "url": url},
            "button_label": button_label,
        },
    }
