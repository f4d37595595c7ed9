"""Content, answers and row counts for the engagement benchmarks.

`place_with_form()` finds a live place page with an open Place Standard form
(the demo's, when the demo loaded), or creates a place and a form for it, and
returns their paths, with the form's thank-you page and the engagement index.
`prepare_post()` checks the form page answers on the running server and builds
the urlencoded answers the POST scenario sends (public forms carry no CSRF
token: the site's cross-site protection reads the browser's Fetch Metadata
instead). `row_counts()` counts the stored responses, before and after the
POST scenario. `place_with_form` and `row_counts` run inside Django (see
site_setup.py); `prepare_post` runs in the load generator, without Django, so
Django is imported only inside the functions that need it.
"""

import datetime
from urllib.parse import urlencode, urlsplit

from engagement.themes import THEME_KEYS  # plain Python: no Django needed
from tests.benchmarks import loadgen

PLACE_SLUG = "bench-place"
FORM_SLUG = "bench-place-standard"
FAR_FUTURE = datetime.timedelta(days=3650)


def place_with_form() -> dict[str, str]:
    from django.utils import timezone
    from wagtail.models import Site

    from engagement.demo import engagement_index
    from engagement.models import EngagementIndexPage, PlaceStandardFormPage

    site = Site.objects.get(is_default_site=True)
    now = timezone.now()
    form_page = (
        PlaceStandardFormPage.objects.live()
        .filter(opens_at__lte=now, closes_at__gt=now, place__live=True)
        .select_related("place")
        .order_by("pk")
        .first()
    )
    source = "demo"
    if form_page is None:
        form_page = _create_place_and_form(now)
        source = "benchmark"
    index = EngagementIndexPage.objects.live().public().first()
    if index is None:
        index = engagement_index(lambda message: None)
        source = "benchmark"
    form_path = form_page.relative_url(site)
    return {
        "engagement_place_path": form_page.place.relative_url(site),
        "engagement_form_path": form_path,
        "engagement_thanks_path": f"{form_path}{form_page.CONFIRMATION_PATH}/",
        "engagement_index_path": index.relative_url(site),
        "engagement_place_id": str(form_page.place_id),
        "engagement_source": source,
    }


def _create_place_and_form(now):
    from engagement.demo import engagement_index
    from engagement.models import PlaceStandardFormPage
    from home.models import HomePage
    from places.models import PlaceIndexPage, PlacePage

    home = HomePage.objects.live().first()
    index = PlaceIndexPage.objects.first()
    if index is None:
        index = PlaceIndexPage(title="Places", slug="places")
        home.add_child(instance=index)
        index.save_revision().publish()
    place = PlacePage.objects.filter(slug=PLACE_SLUG).first()
    if place is None:
        place = PlacePage(
            title="Benchmark Town", slug=PLACE_SLUG, summary="A place for the benchmark."
        )
        index.add_child(instance=place)
        place.save_revision().publish()
    form_page = PlaceStandardFormPage.objects.filter(slug=FORM_SLUG).first()
    if form_page is None:
        form_page = PlaceStandardFormPage(
            title="How good is Benchmark Town?",
            slug=FORM_SLUG,
            place=place,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + FAR_FUTURE,
            privacy_notice="<p>An example privacy notice.</p>",
        )
        engagement_index(lambda message: None).add_child(instance=form_page)
    form_page.closes_at = max(form_page.closes_at, now + FAR_FUTURE)
    form_page.save_revision().publish()
    return form_page


def prepare_post(base_url: str, facts) -> dict[str, str]:
    """The urlencoded answers (each copy made unique by the load generator), after
    checking the form page answers.

    Public forms carry no CSRF token or cookie: the site refuses cross-site
    posts by their Fetch-Metadata and Origin headers instead, which the
    scenario sends as a browser on the same site would.
    """
    port = urlsplit(base_url).port
    status, _headers, _body = loadgen.fetch(port, "GET", facts["engagement_form_path"])
    if status != 200:
        raise SystemExit(f"GET {facts['engagement_form_path']} answered {status}")
    answers = {key: str(n % 7 + 1) for n, key in enumerate(THEME_KEYS)}
    # The load generator puts a number of its own in every copy (loadgen.SEQUENCE):
    # each POST is a different person's answers, never a resend of the last one.
    sequence = loadgen.SEQUENCE.decode()  # urlencode leaves it as it is
    answers["moving_around_comment"] = f"Benchmark comment {sequence} about the pavements."
    form = urlencode({"place": facts["engagement_place_id"], "website": "", **answers})
    return {"engagement_post_body": form}


def row_counts() -> dict[str, str]:
    """Responses and theme scores stored so far (the submissions scenario counts them)."""
    from engagement.models import Submission, ThemeScore

    return {
        "rows_submissions": str(Submission.objects.count()),
        "rows_theme_scores": str(ThemeScore.objects.count()),
    }
