"""The resource library: combined filters, bad input, sorting and constant queries."""

import random
from urllib.parse import urlencode

import pytest

from schools.models import DURATION_BANDS, KEY_STAGES, DownloadCount, ResourceType
from tests.factories.schools import (
    LearningResourcePageFactory,
    ResourceIndexPageFactory,
    bulk_create_resources,
)
from tests.helpers.queries import assert_same_query_count

pytestmark = pytest.mark.django_db

TOPICS = ["voting", "councillors", "debating", "your place"]
TOPIC_SLUGS = {
    "voting": "voting",
    "councillors": "councillors",
    "debating": "debating",
    "your place": "your-place",
}
STAGE_CODES = [code for code, _label in KEY_STAGES]
TYPE_CODES = [code for code, _label in ResourceType.choices]


@pytest.fixture
def library(home_page):
    return ResourceIndexPageFactory()


@pytest.fixture
def generated(library):
    """40 resources with random attributes; returns their specs for an independent count."""
    rng = random.Random(20240611)  # noqa: S311 (repeatable test data)
    specs = []
    for n in range(40):
        spec = {
            "title": f"Generated resource {n:02d}",
            "stages": sorted(rng.sample(STAGE_CODES, rng.randint(1, 3))),
            "topics": rng.sample(TOPICS, rng.randint(0, 2)),
            "type": rng.choice(TYPE_CODES),
            "minutes": rng.choice([5, 15, 20, 21, 45, 60, 61, 90, 180]),
        }
        LearningResourcePageFactory(
            parent=library,
            title=spec["title"],
            key_stages=spec["stages"],
            topics=spec["topics"],
            resource_type=spec["type"],
            duration_minutes=spec["minutes"],
            files=[],
        )
        specs.append(spec)
    # A draft must never be listed, whatever it matches.
    LearningResourcePageFactory(
        parent=library, title="Draft resource", key_stages=STAGE_CODES, live=False, files=[]
    )
    return specs


def in_band(minutes, bands):
    for value, _label, low, high in DURATION_BANDS:
        if value in bands and minutes >= low and (high is None or minutes <= high):
            return True
    return False


def expected_titles(specs, key_stages=(), topics=(), types=(), durations=()):
    """The matching titles, computed in Python from what we generated (not from the database)."""
    slugs = {TOPIC_SLUGS[name] for name in TOPICS}
    assert set(topics) <= slugs
    result = set()
    for spec in specs:
        if key_stages and not set(key_stages) & set(spec["stages"]):
            continue
        if topics and not set(topics) & {TOPIC_SLUGS[t] for t in spec["topics"]}:
            continue
        if types and spec["type"] not in types:
            continue
        if durations and not in_band(spec["minutes"], durations):
            continue
        result.add(spec["title"])
    return result


def listed_titles(client, library, params):
    """Every title the library lists for `params`, following the pagination."""
    titles = []
    page_number = 1
    while True:
        query = urlencode([*params, ("page", page_number)])
        response = client.get(f"{library.url}?{query}")
        assert response.status_code == 200
        page_obj = response.context["resources"]
        titles += [resource.title for resource in page_obj]
        if not page_obj.has_next():
            total = response.context["paginator"].count
            break
        page_number += 1
    assert len(titles) == total == len(set(titles))
    return set(titles)


COMBINATIONS = [
    {},
    {"key_stage": ["ks3"]},
    {"key_stage": ["ks3"], "topic": ["voting"]},
    {"key_stage": ["ks1", "ks5"]},
    {"key_stage": ["ks3", "ks4"], "type": ["lesson-plan", "worksheet"]},
    {"topic": ["your-place", "debating"], "duration": ["up-to-20"]},
    {"type": ["assembly"], "duration": ["21-to-60", "over-60"]},
    {"key_stage": ["ks2"], "topic": ["councillors"], "type": ["activity", "slides", "video"]},
    {
        "key_stage": ["ks3", "adult"],
        "topic": ["voting", "councillors"],
        "type": TYPE_CODES[:4],
        "duration": ["21-to-60"],
    },
]


def test_combined_filters_return_exactly_the_matching_resources(client, library, generated):
    # One data set for every combination: building it is the slow part.
    non_empty = 0
    for combination in COMBINATIONS:
        params = [(name, value) for name, values in combination.items() for value in values]
        expected = expected_titles(
            generated,
            key_stages=combination.get("key_stage", ()),
            topics=combination.get("topic", ()),
            types=combination.get("type", ()),
            durations=combination.get("duration", ()),
        )
        assert listed_titles(client, library, params) == expected, combination
        non_empty += bool(expected)
    # The generated data must make most combinations non-trivial.
    assert non_empty >= len(COMBINATIONS) - 2


def test_every_single_filter_value_matches_the_independent_count(client, library, generated):
    checked = 0
    for code in STAGE_CODES:
        assert listed_titles(client, library, [("key_stage", code)]) == expected_titles(
            generated, key_stages=[code]
        )
        checked += 1
    for slug in TOPIC_SLUGS.values():
        assert listed_titles(client, library, [("topic", slug)]) == expected_titles(
            generated, topics=[slug]
        )
        checked += 1
    for value, *_rest in DURATION_BANDS:
        assert listed_titles(client, library, [("duration", value)]) == expected_titles(
            generated, durations=[value]
        )
        checked += 1
    assert checked == len(STAGE_CODES) + len(TOPIC_SLUGS) + len(DURATION_BANDS)


def test_search_combines_with_filters(client, library):
    LearningResourcePageFactory(parent=library, title="Polling day", key_stages=["ks3"], files=[])
    LearningResourcePageFactory(
        parent=library, title="Polling stations", key_stages=["ks1"], files=[]
    )
    LearningResourcePageFactory(
        parent=library,
        title="Ward walk",
        summary="Includes a visit to a polling station.",
        key_stages=["ks3"],
        files=[],
    )
    LearningResourcePageFactory(
        parent=library, title="Tagged only", topics=["polling"], key_stages=["ks3"], files=[]
    )
    assert listed_titles(client, library, [("q", "polling"), ("key_stage", "ks3")]) == {
        "Polling day",
        "Ward walk",
        "Tagged only",
    }
    assert listed_titles(client, library, [("q", "polling day")]) == {"Polling day"}


ODD_QUERIES = [
    "key_stage=ks9",
    "topic=no-such-topic",
    "type=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "duration=forever",
    "sort=random",
    "sort=",
    "page=abc",
    "page=0",
    "page=-3",
    "page=999999",
    "page=1e9",
    "q=" + "x" * 5000,
    "q=%25_%5C%27%22",
    "q=%00",
    "key_stage=" + "&key_stage=".join(["ks3"] * 300),
    "key_stage=KS3&TYPE=slides&topic=VOTING",
    "key_stage[]=ks3&page[]=2",
]


def test_unknown_or_odd_filter_values_never_error(client, library, generated):
    for query in ODD_QUERIES:
        response = client.get(f"{library.url}?{query}")
        assert response.status_code == 200, query
        assert response.context["paginator"].count <= len(generated)


def test_unknown_values_are_named_back_and_known_ones_still_apply(client, library, generated):
    response = client.get(f"{library.url}?key_stage=ks3&key_stage=ks9&topic=nonsense&sort=random")
    html = response.content.decode()
    assert "Some filters were not used" in html
    assert "key stage “ks9”" in html
    assert "topic “nonsense”" in html
    assert "sort order “random”" in html
    listed = {resource.title for resource in response.context["paginator"].object_list}
    assert listed == expected_titles(generated, key_stages=["ks3"])


def test_sorting_by_most_downloaded_newest_and_a_to_z(client, library):
    first = LearningResourcePageFactory(parent=library, title="Banana", files=[])
    second = LearningResourcePageFactory(parent=library, title="Apple", files=[])
    third = LearningResourcePageFactory(parent=library, title="Cherry", files=[])
    for _ in range(3):
        DownloadCount.record(third.pk)
    DownloadCount.record(first.pk)

    def order(sort):
        response = client.get(f"{library.url}?sort={sort}")
        return [resource.title for resource in response.context["resources"]]

    assert order("most-downloaded") == ["Cherry", "Banana", "Apple"]
    assert order("a-z") == ["Apple", "Banana", "Cherry"]
    assert order("newest") == ["Cherry", "Apple", "Banana"]
    assert second.title == "Apple"


def test_filter_links_are_shareable_plain_get(client, library, generated):
    response = client.get(f"{library.url}?key_stage=ks3&topic=voting")
    html = response.content.decode()
    assert 'method="get"' in html
    assert "<script" not in html
    # The sort links keep the current filters.
    assert "?key_stage=ks3&amp;topic=voting&amp;sort=most-downloaded" in html


def test_library_query_count_is_the_same_with_20_and_500_resources(client, library):
    url = f"{library.url}?key_stage=ks3&topic=voting&sort=most-downloaded"

    def make_small():
        ids = bulk_create_resources(
            library, 20, key_stages=("ks3", "ks4"), topics=("voting", "rights")
        )
        DownloadCount.record(ids[0])

    def make_large():
        ids = bulk_create_resources(
            library, 480, key_stages=("ks3", "ks4"), topics=("voting", "rights")
        )
        DownloadCount.record(ids[-1])

    def render():
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["resources"]) == 12

    assert_same_query_count(make_small, make_large, render, max_queries=17)
    assert client.get(url).context["paginator"].count == 500
