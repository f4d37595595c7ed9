"""Count the database queries of each GET scenario, in one cache state, inside Django.

Usage (run.py does this, with the benchmark's environment and
OUR_PLACES_BENCH_CACHE_STATE set):
    python tests/benchmarks/queries.py INPUT.json OUTPUT.json

INPUT is a list of {"name", "path", "host"}. Each path is requested twice
through Django's test client (the whole middleware stack, the same settings
as the server, no cookie), in one process: `first` is what a new worker's
first request costs (and fills its caches with), `second` what the next one
costs, the figure to compare with the server's warm state. Nothing is
measured for time here.

For the minimal Wagtail page it also records the steps Wagtail took, to show
the reference really is served the way a new `wagtail start` site serves its
home page: Site.find_for_request -> the root page's route() -> every
before_serve_page hook -> the page's serve().
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> None:
    source, output = argv
    sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    requests = json.loads(Path(source).read_text(encoding="utf-8"))
    trace = _trace_wagtail_serving()
    results = {}
    for request in requests:
        counts = []
        tables = []
        for _ in range(2):
            trace.clear()
            client = Client(HTTP_HOST=request["host"])  # a new client: no cookie, ever
            with CaptureQueriesContext(connection) as queries:
                response = client.get(request["path"])
            counts.append(len(queries.captured_queries))
            tables = [_first_table(query["sql"]) for query in queries.captured_queries]
        results[request["name"]] = {
            "status": response.status_code,
            "first": counts[0],
            "second": counts[1],
            "tables_second": tables,
            "wagtail_steps": list(trace),
        }
    Path(output).write_text(json.dumps(results, indent=2), encoding="utf-8")


def _trace_wagtail_serving() -> list[str]:
    """Record, in this process only, the steps of Wagtail's serve for the minimal page."""
    from wagtail import hooks
    from wagtail.models import Site

    from tests.benchmarks.reference.models import MinimalPage

    steps: list[str] = []
    find_for_request = Site.find_for_request

    def traced_find_for_request(request):
        site = find_for_request(request)
        steps.append(f"Site.find_for_request -> {site.hostname} (root page {site.root_page_id})")
        return site

    Site.find_for_request = staticmethod(traced_find_for_request)

    route, serve = MinimalPage.route, MinimalPage.serve

    def traced_route(self, request, path_components):
        steps.append(f"MinimalPage.route({path_components!r})")
        return route(self, request, path_components)

    def traced_serve(self, request, *args, **kwargs):
        steps.append("MinimalPage.serve")
        return serve(self, request, *args, **kwargs)

    MinimalPage.route, MinimalPage.serve = traced_route, traced_serve
    others = len(hooks.get_hooks("before_serve_page"))

    def after_the_hooks(page, request, serve_args, serve_kwargs):
        if isinstance(page, MinimalPage):
            steps.append(f"before_serve_page hooks ({others} registered) ran")

    # Registered last, with the highest order, so it runs after every other one.
    hooks.register("before_serve_page", after_the_hooks, order=10_000)
    return steps


def _first_table(sql: str) -> str:
    """The first table a query names (FROM/INTO/UPDATE), enough to say what it is."""
    words = sql.replace('"', " ").replace("`", " ").split()
    for keyword, name in zip(words, words[1:], strict=False):
        if keyword.upper() in ("FROM", "INTO", "UPDATE"):
            return name
    return words[0] if words else ""


if __name__ == "__main__":
    main(sys.argv[1:])
