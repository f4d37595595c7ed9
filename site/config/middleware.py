"""Security headers that Django's SecurityMiddleware does not set itself, and the
cross-site protection every public form relies on."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import is_same_domain

logger = logging.getLogger(__name__)


def content_security_policy() -> str:
    frame_src = " ".join(["'self'", *settings.CSP_FRAME_SRC])
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        f"frame-src {frame_src}",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (public pages only) and Permissions-Policy.

    Wagtail's admin relies on inline scripts, so the strict policy applies to
    the public site, where no page may need JavaScript to work.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not request.path.startswith(("/admin/", "/django-admin/")):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        return response


class StripNullCharactersMiddleware:
    """Removes NUL characters from query-string values before any view reads them.

    Filters and searches pass query values to the database, and PostgreSQL
    text cannot hold NUL: a crafted link would otherwise be a server error.
    No meaningful value contains one, so dropping it is safe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get(
            "QUERY_STRING", ""
        ):
            cleaned = request.GET.copy()
            for key in list(cleaned.keys()):
                values = [value.replace("\x00", "") for value in cleaned.getlist(key)]
                del cleaned[key]
                cleaned.setlist(key.replace("\x00", ""), values)
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


# --- Cross-site protection -----------------------------------------------------

#: Paths that keep Django's own CSRF token check (the admin signs people in).
TOKEN_CHECKED_PREFIXES = ("/admin/", "/django-admin/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _is_own_origin(request, origin: str) -> bool:
    """The origin is this site's (scheme and host) or one of CSRF_TRUSTED_ORIGINS."""
    origin = origin.lower()
    if origin == f"{request.scheme}://{request.get_host()}".lower():
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted = trusted.lower()
        if origin == trusted:
            return True
        scheme, _, host = trusted.partition("://")
        parts = urlsplit(origin)
        if "*" in host and parts.scheme == scheme and is_same_domain(parts.netloc, host[1:]):
            return True
    return False


def cross_site_reason(request) -> str:
    """Why this state-changing request looks forged by another site, or "" if it does not.

    Browsers say where a request comes from: Sec-Fetch-Site (every current
    browser) and Origin (every browser since 2020, on every POST). A request
    with neither did not come from a current browser's page on another site
    (it is a script, a mail client's one-click unsubscribe, or a browser too
    old to send them), so it is let through: rate limits and the one-email-
    per-address rule bound what a direct poster can do.
    """
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE", "").lower()
    origin = request.META.get("HTTP_ORIGIN")
    if fetch_site in ("same-origin", "none"):
        return ""
    if fetch_site == "cross-site":
        return "cross-site request"
    if fetch_site == "same-site":
        # Another host of the same site (a sibling subdomain): only if trusted.
        return "" if origin and _is_own_origin(request, origin) else "request from another host"
    if origin is not None:
        # "null" (sandboxed frames, data: URLs) never matches.
        return "" if _is_own_origin(request, origin) else "request from another origin"
    referer = request.META.get("HTTP_REFERER")
    if referer:
        return "" if _is_own_origin(request, _origin_of(referer)) else "referred by another site"
    return ""


def refuse_cross_site(request, reason: str = ""):
    """The 403 page for a refused form post, in the site's style, never cached."""
    response = render(request, "403_csrf.html", {"reason": reason}, status=403)
    add_never_cache_headers(response)
    return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the admin's token failures get the same page."""
    return refuse_cross_site(request, reason)


class CrossSiteProtectionMiddleware:
    """One cross-site protection for every public form; Django's token for the admin.

    Sits just before django.middleware.csrf.CsrfViewMiddleware. On the public
    site a state-changing request (POST and the like) is refused with a 403
    page when the browser says it comes from another site (Fetch Metadata,
    else Origin, else Referer; see `cross_site_reason`); one that passes is
    marked as checked (`csrf_processing_done`, the flag Django's middleware
    sets itself when it accepts a request), so no token is asked for. No token,
    cookie or session is involved, so every public page can be cached whole
    (by us or a CDN) and its forms still work: they carry no `{% csrf_token %}`.
    The Place Standard form also carries a one-time token, so a resent answer
    is stored once. Under the admin's paths nothing changes: Django's token
    check applies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if request.method in SAFE_METHODS or request.path.startswith(TOKEN_CHECKED_PREFIXES):
            return None
        reason = cross_site_reason(request)
        if reason:
            logger.warning("Refused a %s to %s: %s", request.method, request.path, reason)
            return refuse_cross_site(request, reason)
        request.csrf_processing_done = True
        return None
