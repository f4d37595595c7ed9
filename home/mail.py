"""Email leaves the citizen's request: every message the site sends goes through here.

Contract for every app: call `send_email_later(...)` inside the request (or a
command). The message becomes a background task (`home.tasks.send_email_task`)
that the worker sends, retrying with back-off when the mail server fails, so a
mail outage never becomes an error page and a rolled-back request sends
nothing:

- with the database task backend (the default) the task row is written in the
  caller's transaction, so it is committed with the data it is about or not at
  all, and no crash between "committed" and "queued" can lose it;
- with any other backend the task is enqueued once the transaction commits.

Each message gets its Message-ID here, once, so every retry of it carries the
same identity (receiving servers can drop a duplicate if a retry follows a
send whose success was never reported back).
"""

from __future__ import annotations

import logging
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import transaction

from home.text import single_line

logger = logging.getLogger(__name__)


def send_email_later(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str] | None = None,
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue one plain-text email for sending after the current transaction commits."""
    from home.tasks import enqueue_email, queues_in_transaction

    from_email = from_email or settings.DEFAULT_FROM_EMAIL
    to = [address for address in (single_line(a) for a in to) if address]
    if not to:
        # Retrying could never help: say so now, in the code that asked.
        logger.warning("Email %r has no recipient; not sent", single_line(subject))
        return
    message = {
        # A header cannot hold a line break: one in a subject built from what a
        # citizen typed would make every attempt fail.
        "subject": single_line(subject),
        "body": body,
        "to": to,
        "reply_to": [single_line(address) for address in reply_to or []],
        "from_email": single_line(from_email),
        "headers": {name: single_line(value) for name, value in (headers or {}).items()},
        "message_id": make_msgid(domain=_sender_domain(from_email)),
    }
    if queues_in_transaction():
        enqueue_email(message)
    else:
        transaction.on_commit(lambda: enqueue_email(message), robust=True)


def _sender_domain(from_email: str) -> str:
    _name, address = parseaddr(from_email)
    return address.rpartition("@")[2] or "localhost"
