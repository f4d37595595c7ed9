"""Every invalidating event reaches the next anonymous visitor and the CDN (issue 12, done-when 4).

With the page cache and the fragments on, each page is first served from
the caches (`X-Page-Cache: hit`); then an event happens the way it happens
on the site (an editor publishing, a moderator approving a story through its
workflow, a citizen's response moving the public figures, the clock reaching
a form's opening time), and the next anonymous GET shows it. A recording
frontend-cache backend (tests/helpers/frontend_cache.py) receives, through
Wagtail's purge task, every URL the event affects: the page, its ancestors,
the pages that list it or show it in a section, the results pages and open
data, the sitemap. Pages the event does not touch stay cached.

The same events made by another process, seen by two gunicorn servers, are
tests/integration/test_cache_servers.py (a drill).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtailmenus.models import MainMenuItem

from engagement.insight_models import RoundTally
from engagement.themes import THEME_KEYS
from home.page_cache import HEADER
from tests.factories.conversation import StoryPageFactory
from tests.factories.engagement import PlaceInsightFactory, PlaceStandardFormPageFactory
from tests.factories.home import StandardPageFactory
from tests.helpers import frontend_cache, public_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(home_page, admin_user, page_cache):
    page_cache.WAGTAILFRONTENDCACHE = frontend_cache.SETTING
    built = public_site.build(home_page, admin_user)
    frontend_cache.clear()
    return built


@pytest.fixture
def event(django_capture_on_commit_callbacks):
    """Run an event as a request would: its after-commit work (purges, stamps) included."""

    def run(fn, *args, **kwargs):
        frontend_cache.clear()
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def cached(client, url: str) -> str:
    """Fill the caches for `url` and check the next request is served from them."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers[HEADER] == "hit", url
    return response.content.decode()


def fresh(client, url: str, status: int = 200) -> str:
    """The next anonymous GET after an event: built again, not the stored page."""
    response = client.get(url)
    assert response.status_code == status, url
    if status == 200:
        assert response.headers[HEADER] == "miss", f"{url} still came from the page cache"
    return response.content.decode()


def still_cached(client, url: str) -> None:
    assert client.get(url).headers[HEADER] == "hit", f"{url} was renewed by an unrelated event"


def purged() -> set[str]:
    return frontend_cache.paths()


# --- Pages --------------------------------------------------------------------------


def test_publishing_a_page(client, site, event):
    team, place = site.content.team.specific, site.urls["place page"]
    cached(client, team.url)
    cached(client, place)
    team.title = "The people behind Our Places"
    event(team.save_revision().publish)
    assert "<h1>The people behind Our Places</h1>" in fresh(client, team.url)
    still_cached(client, place)
    assert {team.url, site.content.about.url, "/", "/sitemap.xml"} <= purged()
    assert place not in purged()


def test_unpublishing_a_place(client, site, event):
    quarter = Page.objects.child_of(site.town).filter(title__startswith="Quarter").first().specific
    town, index = site.urls["place page"], site.urls["place index"]
    for url in (quarter.url, town, index):
        cached(client, url)
    assert quarter.title in cached(client, town)
    event(quarter.unpublish)
    fresh(client, quarter.url, status=404)
    assert quarter.title not in fresh(client, town)
    assert quarter.title not in fresh(client, index)
    assert {quarter.url, town, site.district.url, index, "/sitemap.xml"} <= purged()


def test_moving_a_page(client, site, event):
    page = StandardPageFactory(title="Our values", slug="our-values", parent=site.content.about)
    page.save_revision().publish()
    old_url = page.url
    cached(client, old_url)
    target = StandardPageFactory(title="Get involved here", parent=site.content.home)
    event(page.move, target, pos="last-child")
    page.refresh_from_db()
    moved = client.get(old_url)  # Wagtail's redirects make the old address lead to the new one
    assert (moved.status_code, moved["Location"]) == (301, page.url)
    assert "<h1>Our values</h1>" in fresh(client, page.url)
    assert {old_url, page.url} <= purged()


def test_editing_the_main_menu(client, site, event):
    urls = [site.urls["standard page"], site.urls["place page"], site.urls["results overview"]]
    for url in urls:
        cached(client, url)
    item = MainMenuItem.objects.get(link_url="https://www.example.org/")
    item.link_text = "The council's own website"
    event(item.save)
    for url in urls:
        assert "The council&#x27;s own website" in fresh(client, url)
    live = {page.url for page in Page.objects.live().filter(depth__gt=1)}
    assert live <= purged(), "every page shows the menu"
    views = {site.urls[name] for name in ("results overview", "results page", "alerts sign-up")}
    assert views | {"/sitemap.xml"} <= purged(), "and so do the public views"


# --- A story approved by its moderator ------------------------------------------------


def test_a_story_approved_through_its_workflow(client, site, event, admin_user):
    index = site.story.get_parent()
    story = StoryPageFactory(parent=index, title="Litter pick on Market Street", live=False)
    story.places.set([site.town])
    story.save_revision(user=admin_user)
    state = story.get_workflow().start(story, user=admin_user)
    town = site.urls["place page"]
    assert "Litter pick on Market Street" not in cached(client, town)
    cached(client, site.urls["standard page"])

    event(state.current_task_state.approve, user=admin_user)
    story.refresh_from_db()
    assert story.live
    assert "Litter pick on Market Street" in fresh(client, town)
    assert "Litter pick on Market Street" in fresh(client, index.url)
    still_cached(client, site.urls["standard page"])
    assert {town, story.url, index.url, "/sitemap.xml"} <= purged()


# --- Results ------------------------------------------------------------------------


def test_publishing_an_insight(client, site, event):
    from places.models import PlacePage

    place = PlacePage.objects.get(title="Example Neighbour")
    form = PlaceStandardFormPageFactory(parent=place, place=place)
    public_site._respond(form, 6)
    cached(client, place.url)
    results = reverse("insight_results", args=[place.pk, 1])
    assert client.get(results).status_code == 404

    insight = PlaceInsightFactory(place=place, live=False)
    event(insight.save_revision().publish)
    assert "What people told us" in fresh(client, place.url)
    assert client.get(results).status_code == 200
    assert place.title in fresh(client, reverse("insight_overview"))
    assert {
        place.url,
        results,
        reverse("insight_overview"),
        reverse("insight_district_csv"),
        reverse("insight_district_json"),
    } <= purged()


RESPONSES = re.compile(r"(\d+) responses? from")


def test_live_figures_move_only_in_steps_and_then_reach_the_next_visitor(client, site, event):
    """Responses are counted at once, but public figures refresh every minimum: each
    refresh (never a single response) renews the place's pages and reaches the CDN."""
    town, form = site.urls["place page"], site.form_page
    results = reverse("insight_results", args=[site.town.pk, 1])
    shown = int(RESPONSES.search(cached(client, town)).group(1))
    cached(client, results)
    tally = RoundTally.objects.get(place_id=site.town.pk, round_number=1)
    refreshes = 0
    for n in range(12):
        answers = {"place": str(site.town.pk), "website": "", "moving_around_comment": f"r{n}"}
        answers.update(dict.fromkeys(THEME_KEYS, "5"))
        response = event(client.post, form.url, answers, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 303
        published = RoundTally.objects.get(pk=tally.pk).published_responses
        if published == shown:
            assert town not in purged(), f"response {n} renewed the page without moving it"
            still_cached(client, town)
            continue
        refreshes += 1
        assert {town, results, reverse("insight_overview")} <= purged()
        assert int(RESPONSES.search(fresh(client, town)).group(1)) == published
        shown = published
        cached(client, town)
    assert refreshes >= 2


# --- The clock ---------------------------------------------------------------------------


def test_a_form_opening_at_its_scheduled_time(client, site, monkeypatch):
    from places.models import PlacePage

    place = PlacePage.objects.get(title="Example Neighbour")
    opens = timezone.now() + datetime.timedelta(hours=1)
    form = PlaceStandardFormPageFactory(
        parent=place,
        place=place,
        title="Rate the Neighbour",
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
    )
    form.save_revision().publish()  # published, not yet open
    html = cached(client, place.url)
    assert "Have your say: Rate the Neighbour" not in html
    control = client.get(place.url).headers["Cache-Control"]
    assert int(control.rsplit("s-maxage=", 1)[1]) <= 3600, "a CDN keeps it no longer"

    later = timezone.now() + datetime.timedelta(hours=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Have your say: Rate the Neighbour" in fresh(client, place.url)
    assert "Rate the Neighbour" in fresh(client, "/")
