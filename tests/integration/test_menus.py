"""Main and footer menus (wagtailmenus): rendering and editing in the admin.

wagtailmenus 4.2 trips Wagtail 8's check wagtailadmin.W002, which settings
silence (see tests/unit/test_checks.py); these tests prove the menus are still
editable in the admin despite the warning.
"""

import re

import pytest
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtailmenus.models import FlatMenu, MainMenu

from tests.factories.home import StandardPageFactory
from tests.factories.menus import FlatMenuFactory, FlatMenuItemFactory, set_main_menu
from tests.helpers.menus import main_nav, nav_link


@pytest.mark.django_db
def test_main_menu_marks_the_current_page(client, home_page):
    # wagtailmenus only shows pages with "Show in menus" ticked.
    about = StandardPageFactory(title="About", show_in_menus=True)
    places = StandardPageFactory(title="Places", show_in_menus=True)
    child = StandardPageFactory(title="Marsden", parent=places)
    set_main_menu(home_page.get_site(), [about, places])

    nav = main_nav(client.get(about.url).content.decode())

    assert f'href="{about.url}"' in nav_link(nav, "About")
    assert 'aria-current="page"' in nav_link(nav, "About")
    assert "aria-current" not in nav_link(nav, "Places")

    nav = main_nav(client.get(child.url).content.decode())
    assert "aria-current" not in nav_link(nav, "About")
    # An ancestor of the current page is marked as "the current section".
    assert 'aria-current="true"' in nav_link(nav, "Places")


@pytest.mark.django_db
def test_footer_flat_menu_renders(client, home_page):
    accessibility = StandardPageFactory(title="Accessibility statement", show_in_menus=True)
    hidden = StandardPageFactory(title="Not for menus", show_in_menus=False)
    menu = FlatMenuFactory()
    FlatMenuItemFactory(menu=menu, link_text="Contact us", link_url="/contact/")
    FlatMenuItemFactory(menu=menu, link_page=accessibility, link_text="", link_url="")
    FlatMenuItemFactory(menu=menu, link_page=hidden, link_text="", link_url="")

    html = client.get("/").content.decode()

    match = re.search(r'<nav class="footer-nav" aria-label="Footer">.*?</nav>', html, re.S)
    assert match, "The footer menu is not on the page"
    footer = match.group(0)
    assert '<a href="/contact/">Contact us</a>' in footer
    assert f'<a href="{accessibility.url}">Accessibility statement</a>' in footer
    assert "Not for menus" not in footer


@pytest.mark.django_db
def test_no_footer_menu_renders_no_empty_navigation(client, home_page):
    assert 'class="footer-nav"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_main_menu_can_be_edited_in_the_admin(admin_client, home_page):
    site = Site.objects.get(is_default_site=True)
    about = StandardPageFactory(title="About")
    url = reverse("wagtailsnippets_wagtailmenus_mainmenu:edit", args=[site.pk])

    assert admin_client.get(url).status_code == 200
    data = nested_form_data(
        {
            "max_levels": 2,
            "menu_items": inline_formset(
                [
                    {"link_page": about.pk, "link_text": "About us", "allow_subnav": "on"},
                    {"link_url": "https://www.example.org/", "link_text": "Council website"},
                ]
            ),
        }
    )
    response = admin_client.post(url, data)

    assert response.status_code == 302, _form_errors(response)
    menu = MainMenu.objects.get(site=site)
    assert menu.max_levels == 2
    items = list(menu.menu_items.order_by("sort_order"))
    assert [(item.link_page_id, item.link_text) for item in items] == [
        (about.pk, "About us"),
        (None, "Council website"),
    ]


@pytest.mark.django_db
def test_flat_menu_can_be_added_and_edited_in_the_admin(admin_client, home_page):
    site = Site.objects.get(is_default_site=True)
    add_url = reverse("wagtailsnippets_wagtailmenus_flatmenu:add")

    assert admin_client.get(add_url).status_code == 200
    response = admin_client.post(
        add_url,
        nested_form_data(
            {
                "title": "Footer",
                "site": site.pk,
                "handle": "footer",
                "heading": "",
                "max_levels": 1,
                "menu_items": inline_formset(
                    [{"link_url": "/contact/", "link_text": "Contact us"}]
                ),
            }
        ),
    )
    assert response.status_code == 302, _form_errors(response)
    menu = FlatMenu.objects.get(site=site, handle="footer")
    assert [item.link_text for item in menu.menu_items.all()] == ["Contact us"]

    edit_url = reverse("wagtailsnippets_wagtailmenus_flatmenu:edit", args=[menu.pk])
    assert admin_client.get(edit_url).status_code == 200
    item = menu.menu_items.get()
    response = admin_client.post(
        edit_url,
        nested_form_data(
            {
                "title": "Footer links",
                "site": site.pk,
                "handle": "footer",
                "heading": "",
                "max_levels": 1,
                "menu_items": inline_formset(
                    [
                        {"id": item.pk, "link_url": "/contact/", "link_text": "Contact the team"},
                        {"link_url": "/privacy/", "link_text": "Privacy"},
                    ],
                    initial=1,
                ),
            }
        ),
    )
    assert response.status_code == 302, _form_errors(response)
    menu.refresh_from_db()
    assert menu.title == "Footer links"
    assert [item.link_text for item in menu.menu_items.order_by("sort_order")] == [
        "Contact the team",
        "Privacy",
    ]


def _form_errors(response) -> str:
    context = response.context or {}
    form = context.get("form")
    if form is None:
        return f"status {response.status_code}"
    errors = dict(form.errors)
    for name, formset in getattr(form, "formsets", {}).items():
        errors[name] = [f.errors for f in formset.forms] + [formset.non_form_errors()]
    return str(errors)
