"""The site's index pages (the place index, the story index...), found once and kept.

Many pages link to an index page of which there is one (`max_count = 1`):
every place page links to the story index and the councillor finder. The
page is a lookup (home.fragments) renewed whenever a page of its type is
published, unpublished, moved or deleted, or a view restriction changes.
"""

from __future__ import annotations

from home import fragments, visibility


def index_page(model, request=None):
    """The first live, public page of `model`, or None (one query on a cold cache, none after)."""

    def build():
        return visibility.public(model.objects.live(), request).order_by("path").first()

    return fragments.cached(
        request,
        fragments.make_key(fragments.LOOKUP, "index", model._meta.label_lower),
        [fragments.listing_name(model), fragments.RESTRICTIONS],
        build,
        kind=fragments.LOOKUP,
    )
