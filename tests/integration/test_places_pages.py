"""Place index and place pages: filters, composition and constant query counts."""

import pytest
from wagtail.models import Page

from places.models import PLACES_PER_PAGE, PlaceKind, PlacePage
from tests.factories.places import (
    PlaceIndexPageFactory,
    PlacePageFactory,
    WardFactory,
    create_places,
)
from tests.helpers.queries import assert_same_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def place_index(home_page):
    return PlaceIndexPageFactory(parent=home_page)


def titles(response):
    return [place.title for place in response.context["places"]]


def test_index_lists_places_a_to_z_with_their_kind_and_wards(client, place_index):
    ward = WardFactory(name="Ashbrow")
    PlacePageFactory(parent=place_index, title="Mirfield", kind=PlaceKind.TOWN)
    PlacePageFactory(parent=place_index, title="Batley", kind=PlaceKind.TOWN, wards=[ward])

    response = client.get(place_index.url)

    assert response.status_code == 200
    assert titles(response) == ["Batley", "Mirfield"]
    assert "Ward: Ashbrow" in response.content.decode()


def test_index_filters_combine_by_kind_ward_and_letter(client, place_index):
    ward = WardFactory(code="E05001518", name="Ashbrow")
    town = PlacePageFactory(parent=place_index, title="Huddersfield", wards=[ward])
    PlacePageFactory(parent=town, title="Fartown", kind=PlaceKind.NEIGHBOURHOOD, wards=[ward])
    PlacePageFactory(parent=town, title="Birkby", kind=PlaceKind.NEIGHBOURHOOD, wards=[ward])
    PlacePageFactory(parent=place_index, title="Holmfirth", kind=PlaceKind.TOWN)

    assert titles(client.get(place_index.url, {"ward": "e05001518"})) == [
        "Birkby",
        "Fartown",
        "Huddersfield",
    ]
    assert titles(client.get(place_index.url, {"ward": "E05001518", "kind": "neighbourhood"})) == [
        "Birkby",
        "Fartown",
    ]
    assert titles(client.get(place_index.url, {"kind": "town", "letter": "h"})) == [
        "Holmfirth",
        "Huddersfield",
    ]


@pytest.mark.parametrize(
    "query",
    [{"ward": "E09999999"}, {"kind": "castle"}, {"letter": "ÄÄ"}, {"page": "abc"}, {"page": "99"}],
)
def test_index_ignores_unknown_filter_values(client, place_index, query):
    PlacePageFactory(parent=place_index, title="Dewsbury")

    response = client.get(place_index.url, query)

    assert response.status_code == 200
    assert titles(response) == ["Dewsbury"]


def test_index_paginates_and_keeps_filters_in_the_links(client, place_index):
    for n in range(PLACES_PER_PAGE + 1):
        PlacePageFactory(parent=place_index, title=f"Town {n:02d}", kind=PlaceKind.TOWN)

    first = client.get(place_index.url, {"kind": "town"})
    second = client.get(place_index.url, {"kind": "town", "page": 2})

    assert len(titles(first)) == PLACES_PER_PAGE
    assert titles(second) == [f"Town {PLACES_PER_PAGE:02d}"]
    assert 'href="?kind=town&amp;page=2"' in first.content.decode()


def test_unpublished_places_are_not_listed(client, place_index):
    PlacePageFactory(parent=place_index, title="Draft place", live=False)

    assert titles(client.get(place_index.url)) == []


def test_place_page_brings_its_place_together(client, place_index):
    ward = WardFactory(name="Holme Valley South", code="E05001534")
    holmfirth = PlacePageFactory(parent=place_index, title="Holmfirth", wards=[ward])
    PlacePageFactory(parent=holmfirth, title="Hinchliffe Mill", kind=PlaceKind.VILLAGE)
    honley = PlacePageFactory(parent=place_index, title="Honley", kind=PlaceKind.VILLAGE)
    holmfirth.neighbours.add(honley)
    holmfirth.tags.add("Green spaces")
    holmfirth.save()

    html = client.get(holmfirth.url).content.decode()

    assert "<h1>Holmfirth</h1>" in html
    assert "Hinchliffe Mill" in html
    assert "Neighbouring places" in html and "Honley" in html
    assert "Green spaces" in html
    assert f'href="{place_index.url}?ward=E05001534"' in html


def test_places_nest_only_under_the_index_or_other_places():
    assert PlacePage.parent_page_types == ["places.PlaceIndexPage", "places.PlacePage"]
    assert not PlacePage.can_create_at(Page.get_first_root_node())


def test_place_index_queries_do_not_grow_with_places(client, place_index):
    ward = WardFactory()

    def make(count):
        return lambda: create_places(place_index, count, kind=PlaceKind.TOWN, wards=[ward])

    assert_same_query_count(
        make(10), make(490), lambda: client.get(place_index.url), max_queries=12
    )


def test_place_page_queries_do_not_grow_with_places(client, place_index):
    ward = WardFactory()
    town = PlacePageFactory(parent=place_index, title="Huddersfield", wards=[ward])

    def make(count):
        def _make():
            children = create_places(town, count, wards=[ward])
            PlacePage.neighbours.through.objects.bulk_create(
                [
                    PlacePage.neighbours.through(from_placepage_id=town.pk, to_placepage_id=c.pk)
                    for c in children
                ]
            )

        return _make

    assert_same_query_count(make(10), make(490), lambda: client.get(town.url), max_queries=32)
