"""What councillor pages hear from the engagement app, through home.contracts.

councillor_pages may not import engagement (apps depend one way: home <-
places <- engagement, councillor_pages, schools), yet a councillor page shows
the ward's open engagements, ward councillors are told when a form opens (the
`notify_ward_councillors` task finds it here) and councillors get a weekly
digest of what their ward said. Engagement provides that data under
``WARD_ENGAGEMENTS`` (``WardEngagement``) and ``WARD_ENGAGEMENT_DIGEST``
(``WardActivity``); anything else a provider returns is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from home.contracts import (
    WARD_ENGAGEMENT_DIGEST,
    WARD_ENGAGEMENTS,
    DigestComment,
    WardEngagement,
    collect_items,
)


@dataclass
class WardDigest:
    """One ward's week, summed over every provider (this app's own record, not a contract)."""

    ward_id: int
    new_responses: int = 0
    comments: list[DigestComment] = field(default_factory=list)


def open_engagements_for_wards(ward_ids=None) -> list[WardEngagement]:
    """Every engagement open now in any of `ward_ids` (all wards when None), by closing date."""
    wanted = None if ward_ids is None else {int(ward_id) for ward_id in ward_ids}
    if wanted is not None and not wanted:
        return []
    found: dict[str, WardEngagement] = {}
    for engagement in collect_items(WARD_ENGAGEMENTS, None if wanted is None else sorted(wanted)):
        if wanted is None or wanted & set(engagement.ward_ids):
            found.setdefault(engagement.key, engagement)
    return sorted(
        found.values(),
        key=lambda e: (e.closes_at is None, e.closes_at or datetime.max, e.title),
    )


def ward_digests(ward_ids, since: datetime, until: datetime) -> dict[int, WardDigest]:
    """Activity per ward in [since, until), summed over every hook implementation."""
    digests = {int(ward_id): WardDigest(ward_id=int(ward_id)) for ward_id in ward_ids}
    if not digests:
        return digests
    for activity in collect_items(WARD_ENGAGEMENT_DIGEST, sorted(digests), since, until):
        digest = digests.get(activity.ward_id)
        if digest is None:
            continue
        digest.new_responses += activity.new_responses
        digest.comments.extend(activity.comments)
    return digests
