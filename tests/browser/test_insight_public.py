"""Issue 4, done-when 2 (public part), in real Chromium.

The compass on a results page has 14 labelled spokes and a radial axis fixed
at 1 (centre, radius 0) to 7 (the edge), read from the SVG the browser
parsed; its plotted points carry the same means as the table below it. The
results page, the district overview and a place page with results pass
axe-core (WCAG 2.2 A/AA) and the Nu HTML Checker, and reflow at 320px.
"""

import math

import pytest

from engagement.models import ThemeScore
from engagement.moderation import Decision, moderate
from engagement.themes import THEME_KEYS
from tests.factories.engagement import (
    InsightActionFactory,
    PlaceInsightFactory,
    PlaceStandardFormPageFactory,
    SubmissionFactory,
)
from tests.factories.places import PlaceIndexPageFactory, PlacePageFactory
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.html import assert_valid_html
from tests.helpers.servers import ensure_default_locale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READ_COMPASS = r"""() => {
    const svg = document.querySelector("main svg.compass");
    const num = (el, name) => parseFloat(el.getAttribute(name));
    return {
        axis: [svg.dataset.axisMin, svg.dataset.axisMax],
        radius: num(svg, "data-radius"),
        title: svg.querySelector("title").textContent,
        labelledBy: svg.getAttribute("aria-labelledby"),
        role: svg.getAttribute("role"),
        spokes: [...svg.querySelectorAll("line.compass__spoke")].map((line) => ({
            theme: line.dataset.theme,
            dx: num(line, "x2") - num(line, "x1"),
            dy: num(line, "y2") - num(line, "y1"),
        })).map((spoke) => ({...spoke, length: Math.hypot(spoke.dx, spoke.dy)})),
        labels: Object.fromEntries([...svg.querySelectorAll("text.compass__label")].map(
            (label) => [label.dataset.theme, label.textContent.replace(/\s+/g, " ").trim()])),
        rings: [...svg.querySelectorAll("circle.compass__ring")].map(
            (ring) => [parseInt(ring.dataset.score), ring.r.baseVal.value]),
        points: Object.fromEntries([...svg.querySelectorAll("circle.compass__point")].map(
            (point) => [point.dataset.theme, point.dataset.score])),
    };
}"""

READ_TABLE = """() => Object.fromEntries(
    [...document.querySelectorAll("#results-figures tbody tr")].map((row) => {
        const mean = row.querySelector(".insight-table__mean");
        return [row.dataset.theme, mean ? [mean.dataset.score, mean.textContent.trim()] : null];
    }))"""


WIDEST = """() => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > 321)
    .filter((el) => !el.closest(".table-wrapper") || !el.parentElement.closest(".table-wrapper"))
    .slice(0, 5).map((el) => `${el.tagName}.${el.className.baseVal ?? el.className}`)"""


@pytest.fixture(autouse=True)
def _default_locale(transactional_db, settings):
    ensure_default_locale()
    settings.INSIGHT_MIN_RESPONSES = 5


def respond(place, answers, round_number=1):
    form = PlaceStandardFormPageFactory(parent=place, round_number=round_number)
    for scores in answers:
        SubmissionFactory(form_page=form, scores=scores)


def make_results(home_page, admin_user):
    index = PlaceIndexPageFactory(parent=home_page)
    town = PlacePageFactory(parent=index, title="Holmfirth")
    place = PlacePageFactory(parent=town, title="Netherthong")
    # Varied scores; public_transport scored by only two people, so it is hidden.
    answers = []
    for n in range(7):
        scores = {key: (1 + (n + i) % 7, "") for i, key in enumerate(THEME_KEYS)}
        if n >= 2:
            del scores["public_transport"]
        answers.append(scores)
    answers[0]["natural_space"] = (6, "The woods & the <b>beck</b> are lovely.")
    answers[1]["feeling_safe"] = (2, "Dark lane near Jo Bloggs's house.")
    respond(place, answers, round_number=1)
    respond(place, [dict.fromkeys(THEME_KEYS, (4, ""))] * 5, round_number=2)
    respond(town, [dict.fromkeys(THEME_KEYS, (5, ""))] * 6, round_number=2)
    first = PlaceInsightFactory(place=place, round_number=1, round_label="Spring 2026")
    second = PlaceInsightFactory(place=place, round_number=2, round_label="Autumn 2026")
    PlaceInsightFactory(place=town, round_number=2, round_label="Autumn 2026")
    InsightActionFactory(insight=second, action="Light the lane", owner="Highways")
    comments = ThemeScore.objects.exclude(comment="")
    moderate(comments.get(theme="natural_space"), Decision.APPROVED, admin_user)
    moderate(
        comments.get(theme="feeling_safe"),
        Decision.REDACTED,
        admin_user,
        "Dark lane near [redacted] house.",
    )
    return place, first, second


def check_page(browser_page, url, label):
    response = browser_page.goto(url)
    assert response.status == 200, url
    assert browser_page.locator("h1").count() == 1
    assert_no_axe_violations(browser_page)
    assert_valid_html(response.text(), label=label)
    browser_page.set_viewport_size({"width": 320, "height": 800})
    width = browser_page.evaluate("() => document.documentElement.scrollWidth")
    if width > 320:
        widest = browser_page.evaluate(WIDEST)
        raise AssertionError(f"{label} is {width}px wide at 320px: {widest}")
    browser_page.set_viewport_size({"width": 1280, "height": 900})


def test_results_compass_matches_its_table_and_pages_are_accessible(
    home_page, live_server, browser_page, admin_user
):
    place, first, second = make_results(home_page, admin_user)

    check_page(browser_page, live_server.url + first.get_absolute_url(), "results page")
    compass = browser_page.evaluate(READ_COMPASS)
    assert compass["role"] == "img" and compass["labelledBy"]
    assert compass["title"] == "Compass for Netherthong, Spring 2026"
    assert compass["axis"] == ["1", "7"]
    radius = compass["radius"]
    assert radius > 0
    assert [spoke["theme"] for spoke in compass["spokes"]] == list(THEME_KEYS)
    for spoke in compass["spokes"]:
        assert spoke["length"] == pytest.approx(radius, abs=0.01)
    top = compass["spokes"][0]  # the first theme points straight up, then clockwise
    assert top["dx"] == pytest.approx(0, abs=0.01) and top["dy"] < 0
    assert compass["spokes"][1]["dx"] > 0
    assert set(compass["labels"]) == set(THEME_KEYS)
    assert compass["labels"]["moving_around"] == "Moving around"
    assert "not enough responses" in compass["labels"]["public_transport"]
    rings = dict(compass["rings"])
    assert sorted(rings) == [1, 2, 3, 4, 5, 6, 7]
    assert rings[1] == 0
    assert rings[7] == pytest.approx(radius)
    for score, r in rings.items():
        assert r == pytest.approx((score - 1) / 6 * radius, abs=0.01)

    table = browser_page.evaluate(READ_TABLE)
    assert table["public_transport"] is None
    assert "public_transport" not in compass["points"]
    shown = {key: value for key, value in table.items() if value is not None}
    assert {key: score for key, (score, _text) in shown.items()} == compass["points"]
    assert len(compass["points"]) == 13
    for score, text in shown.values():
        assert math.isclose(float(text), float(score), abs_tol=0.05 + 1e-9)

    text = browser_page.locator("main").inner_text()
    assert "The woods & the <b>beck</b> are lovely." in text  # shown as text, not markup
    assert "Dark lane near [redacted] house." in text
    assert "Jo Bloggs" not in browser_page.content()

    # The later round, with both overlays named in the legend.
    check_page(browser_page, live_server.url + second.get_absolute_url(), "results round 2")
    legend = browser_page.locator("main svg.compass .compass__legend").text_content()
    assert "Netherthong, Spring 2026" in legend and "Holmfirth, round 2" in legend

    check_page(browser_page, f"{live_server.url}/results/", "district overview")
    check_page(browser_page, f"{live_server.url}/results/?sort=moving_around&order=desc", "sorted")
    check_page(browser_page, live_server.url + place.url, "place page with results")
    assert browser_page.locator(".insight-section svg.compass line.compass__spoke").count() == 14
