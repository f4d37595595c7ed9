"""Serving pages: Wagtail's `serve` view, with the site and the route looked up once.

Wagtail's own view finds the site (a query), loads the site's root page and
its specific page, then walks the tree one level at a time with two queries
per level (the child, then its specific page), and checks view restrictions
(another query) before it serves anything: about ten queries for a place
page before the page itself does any work.

Here the same steps read lookups (home.fragments) instead:

- the site table, renewed when a site is saved or deleted;
- the route: for a site and path, which page serves it (its model and id),
  with the route's arguments (a form page's thank-you route), the page's
  ancestors for the breadcrumbs, and whether a view restriction applies.
  Renewed whenever any page is published, unpublished, moved or deleted;
- the view restrictions (home.visibility).

A warm request then loads only the page itself (one query). A cold route
costs one query for every page along the path at once (their `url_path`s),
one for the specific page, and then the page's own `route()`, so pages with
routes of their own (Wagtail's RoutablePageMixin, a form's thank-you page)
still decide what their sub-paths mean. If a page on the way down (not the
last one) has its own `route()`, Wagtail's walk is used unchanged; what it
finds is kept like any route when it is the deepest page on the path.

Everything Wagtail's view does afterwards is kept: the `before_serve_page`
and `on_serve_page` hooks run, except Wagtail's own view-restriction check
when the lookup says no restriction applies (when one does, it runs as
usual and its response is never cached), and wagtailmenus' helper for its
own template tags, which this site does not use (home.menus).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from wagtail import hooks
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from home import fragments, page_cache, visibility

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteRow:
    id: int
    hostname: str
    port: int
    site_name: str
    root_page_id: int
    is_default_site: bool
    root_url_path: str

    def as_site(self) -> Site:
        site = Site(
            id=self.id,
            hostname=self.hostname,
            port=self.port,
            site_name=self.site_name,
            root_page_id=self.root_page_id,
            is_default_site=self.is_default_site,
        )
        site._state.adding = False
        site._state.db = "default"
        return site


@dataclass(frozen=True)
class Crumb:
    page_id: int
    title: str
    url: str


@dataclass(frozen=True)
class Route:
    """Which page serves a path, and what serving it needs to know."""

    page_id: int
    model: str  # "app_label.ModelName"
    path: str  # the page's tree path
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    #: The page's ancestors below the tree root, top first (for breadcrumbs).
    ancestors: tuple[Crumb, ...] = ()
    url: str = ""
    #: What the page's cached output depends on (home.fragments.page_names).
    names: tuple[str, ...] = ()
    #: The path below the page, asked of the page's own `route()` again on every
    #: request when its answer cannot be kept (a RoutablePageMixin page's view).
    remaining: tuple[str, ...] = ()
    reroute: bool = False

    def model_class(self):
        return apps.get_model(self.model)

    @property
    def stamps(self) -> list[str]:
        """What the route itself depends on: the page and every page above it.

        Publishing, moving or deleting any of them renews its `page:<id>`
        (home.invalidation), which retires the routes below it and no others;
        `routes` is renewed for what changes every route (a site's root).
        """
        return [
            fragments.ROUTES,
            fragments.page_name(self.page_id),
            *(fragments.page_name(crumb.page_id) for crumb in self.ancestors),
        ]


# --- Sites ----------------------------------------------------------------------------


def site_table(request=None) -> tuple[SiteRow, ...]:
    def build():
        return tuple(
            SiteRow(
                id=site.id,
                hostname=site.hostname,
                port=site.port,
                site_name=site.site_name,
                root_page_id=site.root_page_id,
                is_default_site=site.is_default_site,
                root_url_path=site.root_page.url_path,
            )
            for site in Site.objects.select_related("root_page").order_by("pk")
        )

    return fragments.cached(request, SITES_KEY, [fragments.SITE], build, kind=fragments.LOOKUP)


SITES_KEY = fragments.make_key(fragments.LOOKUP, "sites")


def site_row_for(table, hostname: str, port) -> SiteRow | None:
    """Wagtail's rules (wagtail.models.sites.get_site_for_hostname) over the table."""
    hostname = (hostname or "").lower()
    exact = [row for row in table if row.hostname == hostname and str(row.port) == str(port)]
    if exact:
        return exact[0]
    default = next((row for row in table if row.is_default_site), None)
    if default is not None and default.hostname == hostname:
        return default
    matches = [row for row in table if row.hostname == hostname]
    if len(matches) == 1:
        return matches[0]
    return default


def site_for_request(request) -> SiteRow | None:
    """The request's site, set where Wagtail looks for it (`request._wagtail_site`)."""
    row = getattr(request, "_ourplaces_site_row", None)
    if row is not None:
        return row
    hostname = split_domain_port(request._get_raw_host())[0]
    row = site_row_for(site_table(request), hostname, request.get_port())
    request._ourplaces_site_row = row
    if row is not None and type(request.__dict__.get("_wagtail_site")) is not Site:
        request._wagtail_site = row.as_site()
    return row


# --- Routes -----------------------------------------------------------------------------


def _candidate_paths(root_url_path: str, components: list[str]) -> list[str]:
    paths = [root_url_path]
    for component in components:
        paths.append(f"{paths[-1]}{component}/")
    return paths


def _has_own_route(model) -> bool:
    return getattr(model, "route", None) is not Page.route


def _relative_url(root_url_path: str, url_path: str) -> str:
    return "/" + url_path[len(root_url_path) :]


@dataclass
class Resolved:
    page: Page
    args: tuple
    kwargs: dict
    #: What to cache for the next request, or None (Wagtail's own walk decided).
    route: Route | None


def _simple(value) -> bool:
    if isinstance(value, str | int | float | bool | type(None)):
        return True
    if isinstance(value, list | tuple):
        return all(_simple(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _simple(v) for k, v in value.items())
    return False


def resolve(request, site: SiteRow, components: list[str]) -> Resolved:
    """Find the page for `components` under the site's root (see the module docstring).

    Raises Http404 as Wagtail's routing does: no such page, or not live.
    """
    from django.contrib.contenttypes.models import ContentType

    candidates = _candidate_paths(site.root_url_path, components)
    rows = list(
        Page.objects.filter(url_path__in=candidates)
        .order_by("depth")
        .values("id", "content_type_id", "url_path", "path", "depth", "title")
    )
    by_url_path = {row["url_path"]: row for row in rows}
    chain = []
    for candidate in candidates:
        row = by_url_path.get(candidate)
        if row is None:
            break
        chain.append(row)
    if not chain or chain[0]["id"] != site.root_page_id:
        raise Http404("No page at this address.")
    models = [ContentType.objects.get_for_id(row["content_type_id"]).model_class() for row in chain]
    if any(model is None for model in models):
        raise Http404("No page at this address.")
    last, model = chain[-1], models[-1]
    if any(_has_own_route(model) for model in models[:-1]):
        # A page on the way down decides its own sub-paths (a RoutablePageMixin
        # page): walk as Wagtail does, from the root.
        root = load(models[0], chain[0]["id"])
        page_found, args, kwargs = root.route(request, components)
    else:
        remaining = components[len(chain) - 1 :]
        if remaining and not _has_own_route(model):
            # Wagtail would look for a child with the next slug: it is not there.
            raise Http404("No page at this address.")
        page_found, args, kwargs = load(model, last["id"]).route(request, remaining)
    args, kwargs = tuple(args or ()), dict(kwargs or {})
    if page_found.pk != last["id"]:
        # Served by a page above the last one found (its own sub-route): not kept.
        return Resolved(page_found, args, kwargs, None)
    page = page_found
    simple = _simple(args) and _simple(kwargs)
    route = Route(
        page_id=page.pk,
        model=model._meta.label,
        path=page.path,
        args=args,
        kwargs=kwargs,
        ancestors=tuple(
            Crumb(
                page_id=row["id"],
                title=row["title"],
                url=_relative_url(site.root_url_path, row["url_path"]),
            )
            for row in chain[:-1]
        ),
        url=_relative_url(site.root_url_path, last["url_path"]),
        names=tuple(sorted(fragments.page_names(page))),
        remaining=tuple(components[len(chain) - 1 :]),
        reroute=not simple,
    )
    if not simple:
        route = dataclasses.replace(route, args=(), kwargs={})
    return Resolved(page_found, args, kwargs, route)


def load(model, page_id: int):
    """The specific page, with what its type says it always shows (`route_select_related`)."""
    related = getattr(model, "route_select_related", ())
    queryset = model.objects.select_related(*related) if related else model.objects
    return queryset.get(pk=page_id)


def route_key(site: SiteRow, components: list[str]) -> str:
    return fragments.make_key(fragments.LOOKUP, "route", site.id, "/".join(components))


def find(request, path: str) -> Resolved:
    """The page for `path` on the request's site, from the route lookup when it is warm."""
    site = site_for_request(request)
    if site is None:
        raise Http404("No site answers at this address.")
    components = [component for component in path.split("/") if component]
    key = route_key(site, components)
    route = fragments.get(request, key, kind=fragments.LOOKUP)
    if route is not fragments.MISSING:
        try:
            page = load(route.model_class(), route.page_id)
        except (LookupError, Page.DoesNotExist):
            page = None
        if page is not None and page.live and not route.reroute:
            return Resolved(page, route.args, dict(route.kwargs), route)
        if page is not None and page.live:
            # Its own route() decides again, without the database (a
            # RoutablePageMixin page resolves its sub-path like a URL).
            found, args, kwargs = page.route(request, list(route.remaining))
            if found.pk == page.pk:
                return Resolved(page, tuple(args or ()), dict(kwargs or {}), route)
    resolved = resolve(request, site, components)
    if resolved.route is not None:
        fragments.put(request, key, resolved.route.stamps, resolved.route, kind=fragments.LOOKUP)
    fragments.note(request, [fragments.ROUTES])
    return resolved


def current_route(request) -> Route | None:
    """The route of the page this request is serving, if it came through `serve`."""
    return getattr(request, "_ourplaces_route", None)


# --- The view -------------------------------------------------------------------------


def _prefetch(request, path: str) -> None:
    """Read every stamp this request will need in one round trip.

    The site table and the route are looked at (not yet trusted) first, so
    the page's own names (its content, its sections) are read with the rest.
    """
    names = set(fragments.BASE_NAMES)
    table = fragments.peek(request, SITES_KEY)
    if isinstance(table, fragments.Entry):
        hostname = split_domain_port(request._get_raw_host())[0]
        row = site_row_for(table.value, hostname, request.get_port())
        if row is not None:
            components = [component for component in path.split("/") if component]
            route = fragments.peek(request, route_key(row, components))
            if isinstance(route, fragments.Entry):
                names.update(route.stamps)  # what the route itself depends on
                names.update(route.value.names)  # what the page depends on
    fragments.prefetch(request, names)


def _wagtail_view_restriction_check():
    from wagtail.wagtail_hooks import check_view_restrictions

    return check_view_restrictions


def _skipped_before_serve_hooks() -> set:
    """Hooks of packages whose page-serving side we do not use.

    wagtailmenus finds the current page's section (two queries) for its own
    template tags; home.menus renders the menus from its cache and works the
    section out from the page's path, so nothing reads what it would set.
    """
    from wagtailmenus.wagtail_hooks import wagtailmenu_params_helper

    return {wagtailmenu_params_helper}


def serve(request, path):
    """Wagtail's `wagtail.views.serve`, routed through the lookups (module docstring)."""
    from wagtail.views import serve_chain

    _prefetch(request, path)
    resolved = find(request, path)
    page, args, kwargs = resolved.page, resolved.args, resolved.kwargs
    request._wagtail_route_for_request = RouteResult(page, args, kwargs)
    request._ourplaces_route = resolved.route
    restricted = bool(visibility.restrictions_on(page.path, request))
    request._ourplaces_restricted = restricted

    check = _wagtail_view_restriction_check()
    on_serve_chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        if fn is check and not restricted:
            continue  # no restriction applies (home.visibility): nothing to check
        on_serve_chain = fn(on_serve_chain)

    skipped = _skipped_before_serve_hooks()
    for fn in hooks.get_hooks("before_serve_page"):
        if fn in skipped:
            continue
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result

    response = on_serve_chain(page, request, args, kwargs)
    if not restricted and getattr(page, "cache_public", True):
        names = resolved.route.names if resolved.route else fragments.page_names(page)
        page_cache.mark_public(request, names)
    if hasattr(response, "add_post_render_callback"):
        # A TemplateResponse renders after this returns: learn what rendering read.
        response.add_post_render_callback(
            lambda rendered: _learn_names(request, path, resolved.route)
        )
    else:
        _learn_names(request, path, resolved.route)
    return response


def _learn_names(request, path: str, route: Route | None) -> None:
    """Keep with the route every name this page turned out to read.

    The next request for the path then reads all its stamps in the one
    round trip of `_prefetch`, lookups of other apps (the story index, a
    ward's councillors) included.
    """
    if route is None or request.method not in ("GET", "HEAD"):
        return
    used = fragments.usage(request).names - set(fragments.BASE_NAMES)
    if used <= set(route.names):
        return
    site = site_for_request(request)
    components = [component for component in path.split("/") if component]
    learned = dataclasses.replace(route, names=tuple(sorted(used | set(route.names))))
    fragments.put(
        request, route_key(site, components), route.stamps, learned, kind=fragments.LOOKUP
    )
