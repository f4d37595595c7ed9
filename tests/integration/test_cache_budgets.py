"""Query budgets on realistic content, whole-page cache off (issue 12, done-when 2).

The site of tests/helpers/public_site.py: menus populated, a place page with
every section populated (an open form with an extra question, results over
the minimum, councillors with photos, a school, stories, community groups,
crowdfunding, child places, neighbours, a hero image, topics, two wards),
and one page of every other public type. Each page is measured

- **cold**: fragment caches off (`CACHE_FRAGMENTS = False`), so the page,
  its sections and its menus are rendered from the database; the lookups
  every request starts from (site, route, view restrictions, index pages, a
  ward's councillors) are warm, as they are after any first request;
- **warm**: fragments on and filled;

at 10-odd places and again at 500, and the counts must be exactly equal.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from places.models import PlacePage
from tests.helpers import public_site
from tests.helpers.queries import capture_queries

#: The issue's budgets.
WARM_PLACE_PAGE_MAX = 5
COLD_MAX = 15


@pytest.fixture
def site(home_page, admin_user):
    return public_site.build(home_page, admin_user)


def queries(client, url: str, *, fragments: bool) -> list[str]:
    """The SQL of one anonymous GET of `url` after two more have filled what they may."""
    with override_settings(CACHE_FRAGMENTS=fragments):
        for _ in range(2):  # the first finds the route, the second reads what it learnt
            assert client.get(url).status_code == 200, url
        found = capture_queries(lambda: client.get(url))
    return found


def show(sql: list[str]) -> str:
    return "\n".join(f"  {n}. {line[:300]}" for n, line in enumerate(sql, start=1))


@pytest.mark.django_db
def test_every_public_page_cold_and_the_place_page_warm_stay_in_budget_at_10_and_500(client, site):
    counts, detail = {}, {}
    for size in ("small", "large"):
        if size == "large":
            public_site.grow(site, 500 - PlacePage.objects.count())
            assert PlacePage.objects.count() >= 500
        for name, url in site.urls.items():
            cold = queries(client, url, fragments=False)
            counts[name, size, "cold"] = len(cold)
            detail[name, size, "cold"] = cold
        warm = queries(client, site.urls["place page"], fragments=True)
        counts["place page", size, "warm"] = len(warm)
        detail["place page", size, "warm"] = warm

    for name in site.urls:
        small, large = counts[name, "small", "cold"], counts[name, "large", "cold"]
        assert small == large, (
            f"{name} cold: {small} then {large} queries\nSmall:\n"
            + show(detail[name, "small", "cold"])
            + "\nLarge:\n"
            + show(detail[name, "large", "cold"])
        )
        assert large <= COLD_MAX, f"{name} cold: {large} queries\n" + show(
            detail[name, "large", "cold"]
        )
    small, large = counts["place page", "small", "warm"], counts["place page", "large", "warm"]
    assert small == large <= WARM_PLACE_PAGE_MAX, show(detail["place page", "large", "warm"])
