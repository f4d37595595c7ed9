"""Email alerts: double opt-in, signed links, consent records, sending and unsubscribing.

Sign-up emails leave through home.mail after the request's transaction
commits; these tests run inside a transaction that never commits, so each
sign-up runs its on-commit callbacks (`django_capture_on_commit_callbacks`).
"""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from engagement.conversation import alerts
from engagement.conversation.models import ConsentRecord, SentAlertItem, Subscriber, Subscription
from home.contracts import PLACE_ALERT_ITEMS, PlaceAlertItem
from tests.factories.conversation import (
    StoryIndexPageFactory,
    StoryPageFactory,
    SubscriberFactory,
    SubscriptionFactory,
)
from tests.factories.places import PlacePageFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/alerts/"


@pytest.fixture
def place(home_page):
    return PlacePageFactory(title="Example Town")


@pytest.fixture
def index(home_page):
    return StoryIndexPageFactory()


def link_path(text, name):
    match = re.search(rf"https?://[^/\s]+(/alerts/{name}/[^\s]+/)", text)
    assert match, text
    return match.group(1)


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    def sign_up(place, email="resident@example.org", **meta):
        data = {"email": email, "place": str(place.pk), "consent": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP, data, **{**SAME_ORIGIN, **meta})

    return sign_up


#: What a browser sends with a form posted from this site.
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


def confirm_by_post(client, path):
    return client.post(path, **SAME_ORIGIN)


def run_sending():
    call_command("send_place_alerts", verbosity=0)


def test_sign_up_sends_a_confirmation_and_records_no_consent_yet(sign_up, place):
    response = sign_up(place)
    assert response.status_code == 302
    assert response["Location"].startswith("/alerts/check-your-email/")
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    assert subscription.subscriber.email == "resident@example.org"
    # Anyone can type anyone's address: consent is only recorded on confirmation.
    assert not ConsentRecord.objects.exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["resident@example.org"]
    assert "/alerts/confirm/" in mail.outbox[0].body


def test_sign_up_errors_are_shown_and_nothing_is_stored(client, place):
    response = client.post(SIGNUP, {"email": "nope", "place": str(place.pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter an email address in the correct format" in html
    assert "Tick the box to agree to receive email alerts" in html
    assert 'value="nope"' in html
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_opening_a_confirmation_link_confirms_nothing(client, sign_up, place):
    """Mail scanners open every link: a GET (or HEAD) only shows the Confirm button."""
    sign_up(place)
    path = link_path(mail.outbox[0].body, "confirm")
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<form method="post" action="{path}">' in html
        assert ">Confirm</button>" in html
        assert client.head(path).status_code == 200
    assert Subscription.objects.get().confirmed_at is None
    assert not ConsentRecord.objects.exists()


def test_confirming_by_post_records_consent_and_the_link_works_once(client, sign_up, place):
    sign_up(place)
    path = link_path(mail.outbox[0].body, "confirm")
    response = confirm_by_post(client, path)
    assert response.status_code == 200
    assert "Email alerts confirmed" in response.content.decode()
    subscription = Subscription.objects.get()
    first = subscription.confirmed_at
    assert first is not None
    record = ConsentRecord.objects.get()
    assert record.action == ConsentRecord.Action.CONFIRMED
    assert record.what == "Email alerts for Example Town"
    assert record.wording_version == alerts.ALERT_CONSENT_VERSION
    for again in (client.get(path), confirm_by_post(client, path)):
        assert again.status_code == 400
        assert "This link has already been used" in again.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at == first
    assert ConsentRecord.objects.count() == 1


def test_a_confirmation_link_does_nothing_after_unsubscribe(client, sign_up, place, settings):
    """The reported attack: an old confirmation email re-subscribed people who had left."""
    settings.ALERTS_CONFIRMATION_EMAIL_INTERVAL = 0  # two emails, one per place
    other = PlacePageFactory(title="Example Village")
    sign_up(place)
    sign_up(other)
    town_link = link_path(mail.outbox[0].body, "confirm")
    village_link = link_path(mail.outbox[1].body, "confirm")
    confirm_by_post(client, town_link)
    subscriber = Subscriber.objects.get()
    unsubscribe = reverse("conversation_unsubscribe", args=[alerts.unsubscribe_token(subscriber)])
    assert client.post(unsubscribe, **SAME_ORIGIN).status_code == 200
    # Both the used link and the never-used one are dead now.
    for path in (town_link, village_link):
        response = confirm_by_post(client, path)
        assert response.status_code == 400
        assert "This link has already been used" in response.content.decode()
    assert not Subscription.objects.filter(unsubscribed_at__isnull=True).exists()
    assert not Subscription.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).exists()
    # Withdrawn only where consent had been given (the town), never for the village.
    assert list(
        ConsentRecord.objects.order_by("pk").values_list("action", "subscription__place")
    ) == [("confirmed", place.pk), ("withdrawn", place.pk)]


def test_fifty_sign_ups_for_one_address_send_one_email(client, sign_up, place):
    """Mail-bombing through the form: many requests, many clients, one email a day."""
    other = PlacePageFactory(title="Example Village")
    pages = set()
    for n in range(50):
        address = ["victim@example.org", " Victim@Example.ORG ", "VICTIM@example.org"][n % 3]
        response = sign_up(place if n % 2 else other, address, REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code == 302
        pages.add(client.get(response["Location"].split("?")[0]).content)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["victim@example.org"]
    assert Subscriber.objects.count() == 1
    assert Subscription.objects.count() == 1
    assert not ConsentRecord.objects.exists()
    assert len(pages) == 1
    # A different address is not held back by the first.
    sign_up(place, "neighbour@example.org")
    assert len(mail.outbox) == 2
    # Once the interval has passed (its key expires from the store), one more.
    caches["ratelimit"].clear()
    sign_up(place, "victim@example.org")
    assert len(mail.outbox) == 3


def test_the_check_email_page_does_not_say_whether_an_address_is_signed_up(client, sign_up, place):
    SubscriptionFactory(place=place, subscriber=SubscriberFactory(email="member@example.org"))
    answers = [sign_up(place, email) for email in ("member@example.org", "new@example.org")]
    assert answers[0]["Location"] == answers[1]["Location"]
    pages = [client.get(answer["Location"]).content for answer in answers]
    assert pages[0] == pages[1]
    assert [message.to for message in mail.outbox] == [["new@example.org"]]


def test_expired_confirmation_link_explains_and_changes_nothing(client, sign_up, place, settings):
    sign_up(place)
    path = link_path(mail.outbox[0].body, "confirm")
    settings.CONVERSATION_CONFIRM_LINK_MAX_AGE = -1  # every link is now too old
    for response in (client.get(path), confirm_by_post(client, path)):
        assert response.status_code == 400
        html = response.content.decode()
        assert "This link has expired" in html
        assert "Nothing has changed" in html
    assert Subscription.objects.get().confirmed_at is None
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "0" + token,
        lambda token: signing.TimestampSigner(salt="other").sign("x"),
    ],
)
def test_tampered_confirmation_link_explains_and_changes_nothing(client, sign_up, place, tamper):
    sign_up(place)
    token = link_path(mail.outbox[0].body, "confirm").split("/")[-2]
    response = confirm_by_post(client, reverse("conversation_confirm", args=[tamper(token)]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None


def test_a_confirm_token_is_not_an_unsubscribe_token(client, place):
    subscription = SubscriptionFactory(place=place)
    token = alerts.confirm_token(subscription)
    response = client.post(reverse("conversation_unsubscribe", args=[token]))
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


def test_unconfirmed_subscribers_receive_nothing(sign_up, place, index):
    sign_up(place)
    mail.outbox.clear()
    StoryPageFactory(places=[place])
    run_sending()
    assert mail.outbox == []
    assert not SentAlertItem.objects.exists()


def test_one_alert_per_subscriber_per_run_and_never_twice(place, index):
    other_place = PlacePageFactory(title="Example Village")
    subscriber = SubscriberFactory(email="both@example.org")
    SubscriptionFactory(subscriber=subscriber, place=place)
    SubscriptionFactory(subscriber=subscriber, place=other_place)
    only_town = SubscriptionFactory(place=place).subscriber
    StoryPageFactory(title="Town story one", places=[place])
    StoryPageFactory(title="Town story two", places=[place])
    StoryPageFactory(title="Village story", places=[other_place])
    run_sending()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2
    both = by_address["both@example.org"].body
    assert "Town story one" in both and "Town story two" in both and "Village story" in both
    town = by_address[only_town.email].body
    assert "Village story" not in town
    assert SentAlertItem.objects.count() == 5
    mail.outbox.clear()
    run_sending()
    assert mail.outbox == []
    # A new item later is sent, alone.
    StoryPageFactory(title="Later story", places=[place])
    run_sending()
    assert len(mail.outbox) == 2
    assert all("Town story one" not in message.body for message in mail.outbox)


def test_every_alert_has_one_click_unsubscribe(client, place, index):
    subscription = SubscriptionFactory(place=place)
    StoryPageFactory(places=[place])
    run_sending()
    message = mail.outbox[0]
    path = link_path(message.body, "unsubscribe")
    assert path in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # GET only shows the button (link checkers must not unsubscribe people).
    page = client.get(path)
    assert page.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    # One POST, as a mail client sends it (no CSRF token), unsubscribes.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert ConsentRecord.objects.filter(action="withdrawn").count() == 1
    mail.outbox.clear()
    StoryPageFactory(places=[place])
    run_sending()
    assert mail.outbox == []


def test_expired_or_tampered_unsubscribe_link_changes_nothing(client, place, settings):
    subscription = SubscriptionFactory(place=place)
    token = alerts.unsubscribe_token(subscription.subscriber)
    tampered = client.post(reverse("conversation_unsubscribe", args=[token + "x"]))
    assert tampered.status_code == 400
    assert "This link does not work" in tampered.content.decode()
    settings.CONVERSATION_UNSUBSCRIBE_LINK_MAX_AGE = -1
    expired = client.post(reverse("conversation_unsubscribe", args=[token]))
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    assert not ConsentRecord.objects.filter(action="withdrawn").exists()


def test_items_from_before_confirmation_are_not_sent(place, index):
    StoryPageFactory(title="Old news", places=[place])
    SubscriptionFactory(place=place, confirmed_at=timezone.now() + datetime.timedelta(seconds=1))
    run_sending()
    assert mail.outbox == []


def test_topic_subscriptions_only_hear_about_that_topic(client, place, index):
    StoryPageFactory(title="Seed", places=[place], topics=["food"])
    from taggit.models import Tag

    food = Tag.objects.get(name="food")
    subscription = SubscriptionFactory(place=place, topic=food)
    StoryPageFactory(title="About parks", places=[place], topics=["parks"])
    StoryPageFactory(title="About food", places=[place], topics=["food"])
    run_sending()
    assert len(mail.outbox) == 1
    assert "About food" in mail.outbox[0].body
    assert "About parks" not in mail.outbox[0].body
    assert subscription.subscriber.email in mail.outbox[0].to


def test_other_apps_add_items_through_the_hook(place):
    """The contract engagement and councillor pages implement, tested with a double."""
    subscription = SubscriptionFactory(place=place)
    now = timezone.now()
    seen = []

    def item(kind, item_id, title, place_id):
        url = f"https://x.test/{kind}/{item_id}/"
        return PlaceAlertItem(kind, item_id, title, url, now, frozenset({place_id}))

    def engagement_items(since):
        seen.append(since)
        return [
            item("engagement", "7", "Rate Example Town", place.pk),
            item("result", "3", "What we heard", place.pk),
            item("engagement", "8", "Elsewhere", 0),
        ]

    with hooks.register_temporarily(PLACE_ALERT_ITEMS, engagement_items):
        run_sending()
        run_sending()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Rate Example Town" in body and "What we heard" in body
    assert "Elsewhere" not in body
    assert set(
        SentAlertItem.objects.filter(subscriber=subscription.subscriber).values_list(
            "kind", "item_id"
        )
    ) == {("engagement", "7"), ("result", "3")}
    assert seen and all(since < now for since in seen)


def test_sign_up_is_rate_limited(sign_up, place, settings):
    settings.CONVERSATION_SIGNUP_RATE_LIMIT = (2, 3600)
    assert sign_up(place, "a@example.org").status_code == 302
    assert sign_up(place, "b@example.org").status_code == 302
    response = sign_up(place, "c@example.org")
    assert response.status_code == 429
    assert not Subscriber.objects.filter(email="c@example.org").exists()


def test_purge_removes_stale_sign_ups_and_keeps_active_ones(place, settings):
    settings.CONVERSATION_UNCONFIRMED_RETENTION_DAYS = 30
    active = SubscriptionFactory(place=place)
    stale = SubscriptionFactory(place=place, confirmed_at=None)
    Subscription.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    call_command("purge_conversation_data", "--dry-run", verbosity=0)
    assert Subscription.objects.count() == 2
    call_command("purge_conversation_data", verbosity=0)
    assert list(Subscription.objects.all()) == [active]
    assert list(Subscriber.objects.all()) == [active.subscriber]


def test_signing_up_twice_keeps_one_subscription_and_sends_one_link(sign_up, place):
    sign_up(place, "Resident@Example.org")
    sign_up(place, "resident@example.org")
    assert Subscription.objects.count() == 1
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 1
    assert not ConsentRecord.objects.exists()
