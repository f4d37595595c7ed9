"""When public content next changes by the clock alone, so no cache outlives it.

Most of what pages show changes because somebody did something (an editor
published, a citizen answered), and those events renew what they affect
(home.invalidation). Some things change at a set time with nobody doing
anything: a Place Standard form opens at 9am, or closes at midnight. Apps
that have such moments register them under
`home.contracts.SCHEDULED_CHANGES`; the next one anywhere on the site caps
the lifetime of every cached fragment and page (home.fragments) and the
`s-maxage` a CDN is given (home.page_cache). The moment itself is a lookup
renewed by any page being published, unpublished, moved or deleted (forms
are pages), and it expires when it comes.

Capping everything at the next change anywhere is deliberately simple:
forms open and close a few times a month, so the cost is one rebuild of
each page a few times a month, and nothing can show a form as open after it
has closed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from home import fragments
from home.contracts import SCHEDULED_CHANGES, collect_items

#: Looked at this far ahead at most; a change further away is found again later.
HORIZON = dt.timedelta(days=30)


def _compute(now: dt.datetime) -> dt.datetime:
    moments = [item.at for item in collect_items(SCHEDULED_CHANGES, now) if item.at > now]
    return min([*moments, now + HORIZON])


def next_change(request=None) -> dt.datetime:
    """The next moment any public content changes by itself (within HORIZON)."""
    memo = getattr(request, "_ourplaces_next_change", None) if request is not None else None
    now = timezone.now()
    if memo is not None and memo > now:
        return memo
    key = fragments.make_key(fragments.LOOKUP, "schedule")
    moment = fragments.get(request, key, also=[fragments.SCHEDULE], kind=fragments.LOOKUP)
    if moment is fragments.MISSING or moment <= now:
        moment = _compute(now)
        fragments.put(
            request, key, [fragments.SCHEDULE], moment, kind=fragments.LOOKUP, expires_at=moment
        )
    if request is not None:
        request._ourplaces_next_change = moment
    return moment
