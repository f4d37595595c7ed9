"""Whole anonymous pages: served from the app's own cache, and told to a CDN how long to keep.

A response may be kept only when all of these hold, so nothing private is
ever shared:

- the request is a GET or HEAD for the public site (not the admin, Django's
  admin, documents or static files) and carries **no cookie** and no
  `Authorization` header: nobody signed in, no session, no message waiting;
- the view said the response is public (`mark_public`): Wagtail pages
  outside every view restriction (home.routing), and views decorated with
  `public_page`. Previews, drafts, password and login pages, form errors,
  anything behind a permission never are;
- it is a 200 that sets no cookie and has no `Cache-Control` of its own.

Such a response gets `Cache-Control: public, max-age=<browser>,
s-maxage=<CDN>` and `Vary: Cookie`, and is stored in the app's page cache
under the names everything on it depended on (home.fragments): the next
anonymous request for the same URL is answered before sessions,
authentication or the page tree are touched, until an event renews one of
those names (home.invalidation, which purges the same URLs from the CDN).
No entry and no `s-maxage` outlives the next scheduled change (home.schedule).
Every other response of the public site that says nothing about caching
gets `Cache-Control: private, no-cache`, so a CDN keeps none of them.

The key is the scheme, host and path with only the query parameters in
`ALLOWED_QUERY_PARAMETERS`, sorted; any other parameter (`utm_source`, a
cache-busting `?x=123`) is ignored, so it cannot split or bypass the cache.
A test checks that every parameter our views read is in the list.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from home import fragments

logger = logging.getLogger(__name__)

#: The query parameters that change what a public page shows; all others are ignored.
ALLOWED_QUERY_PARAMETERS = frozenset(
    {
        "page",  # pagination everywhere
        "kind",
        "ward",
        "letter",  # place index
        "place",
        "topic",
        "way",  # stories
        "postcode",  # find your councillor
        "key_stage",
        "type",
        "duration",  # resource library
        "q",  # search, and names in the councillor finder and the library
        "party",  # councillor finder
        "sent",  # councillor contact form: "your message was sent"
        "sort",  # resource library, the results overview
        "order",  # the results overview: ascending or descending
    }
)
#: Paths never cached whole, whatever the view says.
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/static/", "/_util/")
HEADER = "X-Page-Cache"


def _browser_seconds() -> int:
    return max(0, int(getattr(settings, "PAGE_CACHE_BROWSER_SECONDS", 60)))


def mark_public(request, names=()) -> None:
    """The view's response is the same for every anonymous visitor and may be shared.

    `names` are what it depends on besides what its fragments and lookups
    recorded (home.fragments.note).
    """
    request._ourplaces_public = True
    fragments.note(request, names)


#: Every view decorated with `public_page`: its paths, for purging them all
#: when something every page shows changes (home.invalidation).
PUBLIC_VIEWS: list = []


def public_page(names=(), *, paths=None):
    """Decorate a view whose GET response may be cached whole (see `mark_public`).

    `names` is a list of home.fragments names, or a function of the view's
    keyword arguments returning one. `paths()` lists every path the view
    answers (by default its URL name reversed without arguments), so a CDN
    can be told to forget them all when the menus change.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            chosen = [*fragments.BASE_NAMES, *(names(**kwargs) if callable(names) else names)]
            fragments.prefetch(request, chosen)  # every stamp it needs, in one round trip
            response = view(request, *args, **kwargs)
            mark_public(request, chosen)
            return response

        PUBLIC_VIEWS.append((wrapper, paths))
        return wrapper

    return decorate


def public_view_paths() -> set[str]:
    """Every path a `public_page` view answers (its `paths()`, else its URL reversed)."""
    from django.urls import NoReverseMatch, reverse

    found = set()
    for view, paths in PUBLIC_VIEWS:
        if paths is not None:
            found.update(paths())
            continue
        for url_name in _url_names_of(view):
            try:
                found.add(reverse(url_name))
            except NoReverseMatch:
                continue
    return found


def _wraps(callback, view) -> bool:
    """Whether `callback` is `view` or a decorator's wrapper around it."""
    seen = 0
    while callback is not None and seen < 10:
        if callback is view:
            return True
        callback = getattr(callback, "__wrapped__", None)
        seen += 1
    return False


def _url_names_of(view) -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif (
                isinstance(pattern, URLPattern) and pattern.name and _wraps(pattern.callback, view)
            ):
                found.append(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return found


def is_candidate(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(EXCLUDED_PREFIXES)
        and not request.META.get("HTTP_COOKIE")
        and not request.META.get("HTTP_AUTHORIZATION")
    )


def normalised_query(query) -> str:
    pairs = sorted(
        (name, value)
        for name in query
        if name in ALLOWED_QUERY_PARAMETERS
        for value in query.getlist(name)
    )
    return urlencode(pairs)


def page_key(request) -> str:
    return fragments.make_key(
        fragments.PAGE,
        request.scheme,
        request.get_host().lower(),
        request.path,
        normalised_query(request.GET),
    )


@dataclass
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    content: bytes

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def cdn_seconds(request) -> int:
    """How long a CDN may keep the response: the page cache's lifetime, capped by time."""
    seconds = int(getattr(settings, "PAGE_CACHE_SECONDS", 0))
    expires_at = fragments.usage(request).expires_at
    from home import schedule

    moments = [moment for moment in (expires_at, schedule.next_change(request)) if moment]
    if moments:
        left = int((min(moments) - timezone.now()).total_seconds())
        seconds = min(seconds, max(0, left))
    return seconds


def _site_of(request):
    from home import routing

    row = routing.site_for_request(request)
    return row.as_site() if row is not None else None


class PageCacheMiddleware:
    """Answers anonymous requests from the page cache, and sets every response's caching headers.

    Sits after WhiteNoise and before the session middleware: a hit costs no
    session, authentication or routing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        candidate = fragments.enabled(fragments.PAGE) and is_candidate(request)
        key = page_key(request) if candidate else None
        if candidate:
            stored = self.lookup(request, key)
            if stored is not None:
                response = stored.response()
                response[HEADER] = "hit"
                return response
        response = self.get_response(request)
        self.finish(request, response, key)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Before a public view that is not a page: its site from the cached site table.

        Pages are served by home.routing.serve, which finds their site itself;
        other views (results, sign-ups) link to pages, and Wagtail's
        `Site.find_for_request` would query the site for them.
        """
        from home import routing

        if (
            view_func is not routing.serve
            and not request.path.startswith(EXCLUDED_PREFIXES)
            and not hasattr(request, "_wagtail_site")
        ):
            # Found only if something asks (a view returning a constant never does).
            request._wagtail_site = SimpleLazyObject(lambda: _site_of(request))
        return None

    def lookup(self, request, key) -> StoredResponse | None:
        entry = fragments.peek(request, key)
        if not isinstance(entry, fragments.Entry):
            return None
        value = fragments.get(request, key, kind=fragments.PAGE)
        return None if value is fragments.MISSING else value

    def finish(self, request, response, key) -> None:
        if request.path.startswith(EXCLUDED_PREFIXES):
            return
        if not self.shareable(request, response):
            if "Cache-Control" not in response:
                response["Cache-Control"] = "private, no-cache"
            return
        seconds = cdn_seconds(request)
        if seconds <= 0:
            response["Cache-Control"] = "no-cache"
            return
        browser = min(_browser_seconds(), seconds)
        response["Cache-Control"] = f"public, max-age={browser}, s-maxage={seconds}"
        patch_vary_headers(response, ("Cookie",))
        if key is None:
            return
        response[HEADER] = "miss"
        stored = StoredResponse(
            status=response.status_code,
            headers=[
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("content-length", HEADER.lower())
            ],
            content=response.content,
        )
        names = {*fragments.BASE_NAMES, *fragments.usage(request).names}
        fragments.put(
            request,
            key,
            names,
            stored,
            kind=fragments.PAGE,
            expires_at=timezone.now() + dt.timedelta(seconds=seconds),
        )

    @staticmethod
    def shareable(request, response) -> bool:
        return (
            is_candidate(request)
            and getattr(request, "_ourplaces_public", False)
            and response.status_code == 200
            and not response.cookies
            and "Cache-Control" not in response
            and not response.streaming
            and not getattr(request, "is_preview", False)
        )
