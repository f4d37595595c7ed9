"""Email leaves the citizen's request and survives a mail outage.

These tests use the database task backend (the default outside tests) and
run queued tasks through django-tasks-db's own worker loop, moving the clock
on by rewriting `run_after` instead of sleeping.
"""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from home.mail import send_email_later
from home.tasks import retry_delay, send_email_task
from tests.factories.councillor_pages import CouncillorIndexPageFactory, CouncillorPageFactory
from tests.helpers.forms import post_form

pytestmark = pytest.mark.django_db

MESSAGE = "The footpath on Example Lane is flooded."


class FlakyEmailBackend(EmailBackend):
    """The test mail server: refuses the next `failures` messages, then delivers to mail.outbox."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).failures > 0:
            type(self).failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def queue(settings, monkeypatch):
    """The database backend, and a worker that runs every task that is due, then stops."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = f"{__name__}.FlakyEmailBackend"
    settings.EMAIL_MAX_ATTEMPTS = 4
    settings.EMAIL_RETRY_DELAY_SECONDS = 60
    settings.EMAIL_RETRY_MAX_DELAY_SECONDS = 3600
    FlakyEmailBackend.failures = 0
    FlakyEmailBackend.attempts = 0
    # The worker drops "stale" connections between tasks; in a test that would
    # be the test's own transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run_due_tasks():
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run_due_tasks


def email_tasks():
    return DBTaskResult.objects.filter(task_path=send_email_task.module_path)


def waiting():
    return email_tasks().filter(status=TaskResultStatus.READY)


def advance_to_next_attempt():
    """Let the back-off pass: make the one waiting retry due now; returns its wait in seconds."""
    (task,) = waiting()
    delay = task.run_after - task.enqueued_at
    waiting().update(run_after=timezone.now())
    return round(delay.total_seconds())


def test_a_mail_outage_during_the_request_still_shows_success_and_the_email_arrives_later(
    home_page, client, queue, caplog
):
    councillor = CouncillorPageFactory(parent=CouncillorIndexPageFactory(parent=home_page))
    FlakyEmailBackend.failures = 2

    response = post_form(
        client,
        councillor.url,
        {"name": "Pat O'Neill", "email": "pat@example.com", "message": MESSAGE, "consent": "on"},
    )
    assert response.status_code == 302
    assert "Message sent" in client.get(response["Location"]).content.decode()
    # Nothing was sent inside the request; the message waits in the queue.
    assert FlakyEmailBackend.attempts == 0
    assert waiting().count() == 1

    with caplog.at_level(logging.WARNING, logger="home.tasks"):
        queue()  # attempt 1: the server is down
        assert mail.outbox == []
        assert advance_to_next_attempt() == 60
        queue()  # attempt 2: still down; the wait doubles
        assert mail.outbox == []
        assert advance_to_next_attempt() == 120
        queue()  # attempt 3: delivered

    assert FlakyEmailBackend.attempts == 3
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [councillor.email]
    assert message.reply_to == ["pat@example.com"]
    assert MESSAGE in message.body
    assert "Pat O'Neill" in message.subject

    attempts = list(email_tasks().order_by("enqueued_at"))
    assert [t.status for t in attempts] == [
        TaskResultStatus.FAILED,
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    ]
    assert "SMTPServerDisconnected" in attempts[0].exception_class_path
    failures = [r.getMessage() for r in caplog.records if r.name == "home.tasks"]
    assert len(failures) == 2
    assert "attempt 1 of 4" in failures[0] and "again in 60 seconds" in failures[0]
    assert "attempt 2 of 4" in failures[1] and "again in 120 seconds" in failures[1]
    # Every attempt carried the same message identity, so a duplicate can be recognised.
    message_ids = {t.return_value["message_id"] for t in attempts[2:]}
    assert message_ids == {message.extra_headers["Message-ID"]}
    # The queue does not keep the citizen's message once it is done with it.
    for task in attempts:
        assert MESSAGE not in str(task.args_kwargs)
        assert "pat@example.com" not in str(task.args_kwargs)


def test_an_email_that_keeps_failing_is_given_up_with_an_error_in_the_log(queue, caplog):
    FlakyEmailBackend.failures = 100
    send_email_later(subject="Hello", body="Body", to=["someone@example.org"])

    with caplog.at_level(logging.WARNING, logger="home.tasks"):
        queue()
        for _ in range(3):
            advance_to_next_attempt()
            queue()

    assert FlakyEmailBackend.attempts == 4
    assert mail.outbox == []
    assert not waiting().exists()
    assert email_tasks().filter(status=TaskResultStatus.FAILED).count() == 4
    errors = [r for r in caplog.records if r.name == "home.tasks" and r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "Gave up on email" in errors[0].getMessage()
    assert "after 4 attempts" in errors[0].getMessage()
    assert "someone@example.org" not in errors[0].getMessage()


def test_an_email_queued_in_a_transaction_that_rolls_back_is_never_sent(queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_email_later(subject="Hello", body="Body", to=["someone@example.org"])
        assert waiting().count() == 1  # written with the data it is about
        raise RuntimeError("the request failed")
    assert not email_tasks().exists()
    queue()
    assert mail.outbox == []


def test_a_line_break_in_a_subject_cannot_break_the_message(queue):
    send_email_later(
        subject="Invitation to visit Example\r\nBcc: x@example.org", body="B", to=["a@example.org"]
    )
    queue()
    assert mail.outbox[0].subject == "Invitation to visit Example Bcc: x@example.org"
    assert mail.outbox[0].bcc == []


def test_without_the_database_backend_a_mail_outage_is_still_no_error_page(
    home_page, client, settings
):
    """The immediate backend (tests' default) sends after commit; failures never reach the page."""
    settings.EMAIL_BACKEND = f"{__name__}.FlakyEmailBackend"
    FlakyEmailBackend.failures = 100
    FlakyEmailBackend.attempts = 0
    councillor = CouncillorPageFactory(parent=CouncillorIndexPageFactory(parent=home_page))
    response = post_form(
        client,
        councillor.url,
        {"name": "Zoë", "email": "zoe@example.com", "message": MESSAGE, "consent": "on"},
    )
    assert response.status_code == 302
    assert FlakyEmailBackend.attempts == settings.EMAIL_MAX_ATTEMPTS


def test_the_back_off_doubles_and_is_capped(settings):
    settings.EMAIL_RETRY_DELAY_SECONDS = 60
    settings.EMAIL_RETRY_MAX_DELAY_SECONDS = 600
    assert [retry_delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]
