"""Template tags of the home app: the pieces other apps add to every page."""

from django import template

from home.contracts import PAGE_FOOTER_PIECES, collect_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def page_footer_pieces(context):
    """The pieces registered under PAGE_FOOTER_PIECES for this page, in declared order.

    base.html includes each one, so it names no other app's template or URL.
    `page` is None on pages that are not Wagtail pages (search, errors).
    """
    return collect_sections(PAGE_FOOTER_PIECES, context.get("page"), context.get("request"))
