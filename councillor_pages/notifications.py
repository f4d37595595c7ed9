"""Email to councillors: engagement in their ward, weekly digests, citizens' messages.

Nothing here sends inside a citizen's request: every message goes through
`home.mail.send_email_later`, a background task that retries with back-off
when the mail server fails. Engagement notices and digests are built by
commands run on a schedule (`notify_ward_councillors` finds every open
engagement through home.contracts.WARD_ENGAGEMENTS); a contact message is
handed to the email task as it stands (the task forgets it once sent), never
stored as a record.

Each notice is recorded in the same transaction that queues its email: if
queueing fails the record rolls back and a later run tries again; once it is
queued, the email task delivers it (retrying as needed) and no later run (or a
second worker racing this one, stopped by the unique constraint) queues it
again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from councillor_pages.engagements import open_engagements_for_wards, ward_digests
from councillor_pages.models import CouncillorPage, DigestDelivery, EngagementNotification
from home.mail import send_email_later

logger = logging.getLogger(__name__)


@dataclass
class SendSummary:
    sent: int = 0
    already_sent: int = 0
    no_email: int = 0
    failed: int = 0
    recipients: list[str] = field(default_factory=list)


def _ward_councillors(ward_ids):
    return (
        CouncillorPage.objects.live()
        .filter(ward_id__in=list(ward_ids))
        .select_related("ward")
        .order_by("sort_name", "pk")
    )


def _send_once(record, message: dict, summary: SendSummary) -> None:
    """Record the notice and queue its email together (`message`: send_email_later's kwargs)."""
    try:
        with transaction.atomic():
            record.save()
            send_email_later(**message)
    except IntegrityError:
        summary.already_sent += 1
    except Exception:
        logger.exception("Could not queue email to %s", message["to"])
        summary.failed += 1
    else:
        summary.sent += 1
        summary.recipients.extend(message["to"])


def notify_ward_councillors_of_engagement(
    ward_ids, title: str, url: str, opens_at=None, key: str | None = None, closes_at=None
) -> SendSummary:
    """Email each live councillor of `ward_ids` about an engagement, once per engagement.

    `key` identifies the engagement across runs (default: its URL), so a
    re-run command or a retried task never emails a councillor twice.
    """
    key = key or url
    summary = SendSummary()
    already = set(
        EngagementNotification.objects.filter(engagement_key=key).values_list(
            "councillor_id", flat=True
        )
    )
    for councillor in _ward_councillors(ward_ids):
        if councillor.pk in already:
            summary.already_sent += 1
            continue
        if not councillor.email:
            summary.no_email += 1
            continue
        context = {
            "councillor": councillor,
            "title": title,
            "url": url,
            "opens_at": _as_datetime(opens_at),
            "closes_at": _as_datetime(closes_at),
        }
        message = {
            "subject": f"Engagement now open in {councillor.ward.name}: {title}",
            "body": render_to_string(
                "components/councillor_pages/email/engagement_opened.txt", context
            ),
            "to": [councillor.email],
        }
        record = EngagementNotification(
            councillor=councillor, engagement_key=key, title=title[:255]
        )
        _send_once(record, message, summary)
    return summary


def notify_open_engagements() -> tuple[int, SendSummary]:
    """Tell councillors about every engagement open now that they have not heard of yet."""
    total = SendSummary()
    engagements = open_engagements_for_wards(None)
    for engagement in engagements:
        summary = notify_ward_councillors_of_engagement(
            engagement.ward_ids,
            engagement.title,
            engagement.url,
            engagement.opens_at,
            key=engagement.key,
            closes_at=engagement.closes_at,
        )
        _add(total, summary)
    return len(engagements), total


def _add(total: SendSummary, summary: SendSummary) -> None:
    total.sent += summary.sent
    total.already_sent += summary.already_sent
    total.no_email += summary.no_email
    total.failed += summary.failed
    total.recipients.extend(summary.recipients)


def _as_datetime(value):
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value or None


def digest_period(until: datetime | None = None, days: int = 7) -> tuple[datetime, datetime]:
    """The `days` before midnight (local time) at the start of `until`'s day."""
    until = timezone.localtime(until or timezone.now())
    end = until.replace(hour=0, minute=0, second=0, microsecond=0)
    return end - timedelta(days=days), end


def send_weekly_digests(since: datetime, until: datetime) -> SendSummary:
    """Send each councillor the new responses and moderated comments from their ward."""
    summary = SendSummary()
    councillors = list(
        CouncillorPage.objects.live().filter(ward__isnull=False).select_related("ward")
    )
    digests = ward_digests({c.ward_id for c in councillors}, since, until)
    already = set(
        DigestDelivery.objects.filter(period_end=until).values_list("councillor_id", flat=True)
    )
    for councillor in councillors:
        if councillor.pk in already:
            summary.already_sent += 1
            continue
        if not councillor.email:
            summary.no_email += 1
            continue
        digest = digests[councillor.ward_id]
        context = {
            "councillor": councillor,
            "ward": councillor.ward,
            "digest": digest,
            "since": timezone.localtime(since),
            "until": timezone.localtime(until),
        }
        message = {
            "subject": f"This week in {councillor.ward.name}: {digest.new_responses} new "
            f"response{'' if digest.new_responses == 1 else 's'}",
            "body": render_to_string(
                "components/councillor_pages/email/weekly_digest.txt", context
            ),
            "to": [councillor.email],
        }
        record = DigestDelivery(
            councillor=councillor,
            period_start=since,
            period_end=until,
            new_responses=digest.new_responses,
            comments=len(digest.comments),
        )
        _send_once(record, message, summary)
    return summary


def send_contact_message(councillor_id: int, name: str, email: str, message: str) -> bool:
    """Email a citizen's message to the councillor, with Reply-To set to the citizen."""
    councillor = CouncillorPage.objects.live().filter(pk=councillor_id).first()
    if councillor is None or not councillor.email:
        return False
    body = render_to_string(
        "components/councillor_pages/email/contact_message.txt",
        {"councillor": councillor, "name": name, "email": email, "message": message},
    )
    send_email_later(
        subject=f"Message from {name} through {settings.WAGTAIL_SITE_NAME}",
        body=body,
        to=[councillor.email],
        reply_to=[email],
    )
    return True


def queue_contact_message(councillor: CouncillorPage, data: dict, request=None) -> None:
    """Queue the email to the councillor; it leaves with the background email task."""
    send_contact_message(councillor.pk, data["name"], data["email"], data["message"])
