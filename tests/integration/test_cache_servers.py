"""Two gunicorn servers, each with its own cache, see every event another process makes (drill).

Issue 12, done-when 4 "with two": the servers keep fragments and whole pages
in their own memory (no Redis) and read the stamps from the database they
share (home.versions). Before each event both answer a page from their page
cache (`X-Page-Cache: hit`); the event is made by a third process
(tests/helpers/cache_events.py) or, for the live figures, by citizens posting
to one of the servers; then the next anonymous GET on *both* shows it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection

from engagement.themes import THEME_KEYS
from tests.helpers import public_site
from tests.helpers.servers import (
    REPO_ROOT,
    ensure_default_locale,
    served_database,
    start_gunicorn,
)

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

RESPONSES = re.compile(r"(\d+) responses? from")


def fetch(base_url: str, path: str, method: str = "GET", body: str | None = None, headers=None):
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


class Servers:
    def __init__(self, servers, database, tmp_path):
        self.servers, self.database, self.tmp_path = servers, database, tmp_path

    def cached(self, path: str) -> list[str]:
        """Fill both servers' caches for `path`; both then answer from them."""
        pages = []
        for server in self.servers:
            fetch(server.base_url, path)
            status, headers, html = fetch(server.base_url, path)
            assert status == 200, (server.base_url, path, status)
            assert headers.get("X-Page-Cache") == "hit", (server.base_url, path, headers)
            pages.append(html)
        return pages

    def fresh(self, path: str, status: int = 200) -> list[str]:
        pages = []
        for server in self.servers:
            got, headers, html = fetch(server.base_url, path)
            assert got == status, (server.base_url, path, got)
            if status == 200:
                assert headers.get("X-Page-Cache") == "miss", (server.base_url, path)
            pages.append(html)
        return pages

    def event(self, name: str, **arguments) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": self.database.url,
            "OUR_PLACES_VAR_DIR": str(self.tmp_path),
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "site"), str(REPO_ROOT)]),
        }
        env.pop("REDIS_URL", None)
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "tests.helpers.cache_events", name, json.dumps(arguments)],
            env=env,
            cwd=REPO_ROOT,
            check=True,
            timeout=120,
        )

    def published_responses(self, place_id: int) -> int:
        with sqlite3.connect(self.database.sqlite_path) as conn:
            row = conn.execute(
                "SELECT published_responses FROM engagement_roundtally "
                "WHERE place_id = ? AND round_number = 1",
                [place_id],
            ).fetchone()
        return row[0]


@pytest.fixture
def servers(tmp_path, django_user_model):
    if connection.vendor != "sqlite":
        pytest.skip("the drill copies the SQLite test database for its servers")
    from tests.factories.home import make_home_page

    ensure_default_locale()
    admin = django_user_model.objects.create_superuser("drill-admin", "a@example.org", "pw")
    site = public_site.build(make_home_page(), admin)
    # A story waiting for its moderator, and a place with responses but no results yet.
    from places.models import PlacePage
    from tests.factories.conversation import StoryPageFactory
    from tests.factories.engagement import PlaceInsightFactory, PlaceStandardFormPageFactory

    story = StoryPageFactory(parent=site.story.get_parent(), title="Bulbs planted", live=False)
    story.places.set([site.town])
    story.save_revision(user=admin)
    story.get_workflow().start(story, user=admin)
    neighbour = PlacePage.objects.get(title="Example Neighbour")
    public_site._respond(PlaceStandardFormPageFactory(parent=neighbour, place=neighbour), 6)
    insight = PlaceInsightFactory(place=neighbour, live=False)
    context = {"site": site, "story": story, "neighbour": neighbour, "insight": insight}

    database = served_database(tmp_path)
    from django.conf import settings

    env = {
        "OUR_PLACES_VAR_DIR": str(tmp_path),
        "PAGE_CACHE_SECONDS": "300",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the test's images, with their renditions
    }
    started = [start_gunicorn(database.url, env=env, log_dir=tmp_path) for _ in range(2)]
    try:
        yield Servers(started, database, tmp_path), context
    finally:
        for server in started:
            server.stop()


def test_two_servers_see_every_event_made_elsewhere(servers):
    drill, context = servers
    site, story, neighbour = context["site"], context["story"], context["neighbour"]
    town = site.urls["place page"]

    # An editor publishes a page.
    team = site.content.team
    drill.cached(team.url)
    drill.event("publish_title", page_id=team.pk, title="The people behind it")
    assert all("<h1>The people behind it</h1>" in html for html in drill.fresh(team.url))

    # The main menu is edited.
    drill.cached(town)
    drill.event("menu_text", link_url="https://www.example.org/", text="The council's website")
    assert all("The council&#x27;s website" in html for html in drill.fresh(town))

    # A moderator approves a story about the town through its workflow.
    assert all("Bulbs planted" not in html for html in drill.cached(town))
    drill.event("approve_story", story_id=story.pk, username="drill-admin")
    assert all("Bulbs planted" in html for html in drill.fresh(town))

    # An insight is published.
    assert all("What people told us" not in html for html in drill.cached(neighbour.url))
    drill.event("publish_insight", insight_id=context["insight"].pk)
    assert all("What people told us" in html for html in drill.fresh(neighbour.url))

    # Citizens answer on one server until the public figures move; both show them.
    shown = int(RESPONSES.search(drill.cached(town)[0]).group(1))
    first = drill.servers[0].base_url
    for n in range(12):
        answers = {"place": str(site.town.pk), "website": "", "natural_space_comment": f"d{n}"}
        answers.update(dict.fromkeys(THEME_KEYS, "3"))
        status, _, _ = fetch(
            first,
            site.form_page.url,
            "POST",
            "&".join(f"{key}={value}" for key, value in answers.items()),
            {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"},
        )
        assert status == 303
        if drill.published_responses(site.town.pk) != shown:
            break
    moved = drill.published_responses(site.town.pk)
    assert moved != shown, "the public figures never moved"
    assert all(int(RESPONSES.search(html).group(1)) == moved for html in drill.fresh(town))

    # An editor unpublishes a place; its parent stops listing it.
    quarter = site.town.get_children().filter(title__startswith="Quarter").first()
    drill.cached(quarter.url)
    assert all(quarter.title in html for html in drill.cached(town))
    drill.event("unpublish", page_id=quarter.pk)
    drill.fresh(quarter.url, status=404)
    assert all(quarter.title not in html for html in drill.fresh(town))

    # An editor moves a page: the new address serves it, the old one redirects.
    old = team.url
    drill.event("move", page_id=team.pk, target_id=site.content.councillors.pk)
    locations = set()
    for server in drill.servers:
        status, headers, _ = fetch(server.base_url, old)
        assert status == 301, (server.base_url, status)
        locations.add(urlsplit(headers["Location"]).path)
    assert len(locations) == 1
    assert all("<h1>The people behind it</h1>" in html for html in drill.fresh(locations.pop()))

    # A form opens a few seconds from now, with nobody doing anything then.
    district = site.district.url
    drill.event("open_form_soon", place_id=site.district.pk, seconds=3, title="Rate the district")
    assert all("Rate the district" not in html for html in drill.fresh(district))
    time.sleep(4)
    assert all("Have your say: Rate the district" in html for html in drill.fresh(district))
