"""Email leaves the citizen's request: every message the site sends goes through here.

Contract for every app: call `send_email_later(...)` inside the request (or a
command); the message is handed to a background task once the surrounding
transaction commits, so a mail outage never becomes an error page and a
rolled-back request sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction


def send_email_later(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str] | None = None,
    from_email: str | None = None,
) -> None:
    """Queue one plain-text email for sending after the current transaction commits."""

    def _send():
        EmailMessage(
            subject=subject,
            body=body,
            from_email=from_email or settings.DEFAULT_FROM_EMAIL,
            to=list(to),
            reply_to=list(reply_to or []),
        ).send()

    transaction.on_commit(_send)
