"""A citizen's story through moderation to a subscriber's inbox, and every new page checked."""

import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from engagement.conversation.models import PageFeedback, StoryPage, Subscriber, Subscription
from tests.factories.conversation import (
    CommunityGroupFactory,
    CrowdfundingProjectFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)
from tests.factories.places import PlacePageFactory, WardFactory
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.html import assert_valid_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _default_locale(transactional_db):
    """An earlier transactional test's flush empties wagtailcore_locale too; pages need it."""
    from django.conf import settings
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox = []


def check_page(page):
    # Validate before axe is injected: its script is not part of the page.
    assert_valid_html(page.content(), label=page.url)
    assert_no_axe_violations(page)


def wait_until(condition, timeout=60.0):
    """Poll the database until the server has handled the browser's request."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("Timed out waiting for the server")
        time.sleep(0.1)


def link_path(text, name):
    match = re.search(rf"https?://[^/\s]+(/alerts/{name}/[^\s]+/)", text)
    assert match, text
    return match.group(1)


def test_story_is_moderated_then_sent_once_to_a_confirmed_subscriber(
    live_server, browser_page, home_page, django_user_model
):
    index = StoryIndexPageFactory()
    place = PlacePageFactory(title="Example Town", wards=[WardFactory()])
    page = browser_page

    # A resident signs up on the place page and confirms by email.
    page.goto(live_server.url + place.url)
    page.get_by_label("Your email address").fill("resident@example.org")
    page.get_by_label(re.compile("Email me when a story")).check()
    page.get_by_role("button", name="Sign up for alerts").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_page(page)
    assert len(mail.outbox) == 1
    # Opening the link (as a mail scanner would) confirms nothing; the button does.
    page.goto(live_server.url + link_path(mail.outbox[0].body, "confirm"))
    expect(page.get_by_role("heading", name="Confirm your email alerts")).to_be_visible()
    check_page(page)
    assert not Subscription.objects.get().is_active
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Email alerts confirmed")).to_be_visible()
    check_page(page)
    assert Subscription.objects.get().is_active
    mail.outbox = []

    # A citizen tells their story.
    page.goto(live_server.url + index.url)
    page.get_by_role("link", name="Tell us your story").first.click()
    check_page(page)
    page.get_by_role("button", name="Send your story").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_page(page)
    page.get_by_label("Give your story a title").fill("Our street tidy")
    page.get_by_label("Which place is your story about?").select_option(label="Example Town")
    page.get_by_label(re.compile("^Be part of something")).check()
    page.get_by_label("Your story in a sentence or two").fill("Neighbours cleared the lane.")
    page.get_by_label("Your story", exact=True).fill("Twelve of us came with bin bags.")
    page.get_by_label("Publish my story without my name").check()
    page.get_by_role("button", name="Send your story").click()
    expect(page.get_by_role("heading", name="Story sent")).to_be_visible()
    check_page(page)
    story = StoryPage.objects.get(title="Our street tidy")
    assert not story.live
    assert mail.outbox == []

    # Nothing is sent while the story is a draft.
    call_command("send_place_alerts", verbosity=0)
    assert mail.outbox == []

    # An editor finds it awaiting moderation and approves it, which publishes it.
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-good-password")
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-good-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Awaiting your review")).to_be_visible()
    page.get_by_role("link", name="Our street tidy").first.click()
    page.wait_for_url(re.compile(rf"/admin/pages/{story.pk}/edit/"))
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").last.click()
    # Only a page awaiting moderation offers the reviewer "Approve and Publish".
    approve = page.get_by_role("button", name="Approve and Publish", exact=True)
    expect(approve).to_be_visible()
    assert not StoryPage.objects.get(pk=story.pk).live
    approve.click()
    # Wait for the admin to finish the request (its message shows after the
    # redirect): the test's own writes below would otherwise meet the live
    # server's still-open transaction on the shared in-memory SQLite database.
    expect(page.locator(".messages")).to_contain_text("Our street tidy")
    wait_until(lambda: StoryPage.objects.get(pk=story.pk).live)
    story.refresh_from_db()
    assert story.live
    assert story.first_published_at is not None

    # The next sending run emails the subscriber once; the run after sends nothing.
    call_command("send_place_alerts", verbosity=0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["resident@example.org"]
    assert "Our street tidy" in mail.outbox[0].body
    call_command("send_place_alerts", verbosity=0)
    assert len(mail.outbox) == 1

    # The unsubscribe link in the email works in one click.
    page.goto(live_server.url + link_path(mail.outbox[0].body, "unsubscribe"))
    check_page(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You have unsubscribed")).to_be_visible()
    check_page(page)
    assert not Subscription.objects.get().is_active


def test_every_new_page_is_accessible_and_valid(live_server, browser_page, home_page):
    index = StoryIndexPageFactory()
    place = PlacePageFactory(title="Example Town", wards=[WardFactory()])
    story = StoryPageFactory(title="A good neighbour", places=[place], topics=["food"])
    StoryPageFactory(title="Another story", places=[place], way="volunteer")
    CommunityGroupFactory(name="Example Mutual Aid", places=[place], categories=["Food"])
    CrowdfundingProjectFactory(name="Example benches", place=place)
    page = browser_page

    for url in (index.url, index.url + "?topic=food&way=volunteer", story.url, place.url):
        page.goto(live_server.url + url)
        check_page(page)

    # The place page with everything on it, and the widget on it.
    page.goto(live_server.url + place.url)
    for heading in (
        "Stories from Example Town",
        "Community groups in Example Town",
        "Crowdfunding projects in Example Town",
        "Get email alerts for Example Town",
        "Was this page helpful?",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()

    # The widget without JavaScript concerns: error, then thanks.
    page.get_by_role("button", name="Send feedback").click()
    # The radio is `required`, so the browser stops an empty answer; the server
    # check is in the integration tests. Answer and send.
    page.get_by_label("No", exact=True).check()
    page.get_by_label("How could we make this page better? (optional)").fill("More photos")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    check_page(page)
    row = PageFeedback.objects.get()
    assert (row.page_id, row.helpful, row.comment) == (place.pk, False, "More photos")

    # The feedback error page (no answer) as the server shows it.
    page.goto(live_server.url + story.url)
    page.locator("#helpful-yes").evaluate("element => element.removeAttribute('required')")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_page(page)

    # Alert pages: sign-up with errors, and a broken link.
    page.goto(live_server.url + f"/alerts/?place={place.pk}")
    check_page(page)
    page.get_by_role("button", name="Sign up for alerts").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_page(page)
    page.goto(live_server.url + "/alerts/confirm/not-a-real-token/")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    check_page(page)

    # A page on another site that posts the sign-up form is refused, clearly.
    page.goto("about:blank")  # an origin that is not this site's
    page.set_content(
        f'<form method="post" action="{live_server.url}/alerts/">'
        f'<input type="hidden" name="email" value="victim@example.org">'
        f'<input type="hidden" name="place" value="{place.pk}">'
        '<input type="hidden" name="consent" value="on"><button>Win a prize</button></form>'
    )
    page.get_by_role("button", name="Win a prize").click()
    expect(page.get_by_role("heading", name="Your form could not be sent")).to_be_visible()
    check_page(page)
    assert not Subscriber.objects.filter(email="victim@example.org").exists()
