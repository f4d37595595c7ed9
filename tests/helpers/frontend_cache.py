"""A frontend-cache backend that records what it is asked to purge, for tests.

Configure it with `WAGTAILFRONTENDCACHE = {"recording": {"BACKEND":
"tests.helpers.frontend_cache.RecordingBackend"}}`; purges then arrive
through Wagtail's own purge task, as they would at a CDN.
"""

from __future__ import annotations

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

#: Every URL purged since the last `clear()`, in order.
PURGED: list[str] = []

SETTING = {"recording": {"BACKEND": "tests.helpers.frontend_cache.RecordingBackend"}}


class RecordingBackend(BaseBackend):
    def purge(self, url) -> None:
        PURGED.append(url)


def clear() -> None:
    PURGED.clear()


def paths() -> set[str]:
    """The purged URLs' paths (the test server's host is always the same)."""
    from urllib.parse import urlsplit

    return {urlsplit(url).path for url in PURGED}
