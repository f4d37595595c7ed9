"""Cross-site protection (README "Cross-site protection"): every public form refuses a
post that the browser says comes from another site, and accepts one from this site.

The list of public forms below is explicit, and `test_every_public_post_form_is_listed`
renders one page of every page type (and every route and page the public views
have) and collects the actions of every `<form method="post">` in them: a new
form that is not in the list fails the build.
"""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, get_page_models

from engagement.conversation import alerts
from engagement.themes import THEME_KEYS
from tests.factories.conversation import (
    StoryIndexPageFactory,
    StoryPageFactory,
    SubscriberFactory,
    SubscriptionFactory,
)
from tests.factories.councillor_pages import CouncillorIndexPageFactory, CouncillorPageFactory
from tests.factories.engagement import EngagementIndexPageFactory, PlaceStandardFormPageFactory
from tests.factories.home import StandardPageFactory
from tests.factories.places import PlaceIndexPageFactory, PlacePageFactory, WardFactory
from tests.factories.schools import (
    LearningResourcePageFactory,
    ResourceIndexPageFactory,
    SchoolsIndexPageFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"home", "places", "engagement", "councillor_pages", "schools", "conversation"}

#: What browsers send with a form posted from a page of this site, and from another site.
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}
CROSS_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://attacker.example"}

POST_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


@dataclass
class PublicForm:
    name: str
    url: str
    data: dict


@pytest.fixture
def site(home_page):
    """One live page of every page type, and what the public forms need."""
    ward = WardFactory(name="Example Ward")
    PlaceIndexPageFactory()
    place = PlacePageFactory(title="Example Town", wards=[ward])
    EngagementIndexPageFactory()
    form_page = PlaceStandardFormPageFactory(parent=place, place=place)
    stories = StoryIndexPageFactory()
    StoryPageFactory(places=[place])
    CouncillorIndexPageFactory()
    councillor = CouncillorPageFactory(ward=ward)
    programme = SchoolsIndexPageFactory(contact_email="programme@example.org")
    ResourceIndexPageFactory()
    LearningResourcePageFactory()
    StandardPageFactory()
    pending = SubscriptionFactory(
        place=place, confirmed_at=None, subscriber=SubscriberFactory(email="new@example.org")
    )
    active = SubscriptionFactory(place=place)
    answers = {key: str(n % 7 + 1) for n, key in enumerate(THEME_KEYS)}
    forms = [
        PublicForm(
            "Place Standard form",
            form_page.url,
            {**answers, "place": place.pk, "token": str(uuid.uuid4()), "website": ""},
        ),
        PublicForm(
            "tell us your story",
            stories.url + stories.reverse_subpage("submit_story"),
            {
                "title": "We cleared the canal path",
                "place": str(place.pk),
                "way": "be-part-of-something",
                "summary": "Twenty neighbours cleared the towpath.",
                "story": "It took a morning.",
                "photo_alt": "",
                "name": "Sam Example",
                "email": "sam@example.org",
                "credit": "name",
            },
        ),
        PublicForm(
            "alert sign-up",
            reverse("conversation_alerts_signup"),
            {"email": "resident@example.org", "place": str(place.pk), "consent": "on"},
        ),
        PublicForm(
            "alert confirmation",
            reverse("conversation_confirm", args=[alerts.confirm_token(pending)]),
            {},
        ),
        PublicForm(
            "unsubscribe",
            reverse("conversation_unsubscribe", args=[alerts.unsubscribe_token(active.subscriber)]),
            {},
        ),
        PublicForm(
            "was this page helpful?",
            reverse("conversation_feedback"),
            {"page": str(place.pk), "helpful": "no", "comment": "The map is out of date."},
        ),
        PublicForm(
            "contact a councillor",
            councillor.url,
            {
                "name": "Pat Example",
                "email": "pat@example.com",
                "message": "The footpath on Example Lane is flooded.",
                "consent": "on",
                "website": "",
            },
        ),
        PublicForm(
            "invite a councillor",
            programme.url + programme.reverse_subpage("invite_councillor"),
            {
                "school_name": "Example High School",
                "ward": str(ward.pk),
                "contact_name": "Sam Example",
                "contact_email": "sam@example.sch.uk",
                "message": "Answer questions at our Year 9 assembly.",
                "preferred_timing": "Any Tuesday afternoon",
            },
        ),
    ]
    return {"forms": forms, "place": place, "pending": pending, "active": active}


def stored():
    """Rows in every table a public form writes to, and the email queued: what a post changes."""
    models = [
        "engagement.Submission",
        "conversation.StorySubmission",
        "conversation.Subscriber",
        "conversation.Subscription",
        "conversation.ConsentRecord",
        "conversation.PageFeedback",
        "schools.CouncillorInvitation",
    ]
    counts = {name: apps.get_model(name).objects.count() for name in models}
    counts["pages"] = Page.objects.count()
    counts["confirmed"] = (
        apps.get_model("conversation.Subscription")
        .objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .count()
    )
    counts["email"] = len(mail.outbox)
    return counts


def post(client, capture, form, headers):
    with capture(execute=True):
        return client.post(form.url, form.data, **headers)


def test_a_cross_site_post_to_every_public_form_is_refused(
    client, site, django_capture_on_commit_callbacks
):
    before = stored()
    for form in site["forms"]:
        for headers in (
            CROSS_SITE,
            # A sibling subdomain is "same-site", not this site.
            {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://blog.testserver"},
            # Browsers without Fetch Metadata: the Origin decides.
            {"HTTP_ORIGIN": "https://attacker.example"},
            # Sandboxed frames and data: URLs send "null".
            {"HTTP_ORIGIN": "null"},
            # No Origin either (older browsers): the Referer decides.
            {"HTTP_REFERER": "https://attacker.example/page.html"},
        ):
            response = post(client, django_capture_on_commit_callbacks, form, headers)
            assert response.status_code == 403, (form.name, headers)
            html = response.content.decode()
            assert "Your form could not be sent" in html, form.name
            assert "Nothing was saved" in html
            assert "no-store" in response["Cache-Control"]
    assert stored() == before


def test_a_same_origin_post_to_every_public_form_works(
    client, site, django_capture_on_commit_callbacks
):
    for form in site["forms"]:
        before = stored()
        response = post(client, django_capture_on_commit_callbacks, form, SAME_ORIGIN)
        assert response.status_code in (200, 302, 303), (form.name, response.status_code)
        assert stored() != before, f"{form.name}: a valid post from this site changed nothing"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "none"},  # typed or bookmarked by the person
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/places/example-town/"},
        # Neither: not a page on another site (a script, a mail client's
        # RFC 8058 one-click unsubscribe); rate limits bound it.
        {},
    ],
)
def test_posts_this_site_sends_are_accepted(client, site, headers):
    feedback = next(form for form in site["forms"] if form.name == "was this page helpful?")
    response = client.post(feedback.url, feedback.data, **headers)
    assert response.status_code == 302


def test_a_trusted_origin_may_post(client, site, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.testserver"]
    feedback = next(form for form in site["forms"] if form.name == "was this page helpful?")
    headers = {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://www.testserver"}
    assert client.post(feedback.url, feedback.data, **headers).status_code == 302


def test_public_forms_set_no_cookie_so_their_pages_can_be_cached(client, site):
    # The feedback form is on every page (it answers POST only).
    pages = [site["place"].url] + [
        form.url for form in site["forms"] if form.url != reverse("conversation_feedback")
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
        assert "csrfmiddlewaretoken" not in response.content.decode(), url


def test_the_admin_keeps_djangos_csrf_token(site, admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[site["place"].pk]), {})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def post_form_actions(path, html):
    """The absolute paths every <form method="post"> on the page sends to."""
    actions = set()
    for tag in POST_FORM.findall(html):
        attributes = {name.lower(): value for name, value in ATTRIBUTE.findall(tag)}
        if attributes.get("method", "get").lower() == "post":
            actions.add(urlsplit(urljoin(path, attributes.get("action", ""))).path)
    return actions


def test_every_public_post_form_is_listed(client, site):
    our_page_types = {
        model
        for model in get_page_models()
        if model._meta.app_label in OUR_APPS and not model._meta.abstract
    }
    pages = [page.specific for page in Page.objects.live().filter(depth__gt=1)]
    missing = our_page_types - {type(page) for page in pages}
    assert not missing, f"Add a page of each type to the `site` fixture: {missing}"

    paths = set()
    for page in pages:
        paths.add(page.url)
        if isinstance(page, RoutablePageMixin):
            for pattern in page.get_resolver().url_patterns:
                if not re.search(r"[<(]", str(pattern.pattern)):
                    paths.add(page.url + str(pattern.pattern).lstrip("^").rstrip("$"))
    for form in site["forms"]:
        if form.url != reverse("conversation_feedback"):  # POST only: its page is below
            paths.add(form.url)
    paths |= {
        reverse("conversation_alerts_check_email"),
        reverse("search") + "?q=town",
        reverse("conversation_feedback_thanks"),
    }

    found = {}
    for path in sorted(paths):
        response = client.get(path)
        if response.status_code in (301, 302):
            continue
        assert response.status_code == 200, (path, response.status_code)
        for action in post_form_actions(path, response.content.decode()):
            found.setdefault(action, path)
    # The feedback form's own error page.
    invalid = client.post(reverse("conversation_feedback"), {"page": str(site["place"].pk)})
    for action in post_form_actions(reverse("conversation_feedback"), invalid.content.decode()):
        found.setdefault(action, reverse("conversation_feedback"))

    listed = {urlsplit(form.url).path for form in site["forms"]}
    unlisted = {action: page for action, page in found.items() if action not in listed}
    assert not unlisted, f"Post forms missing from this test's list (action: page): {unlisted}"
    never_seen = listed - set(found)
    assert not never_seen, f"Listed forms no page shows: {never_seen}"
