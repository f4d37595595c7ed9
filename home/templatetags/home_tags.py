"""Template tags of the home app: the pieces other apps add to every page."""

from django import template
from django.utils import timezone

from home.contracts import PAGE_FOOTER_PIECES, collect_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def page_footer_pieces(context):
    """The pieces registered under PAGE_FOOTER_PIECES for this page, in declared order.

    base.html includes each one, so it names no other app's template or URL.
    `page` is None on pages that are not Wagtail pages (search, errors).
    """
    return collect_sections(PAGE_FOOTER_PIECES, context.get("page"), context.get("request"))


@register.filter
def time_on_date(value):
    """ "9:08pm on 1 December 2027", GOV.UK's style for a deadline, in local time.

    Django's "a" format writes "p.m.", which doubles the full stop when the
    time ends a sentence.
    """
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'} on {local.day} {local:%B %Y}"
