import re
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import routing as home_routing
from home import views as home_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("", include("schools.urls")),
    path("", include("engagement.conversation.urls")),
    path("results/", include("engagement.insight_urls")),
]


def serve_image_rendition(request, path):
    """A public image rendition from local storage (SERVE_MEDIA): the one public folder.

    The root is MEDIA_ROOT/images itself, so no path (`..` included) reaches
    documents, original images or anything else under MEDIA_ROOT.
    """
    try:
        return serve_static(request, path, document_root=Path(settings.MEDIA_ROOT) / "images")
    except SuspiciousFileOperation:
        raise Http404("No such image.") from None


if settings.SERVE_MEDIA:
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}images/(?P<path>.+)$", serve_image_rendition)]

if settings.BENCHMARK_ROUTES:
    from tests.benchmarks.reference import urls as benchmark_urls

    urlpatterns += benchmark_urls.urlpatterns

urlpatterns += [
    # Wagtail's page serving catches everything else, so it comes last: its
    # own views for passwords and logins, and its serve view through the
    # cached site and route lookups (home.routing), under Wagtail's URL name.
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, home_routing.serve, name="wagtail_serve"),
]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
