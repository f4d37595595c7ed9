"""Factories for wagtailmenus' main menu and flat (footer) menus."""

import factory
from wagtail.models import Page, Site
from wagtailmenus.models import FlatMenu, FlatMenuItem, MainMenu, MainMenuItem


def set_main_menu(site: Site, pages: list[Page]) -> MainMenu:
    """Make the site's main menu link to `pages`, in order (replacing any items)."""
    menu = MainMenu.get_for_site(site)
    MainMenuItem.objects.filter(menu=menu).delete()
    MainMenuItem.objects.bulk_create(
        MainMenuItem(menu=menu, link_page=page, sort_order=n) for n, page in enumerate(pages)
    )
    return menu


class FlatMenuFactory(factory.django.DjangoModelFactory):
    site = factory.LazyFunction(lambda: Site.objects.get(is_default_site=True))
    title = "Footer"
    handle = "footer"

    class Meta:
        model = FlatMenu
        django_get_or_create = ("site", "handle")


class FlatMenuItemFactory(factory.django.DjangoModelFactory):
    menu = factory.SubFactory(FlatMenuFactory)
    link_text = factory.Sequence(lambda n: f"Footer link {n}")
    link_url = factory.Sequence(lambda n: f"/footer-link-{n}/")
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = FlatMenuItem
