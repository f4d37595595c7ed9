"""Background tasks for side effects that must survive failure: email first of all.

django-tasks runs a task once and records its outcome; neither it nor the
database backend retries. Retrying is ours: when sending fails, the task
enqueues its next attempt with `run_after` pushed back exponentially
(`EMAIL_RETRY_DELAY_SECONDS` * 2^(attempt-1), capped at
`EMAIL_RETRY_MAX_DELAY_SECONDS`), logs a warning, and re-raises so this attempt
is recorded as failed. After `EMAIL_MAX_ATTEMPTS` it gives up with an error
log naming the message, never its contents.

Each attempt enqueues the next only when its own send raised, so one message
is one chain of attempts and at most one of them succeeds. Once an attempt
finishes, the stored copy of its arguments (addresses and text a citizen
typed) is cleared: the queue is not a second place where personal data lives.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_RETRY_DELAY_SECONDS = 60
DEFAULT_RETRY_MAX_DELAY_SECONDS = 6 * 3600


def max_attempts() -> int:
    return max(1, int(getattr(settings, "EMAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, ...)."""
    base = getattr(settings, "EMAIL_RETRY_DELAY_SECONDS", DEFAULT_RETRY_DELAY_SECONDS)
    cap = getattr(settings, "EMAIL_RETRY_MAX_DELAY_SECONDS", DEFAULT_RETRY_MAX_DELAY_SECONDS)
    return timedelta(seconds=min(cap, base * 2 ** (attempt - 1)))


def queues_in_transaction() -> bool:
    """Whether enqueueing writes to our own database, so it can join the caller's transaction."""
    from django_tasks_db import DatabaseBackend

    return isinstance(send_email_task.get_backend(), DatabaseBackend)


def enqueue_email(message: dict, attempt: int = 1) -> None:
    """Queue attempt number `attempt` of `message` (the kwargs built by home.mail)."""
    queued = send_email_task
    if attempt > 1 and send_email_task.get_backend().supports_defer:
        queued = send_email_task.using(run_after=timezone.now() + retry_delay(attempt - 1))
    queued.enqueue(attempt=attempt, **message)


@task()
def send_email_task(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str],
    from_email: str,
    headers: dict[str, str],
    message_id: str,
    attempt: int = 1,
):
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to,
        headers={**headers, "Message-ID": message_id},
    )
    try:
        message.send()
    except Exception as error:
        limit = max_attempts()
        if attempt >= limit:
            logger.error(
                "Gave up on email %s to %d recipient(s) after %d attempts: %r",
                message_id,
                len(to),
                attempt,
                error,
            )
            raise
        delay = retry_delay(attempt)
        enqueue_email(
            {
                "subject": subject,
                "body": body,
                "to": to,
                "reply_to": reply_to,
                "from_email": from_email,
                "headers": headers,
                "message_id": message_id,
            },
            attempt=attempt + 1,
        )
        logger.warning(
            "Email %s failed on attempt %d of %d (%r); trying again in %d seconds",
            message_id,
            attempt,
            limit,
            error,
            delay.total_seconds(),
        )
        raise
    return {"message_id": message_id, "attempt": attempt}


@receiver(task_finished)
def forget_sent_email(sender, task_result, **kwargs):
    """Clear a finished email attempt's stored arguments, keeping only its identity."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if task_result.task.module_path != send_email_task.module_path:
        return
    if not isinstance(task_backends[task_result.backend], DatabaseBackend):
        return
    if task_result.status not in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
        return
    kept = {key: task_result.kwargs[key] for key in ("message_id", "attempt")}
    DBTaskResult.objects.filter(pk=task_result.id).update(args_kwargs={"args": [], "kwargs": kept})
