"""Which pages the public may see: Wagtail's view restrictions, read once.

Wagtail's `PageQuerySet.public()` reads every view restriction each time it
is called: a place page with seven sections asked seven times. Here the
restrictions (a handful of rows on any site) are a lookup (home.fragments)
renewed whenever one is added, changed or removed, and each request reads
them at most once, so every section and listing filters with the same
`public(queryset, request)` at no further cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from home import fragments


@dataclass(frozen=True)
class Restriction:
    id: int
    page_id: int
    path: str
    depth: int


def restrictions(request=None) -> tuple[Restriction, ...]:
    """Every page view restriction on the site (one query on a cold cache, none after)."""
    memo = getattr(request, "_ourplaces_restrictions", None) if request is not None else None
    if memo is not None:
        return memo

    def build():
        from wagtail.models import PageViewRestriction

        return tuple(
            Restriction(id=row[0], page_id=row[1], path=row[2], depth=row[3])
            for row in PageViewRestriction.objects.values_list(
                "id", "page_id", "page__path", "page__depth"
            ).order_by("page__path", "id")
        )

    found = fragments.cached(
        request,
        fragments.make_key(fragments.LOOKUP, "restrictions"),
        [fragments.RESTRICTIONS],
        build,
        kind=fragments.LOOKUP,
    )
    if request is not None:
        request._ourplaces_restrictions = found
    return found


def private_q(request=None) -> Q:
    """Pages in a restricted section (Wagtail's `private_q`, from the lookup)."""
    q = Q()
    for restriction in restrictions(request):
        q |= Q(path__startswith=restriction.path, depth__gte=restriction.depth)
    return q if q else Q(pk__in=[])


def public(queryset, request=None):
    """`queryset.public()` without its query: pages outside every restricted section."""
    found = restrictions(request)
    if not found:
        return queryset
    return queryset.exclude(private_q(request))


def restrictions_on(path: str, request=None) -> tuple[Restriction, ...]:
    """The restrictions that apply to the page at tree path `path` (its own and its ancestors')."""
    return tuple(r for r in restrictions(request) if path.startswith(r.path))


def is_public(page, request=None) -> bool:
    return not restrictions_on(page.path, request)
