"""Issue 4, the public side: results pages, the district overview, open data, the place page.

Covers done-when 3 (nothing under the minimum shows a number on a page, in
the chart, the table, CSV or JSON) and 4 (only approved comments, as
redacted, are public), publishing (drafts are invisible), sorting without
JavaScript, and query counts that stay constant as places and responses grow.
"""

import csv
import io
import json
import math
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from engagement.compass import render_compass
from engagement.disclosure import place_figures, producing
from engagement.insight import staff_figures, tallies_for
from engagement.insight_models import HighlightedComment
from engagement.models import ThemeScore
from engagement.moderation import Decision, moderate
from engagement.open_data import COLUMN_NAMES
from engagement.themes import THEME_KEYS
from tests.factories.engagement import (
    InsightActionFactory,
    PlaceInsightFactory,
    PlaceStandardFormPageFactory,
    SubmissionFactory,
)
from tests.factories.places import PlacePageFactory
from tests.helpers.html import assert_valid_html
from tests.helpers.queries import assert_same_query_count, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _minimum(settings):
    settings.INSIGHT_MIN_RESPONSES = 5


def respond(place, answers, *, round_number=1):
    """One accepted response per dict in `answers`, all to one form for the place and round."""
    form = PlaceStandardFormPageFactory(parent=place, round_number=round_number)
    return [SubmissionFactory(form_page=form, scores=scores) for scores in answers]


def all_themes(score, **overrides):
    answers = dict.fromkeys(THEME_KEYS, (score, ""))
    answers.update(overrides)
    return answers


def results_url(place, round_number=1):
    return reverse("insight_results", kwargs={"place_id": place.pk, "round_number": round_number})


def open_data(client, place, round_number=1):
    kwargs = {"place_id": place.pk, "round_number": round_number}
    csv_response = client.get(reverse("insight_results_csv", kwargs=kwargs))
    json_response = client.get(reverse("insight_results_json", kwargs=kwargs))
    assert csv_response.status_code == json_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    return csv_response, rows, json_response, json.loads(json_response.content)


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def visible_text(page) -> str:
    """The page's text with the SVGs taken out (their titles and descriptions are checked apart)."""
    page = BeautifulSoup(str(page), "html.parser")
    for svg in page.find_all("svg"):
        svg.decompose()
    return " ".join(page.get_text(" ").split())


# --- The results page ---------------------------------------------------------------------


def test_results_page_shows_figures_actions_compass_and_valid_html(client, home_page):
    place = PlacePageFactory(title="Almondbury")
    # Ten responses: public figures move in steps of the minimum (5), so all ten show.
    scores = [1, 2, 3, 4, 5, 6, 6, 6, 7, 7]
    respond(place, [all_themes(s) for s in scores])
    insight = PlaceInsightFactory(place=place, round_label="Spring 2026")
    InsightActionFactory(
        insight=insight, action="Fix the bus shelter", owner="Highways", status="in_progress"
    )
    InsightActionFactory(insight=insight, action="Plant trees", owner="Parks", status="done")

    response = client.get(results_url(place))
    page = soup(response)
    text = visible_text(page)
    assert page.h1.get_text() == "What Almondbury told us"
    assert "Fix the bus shelter Highways In progress" in text
    assert "Plant trees Parks Done" in text
    assert "Responses 10" in text

    mean = sum(scores) / len(scores)  # 4.7
    svg = page.select_one("svg.compass")
    assert svg["role"] == "img" and svg["data-axis-min"] == "1" and svg["data-axis-max"] == "7"
    assert svg.find("title").get_text() == "Compass for Almondbury, Spring 2026"
    assert len(svg.select("line.compass__spoke")) == 14
    assert [s["data-theme"] for s in svg.select("line.compass__spoke")] == list(THEME_KEYS)
    assert len(svg.select("text.compass__label")) == 14
    points = {p["data-theme"]: p["data-score"] for p in svg.select("circle.compass__point")}
    assert points == dict.fromkeys(THEME_KEYS, f"{mean:.2f}")
    table = page.select_one("#results-figures")
    means = {
        row["data-theme"]: row.select_one(".insight-table__mean")
        for row in table.select("tbody tr")
    }
    assert {key: cell["data-score"] for key, cell in means.items()} == points
    assert {cell.get_text() for cell in means.values()} == {"4.7"}
    moving = table.select_one("tr[data-theme=moving_around]")
    cells = [td.get_text() for td in moving.select("td")]
    # count, mean, median, 1..7, comments
    assert cells == ["10", "4.7", "5.5", "1", "1", "1", "1", "1", "3", "2", "0"]
    assert_valid_html(response.content.decode(), label="results page")


def test_compass_geometry_rings_spokes_and_overlays():
    figures = staff_figures("Here", 1, [])
    with producing("results-page"):
        other = place_figures("Elsewhere", 1, None)
    svg = BeautifulSoup(
        str(render_compass(figures, overlays=[("Round 1", other)], title="T <b>", small=False)),
        "html.parser",
    ).svg
    radius = float(svg["data-radius"])
    rings = {int(c["data-score"]): float(c["r"]) for c in svg.select("circle.compass__ring")}
    assert rings == {n: pytest.approx((n - 1) / 6 * radius) for n in range(1, 8)}
    for spoke in svg.select("line.compass__spoke"):
        length = math.dist(
            (float(spoke["x1"]), float(spoke["y1"])), (float(spoke["x2"]), float(spoke["y2"]))
        )
        assert length == pytest.approx(radius, abs=0.01)  # coordinates have 2 decimals
    first = svg.select_one("line.compass__spoke")
    assert float(first["x2"]) == pytest.approx(float(first["x1"]))  # first spoke points up
    assert float(first["y2"]) < float(first["y1"])
    # Nothing has enough responses: every spoke marked, in shape and in words.
    assert len(svg.select("path.compass__missing")) == 14
    assert all("(not enough" in label.get_text(" ") for label in svg.select(".compass__label"))
    assert not svg.select("circle.compass__point")
    assert svg.find("title").get_text() == "T <b>"  # escaped, not markup
    legend = svg.select_one(".compass__legend").get_text(" ")
    assert "Here" in legend and "Round 1" in legend
    assert svg.select_one("path.compass__overlay")["stroke-dasharray"]


def test_results_page_overlays_previous_round_and_parent_or_district(client, home_page):
    town = PlacePageFactory(title="Holmfirth")
    village = PlacePageFactory(title="Netherthong", parent=town)
    other = PlacePageFactory(title="Marsden")
    for round_number in (1, 2):
        respond(village, [all_themes(3 + round_number)] * 5, round_number=round_number)
        PlaceInsightFactory(
            place=village, round_number=round_number, round_label=f"Round {round_number}"
        )
    respond(other, [all_themes(6)] * 5, round_number=2)
    PlaceInsightFactory(place=other, round_number=2)

    # No parent insight yet: the wider area is the whole district in round 2.
    legend = soup(client.get(results_url(village, 2))).select_one(".compass__legend").get_text()
    assert "Netherthong, Round 1" in legend
    assert "The whole district, round 2" in legend
    overlays = soup(client.get(results_url(village, 2))).select("path.compass__overlay")
    assert [o["data-label"] for o in overlays] == [
        "Netherthong, Round 1",
        "The whole district, round 2",
    ]

    respond(town, [all_themes(2)] * 5, round_number=2)
    PlaceInsightFactory(place=town, round_number=2)
    overlays = soup(client.get(results_url(village, 2))).select("path.compass__overlay")
    assert overlays[1]["data-label"] == "Holmfirth, round 2"
    # The confidence chart has both published rounds of the place.
    table = soup(client.get(results_url(village, 2))).select_one("#place-confidence-caption")
    rows = [tr.get_text(" ", strip=True) for tr in table.parent.select("tbody tr")]
    assert rows == ["Round 1 4.0", "Round 2 5.0"]


# --- Done when 3: under the minimum, no numbers anywhere -------------------------------------


def test_place_and_theme_under_the_minimum_show_no_numbers_anywhere(client, home_page):
    small = PlacePageFactory(title="Slaithwaite")
    respond(small, [all_themes(7), all_themes(7), all_themes(6)])  # 3 < 5: mean 6.67
    PlaceInsightFactory(place=small)
    big = PlacePageFactory(title="Golcar")
    # public_transport scored by only two people (1 and 2: mean 1.5), the rest by six.
    answers = [all_themes(4) for _ in range(6)]
    for answer, score in zip(answers[:2], (1, 2), strict=True):
        answer["public_transport"] = (score, "")
    for answer in answers[2:]:
        del answer["public_transport"]
    respond(big, answers)
    PlaceInsightFactory(place=big)

    # The small place's page: no totals, no points, no table numbers, no comments.
    response = client.get(results_url(small))
    page = soup(response)
    text = visible_text(page)
    assert "Responses Not enough responses yet" in text
    assert "People taking part Not enough responses yet" in text
    assert not page.select("svg.compass circle.compass__point")
    assert len(page.select("svg.compass path.compass__missing")) == 14
    table = page.select_one("#results-figures")
    assert all(
        row.select_one("td").get_text() == "Not enough responses yet"
        for row in table.select("tbody tr")
    )
    assert not table.select(".insight-table__mean")
    assert "6.67" not in text and "6.7" not in text
    # In the charts: no score attribute or text carries it (coordinates are not scores).
    for svg in page.select("svg"):
        assert "6.67" not in svg.get_text(" ")
        assert not svg.select("[data-score='6.67']")
    assert not re.search(r"\b3 responses?\b", text)
    _csv, rows, _json, body = open_data(client, small)
    assert len(rows) == len(body["rows"]) == 14
    for row in rows:
        assert row["status"] == "not enough responses"
        numbers = [
            row[c]
            for c in COLUMN_NAMES
            if c
            not in (
                "place",
                "place_id",
                "round_number",
                "round_label",
                "theme_key",
                "theme_name",
                "status",
            )
        ]
        assert numbers == [""] * len(numbers)
    for row in body["rows"]:
        assert row["responses"] is None and row["participants"] is None
        assert row["mean"] is None and row["median"] is None and row["scores"] is None
        assert all(row[f"score_{s}"] is None for s in range(1, 8)) and row["comments"] is None

    # The big place: one theme hidden, the rest shown.
    response = client.get(results_url(big))
    page = soup(response)
    points = {p["data-theme"] for p in page.select("svg.compass circle.compass__point")}
    assert points == set(THEME_KEYS) - {"public_transport"}
    assert page.select_one("svg.compass path.compass__missing")["data-theme"] == "public_transport"
    label = page.select_one("svg.compass text.compass__label[data-theme=public_transport]")
    assert "(not enough responses)" in " ".join(label.get_text().split())
    row = page.select_one("#results-figures tr[data-theme=public_transport]")
    assert [td.get_text() for td in row.select("td")] == ["Not enough responses yet"]
    assert "1.5" not in visible_text(row)
    _csv, rows, _json, body = open_data(client, big)
    hidden = next(r for r in rows if r["theme_key"] == "public_transport")
    assert hidden["status"] == "not enough responses"
    assert hidden["mean"] == hidden["scores"] == hidden["score_1"] == hidden["median"] == ""
    # The place as a whole is shown, as of its last step of five responses (the sixth waits).
    assert hidden["responses"] == "5"
    shown = next(r for r in rows if r["theme_key"] == "moving_around")
    assert (shown["status"], shown["mean"], shown["score_4"]) == ("shown", "4.0", "5")
    hidden = next(r for r in body["rows"] if r["theme_key"] == "public_transport")
    assert hidden["mean"] is None and hidden["score_1"] is None and hidden["scores"] is None
    assert "1.5" not in json.dumps(body) and ",1.5," not in _csv.content.decode()

    # The overview and the district exports say the same.
    overview = soup(client.get(reverse("insight_overview")))
    small_row = overview.select_one(f"tr[data-place='{small.pk}']")
    assert {td.get_text() for td in small_row.select("td")} == {"Not enough responses yet"}
    big_cell = overview.select_one(f"tr[data-place='{big.pk}'] td[data-theme=public_transport]")
    assert big_cell.get_text() == "Not enough responses yet"
    district = json.loads(client.get(reverse("insight_district_json")).content)
    small_rows = [r for r in district["rows"] if r["place_id"] == small.pk]
    assert len(small_rows) == 14 and all(r["mean"] is None for r in small_rows)
    district_csv = client.get(reverse("insight_district_csv")).content.decode()
    assert "6.67" not in district_csv and "1.5" not in district_csv


# --- Done when 4: only approved comments, as redacted -------------------------------------


def test_only_approved_comments_as_redacted_are_ever_public(client, home_page, admin_user):
    place = PlacePageFactory(title="Kirkburton")
    comments = {
        "pending": "PENDING-WORDS about the bus",
        "rejected": "REJECTED-WORDS about my neighbour",
        "approved": "APPROVED-WORDS about the park",
        "redacted": "The HIDDEN-NAME at number 4 is lovely",
    }
    answers = [all_themes(5) for _ in range(6)]
    answers[0]["moving_around"] = (5, comments["pending"])
    answers[1]["moving_around"] = (5, comments["rejected"])
    answers[2]["natural_space"] = (5, comments["approved"])
    answers[3]["feeling_safe"] = (5, comments["redacted"])
    respond(place, answers)
    insight = PlaceInsightFactory(place=place)
    stored = {s.comment: s for s in ThemeScore.objects.exclude(comment="")}
    moderate(stored[comments["approved"]], Decision.APPROVED, admin_user)
    moderate(stored[comments["rejected"]], Decision.APPROVED, admin_user)
    HighlightedComment.objects.create(insight=insight, comment=stored[comments["rejected"]])
    HighlightedComment.objects.create(insight=insight, comment=stored[comments["redacted"]])
    moderate(stored[comments["rejected"]], Decision.REJECTED, admin_user)  # changed their mind
    moderate(
        stored[comments["redacted"]],
        Decision.REDACTED,
        admin_user,
        "The [redacted] at number 4 is lovely",
    )

    outputs = {
        "results page": client.get(results_url(place)).content.decode(),
        "overview": client.get(reverse("insight_overview")).content.decode(),
        "place page": client.get(place.url).content.decode(),
        "district csv": client.get(reverse("insight_district_csv")).content.decode(),
        "district json": client.get(reverse("insight_district_json")).content.decode(),
    }
    csv_response, _rows, json_response, _body = open_data(client, place)
    outputs["csv"] = csv_response.content.decode()
    outputs["json"] = json_response.content.decode()
    for name, output in outputs.items():
        for word in ("PENDING-WORDS", "REJECTED-WORDS", "HIDDEN-NAME"):
            assert word not in output, f"{word} in {name}"
    for name in ("overview", "place page", "district csv", "district json", "csv", "json"):
        assert "APPROVED-WORDS" not in outputs[name]  # exports count comments, never carry them

    page = soup(client.get(results_url(place)))
    per_theme = [li.get_text() for li in page.select(".insight-comments .insight-comment")]
    assert sorted(per_theme) == sorted(
        [comments["approved"], "The [redacted] at number 4 is lovely"]
    )
    highlights = [q.p.get_text() for q in page.select("blockquote.insight-comment")]
    assert highlights == ["The [redacted] at number 4 is lovely"]


def test_no_comments_when_the_place_is_under_the_minimum(client, home_page, admin_user):
    place = PlacePageFactory()
    respond(place, [all_themes(5, moving_around=(5, "SMALL-PLACE-WORDS"))] + [all_themes(5)] * 3)
    PlaceInsightFactory(place=place)
    moderate(ThemeScore.objects.exclude(comment="").get(), Decision.APPROVED, admin_user)
    assert "SMALL-PLACE-WORDS" not in client.get(results_url(place)).content.decode()


def test_a_comment_on_a_spam_response_disappears(client, home_page, admin_user):
    place = PlacePageFactory()
    submissions = respond(
        place, [all_themes(5, moving_around=(5, "SPAM-WORDS"))] + [all_themes(5)] * 5
    )
    PlaceInsightFactory(place=place)
    moderate(ThemeScore.objects.exclude(comment="").get(), Decision.APPROVED, admin_user)
    assert "SPAM-WORDS" in client.get(results_url(place)).content.decode()
    submissions[0].status = "spam"
    submissions[0].save()
    assert "SPAM-WORDS" not in client.get(results_url(place)).content.decode()


def test_at_most_ten_comments_per_theme(client, home_page, admin_user):
    place = PlacePageFactory()
    respond(place, [all_themes(5, moving_around=(5, f"Comment number {n}.")) for n in range(12)])
    PlaceInsightFactory(place=place)
    for comment in ThemeScore.objects.exclude(comment=""):
        moderate(comment, Decision.APPROVED, admin_user)
    page = soup(client.get(results_url(place)))
    assert len(page.select(".insight-comments .insight-comment")) == 10


# --- Publishing, sorting, open data details ----------------------------------------------


def test_unpublished_results_are_404_and_absent_everywhere(client, home_page):
    draft_place = PlacePageFactory(title="Zzdraftville")
    respond(draft_place, [all_themes(5)] * 5)
    PlaceInsightFactory(place=draft_place, live=False)
    published_place = PlacePageFactory(title="Honley")
    respond(published_place, [all_themes(5)] * 5)
    PlaceInsightFactory(place=published_place)
    kwargs = {"place_id": draft_place.pk, "round_number": 1}
    for name in ("insight_results", "insight_results_csv", "insight_results_json"):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    assert client.get(results_url(published_place, 2)).status_code == 404
    assert (
        client.get(
            reverse("insight_results", kwargs={"place_id": 999999, "round_number": 1})
        ).status_code
        == 404
    )
    overview = client.get(reverse("insight_overview")).content.decode()
    assert "Zzdraftville" not in overview and "Honley" in overview
    for name in ("insight_district_csv", "insight_district_json"):
        body = client.get(reverse(name)).content.decode()
        assert "Zzdraftville" not in body and "Honley" in body
    assert "What people told us" not in client.get(draft_place.url).content.decode()


def place_order(client, query=""):
    page = soup(client.get(reverse("insight_overview") + query))
    return [row.th.a.get_text() for row in page.select(".insight-compare tbody tr")]


def test_overview_sorts_by_theme_without_javascript(client, home_page):
    for title, score in (("Beta", 6), ("Alpha", 2), ("Gamma", 4)):
        place = PlacePageFactory(title=title)
        respond(place, [all_themes(5, feeling_safe=(score, ""))] * 5)
        PlaceInsightFactory(place=place)
    hidden = PlacePageFactory(title="Delta")  # under the minimum: always last
    respond(hidden, [all_themes(7)] * 2)
    PlaceInsightFactory(place=hidden)

    assert place_order(client) == ["Alpha", "Beta", "Delta", "Gamma"]
    assert place_order(client, "?sort=feeling_safe&order=asc") == [
        "Alpha",
        "Gamma",
        "Beta",
        "Delta",
    ]
    assert place_order(client, "?sort=feeling_safe&order=desc") == [
        "Beta",
        "Gamma",
        "Alpha",
        "Delta",
    ]
    assert place_order(client, "?sort=place&order=desc") == ["Gamma", "Delta", "Beta", "Alpha"]
    page = soup(client.get(reverse("insight_overview") + "?sort=feeling_safe&order=desc"))
    sorted_header = page.select("th[aria-sort]")
    assert len(sorted_header) == 1 and sorted_header[0]["aria-sort"] == "descending"
    assert sorted_header[0]["data-sort"] == "feeling_safe"
    assert sorted_header[0].a["href"] == "?sort=feeling_safe&order=asc"
    for bad in ("?sort=DROP TABLE&order=sideways", "?sort=&order=", "?sort=mean", "?page=abc"):
        response = client.get(reverse("insight_overview") + bad)
        assert response.status_code == 200
        assert place_order(client, bad) == ["Alpha", "Beta", "Delta", "Gamma"]


def test_overview_paginates_beyond_fifty_places(client, home_page, settings):
    settings.INSIGHT_MIN_RESPONSES = 1
    for n in range(52):
        place = PlacePageFactory(title=f"Place {n:02d}")
        PlaceInsightFactory(place=place)
    assert len(place_order(client)) == 50
    assert place_order(client, "?page=2") == ["Place 50", "Place 51"]


def test_open_data_headers_columns_and_formula_neutralising(client, home_page):
    place = PlacePageFactory(title='=HYPERLINK("http://evil")')
    respond(place, [all_themes(5)] * 5)
    PlaceInsightFactory(place=place, round_label="@SUM(A1)")
    csv_response, rows, json_response, body = open_data(client, place)
    assert csv_response["Content-Type"].startswith("text/csv")
    assert 'filename="hyperlinkhttpevil-round-1.csv"' in csv_response["Content-Disposition"]
    assert json_response["Content-Disposition"].endswith('.json"')
    assert csv_response["Access-Control-Allow-Origin"] == "*"
    assert list(rows[0]) == COLUMN_NAMES
    assert rows[0]["place"].startswith("'=") and rows[0]["round_label"] == "'@SUM(A1)"
    assert body["rows"][0]["place"].startswith("=")  # JSON is data, not a spreadsheet
    assert set(body["columns"]) == set(COLUMN_NAMES) and body["minimum_responses"] == 5
    assert body["rows"][0]["mean"] == 5.0 and body["rows"][0]["score_5"] == 5
    overview = soup(client.get(reverse("insight_overview")))
    documented = [dt.get_text() for dt in overview.select(".insight-columns dt")]
    assert documented == COLUMN_NAMES
    assert overview.select_one(f"a[href='{reverse('insight_district_csv')}']")


# --- The place page ----------------------------------------------------------------------


def test_place_page_shows_latest_published_results(client, home_page):
    place = PlacePageFactory(title="Lepton")
    for round_number in (1, 2, 3):
        respond(place, [all_themes(4)] * 5, round_number=round_number)
    PlaceInsightFactory(place=place, round_number=1, round_label="First")
    PlaceInsightFactory(place=place, round_number=2, round_label="Second")
    PlaceInsightFactory(place=place, round_number=3, round_label="Draft", live=False)
    html = client.get(place.url).content.decode()
    page = BeautifulSoup(html, "html.parser")
    section = page.select_one(".insight-section")
    assert "What people told us: Second" in section.h2.get_text()
    assert section.select_one(f"a[href='{results_url(place, 2)}']")
    assert len(section.select("svg.compass--small line.compass__spoke")) == 14
    assert "5 responses from 5 people" in visible_text(section)
    assert_valid_html(html, label="place page with results")


# --- Query counts ------------------------------------------------------------------------


def test_overview_queries_stay_constant_from_2_to_12_places(client, home_page):
    def add_places(count):
        def make():
            for _ in range(count):
                place = PlacePageFactory()
                respond(place, [all_themes(5)] * 5)
                PlaceInsightFactory(place=place)
                PlaceInsightFactory(place=place, round_number=2, live=False)

        return make

    assert_same_query_count(
        add_places(2),
        add_places(10),
        lambda: client.get(reverse("insight_overview")),
        max_queries=4,  # the cache stamps (home.versions), the insights, their tallies
    )
    for name in ("insight_district_csv", "insight_district_json"):
        assert count_queries(lambda n=name: client.get(reverse(n))) <= 4


def test_results_page_queries_are_bounded_as_responses_and_rounds_grow(
    client, home_page, admin_user
):
    town = PlacePageFactory()
    place = PlacePageFactory(parent=town)

    def small():
        respond(place, [all_themes(5, moving_around=(5, "A comment."))] * 5, round_number=2)
        PlaceInsightFactory(place=place, round_number=2)
        InsightActionFactory(insight=place.insights.get())

    def large():
        respond(place, [all_themes(3, natural_space=(3, "More."))] * 20, round_number=2)
        respond(place, [all_themes(3)] * 5, round_number=1)
        PlaceInsightFactory(place=place, round_number=1)
        respond(town, [all_themes(3)] * 5, round_number=2)
        PlaceInsightFactory(place=town, round_number=2)
        insight = place.insights.get(round_number=2)
        InsightActionFactory.create_batch(3, insight=insight)
        for comment in ThemeScore.objects.exclude(comment=""):
            moderate(comment, Decision.APPROVED, admin_user)
            HighlightedComment.objects.create(insight=insight, comment=comment)

    count = assert_same_query_count(
        small, large, lambda: client.get(results_url(place, 2)), max_queries=8
    )
    assert count <= 8


def test_place_section_queries_do_not_grow_with_rounds(client, home_page):
    place = PlacePageFactory()

    def small():
        respond(place, [all_themes(5)] * 5)
        PlaceInsightFactory(place=place)

    def large():
        for round_number in (2, 3, 4):
            respond(place, [all_themes(5)] * 5, round_number=round_number)
            PlaceInsightFactory(place=place, round_number=round_number)

    assert_same_query_count(small, large, lambda: client.get(place.url))


def test_tallies_feed_the_figures_the_page_shows(client, home_page):
    """The results page reads tallies, not responses: a recount is what changes it."""
    place = PlacePageFactory()
    respond(place, [all_themes(2)] * 5)
    PlaceInsightFactory(place=place)
    tally = tallies_for([(place.pk, 1)])[(place.pk, 1)]
    assert tally.responses == 5
    point = soup(client.get(results_url(place))).select_one("circle.compass__point")
    assert point["data-score"] == "2.00"
