"""The layout's menus and organisation details, cached (see home.menus).

{% load site_menus %}
{% organisation_name %}   the organisation's name (settings, cached)
{% site_main_menu %}      the main menu, the current page and section marked
{% site_footer %}         the footer: footer menu, contact, links
"""

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Page

from home import menus

register = template.Library()


def _current_page(context):
    # Some views name a paginator's page "page": only a Wagtail page counts.
    for name in ("page", "self"):
        page = context.get(name)
        if isinstance(page, Page):
            return page
    return None


@register.simple_tag(takes_context=True)
def organisation_name(context):
    return menus.organisation(context.get("request"))["organisation_name"]


@register.simple_tag(takes_context=True)
def site_main_menu(context):
    return mark_safe(menus.render_main_menu(context.get("request"), _current_page(context)))  # noqa: S308


@register.simple_tag(takes_context=True)
def site_footer(context):
    return mark_safe(menus.render_footer(context.get("request"), _current_page(context)))  # noqa: S308
