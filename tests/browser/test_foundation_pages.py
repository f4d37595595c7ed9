"""The foundation pages in real Chromium: accessible, valid, usable at 320px.

For each page: axe-core finds no WCAG 2.2 A/AA violation, the served HTML
passes the Nu HTML Checker, a 320px-wide viewport needs no horizontal
scrolling (WCAG 1.4.10 reflow), the skip link is the first thing a keyboard
reaches and moves focus to the main content, and there is exactly one h1.
"""

import pytest
from django.urls import path

from config import urls as project_urls
from tests.factories import ImageFactory
from tests.factories.home import (
    StandardPageFactory,
    feature_pages,
    paragraph_block,
    set_ways,
    way_block,
)
from tests.factories.menus import FlatMenuFactory, FlatMenuItemFactory, set_main_menu
from tests.factories.places import PlaceIndexPageFactory, PlacePageFactory
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.html import assert_valid_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def boom(request):
    raise RuntimeError("A view failed")


# For the 500 page: the project's URLs plus a view that fails.
urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def build_site(home_page):
    """A home page with everything it can show, menus in header and footer."""
    site = home_page.get_site()
    about = StandardPageFactory(title="About Our Places", show_in_menus=True)
    places = PlaceIndexPageFactory(show_in_menus=True)
    place = PlacePageFactory(title="Marsden", parent=places, show_in_menus=True)
    set_main_menu(site, [about, places, place])
    footer = FlatMenuFactory(site=site)
    FlatMenuItemFactory(menu=footer, link_text="Contact us", link_url="/contact/")
    FlatMenuItemFactory(menu=footer, link_page=about, link_text="", link_url="")
    home_page.__class__.objects.filter(pk=home_page.pk).update(
        hero_image=ImageFactory(description="Terraced houses on a hillside above a valley")
    )
    feature_pages(home_page, [place, about])
    set_ways(
        home_page,
        [
            way_block("Rate your place", "Answer fourteen questions.", link=about),
            way_block("Meet your councillor", "Find out who represents your ward."),
        ],
    )
    return {"about": about, "place": place}


def check_page(page, response, *, h1, status=200):
    """The checks every public page must pass, in the order a person meets them."""
    assert response is not None
    assert response.status == status, f"{response.url} answered {response.status}"

    headings = page.locator("h1")
    assert headings.count() == 1, "A page has exactly one h1"
    assert headings.inner_text().strip() == h1

    # The skip link is the first thing the keyboard reaches, and using it
    # moves focus to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"cls": "skip-link", "href": "#main-content"}, focused
    assert page.locator(".skip-link").is_visible(), "The skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"

    assert_no_axe_violations(page)
    assert_valid_html(response.text(), label=response.url)

    page.set_viewport_size({"width": 320, "height": 640})
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"{response.url} scrolls sideways at 320px ({scroll_width}px wide)"
    assert_no_axe_violations(page)


def test_home_page(live_server, home_page, browser_page):
    build_site(home_page)

    response = browser_page.goto(live_server.url + "/")

    assert browser_page.locator("#featured-heading + .card-list > li").count() == 2
    assert browser_page.locator(".main-nav a[aria-current=page]").count() == 0
    assert browser_page.locator(".footer-nav a").count() == 2
    check_page(browser_page, response, h1="Welcome to Our Places")


def test_standard_page_with_every_block(live_server, home_page, browser_page):
    pages = build_site(home_page)
    page = StandardPageFactory(
        title="How to take part", parent=pages["about"], with_every_block=True
    )

    response = browser_page.goto(live_server.url + page.url)

    assert browser_page.locator(".main-nav a[aria-current=true]").inner_text() == "About Our Places"
    for selector in ("figure.figure img", "aside.call-to-action", "details", "blockquote", "iframe"):
        assert browser_page.locator(selector).count() >= 1, selector
    check_page(browser_page, response, h1="How to take part")


def test_search_results_page(live_server, home_page, browser_page):
    build_site(home_page)
    for n in range(12):
        StandardPageFactory(title=f"Moorland walk {n}", body=[paragraph_block("heather")])

    response = browser_page.goto(live_server.url + "/search/?q=heather")

    assert browser_page.locator(".search-results__item").count() == 10
    assert browser_page.locator(".pagination a[rel=next]").count() == 1
    check_page(browser_page, response, h1="Search")


def test_not_found_page(live_server, home_page, browser_page):
    build_site(home_page)

    response = browser_page.goto(live_server.url + "/no-such-page/")

    check_page(browser_page, response, h1="Page not found", status=404)


@pytest.mark.urls(__name__)
def test_server_error_page(live_server, home_page, browser_page):
    response = browser_page.goto(live_server.url + "/boom/")

    check_page(
        browser_page, response, h1="Sorry, there is a problem with the service", status=500
    )
