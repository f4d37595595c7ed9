"""A citizen finds their councillor by postcode, in a real browser, and every page is accessible."""

import pytest
from wagtail import hooks

from councillor_pages.models import CouncillorRole, Postcode
from home.contracts import WARD_ENGAGEMENTS, WardEngagement
from tests.factories import ImageFactory
from tests.factories.councillor_pages import (
    EXAMPLE_SURGERY,
    CouncillorIndexPageFactory,
    CouncillorPageFactory,
)
from tests.factories.places import PlacePageFactory, WardFactory
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.html import assert_valid_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def councillors(home_page):
    index = CouncillorIndexPageFactory(parent=home_page)
    ward = WardFactory(name="Example Ward North")
    other = WardFactory(name="Example Ward South")
    PlacePageFactory(title="Example Village", wards=[ward])
    ours = [
        CouncillorPageFactory(
            title="Asha Example",
            ward=ward,
            photo=ImageFactory(description="Asha Example smiling outside the town hall"),
            roles=[(CouncillorRole.Kind.PORTFOLIO, "Example Communities")],
            surgeries=[EXAMPLE_SURGERY],
            register_of_interests_url="https://council.example.org/interests/asha",
        ),
        CouncillorPageFactory(title="Ben Example", ward=ward),
    ]
    CouncillorPageFactory(title="Zed Example", ward=other, party="Example Party Two")
    Postcode.objects.create(postcode="HD12AB", ward=ward)
    return index, ward, ours


@pytest.fixture
def open_engagement(councillors):
    """Stands in for the engagement app: an open Place Standard form in the ward."""
    _index, ward, _ours = councillors

    def engagements(ward_ids):
        return [
            WardEngagement(
                key="place-standard:1",
                title="How good is Example Village?",
                url="/places/example-village/have-your-say/",
                ward_ids=(ward.pk,),
            )
        ]

    with hooks.register_temporarily(WARD_ENGAGEMENTS, engagements):
        yield


def test_citizen_finds_their_councillor_by_postcode(
    live_server, browser_page, councillors, open_engagement
):
    index, _ward, _ours = councillors
    page = browser_page
    page.goto(live_server.url + index.url)
    assert_valid_html(page.content())  # before axe is injected into the document
    assert_no_axe_violations(page)

    page.get_by_label("Postcode").fill("  hd1   2aB ")
    page.get_by_role("button", name="Find councillors", exact=True).click()

    page.get_by_role("heading", name="Councillors for Example Ward North ward").wait_for()
    assert page.get_by_text("HD1 2AB is in Example Ward North ward.").is_visible()
    assert page.get_by_role("link", name="Asha Example").is_visible()
    assert page.get_by_role("link", name="Ben Example").is_visible()
    assert page.get_by_role("link", name="Zed Example").count() == 0
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Asha Example").click()
    page.get_by_role("heading", level=1, name="Asha Example").wait_for()
    assert page.get_by_role("heading", name="Surgeries").is_visible()
    assert page.get_by_text(EXAMPLE_SURGERY["when"]).is_visible()
    assert page.get_by_text(EXAMPLE_SURGERY["accessibility"]).is_visible()
    assert page.get_by_role("link", name="How good is Example Village?").is_visible()
    assert page.get_by_alt_text("Asha Example smiling outside the town hall").is_visible()
    assert_valid_html(page.content())  # before axe is injected into the document
    assert_no_axe_violations(page)


def test_a_bad_postcode_shows_a_clear_message_and_the_ward_list(
    live_server, browser_page, councillors
):
    index, _ward, _ours = councillors
    page = browser_page
    page.goto(live_server.url + index.url)
    page.get_by_label("Postcode").fill("ZZ9 9ZZ")
    page.get_by_role("button", name="Find councillors", exact=True).click()

    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert "We could not find ZZ9 9ZZ" in summary.inner_text()
    assert page.get_by_label("Postcode").input_value() == "ZZ9 9ZZ"
    assert page.title().startswith("Error: ")
    assert_valid_html(page.content())  # before axe is injected into the document
    assert_no_axe_violations(page)

    page.get_by_role("link", name="choose your ward from the list of wards").click()
    page.get_by_role("link", name="Example Ward North").click()
    page.get_by_role("heading", name="Councillors for Example Ward North ward").wait_for()


def test_contact_form_errors_and_place_section_are_accessible(
    live_server, browser_page, councillors
):
    _index, _ward, ours = councillors
    page = browser_page
    page.goto(live_server.url + ours[0].url)
    page.get_by_role("button", name="Send message").click()
    page.get_by_role("alert").wait_for()
    assert "Enter your name" in page.get_by_role("alert").inner_text()
    assert_valid_html(page.content())  # before axe is injected into the document
    assert_no_axe_violations(page)

    place = PlacePageFactory._meta.model.objects.get(title="Example Village")
    page.goto(live_server.url + place.url)
    page.get_by_role("heading", name="Your councillors").wait_for()
    assert page.get_by_role("link", name="Asha Example").is_visible()
    assert_valid_html(page.content())  # before axe is injected into the document
    assert_no_axe_violations(page)
