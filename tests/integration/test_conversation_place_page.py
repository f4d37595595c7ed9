"""The place page with stories, community groups, crowdfunding and the alert sign-up box."""

import pytest

from tests.factories.conversation import (
    CommunityGroupFactory,
    CrowdfundingProjectFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)
from tests.factories.places import PlacePageFactory, WardFactory
from tests.helpers.queries import assert_same_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(home_page):
    StoryIndexPageFactory()
    return PlacePageFactory(title="Example Town", wards=[WardFactory()])


def test_place_page_shows_its_stories_groups_projects_and_sign_up(client, place):
    elsewhere = PlacePageFactory(title="Elsewhere")
    StoryPageFactory(title="Town story", places=[place])
    StoryPageFactory(title="Elsewhere story", places=[elsewhere])
    CommunityGroupFactory(
        name="Town Mutual Aid (example)", places=[place], categories=["Food", "Befriending"]
    )
    CommunityGroupFactory(name="Elsewhere Group", places=[elsewhere])
    CrowdfundingProjectFactory(name="Town benches", place=place, target=4000, pledged=1000)
    CrowdfundingProjectFactory(name="Elsewhere garden", place=elsewhere)
    html = client.get(place.url).content.decode()
    for expected in (
        "Stories from Example Town",
        "Town story",
        "Community groups in Example Town",
        "Town Mutual Aid (example)",
        "Mutual aid group",
        "Befriending",
        "Crowdfunding projects in Example Town",
        "Town benches",
        "£1,000 pledged of a £4,000 target (25%)",
        "Get email alerts for Example Town",
        f'name="place" value="{place.pk}"',
        "Was this page helpful?",
    ):
        assert expected in html, expected
    for unexpected in ("Elsewhere story", "Elsewhere Group", "Elsewhere garden"):
        assert unexpected not in html


def test_place_page_queries_are_the_same_with_1_and_50_stories_and_groups(client, place):
    def make(count):
        def build():
            for _ in range(count):
                StoryPageFactory(places=[place], topics=["food"])
                CommunityGroupFactory(places=[place], categories=["Food", "Advice"])
                CrowdfundingProjectFactory(place=place)

        return build

    count = assert_same_query_count(
        make(1), make(49), lambda: client.get(place.url), max_queries=33
    )
    html = client.get(place.url).content.decode()
    assert html.count('class="card group-card"') == 50
    assert "All stories about Example Town" in html
    assert count > 0


def test_the_sign_up_box_posts_to_alerts_without_a_session(client, place):
    response = client.get(place.url)
    assert "csrftoken" not in response.cookies
    assert 'action="/alerts/"' in response.content.decode()
