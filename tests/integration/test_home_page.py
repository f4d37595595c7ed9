"""The home page: hero, featured places, ways to take part, in constant queries."""

import re

import pytest

from home.models import HomePage
from tests.factories import ImageFactory
from tests.factories.home import StandardPageFactory, feature_pages, set_ways, way_block
from tests.factories.places import PlacePageFactory
from tests.helpers.queries import assert_same_query_count

#: The home page's whole render, header and footer menus included.
HOME_PAGE_MAX_QUERIES = 11


@pytest.mark.django_db
def test_home_page_renders_hero_featured_places_and_ways(client, home_page):
    HomePage.objects.filter(pk=home_page.pk).update(
        hero_image=ImageFactory(description="The town hall clock tower at dusk")
    )
    place = PlacePageFactory(
        title="Marsden", summary="A Pennine village at the head of the valley."
    )
    guide = StandardPageFactory(title="How to take part", introduction="Start here.")
    set_ways(
        home_page,
        [
            way_block("Rate your place", "Answer fourteen questions.", link=guide),
            way_block("Come to a meeting", "Find a meeting near you."),
        ],
    )
    feature_pages(home_page, [place, guide])

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h1[^>]*>\s*Welcome to Our Places\s*</h1>", html)
    assert home_page.hero_intro in html
    assert 'alt="The town hall clock tower at dusk"' in html
    assert "Explore our places" in html
    assert f'href="{place.url}">Marsden</a>' in html
    assert "A Pennine village at the head of the valley." in html
    assert f'href="{guide.url}">How to take part</a>' in html
    assert "Ways to be an active citizen" in html
    assert f'<a href="{guide.url}">Rate your place</a>' in html
    assert "Come to a meeting" in html
    assert response.context["page"].pk == home_page.pk


@pytest.mark.django_db
def test_home_page_hides_unpublished_featured_pages(client, home_page):
    published = StandardPageFactory(title="Published page")
    draft = StandardPageFactory(title="Draft page", live=False)
    feature_pages(home_page, [draft, published])

    html = client.get("/").content.decode()

    assert "Published page" in html
    assert "Draft page" not in html


@pytest.mark.django_db
def test_home_page_shows_at_most_six_featured_pages_in_order(client, home_page):
    pages = [StandardPageFactory(title=f"Featured {n}") for n in range(1, 9)]
    feature_pages(home_page, pages)

    response = client.get("/")

    featured = response.context["featured_pages"]
    assert [page.title for page in featured] == [f"Featured {n}" for n in range(1, 7)]
    assert "Featured 7" not in response.content.decode()


@pytest.mark.django_db
def test_home_page_queries_do_not_grow_with_content(client, home_page):
    def make_small():
        # One of each kind of content, so "large" only adds more of the same.
        standard = StandardPageFactory()
        feature_pages(home_page, [standard, PlacePageFactory()])
        set_ways(home_page, [way_block("Rate your place", "Fourteen questions.", link=standard)])

    def make_large():
        standard = [StandardPageFactory() for _ in range(10)]
        places = [PlacePageFactory() for _ in range(10)]
        feature_pages(home_page, standard + places)
        ways = [
            way_block(f"Way {n}", "A way to take part.", link=standard[n % 10]) for n in range(21)
        ]
        set_ways(home_page, ways)

    def render():
        response = client.get("/")
        assert response.status_code == 200

    assert_same_query_count(make_small, make_large, render, max_queries=HOME_PAGE_MAX_QUERIES)
