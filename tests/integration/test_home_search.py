"""Site search: finds live pages by their body text and paginates."""

import re

import pytest

from home.views import SEARCH_RESULTS_PER_PAGE
from tests.factories.home import StandardPageFactory, paragraph_block


def result_titles(response) -> list[str]:
    return [page.title for page in response.context["results"]]


@pytest.mark.django_db
def test_search_finds_a_page_by_a_word_in_its_body(client, home_page):
    StandardPageFactory(
        title="Community gardens", body=[paragraph_block("Volunteers grow allotments here.")]
    )
    StandardPageFactory(title="Bin collections", body=[paragraph_block("Collected weekly.")])
    StandardPageFactory(
        title="Draft allotments", body=[paragraph_block("allotments")], live=False
    )

    response = client.get("/search/", {"q": "allotments"})

    assert response.status_code == 200
    assert result_titles(response) == ["Community gardens"]
    html = response.content.decode()
    assert "1 result for “allotments”" in html
    assert "Draft allotments" not in html


@pytest.mark.django_db
def test_search_with_no_results_says_so(client, home_page):
    response = client.get("/search/", {"q": "zeppelins"})

    assert response.status_code == 200
    assert result_titles(response) == []
    assert "0 results for “zeppelins”" in response.content.decode()


@pytest.mark.django_db
def test_search_paginates_and_keeps_the_query(client, home_page):
    for n in range(SEARCH_RESULTS_PER_PAGE + 2):
        StandardPageFactory(title=f"Moorland walk {n}", body=[paragraph_block("heather")])

    first = client.get("/search/", {"q": "heather"})
    second = client.get("/search/", {"q": "heather", "page": 2})

    assert len(result_titles(first)) == SEARCH_RESULTS_PER_PAGE
    assert len(result_titles(second)) == 2
    assert not set(result_titles(first)) & set(result_titles(second))
    first_html = first.content.decode()
    assert "Page 1 of 2" in first_html
    next_link = re.search(r'<a class="pagination__link" rel="next" href="([^"]+)"', first_html)
    assert next_link
    assert next_link.group(1).replace("&amp;", "&") in ("?q=heather&page=2", "?page=2&q=heather")
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("99", 2)])
def test_search_copes_with_bad_page_numbers(client, home_page, page, expected):
    for n in range(SEARCH_RESULTS_PER_PAGE + 1):
        StandardPageFactory(title=f"Reservoir {n}", body=[paragraph_block("waterside")])

    response = client.get("/search/", {"q": "waterside", "page": page})

    assert response.status_code == 200
    assert response.context["results"].number == expected
