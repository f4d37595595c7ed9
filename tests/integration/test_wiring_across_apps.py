"""The apps working together through their hooks, with no test doubles.

Each app defines its contract and is tested against doubles in its own
tests; these tests prove the real implementations are wired: engagement
tells councillor pages about open forms and responses, councillor pages tell
schools who the ward's councillors are.
"""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from councillor_pages.engagements import open_engagements_for_wards, ward_digests
from schools.notifications import ward_contacts
from tests.factories.councillor_pages import CouncillorPageFactory
from tests.factories.engagement import PlaceStandardFormPageFactory, SubmissionFactory
from tests.factories.places import PlacePageFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wards(home_page):
    return WardFactory(name="Ashbrow"), WardFactory(name="Newsome")


def test_an_open_form_reaches_only_its_wards_councillors_once(wards):
    ashbrow, newsome = wards
    place = PlacePageFactory(title="Fartown", wards=[ashbrow])
    ours = [CouncillorPageFactory(ward=ashbrow) for _ in range(3)]
    CouncillorPageFactory(ward=newsome)
    form = PlaceStandardFormPageFactory(parent=place, place=place, title="How good is Fartown?")

    call_command("notify_ward_councillors", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("notify_ward_councillors", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert sorted(message.to[0] for message in mail.outbox) == sorted(c.email for c in ours)
    assert all(form.title in message.body for message in mail.outbox)


def test_councillor_page_shows_the_wards_open_form(client, wards):
    ashbrow, _ = wards
    place = PlacePageFactory(title="Sheepridge", wards=[ashbrow])
    councillor = CouncillorPageFactory(ward=ashbrow)
    PlaceStandardFormPageFactory(parent=place, place=place, title="How good is Sheepridge?")
    closed = PlaceStandardFormPageFactory(
        parent=place,
        place=place,
        title="Last year's round",
        opens_at=timezone.now() - datetime.timedelta(days=60),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )

    engagements = open_engagements_for_wards([ashbrow.pk])
    html = client.get(councillor.url).content.decode()

    assert [e.title for e in engagements] == ["How good is Sheepridge?"]
    assert "How good is Sheepridge?" in html
    assert closed.title not in html


def test_digest_counts_accepted_responses_per_ward(wards):
    ashbrow, newsome = wards
    place = PlacePageFactory(wards=[ashbrow])
    form = PlaceStandardFormPageFactory(parent=place, place=place)
    for _ in range(3):
        SubmissionFactory(form_page=form)
    SubmissionFactory(form_page=form, status="spam")
    now = timezone.now()

    digests = ward_digests([ashbrow.pk, newsome.pk], now - datetime.timedelta(days=7), now)

    assert digests[ashbrow.pk].new_responses == 3
    assert digests[newsome.pk].new_responses == 0


def test_school_invitations_go_to_the_wards_councillors(wards):
    ashbrow, newsome = wards
    councillor = CouncillorPageFactory(ward=ashbrow, email="a.example@example.org")
    CouncillorPageFactory(ward=newsome)
    CouncillorPageFactory(ward=ashbrow, email="draft@example.org", live=False)

    assert ward_contacts(ashbrow) == [councillor.email]


def test_subscribers_hear_once_when_a_form_opens_for_their_place(wards):
    from engagement.conversation.alerts import send_alerts
    from tests.factories.conversation import SubscriptionFactory

    ashbrow, _ = wards
    place = PlacePageFactory(title="Bradley", wards=[ashbrow])
    elsewhere = PlacePageFactory(title="Lockwood")
    ours = SubscriptionFactory(place=place)
    SubscriptionFactory(place=elsewhere)
    PlaceStandardFormPageFactory(parent=place, place=place, title="How good is Bradley?")
    PlaceStandardFormPageFactory(
        parent=place,
        place=place,
        title="Opens next month",
        opens_at=timezone.now() + datetime.timedelta(days=30),
        closes_at=timezone.now() + datetime.timedelta(days=60),
    )

    send_alerts()
    send_alerts()

    assert [message.to for message in mail.outbox] == [[ours.subscriber.email]]
    assert "How good is Bradley?" in mail.outbox[0].body
    assert "Opens next month" not in mail.outbox[0].body


def test_digest_sends_only_comments_approved_that_week_as_approved(wards, admin_user):
    from engagement.models import ThemeScore
    from engagement.moderation import moderate

    ashbrow, newsome = wards
    place = PlacePageFactory(title="Fartown", wards=[ashbrow])
    form = PlaceStandardFormPageFactory(parent=place, place=place)
    texts = ["Approved as typed", "Call Jo on 07700 900123 about the bins", "Rejected rant", "Wait"]
    for text in texts:
        SubmissionFactory(form_page=form, scores={"moving_around": (3, text)})
    comments = {c.comment: c for c in ThemeScore.objects.all()}
    moderate(comments[texts[0]], "approved", admin_user)
    moderate(comments[texts[1]], "redacted", admin_user, "Call Jo on [redacted] about the bins")
    moderate(comments[texts[2]], "rejected", admin_user)
    now = timezone.now()

    digests = ward_digests([ashbrow.pk, newsome.pk], now - datetime.timedelta(days=7), now)
    last_week = ward_digests(
        [ashbrow.pk], now - datetime.timedelta(days=14), now - datetime.timedelta(days=7)
    )

    sent = sorted(comment.text for comment in digests[ashbrow.pk].comments)
    assert sent == ["Approved as typed", "Call Jo on [redacted] about the bins"]
    assert {comment.place for comment in digests[ashbrow.pk].comments} == {"Fartown"}
    assert digests[newsome.pk].comments == []
    assert last_week[ashbrow.pk].comments == []


def test_subscribers_hear_once_when_results_are_published_for_their_place(wards):
    from engagement.conversation.alerts import send_alerts
    from tests.factories.conversation import SubscriptionFactory
    from tests.factories.engagement import PlaceInsightFactory

    ashbrow, _ = wards
    place = PlacePageFactory(title="Deighton", wards=[ashbrow])
    other = PlacePageFactory(title="Birkby")
    ours = SubscriptionFactory(place=place)
    insight = PlaceInsightFactory(place=place, round_label="Autumn 2026", live=False)
    PlaceInsightFactory(place=other, live=False)

    send_alerts()
    assert mail.outbox == []  # drafts are never announced

    insight.save_revision().publish()
    send_alerts()
    send_alerts()

    assert [message.to for message in mail.outbox] == [[ours.subscriber.email]]
    body = mail.outbox[0].body
    assert "What we heard: Deighton, autumn 2026" in body
    assert f"/results/{place.pk}/round-1/" in body
