"""Query counting, to prove a page's queries stay constant as content grows.

pytest-django's `django_assert_max_num_queries` bounds one render; these
helpers compare two renders, before and after adding content, and show the
extra SQL when the count grows (usually an N+1 in a template or get_context).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext, override_settings


def capture_queries(fn: Callable[[], object], using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Run `fn` and return the SQL of every query it made."""
    with CaptureQueriesContext(connections[using]) as context:
        fn()
    return [query["sql"] for query in context.captured_queries]


def count_queries(fn: Callable[[], object], using: str = DEFAULT_DB_ALIAS) -> int:
    """Run `fn` and return how many queries it made."""
    return len(capture_queries(fn, using))


def _format(queries: list[str]) -> str:
    return "\n".join(f"  {n}. {sql[:1000]}" for n, sql in enumerate(queries, start=1))


def assert_same_query_count(
    make_small: Callable[[], object],
    make_large: Callable[[], object],
    render: Callable[[], object],
    *,
    max_queries: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Fail unless `render` makes as many queries after `make_large` as after `make_small`.

    `make_small()` creates the starting content; `make_large()` then adds more
    (more items of every kind the page lists). `render()` is called once
    before each count, so per-process caches and lookups (content types,
    site root paths, routes) are warm both times and only the page's own
    queries are compared. Fragment caches are off while rendering
    (`CACHE_FRAGMENTS`): what is compared is what the page costs to build,
    the work a cached fragment saves. With `max_queries`, the count must also
    stay within that bound. Returns the count.
    """
    make_small()
    with override_settings(CACHE_FRAGMENTS=False):
        render()
        small = capture_queries(render, using)
    make_large()
    with override_settings(CACHE_FRAGMENTS=False):
        render()
        large = capture_queries(render, using)
    if len(large) != len(small):
        raise AssertionError(
            f"Query count grew from {len(small)} to {len(large)} as content grew.\n"
            f"Small:\n{_format(small)}\nLarge:\n{_format(large)}"
        )
    if max_queries is not None and len(large) > max_queries:
        raise AssertionError(
            f"{len(large)} queries, more than the {max_queries} allowed:\n{_format(large)}"
        )
    return len(large)


def stamp_queries() -> int:
    """Queries the cache stamps (home.versions) cost a request: 1 in a database, 0 in Redis."""
    from django.conf import settings

    backend = settings.CACHES.get("shared", {}).get("BACKEND", "")
    return 1 if "DatabaseCache" in backend else 0
