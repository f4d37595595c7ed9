"""Email alerts: double opt-in, signed links, consent records, sending and unsubscribing."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from conversation import alerts
from conversation.alerts import PLACE_ALERT_ITEMS_HOOK, AlertItem
from conversation.models import ConsentRecord, SentAlertItem, Subscriber, Subscription
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


def sign_up(client, place, email="resident@example.org", **extra):
    data = {"email": email, "place": str(place.pk), "consent": "on", **extra}
    return client.post(SIGNUP, data)


def run_sending():
    call_command("send_place_alerts", verbosity=0)


def test_sign_up_sends_a_confirmation_and_records_consent(client, place):
    response = sign_up(client, place)
    assert response.status_code == 302
    assert response["Location"].startswith("/alerts/check-your-email/")
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    assert subscription.subscriber.email == "resident@example.org"
    record = ConsentRecord.objects.get()
    assert record.action == ConsentRecord.Action.GIVEN
    assert record.what == "Email alerts for Example Town"
    assert record.wording_version == alerts.ALERT_CONSENT_VERSION
    assert record.at is not None
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


def test_confirming_activates_once_and_a_second_click_changes_nothing(client, place):
    sign_up(client, place)
    path = link_path(mail.outbox[0].body, "confirm")
    response = client.get(path)
    assert response.status_code == 200
    assert "Email alerts confirmed" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None
    first = subscription.confirmed_at
    client.get(path)
    subscription.refresh_from_db()
    assert subscription.confirmed_at == first
    assert list(ConsentRecord.objects.values_list("action", flat=True)) == ["given", "confirmed"]


def test_expired_confirmation_link_explains_and_changes_nothing(client, place, settings):
    sign_up(client, place)
    path = link_path(mail.outbox[0].body, "confirm")
    settings.CONVERSATION_CONFIRM_LINK_MAX_AGE = -1  # every link is now too old
    response = client.get(path)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This link has expired" in html
    assert "Nothing has changed" in html
    assert Subscription.objects.get().confirmed_at is None
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "0" + token,
        lambda token: signing.TimestampSigner(salt="other").sign("x"),
    ],
)
def test_tampered_confirmation_link_explains_and_changes_nothing(client, place, tamper):
    sign_up(client, place)
    token = link_path(mail.outbox[0].body, "confirm").split("/")[-2]
    response = client.get(reverse("conversation_confirm", args=[tamper(token)]))
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


def test_unconfirmed_subscribers_receive_nothing(client, place, index):
    sign_up(client, place)
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

    def engagement_items(since):
        seen.append(since)
        return [
            AlertItem(
                "engagement",
                "7",
                "Rate Example Town",
                "https://x.test/e/7/",
                now,
                frozenset({place.pk}),
            ),
            ("result", "3", "What we heard", "https://x.test/r/3/", now, frozenset({place.pk})),
            AlertItem("engagement", "8", "Elsewhere", "https://x.test/e/8/", now, frozenset({0})),
        ]

    with hooks.register_temporarily(PLACE_ALERT_ITEMS_HOOK, engagement_items):
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


def test_sign_up_is_rate_limited(client, place, settings):
    settings.CONVERSATION_SIGNUP_RATE_LIMIT = (2, 3600)
    assert sign_up(client, place, "a@example.org").status_code == 302
    assert sign_up(client, place, "b@example.org").status_code == 302
    response = sign_up(client, place, "c@example.org")
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


def test_signing_up_twice_keeps_one_subscription_and_resends_the_link(client, place):
    sign_up(client, place, "Resident@Example.org")
    sign_up(client, place, "resident@example.org")
    assert Subscription.objects.count() == 1
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 2
    assert ConsentRecord.objects.filter(action="given").count() == 2
