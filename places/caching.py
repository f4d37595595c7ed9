"""What places renew in the caches: a ward renamed or recoded is shown wherever it is listed.

A ward's places and councillors, and every page that names wards, list them
by `cache_listings = ("places.ward", ...)`; the place index page is linked
from every place page.
"""

from __future__ import annotations

from home import invalidation


def connect() -> None:
    from places.models import Ward

    invalidation.track(Ward)
