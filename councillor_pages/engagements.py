"""The contract between councillor pages and the engagement app.

councillor_pages may not import engagement (apps depend one way: home <-
places <- engagement, councillor_pages, schools), yet a councillor page shows
the ward's open engagements, ward councillors are told when a form opens, and
councillors get a weekly digest of what their ward said. So engagement
*provides* that data through two Wagtail hooks, and tells us a form opened by
sending `councillor_pages.signals.engagement_opened` (or simply lets the
`notify_ward_councillors` command find it through the first hook).

Hook implementations may return plain dicts or any objects with the same
attribute names: engagement never has to import these dataclasses.

``register_ward_engagements``: ``fn(ward_ids: list[int] | None) -> iterable``
    Engagements open *now* in any of those wards (``None``: in any ward).
    Each item has ``key`` (stable and unique, e.g. "place-standard:42"),
    ``title``, ``url``, ``ward_ids``, ``opens_at`` and optionally
    ``closes_at``. Use a bounded number of queries: it runs on public pages.

``register_ward_engagement_digest``: ``fn(ward_ids, since, until) -> iterable``
    For each ward with activity between ``since`` (inclusive) and ``until``
    (exclusive): ``ward_id``, ``new_responses`` (accepted responses received)
    and ``comments`` (moderated, publishable comment texts, or objects with
    ``text`` and optionally ``place``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wagtail import hooks

WARD_ENGAGEMENTS_HOOK = "register_ward_engagements"
WARD_DIGEST_HOOK = "register_ward_engagement_digest"


def _get(item, name, default=None):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


@dataclass(frozen=True)
class WardEngagement:
    key: str
    title: str
    url: str
    ward_ids: tuple[int, ...]
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    @classmethod
    def coerce(cls, item) -> WardEngagement:
        return cls(
            key=str(_get(item, "key")),
            title=str(_get(item, "title")),
            url=str(_get(item, "url")),
            ward_ids=tuple(int(ward_id) for ward_id in _get(item, "ward_ids", ()) or ()),
            opens_at=_get(item, "opens_at"),
            closes_at=_get(item, "closes_at"),
        )


@dataclass(frozen=True)
class DigestComment:
    text: str
    place: str = ""


@dataclass
class WardDigest:
    ward_id: int
    new_responses: int = 0
    comments: list[DigestComment] = field(default_factory=list)


def open_engagements_for_wards(ward_ids=None) -> list[WardEngagement]:
    """Every engagement open now in any of `ward_ids` (all wards when None), by closing date."""
    wanted = None if ward_ids is None else {int(ward_id) for ward_id in ward_ids}
    if wanted is not None and not wanted:
        return []
    found: dict[str, WardEngagement] = {}
    for fn in hooks.get_hooks(WARD_ENGAGEMENTS_HOOK):
        for item in fn(None if wanted is None else sorted(wanted)) or ():
            engagement = WardEngagement.coerce(item)
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
    for fn in hooks.get_hooks(WARD_DIGEST_HOOK):
        for item in fn(sorted(digests), since, until) or ():
            digest = digests.get(int(_get(item, "ward_id")))
            if digest is None:
                continue
            digest.new_responses += int(_get(item, "new_responses", 0) or 0)
            for comment in _get(item, "comments", ()) or ():
                if isinstance(comment, str):
                    digest.comments.append(DigestComment(text=comment))
                else:
                    digest.comments.append(
                        DigestComment(
                            text=str(_get(comment, "text", "")),
                            place=str(_get(comment, "place", "") or ""),
                        )
                    )
    return digests
