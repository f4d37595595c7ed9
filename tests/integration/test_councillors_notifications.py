"""Councillors at the heart: told once about each engagement in their ward, and a weekly digest.

These tests stand in for the engagement app with doubles that honour the
contract in home/contracts.py (WARD_ENGAGEMENTS, WARD_ENGAGEMENT_DIGEST).
"""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from wagtail import hooks

from councillor_pages.models import DigestDelivery, EngagementNotification
from councillor_pages.notifications import notify_ward_councillors_of_engagement
from home.contracts import (
    WARD_ENGAGEMENT_DIGEST,
    WARD_ENGAGEMENTS,
    DigestComment,
    WardActivity,
    WardEngagement,
)
from tests.factories.councillor_pages import CouncillorPageFactory
from tests.factories.places import WardFactory

pytestmark = pytest.mark.django_db

OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def wards(home_page):
    ward, other = WardFactory(), WardFactory()
    ours = [CouncillorPageFactory(ward=ward) for _ in range(3)]
    theirs = [CouncillorPageFactory(ward=other) for _ in range(3)]
    return ward, other, ours, theirs


def _open(ward, key="place-standard:1", title="How good is Example Town?"):
    """What the scheduled `notify_ward_councillors` run does for each open engagement."""
    notify_ward_councillors_of_engagement(
        [ward.pk],
        title,
        "https://ourplaces.example.org/places/example-town/have-your-say/",
        OPENS,
        key=key,
    )


def test_opening_a_form_emails_each_ward_councillor_once_and_nobody_else(
    wards, django_capture_on_commit_callbacks
):
    ward, _other, ours, theirs = wards
    with django_capture_on_commit_callbacks(execute=True):
        _open(ward)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in ours)
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert not {c.email for c in theirs} & {m.to[0] for m in mail.outbox}
    message = mail.outbox[0]
    assert "How good is Example Town?" in message.subject
    assert ward.name in message.subject
    assert "https://ourplaces.example.org/places/example-town/have-your-say/" in message.body
    assert EngagementNotification.objects.count() == 3

    # The same engagement announced again (a re-publish, a retried task) sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        _open(ward)
    assert len(mail.outbox) == 3


def test_nothing_is_sent_until_the_senders_transaction_commits(wards):
    ward, *_ = wards
    with pytest.raises(RuntimeError), transaction.atomic():
        _open(ward)
        raise RuntimeError("the sender's transaction rolls back")
    assert mail.outbox == []
    assert not EngagementNotification.objects.exists()

    with transaction.atomic():
        _open(ward)
        assert mail.outbox == []
    assert len(mail.outbox) == 3


def test_councillors_without_an_email_address_are_skipped_and_a_new_councillor_is_told_later(
    wards, django_capture_on_commit_callbacks
):
    ward, _other, ours, _theirs = wards
    CouncillorPageFactory(ward=ward, email="")
    with django_capture_on_commit_callbacks(execute=True):
        _open(ward)
    assert len(mail.outbox) == 3
    newcomer = CouncillorPageFactory(ward=ward)
    with django_capture_on_commit_callbacks(execute=True):
        _open(ward)
    assert [m.to for m in mail.outbox[3:]] == [[newcomer.email]]


def test_the_command_announces_engagements_found_through_the_hook_once(wards):
    """A form scheduled to open later is found by the command when its time comes."""
    ward, other, ours, theirs = wards

    def open_engagements(ward_ids):
        assert ward_ids is None  # the command asks about every ward
        return [
            WardEngagement(
                key="place-standard:7",
                title="Rate Example Village",
                url="https://ourplaces.example.org/example-village/rate/",
                ward_ids=(ward.pk,),
                opens_at=OPENS,
                closes_at=OPENS + timedelta(days=28),
            )
        ]

    out = io.StringIO()
    with hooks.register_temporarily(WARD_ENGAGEMENTS, open_engagements):
        call_command("notify_ward_councillors", stdout=out)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in ours)
        assert "1 open engagement(s): 3 email(s) sent" in out.getvalue()
        call_command("notify_ward_councillors", stdout=(out := io.StringIO()))
    assert len(mail.outbox) == 3
    assert "0 email(s) sent, 3 already sent" in out.getvalue()


def test_the_weekly_digest_counts_responses_and_comments_per_ward(wards):
    ward, other, ours, theirs = wards
    quiet = WardFactory()
    quiet_councillor = CouncillorPageFactory(ward=quiet)
    seen = {}

    def digest(ward_ids, since, until):
        seen["args"] = (sorted(ward_ids), since, until)
        return [
            WardActivity(
                ward_id=ward.pk,
                new_responses=12,
                comments=(
                    DigestComment(text="More benches in the park, please.", place="Example Town"),
                    DigestComment(text="The bus to the hospital is too infrequent."),
                ),
            ),
            WardActivity(ward_id=other.pk, new_responses=1),
        ]

    def second_source(ward_ids, since, until):
        # A second implementation (e.g. paper responses) adds to the first.
        return [WardActivity(ward_id=ward.pk, new_responses=3)]

    out = io.StringIO()
    with (
        hooks.register_temporarily(WARD_ENGAGEMENT_DIGEST, digest),
        hooks.register_temporarily(WARD_ENGAGEMENT_DIGEST, second_source),
    ):
        call_command("send_councillor_digest", "--until", "2026-03-09", stdout=out)

    ward_ids, since, until = seen["args"]
    assert ward_ids == sorted({ward.pk, other.pk, quiet.pk})
    assert until - since == timedelta(days=7)
    assert until.date().isoformat() == "2026-03-09"
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 7
    for councillor in ours:
        body = by_recipient[councillor.email].body
        assert "New responses: 15" in body
        assert "Moderated comments: 2" in body
        assert "More benches in the park, please." in body
        assert "(Example Town)" in body
    for councillor in theirs:
        assert "New responses: 1\n" in by_recipient[councillor.email].body
        assert "Moderated comments: 0" in by_recipient[councillor.email].body
    assert "New responses: 0" in by_recipient[quiet_councillor.email].body
    assert DigestDelivery.objects.get(councillor=ours[0]).new_responses == 15
    assert "7 sent" in out.getvalue()

    # Run again for the same week: nothing is sent twice.
    call_command("send_councillor_digest", "--until", "2026-03-09", stdout=(out := io.StringIO()))
    assert len(mail.outbox) == 7
    assert "0 sent, 7 already sent" in out.getvalue()
