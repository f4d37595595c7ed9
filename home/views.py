import logging
import re

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page

from home.text import single_line

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_QUERY_MAX_LENGTH = 200
SEARCH_MAX_TERMS = 12
_WORD = re.compile(r"\w+")

logger = logging.getLogger(__name__)


def search_terms(query: str) -> str:
    """The words of a query, and nothing a search engine could read as syntax.

    Quotes, brackets, `*`, `:` and `-` mean something to SQLite's FTS5 and to
    PostgreSQL's query parser (a stray double quote was a server error), and
    upper-case AND, OR, NOT and NEAR are FTS5 operators; searching for the
    lower-cased words alone finds the same pages and cannot be malformed.
    """
    return " ".join(_WORD.findall(query.lower())[:SEARCH_MAX_TERMS])


@require_GET
def search(request):
    query = single_line(request.GET.get("q", ""))[:SEARCH_QUERY_MAX_LENGTH].strip()
    terms = search_terms(query)
    results = Page.objects.none()
    if terms:
        results = Page.objects.live().public().specific().search(terms)
        Query.get(terms).add_hit()
    paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    except DatabaseError:
        # Whatever the search engine still could not parse: no results, not an error page.
        logger.warning("Search failed for %r", terms, exc_info=True)
        paginator = Paginator(Page.objects.none(), SEARCH_RESULTS_PER_PAGE)
        page = paginator.page(1)
    return TemplateResponse(
        request, "pages/search.html", {"query": query, "results": page, "paginator": paginator}
    )


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception=None):
    content = loader.render_to_string("404.html", {"request_path": request.path}, request)
    return HttpResponseNotFound(content)


def server_error(request):
    # Render without a request context: the database or a context processor
    # may be what failed.
    content = loader.get_template("500.html").render({"STATIC_URL": settings.STATIC_URL})
    return HttpResponseServerError(content)
