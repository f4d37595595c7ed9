"""sitemap.xml and robots.txt."""

import re

import pytest

from tests.factories.home import StandardPageFactory


@pytest.mark.django_db
def test_sitemap_lists_live_pages_only(client, home_page):
    live = StandardPageFactory(title="Live page")
    draft = StandardPageFactory(title="Draft page", live=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    paths = {re.sub(r"^https?://[^/]+", "", location) for location in locations}
    assert paths == {"/", live.url}
    assert draft.url not in paths


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /django-admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
