"""Template tags of the home app: the pieces other apps add to every page."""

from django import template
from django.test.signals import template_rendered
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


# --- Cached page content ----------------------------------------------------------


@register.tag
def cached_content(parser, token):
    """`{% cached_content %}…{% endcached_content %}`: a page's main content, cached.

    base.html wraps `{% block content %}` in it. For a Wagtail page served to
    a GET, the rendered content is a fragment (home.fragments) keyed by the
    page, the template, the allowed query parameters and whether the visitor
    is signed in, and stored under the page's names (its own `page:<id>`,
    what it lists, its sections). The page's `get_content_context(request)`
    (if it has one) runs only when the fragment is rendered, so a warm page
    pays none of its queries. A view that is not a page asks for the same
    with `home.fragments.view_content` in its context.
    """
    nodelist = parser.parse(("endcached_content",))
    parser.delete_first_token()
    return CachedContentNode(nodelist)


class CachedContentNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        from wagtail.models import Page

        from home import fragments
        from home.page_cache import normalised_query

        request = context.get("request")
        page = context.get("page")
        view = context.get("content_cache")
        if isinstance(view, fragments.ViewContent):
            page = None
        elif not isinstance(page, Page) or page.pk is None:
            return self.nodelist.render(context)

        def build():
            if view is not None:
                extra = view.build()
            else:
                content_context = getattr(page, "get_content_context", None)
                extra = content_context(request) if content_context and request else {}
            with context.push(**extra):
                # Django's test client collects the contexts templates are
                # rendered with from this signal; the content's own is one.
                template_rendered.send(sender=self, template=context.template, context=context)
                return self.nodelist.render(context)

        if (
            request is None
            or request.method not in ("GET", "HEAD")
            or getattr(request, "is_preview", False)
            or getattr(request, "_ourplaces_restricted", False)
            or not getattr(page, "cache_content", True)
        ):
            return build()
        signed_in = request.user.is_authenticated if hasattr(request, "user") else False
        template_name = getattr(getattr(context.template, "origin", None), "template_name", "")
        key = fragments.make_key(
            fragments.FRAGMENT,
            "content",
            view.key if view is not None else page.pk,
            template_name,
            "staff" if signed_in else "public",
            normalised_query(request.GET),
        )
        names = view.names if view is not None else fragments.page_names(page)
        return fragments.cached(request, key, names, build)


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context):
    """The current page's ancestors (below the tree root) as (title, url) crumbs.

    From the route lookup (home.routing) when the page was served through it:
    no query. Otherwise (a preview, a test rendering a template) from the tree.
    """
    from wagtail.models import Page

    from home.routing import Crumb, current_route

    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page) or page.depth is None or page.depth <= 2:
        return []
    route = current_route(request)
    if route is not None and route.page_id == page.pk:
        return list(route.ancestors)
    return [
        Crumb(page_id=ancestor.pk, title=ancestor.title, url=ancestor.get_url(request) or "")
        for ancestor in page.get_ancestors().filter(depth__gt=1)
    ]
