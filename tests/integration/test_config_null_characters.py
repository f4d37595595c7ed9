"""A NUL character in a link never reaches the database (PostgreSQL refuses it)."""

import pytest

from tests.factories.councillor_pages import CouncillorIndexPageFactory
from tests.factories.places import PlaceIndexPageFactory, PlacePageFactory

pytestmark = pytest.mark.django_db


def test_null_characters_in_query_strings_are_dropped(client, home_page):
    places = PlaceIndexPageFactory(parent=home_page)
    PlacePageFactory(parent=places, title="Batley")
    councillors = CouncillorIndexPageFactory(parent=home_page)

    for url in [
        "/search/?q=Bat%00ley",
        f"{places.url}?ward=E05%00001&kind=to%00wn&letter=%00",
        f"{councillors.url}?postcode=HD1%002AB&q=%00",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url

    response = client.get("/search/?q=Bat%00ley")
    assert response.context["query"] == "Batley"
