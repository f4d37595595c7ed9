"""Place index and place page in real Chromium: accessible and valid HTML."""

import pytest

from places.models import PlaceKind
from tests.factories import ImageFactory
from tests.factories.places import PlaceIndexPageFactory, PlacePageFactory, WardFactory
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.html import assert_valid_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_place_index_and_place_page_are_accessible_and_valid(home_page, live_server, browser_page):
    ward = WardFactory(name="Colne Valley", code="E05001523")
    index = PlaceIndexPageFactory(parent=home_page)
    marsden = PlacePageFactory(
        parent=index,
        title="Marsden",
        wards=[ward],
        hero_image=ImageFactory(description="Moorland above a stone village"),
    )
    PlacePageFactory(parent=marsden, title="Tunnel End", kind=PlaceKind.NEIGHBOURHOOD)
    marsden.tags.add("Canal")
    marsden.save()

    for url in [index.url, f"{index.url}?ward={ward.code}&kind=town&letter=M", marsden.url]:
        response = browser_page.goto(live_server.url + url)
        assert response.status == 200, url
        assert browser_page.locator("h1").count() == 1
        assert_no_axe_violations(browser_page)
        assert_valid_html(response.text())

    browser_page.set_viewport_size({"width": 320, "height": 800})
    browser_page.goto(live_server.url + index.url)
    assert browser_page.evaluate("() => document.documentElement.scrollWidth") <= 320
