"""Where the form shows up: the place page, the home page, the engagement index; demo content."""

import datetime
import json

import pytest
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from councillor_pages.models import CouncillorPage
from engagement import demo
from engagement.conversation.models import StoryPage
from engagement.models import EngagementIndexPage, PlaceStandardFormPage
from home.blocks import BodyStreamBlock
from home.models import StandardPage
from places.models import PlacePage
from schools.models import LearningResourcePage
from tests.factories.engagement import (
    EngagementIndexPageFactory,
    PlaceStandardFormFieldFactory,
    PlaceStandardFormPageFactory,
    SubmissionFactory,
)
from tests.factories.home import StandardPageFactory
from tests.factories.places import PlacePageFactory
from tests.helpers.html import assert_valid_html
from tests.helpers.queries import assert_same_query_count

pytestmark = pytest.mark.django_db


def test_place_page_shows_its_open_form_without_editor_action(client, home_page):
    place = PlacePageFactory(title="Heckmondwike")
    form_page = PlaceStandardFormPageFactory(parent=place, title="How good is Heckmondwike?")
    html = client.get(place.url).content.decode()
    assert "Have your say: How good is Heckmondwike?" in html
    assert f'action="{form_page.url}"' in html
    assert 'name="moving_around"' in html
    assert f'name="place" value="{place.pk}"' in html
    assert_valid_html(html)


def test_place_page_hides_closed_unpublished_and_other_places_forms(client, home_page):
    place = PlacePageFactory()
    now = timezone.now()
    PlaceStandardFormPageFactory(
        parent=place,
        title="Closed one",
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now - datetime.timedelta(days=1),
    )
    draft = PlaceStandardFormPageFactory(parent=place, title="Draft one")
    draft.unpublish()
    PlaceStandardFormPageFactory(title="Somewhere else")
    html = client.get(place.url).content.decode()
    assert "Have your say" not in html
    assert 'name="moving_around"' not in html


def test_bodies_no_longer_offer_the_form_block_and_old_ones_are_skipped(client, home_page):
    """The "Place Standard form" body block is gone (the place page shows its open
    form as a section); a body saved with it still renders, without it."""
    assert "place_standard_form" not in BodyStreamBlock().child_blocks
    place = PlacePageFactory(title="Marsden")
    form_page = PlaceStandardFormPageFactory(parent=place)
    stored = [
        {"type": "paragraph", "value": "<p>Before the form.</p>", "id": "a"},
        {"type": "place_standard_form", "value": form_page.pk, "id": "b"},
    ]
    StandardPage.objects.filter(pk=(standard := StandardPageFactory()).pk).update(
        body=json.dumps(stored)
    )
    html = client.get(standard.url).content.decode()
    assert "Before the form." in html
    assert 'name="moving_around"' not in html

    place_html = client.get(place.url).content.decode()
    assert 'id="ps1-moving_around_0"' in place_html
    assert 'id="ps2-' not in place_html  # shown once, as the place's section
    assert_valid_html(place_html)


def test_home_page_lists_open_engagements(client, home_page):
    PlaceStandardFormPageFactory(
        parent=PlacePageFactory(title="Slaithwaite"), title="Rate Slaithwaite"
    )
    html = client.get(home_page.url).content.decode()
    assert "Have your say about your place" in html
    assert "Rate Slaithwaite" in html
    assert "About Slaithwaite." in html


def test_place_page_queries_stay_constant_as_responses_and_questions_grow(client, home_page):
    place = PlacePageFactory()
    state = {}

    def make_small():
        state["form"] = PlaceStandardFormPageFactory(parent=place)
        PlaceStandardFormFieldFactory(page=state["form"])
        SubmissionFactory(form_page=state["form"])

    def make_large():
        for _ in range(10):
            PlaceStandardFormFieldFactory(page=state["form"])
        for _ in range(30):
            SubmissionFactory(form_page=state["form"])
        for _ in range(5):
            PlaceStandardFormPageFactory()  # other places' open forms

    def render():
        response = client.get(place.url)
        assert response.status_code == 200

    assert_same_query_count(make_small, make_large, render, max_queries=29)


def test_home_page_queries_stay_constant_as_engagements_grow(client, home_page):
    def make_small():
        PlaceStandardFormPageFactory()

    def make_large():
        for _ in range(10):
            PlaceStandardFormPageFactory()

    assert_same_query_count(
        make_small, make_large, lambda: client.get(home_page.url), max_queries=7
    )


def test_engagement_index_lists_open_then_closed_forms(client, home_page):
    index = EngagementIndexPageFactory()
    now = timezone.now()
    PlaceStandardFormPageFactory(parent=index, title="Open one", place=PlacePageFactory())
    PlaceStandardFormPageFactory(
        parent=index,
        title="Closed one",
        place=PlacePageFactory(),
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
    )
    html = client.get(index.url).content.decode()
    assert html.index("Open one") < html.index("Closed one")
    assert 'href="/results/"' in html  # what places have told us so far
    assert_valid_html(html)


def new_form_data(title, slug):
    """What an editor fills in to publish a Place Standard form, no place chosen."""
    now = timezone.localtime()
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "round_number": "1",
            "opens_at": now.strftime("%Y-%m-%d %H:%M"),
            "closes_at": (now + datetime.timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
            "tool_version": "standard-2015",
            "intro": rich_text(""),
            "privacy_notice": rich_text("<p>We keep answers two years.</p>"),
            "thank_you_text": rich_text(""),
            "form_fields": inline_formset([]),
            "action-publish": "publish",
        }
    )


def test_form_under_the_index_needs_a_place_chosen(admin_client, home_page):
    index = EngagementIndexPageFactory()
    response = admin_client.post(
        f"/admin/pages/add/engagement/placestandardformpage/{index.pk}/",
        new_form_data("No place", "no-place"),
    )
    assert response.status_code == 200
    assert "Choose the place this form asks about." in response.content.decode()
    assert not PlaceStandardFormPage.objects.exists()


def test_an_editor_creates_a_form_under_a_place(admin_client, home_page):
    """The form page opts in with its own parent_page_types; PlacePage names no
    feature page type (it sets no subpage_types), so Wagtail allows it."""
    place = PlacePageFactory(title="Golcar")
    assert PlaceStandardFormPage.can_exist_under(place)
    assert PlaceStandardFormPage in PlacePage.allowed_subpage_models()
    choices = admin_client.get(f"/admin/pages/{place.pk}/add_subpage/").content.decode()
    assert "/admin/pages/add/engagement/placestandardformpage/" in choices

    response = admin_client.post(
        f"/admin/pages/add/engagement/placestandardformpage/{place.pk}/",
        new_form_data("How good is Golcar?", "have-your-say"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    form_page = PlaceStandardFormPage.objects.get(title="How good is Golcar?")
    assert form_page.get_parent().specific == place
    assert form_page.live and form_page.place == place  # the place above it


class PlaceChildrenTests(WagtailPageTestCase):
    def test_places_and_forms_may_sit_under_a_place_and_other_features_may_not(self):
        self.assertCanCreateAt(PlacePage, PlacePage)
        self.assertCanCreateAt(PlacePage, PlaceStandardFormPage)
        self.assertCanNotCreateAt(PlacePage, CouncillorPage)
        self.assertCanNotCreateAt(PlacePage, StoryPage)
        self.assertCanNotCreateAt(PlacePage, LearningResourcePage)
        self.assertCanNotCreateAt(PlacePage, EngagementIndexPage)


def test_demo_load_is_idempotent_and_skips_missing_places(home_page):
    PlacePageFactory(title="Dewsbury", slug="dewsbury")
    steps = []
    demo.load(steps.append)
    demo.load(steps.append)
    form_page = PlaceStandardFormPage.objects.get()
    assert form_page.slug == "place-standard-dewsbury"
    assert form_page.live and form_page.is_open()
    assert form_page.place.slug == "dewsbury"
    assert any("holmfirth" in step and "Skipped" in step for step in steps)
    assert any("already there" in step for step in steps)
