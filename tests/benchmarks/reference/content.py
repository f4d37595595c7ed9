"""Setup for the reference scenarios (run inside Django by ../site_setup.py).

`minimal_site()` makes the minimal Wagtail page the root page of its own
Site, `reference.bench`, beside the real site (whose default Site is left as
it is): a request with `Host: reference.bench:<port>` finds that Site, as a
request to a new `wagtail start` project finds its only Site, and Wagtail
serves the root page for the path "". Found first, created only if missing.
"""

REFERENCE_HOST = "reference.bench"
SLUG = "bench-minimal-page"
TITLE = "Minimal Wagtail page"


def minimal_site() -> dict[str, str]:
    from wagtail.models import Page, Site

    from tests.benchmarks.reference.models import MinimalPage

    page = MinimalPage.objects.filter(slug=SLUG).first()
    if page is None:
        page = MinimalPage(title=TITLE, slug=SLUG)
        Page.get_first_root_node().add_child(instance=page)
    site = Site.objects.filter(hostname=REFERENCE_HOST).first()
    if site is None:
        site = Site(hostname=REFERENCE_HOST, port=80, site_name="Benchmark reference")
    if site.root_page_id != page.pk:
        site.root_page = page
        site.save()
    return {"reference_host": REFERENCE_HOST, "minimal_page_title": page.title}


def bench_rows() -> dict[str, str]:
    """How many rows the one-row reference has stored so far."""
    from tests.benchmarks.reference.models import BenchRow

    return {"rows_bench": str(BenchRow.objects.count())}


def prepare_post(base_url: str, facts) -> dict[str, str]:
    """A CSRF cookie and token for the one-row POST, as a browser gets them.

    GETs the reference form once from the running server (no Django here: this
    runs in the load generator) and returns the `csrftoken` cookie's value and
    the form's `csrfmiddlewaretoken`, which every POST of the scenario sends
    again, as a browser that keeps a form open and submits it many times would.
    """
    import re
    from http.cookies import SimpleCookie
    from urllib.parse import urlsplit

    from tests.benchmarks import loadgen

    status, headers, body = loadgen.fetch(urlsplit(base_url).port, "GET", "/__bench__/submit/")
    if status != 200:
        raise SystemExit(f"GET /__bench__/submit/ answered {status}")
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if "csrftoken" not in cookies or token is None:
        raise SystemExit("The one-row form came without Django's CSRF cookie and token.")
    return {"bench_csrf_cookie": cookies["csrftoken"].value, "bench_csrf_token": token[1].decode()}
