"""Email alerts by place: signed links, the items to tell people about, and sending.

What counts as news for a place comes from functions registered under
home.contracts.PLACE_ALERT_ITEMS, so apps this one must not import
(engagement's own forms and results, councillor_pages) can add their own.
Each takes `since` (an aware datetime) and yields home.contracts.PlaceAlertItem
values published at or after it (see engagement.ward_hooks for examples);
anything else is refused with a TypeError.

Sending (`send_place_alerts`) emails each confirmed subscriber once per run,
listing every new item for their places, and records each item in
SentAlertItem, whose unique key means no one hears about an item twice,
even if two runs overlap.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from engagement.conversation.models import ConsentRecord, SentAlertItem, Subscriber, Subscription
from home import contracts, ratelimit
from home.contracts import PlaceAlertItem
from home.mail import send_email_later

logger = logging.getLogger(__name__)

#: Bump when the sign-up wording changes; each consent record keeps the version seen.
ALERT_CONSENT_VERSION = "2024-1"
ALERT_CONSENT_WORDING = (
    "Email me when a story, engagement or result is published for this place. "
    "I can unsubscribe at any time with the link in every email."
)

CONFIRM_SALT = "engagement.conversation.alerts.confirm"
UNSUBSCRIBE_SALT = "engagement.conversation.alerts.unsubscribe"


def confirm_link_max_age() -> int:
    return getattr(settings, "CONVERSATION_CONFIRM_LINK_MAX_AGE", 7 * 24 * 3600)


def unsubscribe_link_max_age() -> int:
    return getattr(settings, "CONVERSATION_UNSUBSCRIBE_LINK_MAX_AGE", 366 * 24 * 3600)


def lookback() -> datetime.timedelta:
    """How far back a run looks for items (the sent-items table stops repeats)."""
    return datetime.timedelta(days=getattr(settings, "CONVERSATION_ALERT_LOOKBACK_DAYS", 14))


# --- Signed links ------------------------------------------------------------


def confirm_token(subscription: Subscription) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscription.token))


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.token))


class LinkProblem(Exception):
    """A link that cannot be used; `reason` is "expired", "invalid" or "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _unsign(token: str, salt: str, max_age: int) -> str:
    try:
        return signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkProblem("expired") from error
    except signing.BadSignature as error:
        raise LinkProblem("invalid") from error


def subscription_for_confirm_token(token: str) -> Subscription:
    """The pending subscription a confirmation link is for.

    Raises LinkProblem("used") for a genuine link whose subscription has been
    confirmed or unsubscribed since it was sent (its token has changed).
    """
    value = _unsign(token, CONFIRM_SALT, confirm_link_max_age())
    subscription = (
        Subscription.objects.select_related("place", "topic", "subscriber")
        .filter(token=value)
        .first()
    )
    if subscription is None:
        raise LinkProblem("used")
    return subscription


def subscriber_for_unsubscribe_token(token: str) -> Subscriber:
    value = _unsign(token, UNSUBSCRIBE_SALT, unsubscribe_link_max_age())
    subscriber = Subscriber.objects.filter(token=value).first()
    if subscriber is None:
        raise LinkProblem("invalid")
    return subscriber


def site_root_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


def absolute(url_path: str, base: str | None = None) -> str:
    return (base if base is not None else site_root_url()).rstrip("/") + url_path


def unsubscribe_url(subscriber: Subscriber, base: str | None = None) -> str:
    return absolute(reverse("conversation_unsubscribe", args=[unsubscribe_token(subscriber)]), base)


# --- Signing up, confirming, leaving -----------------------------------------


def consent_what(subscription: Subscription) -> str:
    topic = f" about {subscription.topic.name}" if subscription.topic_id else ""
    return f"Email alerts for {subscription.place.title}{topic}"[:300]


def confirmation_email_interval() -> int:
    """Seconds between two confirmation emails to one address, however often it is entered."""
    return getattr(settings, "ALERTS_CONFIRMATION_EMAIL_INTERVAL", 86400)


def sign_up(email: str, place, topic, request) -> None:
    """Send a link to confirm alerts for this address, at most once per interval.

    Nothing here is consent: the consent record is written when the owner of
    the address confirms (`confirm`). So that nobody can use the form to flood
    an inbox, an address gets at most one confirmation email per
    `confirmation_email_interval()`, counted in the shared rate-limit store
    under a keyed hash of the address; further requests change nothing and
    send nothing. The person sees the same "check your email" page whatever
    happened, so the form never tells anyone whether an address is signed up.
    """
    email = email.strip()
    if Subscription.objects.filter(
        subscriber__email__iexact=email,
        place=place,
        topic=topic,
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).exists():
        return
    if not ratelimit.claim_once(
        "alert-confirmation-email", email.lower(), period=confirmation_email_interval()
    ):
        return
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(
            email__iexact=email, defaults={"email": email}
        )
        subscription, _ = Subscription.objects.get_or_create(
            subscriber=subscriber, place=place, topic=topic
        )
        base = request.build_absolute_uri("/") if request is not None else None
        link = absolute(reverse("conversation_confirm", args=[confirm_token(subscription)]), base)
        context = {
            "subscription": subscription,
            "confirm_url": link,
            "days": confirm_link_max_age() // 86400,
        }
        send_email_later(
            subject=f"Confirm your email alerts for {place.title}",
            body=render_to_string("pages/conversation/email/confirm.txt", context),
            to=[subscriber.email],
        )


def confirm(subscription: Subscription) -> bool:
    """Confirm (the consent record is written now); False if the link was used meanwhile.

    The subscription's token changes, so the confirmation link works once:
    after this, or after an unsubscribe, it confirms nothing.
    """
    with transaction.atomic():
        current = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
        if current is None or current.token != subscription.token:
            return False
        subscription.confirmed_at = timezone.now()
        subscription.unsubscribed_at = None
        subscription.token = uuid.uuid4()
        subscription.save(update_fields=["confirmed_at", "unsubscribed_at", "token"])
        ConsentRecord.objects.create(
            subscription=subscription,
            action=ConsentRecord.Action.CONFIRMED,
            what=consent_what(subscription),
            wording_version=ALERT_CONSENT_VERSION,
        )
    return True


def unsubscribe(subscriber: Subscriber) -> int:
    """Stop every alert for this address; returns how many subscriptions ended.

    Every confirmation link sent to the address stops working too (each
    subscription gets a new token), so an old email cannot sign anyone up again.
    """
    now = timezone.now()
    with transaction.atomic():
        ending = list(
            subscriber.subscriptions.select_for_update(of=("self",))
            .filter(unsubscribed_at__isnull=True)
            .select_related("place", "topic")
        )
        for subscription in ending:
            subscription.unsubscribed_at = now
            subscription.token = uuid.uuid4()
        Subscription.objects.bulk_update(ending, ["unsubscribed_at", "token"])
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                subscription=subscription,
                action=ConsentRecord.Action.WITHDRAWN,
                what=consent_what(subscription),
                wording_version=ALERT_CONSENT_VERSION,
            )
            for subscription in ending
            if subscription.confirmed_at is not None
        )
    return len(ending)


# --- Sending -------------------------------------------------------------------


def collect_items(since: datetime.datetime) -> list[PlaceAlertItem]:
    items = {}
    for item in contracts.collect_items(contracts.PLACE_ALERT_ITEMS, since):
        if item.published_at >= since:
            items[(item.kind, str(item.item_id))] = item
    return sorted(items.values(), key=lambda item: (item.published_at, item.title))


def _matches(subscription: Subscription, item: PlaceAlertItem, topic_slugs: dict) -> bool:
    if subscription.place_id not in item.place_ids:
        return False
    if item.published_at < subscription.confirmed_at:
        return False
    if subscription.topic_id is None:
        return True
    return topic_slugs.get(subscription.topic_id) in item.topics


class SendResult(NamedTuple):
    items: int
    messages: int
    skipped: int


def send_alerts(now: datetime.datetime | None = None, progress=None) -> SendResult:
    """Email each confirmed subscriber one message listing the items new to them."""
    now = now or timezone.now()
    items = collect_items(now - lookback())
    if not items:
        return SendResult(0, 0, 0)
    place_ids = set().union(*(item.place_ids for item in items))
    subscriptions = list(
        Subscription.objects.filter(
            place_id__in=place_ids,
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
        ).select_related("subscriber", "place", "topic")
    )
    topic_slugs = {s.topic_id: s.topic.slug for s in subscriptions if s.topic_id}
    already = set(
        SentAlertItem.objects.filter(
            subscriber_id__in={s.subscriber_id for s in subscriptions},
            kind__in={item.kind for item in items},
            item_id__in={str(item.item_id) for item in items},
        ).values_list("subscriber_id", "kind", "item_id")
    )
    per_subscriber: dict[int, tuple[Subscriber, dict]] = {}
    for subscription in subscriptions:
        subscriber = subscription.subscriber
        for item in items:
            key = (subscriber.pk, item.kind, str(item.item_id))
            if key in already or not _matches(subscription, item, topic_slugs):
                continue
            entry = per_subscriber.setdefault(subscriber.pk, (subscriber, {}))
            entry[1][(item.kind, str(item.item_id))] = (item, subscription.place)
    base = site_root_url()
    messages = skipped = 0
    total = len(per_subscriber)
    for position, (subscriber, found) in enumerate(per_subscriber.values(), start=1):
        try:
            with transaction.atomic():
                # Claim the items first: a concurrent run that claimed any of
                # them makes this insert fail, and nothing is sent twice.
                SentAlertItem.objects.bulk_create(
                    SentAlertItem(subscriber=subscriber, kind=kind, item_id=item_id)
                    for kind, item_id in found
                )
                _send_alert_email(subscriber, list(found.values()), base)
        except IntegrityError:
            skipped += 1
            logger.info("Alert for subscriber %s already sent by another run", subscriber.pk)
            continue
        except (smtplib.SMTPException, OSError):
            # Nothing was recorded, so the next run tries this subscriber again.
            skipped += 1
            logger.exception("Could not send the alert to subscriber %s", subscriber.pk)
            continue
        messages += 1
        if progress:
            progress(position, total)
    return SendResult(len(items), messages, skipped)


def _send_alert_email(subscriber: Subscriber, found: list, base: str) -> None:
    places = sorted({place.title for _item, place in found})
    link = unsubscribe_url(subscriber, base)
    context = {
        "items": [item for item, _place in found],
        "places": places,
        "unsubscribe_url": link,
        "signup_url": absolute(reverse("conversation_alerts_signup"), base),
    }
    subject = f"New for {', '.join(places)}" if len(places) < 4 else "New in your places"
    send_email_later(
        subject=subject,
        body=render_to_string("pages/conversation/email/alert.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def story_alert_items(since: datetime.datetime) -> Iterable[PlaceAlertItem]:
    """Published stories: registered under the hook in engagement.conversation.wagtail_hooks."""
    from engagement.conversation.models import StoryPage

    stories = (
        StoryPage.objects.live()
        .public()
        .filter(first_published_at__gte=since)
        .prefetch_related("places", "tags")
    )
    for story in stories:
        yield PlaceAlertItem(
            kind="story",
            item_id=str(story.pk),
            title=story.title,
            url=story.get_full_url() or "",
            published_at=story.first_published_at,
            place_ids=frozenset(place.pk for place in story.places.all()),
            topics=frozenset(tag.slug for tag in story.tags.all()),
        )
