"""Security headers that Django's SecurityMiddleware does not set itself."""

from django.conf import settings


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
