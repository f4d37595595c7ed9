"""Issue 10, done-when 1: anonymity that survives arithmetic.

An outsider sees every published figure (pages, tables, charts, CSV, JSON,
the place page's section) and can add and subtract them. These tests walk
every figure registered with `engagement.disclosure`, read the numbers out
of what the site actually sends, and look for a suppressed cell among
everything those numbers can be combined into; then check one new response
never shows; then that a figure cannot be published without registering.

The data is built so a leak cannot hide behind a coincidence: every cell
that is shown has counts in multiples of the minimum (5), and every hidden
cell has counts that are not (3 responses from 6 people, 2 scores, sums of
21), so reaching a hidden value by combining published ones means hidden
data went into a published figure.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from engagement import disclosure
from engagement.disclosure import UnregisteredFigure, area_figures, place_figures
from engagement.insight import recount_all, staff_figures, tallies_for
from engagement.insight_models import SCORES
from engagement.models import Channel
from engagement.themes import THEME_KEYS
from tests.factories.engagement import (
    PlaceInsightFactory,
    PlaceStandardFormPageFactory,
    SubmissionFactory,
)
from tests.factories.places import PlacePageFactory

pytestmark = pytest.mark.django_db

M = 5


@pytest.fixture(autouse=True)
def _minimum(settings):
    settings.INSIGHT_MIN_RESPONSES = M


def all_themes(score, comment="", **overrides):
    answers = dict.fromkeys(THEME_KEYS, (score, comment))
    answers.update(overrides)
    return answers


def respond(place, answers, *, round_number=1, publish=True, **fields):
    form = PlaceStandardFormPageFactory(parent=place, round_number=round_number)
    made = [SubmissionFactory(form_page=form, scores=a, **fields) for a in answers]
    if publish and not place.insights.filter(round_number=round_number).exists():
        PlaceInsightFactory(
            place=place, round_number=round_number, round_label=f"Round {round_number}"
        )
    return made


def fives(*scores, **overrides):
    """Five identical responses per score: every count they add is a multiple of 5."""
    return [all_themes(score, **overrides) for score in scores for _ in range(M)]


# --- Reading what the site sends ------------------------------------------------------------

NUMBER_COLUMNS = ["scores", *[f"score_{s}" for s in SCORES], "comments"]


@dataclass
class Harvest:
    """Every number an outsider can read, by what it is about."""

    #: (label, theme) -> (score_1..score_7, comments)
    vectors: dict = field(default_factory=dict)
    #: label -> (responses, participants)
    totals: dict = field(default_factory=dict)
    #: (label, theme) -> scores count
    counts: dict = field(default_factory=dict)
    #: (where, label, theme) -> mean, from charts and tables that carry only a mean
    means: dict = field(default_factory=dict)
    #: label -> responses, where only the count of responses is shown
    responses: dict = field(default_factory=dict)

    def add_vector(self, label, theme, distribution, comments):
        self.vectors[(label, theme)] = (*distribution, comments)
        self.counts[(label, theme)] = sum(distribution)


def _int(text):
    text = str(text).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def read_rows(harvest: Harvest, rows):
    """Open data rows (CSV as strings, JSON as numbers)."""
    for row in rows:
        label = f"{row['place']}, {row['round_label']}"
        responses, participants = _int(row["responses"] or ""), _int(row["participants"] or "")
        if responses is not None:
            harvest.totals[label] = (responses, participants)
        numbers = [_int("" if row[c] is None else row[c]) for c in NUMBER_COLUMNS]
        if row["status"] == "shown":
            assert None not in numbers, row
            harvest.add_vector(label, row["theme_key"], numbers[1:8], numbers[8])
            harvest.means[("open data", label, row["theme_key"])] = float(row["mean"])
        else:
            assert numbers == [None] * len(numbers), f"a hidden row carries numbers: {row}"


def read_html(harvest: Harvest, html: str, where: str):
    page = BeautifulSoup(html, "html.parser")
    # Figures tables: a row per theme with count, mean, median, 1..7, comments.
    for table in page.select("table[data-figures]"):
        label = table["data-figures"]
        for row in table.select("tbody tr[data-theme]"):
            cells = [td.get_text(strip=True) for td in row.select("td")]
            if len(cells) == 1:
                assert cells == ["Not enough responses yet"], cells
                continue
            numbers = [_int(c) for c in [cells[0], *cells[3:]]]
            assert None not in numbers, cells
            harvest.add_vector(label, row["data-theme"], numbers[1:8], numbers[8])
            harvest.means[(where, label, row["data-theme"])] = float(
                row.select_one(".insight-table__mean")["data-score"]
            )
    # The overview's comparison table: responses and a mean per theme for each place.
    for row in page.select(".insight-compare tbody tr"):
        label = " ".join(row.th.get_text(" ", strip=True).split())
        label = label.replace(" Round", ", Round")
        cells = row.select("td")
        responses = _int(cells[0].get_text())
        if responses is not None:
            harvest.responses[label] = responses
        for cell in cells[1:]:
            text = cell.get_text(strip=True)
            if text != "Not enough responses yet":
                harvest.means[(where + " table", label, cell["data-theme"])] = float(text)
    # Results pages: the summary of responses and participants.
    summary = page.select_one("dl.summary-list:not(.insight-rules):not(.insight-columns)")
    heading = page.h1.get_text() if page.h1 else ""
    if summary is not None and heading.startswith("What ") and heading.endswith(" told us"):
        values = [_int(dd.get_text(" ", strip=True).split(" ")[0]) for dd in summary.select("dd")]
        if values[0] is not None:
            harvest.responses[where] = values[0]
            harvest.totals[where] = (values[0], values[1])
    # The place page's section: "N responses from P people".
    section = page.select_one(".insight-section")
    if section is not None:
        found = re.search(r"(\d+) responses? from (\d+) (?:person|people)", section.get_text(" "))
        if found:
            harvest.totals[where + " section"] = (int(found[1]), int(found[2]))
    # Charts: every mean drawn, on the main outline and on the overlays.
    for svg in page.select("svg.compass"):
        title = svg.find("title").get_text()
        for point in svg.select("circle.compass__point"):
            harvest.means[(where, title, point["data-theme"])] = float(point["data-score"])
        for overlay in svg.select("path.compass__overlay"):
            for pair in overlay.get("data-scores", "").split():
                key, score = pair.split(":")
                harvest.means[(where, overlay["data-label"], key)] = float(score)
    for svg in page.select("svg.confidence-chart"):
        for n, point in enumerate(svg.select("circle.confidence-chart__point")):
            harvest.means[(where, f"confidence {n}", "influence_control")] = float(
                point["data-score"]
            )


def read_response(harvest: Harvest, response, where: str):
    assert response.status_code == 200, (where, response.status_code)
    content_type = response["Content-Type"]
    body = response.content.decode()
    if content_type.startswith("text/csv"):
        read_rows(harvest, csv.DictReader(io.StringIO(body)))
    elif content_type.startswith("application/json"):
        read_rows(harvest, json.loads(body)["rows"])
    else:
        read_html(harvest, body, where)


def urls_of(figure) -> list[str]:
    """Every URL at which a registered figure can be read, for the data in the database."""
    from engagement.insight_models import PlaceInsight

    published = list(PlaceInsight.objects.filter(live=True).values_list("place_id", "round_number"))
    urls = []
    for url_name in figure.url_names:
        pattern = _patterns()[url_name]
        converters = set(pattern.pattern.converters)
        if not converters:
            urls.append(reverse(url_name))
        elif converters == {"place_id", "round_number"}:
            urls += [
                reverse(url_name, kwargs={"place_id": p, "round_number": r}) for p, r in published
            ]
        else:
            pytest.fail(f"Teach this test to reach {url_name} ({sorted(converters)})")
    if figure.shown_in == "place page":
        from places.models import PlacePage

        urls += [page.url for page in PlacePage.objects.filter(pk__in={p for p, _ in published})]
    elif figure.shown_in:
        pytest.fail(f"Teach this test to reach figures shown in {figure.shown_in!r}")
    assert urls, f"{figure.name} has nowhere to be read"
    return urls


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix, entry


def _patterns() -> dict[str, URLPattern]:
    return {entry.name: entry for _prefix, entry in _walk(get_resolver()) if entry.name}


def harvest_everything(client) -> Harvest:
    harvest = Harvest()
    for figure in disclosure.registered().values():
        for url in urls_of(figure):
            read_response(harvest, client.get(url), f"{figure.name} {url}")
    return harvest


# --- Combining what was read ----------------------------------------------------------------


def reachable(pool, limit=200_000):
    """Every vector an outsider can make by adding or subtracting each of `pool` at most once."""
    sums = {tuple(0 for _ in next(iter(pool)))} if pool else set()
    for vector in pool:
        sums |= {tuple(a + b for a, b in zip(s, vector, strict=True)) for s in sums} | {
            tuple(a - b for a, b in zip(s, vector, strict=True)) for s in sums
        }
        assert len(sums) < limit, "too many published figures to search; shrink the data"
    return sums


def with_sum(vector):
    """(score_1..7, comments) with the sum of scores, which mean x count gives."""
    distribution = vector[:7]
    return (*vector, sum(score * n for score, n in zip(SCORES, distribution, strict=True)))


def live_vector(theme):
    return (*theme.distribution, theme.comments)


# --- The world: a district with a hidden place, a hidden theme, parents, children, rounds ----


@pytest.fixture
def district(home_page):
    """Holmfirth (a town) with three villages, and Golcar; two rounds.

    Hidden: Hade Edge in round 1 (3 responses, a group of 4 among them: 6 people, all 7s,
    one comment), Scholes in round 2 (2 responses, all 7s) and public transport in Golcar
    (scored 1 and 2 by two people, one comment).
    """
    town = PlacePageFactory(title="Holmfirth")
    village = PlacePageFactory(title="Netherthong", parent=town)
    hidden = PlacePageFactory(title="Hade Edge", parent=town)
    golcar = PlacePageFactory(title="Golcar")
    late = PlacePageFactory(title="Scholes", parent=town)

    respond(town, fives(3, 5), round_number=1)
    respond(town, fives(4, 6), round_number=2)
    respond(village, fives(2, 4, 6, moving_around=(6, "Fine")), round_number=1)
    respond(village, fives(5), round_number=2)
    respond(hidden, [all_themes(7, moving_around=(7, "Only us here"))], round_number=1)
    respond(hidden, [all_themes(7)], round_number=1)
    respond(hidden, [all_themes(7)], round_number=1, channel=Channel.GROUP, participants=4)
    respond(hidden, fives(1, 6), round_number=2)
    respond(late, [all_themes(7)] * 2, round_number=2)
    golcar_answers = fives(2, 3, 5, 7)
    for answers in golcar_answers:
        del answers["public_transport"]
    golcar_answers[0]["public_transport"] = (1, "Buses?")
    golcar_answers[1]["public_transport"] = (2, "")
    respond(golcar, golcar_answers, round_number=1)
    # Publish every count as it stands (the repair tool does), so the hidden cells hold their
    # true numbers in the public copy too: only the rules, not the steps, may hide them here.
    recount_all()

    tallies = tallies_for([(hidden.pk, 1), (golcar.pk, 1), (late.pk, 2)])
    hidden_place = staff_figures("Hade Edge", 1, [tallies[(hidden.pk, 1)]])
    hidden_late = staff_figures("Scholes", 2, [tallies[(late.pk, 2)]])
    hidden_theme = staff_figures("Golcar", 1, [tallies[(golcar.pk, 1)]]).theme("public_transport")
    assert (hidden_place.responses, hidden_place.participants) == (3, 6)
    assert not hidden_place.shown and not hidden_late.shown and not hidden_theme.shown
    return {
        "hidden_places": [hidden_place, hidden_late],
        "hidden_theme": hidden_theme,
        "places": (town, village, hidden, golcar, late),
    }


# --- (a) Nothing hidden can be derived ------------------------------------------------------


def test_no_suppressed_count_can_be_derived_from_every_published_figure(client, district):
    harvest = harvest_everything(client)
    hidden_places, hidden_theme = district["hidden_places"], district["hidden_theme"]
    assert harvest.vectors, "no figures were read: the walker is broken"
    labels = {label for label, _theme in harvest.vectors}
    assert {"Holmfirth, Round 1", "The whole district, round 2", "Golcar, Round 1"} <= labels
    assert not labels & {"Hade Edge, Round 1", "Scholes, Round 2"}

    # Targets: what is hidden, as an outsider would want it.
    targets = defaultdict(set)  # theme -> hidden (score_1..7, comments, sum) vectors
    for hidden_place in hidden_places:
        for theme in hidden_place.themes:
            targets[theme.key].add(with_sum(live_vector(theme)))
    targets["public_transport"].add(with_sum(live_vector(hidden_theme)))

    # 1. Theme by theme, every sum and difference of every published distribution (any
    #    places, areas and rounds: district minus places, parent minus children, round
    #    against round), with the mean x count sums they give.
    for key in THEME_KEYS:
        pool = {with_sum(v) for (_label, theme), v in harvest.vectors.items() if theme == key}
        pool.discard(with_sum((0,) * 8))
        derived = reachable(pool)
        for target in targets[key]:
            assert target not in derived, f"{key}: hidden figures {target} can be derived"
            assert target[:7] not in {d[:7] for d in derived}, f"{key}: hidden distribution"
            assert target[-1] not in {d[-1] for d in derived}, f"{key}: hidden sum of scores"

    # 2. Counts: responses, people, scores per theme and comments, all mixed together
    #    (place responses against theme counts, distribution sums against counts).
    scalars = {n for pair in harvest.totals.values() for n in pair}
    scalars |= set(harvest.responses.values())
    scalars |= set(harvest.counts.values())
    scalars |= {v[7] for v in harvest.vectors.values()}
    scalars.discard(0)
    derived = {n for (n,) in reachable({(n,) for n in scalars})}
    hidden_numbers = {hidden_theme.count}
    for hidden_place in hidden_places:
        hidden_numbers |= {hidden_place.responses, hidden_place.participants}
        hidden_numbers |= {theme.count for theme in hidden_place.themes}
    assert not hidden_numbers & derived, f"hidden counts {hidden_numbers & derived} derivable"

    # 3. Every mean a chart or table shows is the mean of counts published beside it (a
    #    place's own, or for the district the sum of the places shown), so the search
    #    above covered it: no chart carries a hidden response in its means.
    def mean(vector):
        return with_sum(vector)[-1] / sum(vector[:7])

    expected = {}
    for (label, theme), vector in harvest.vectors.items():
        expected[(label.casefold(), theme)] = mean(vector)
    for round_number in (1, 2):
        for key in THEME_KEYS:
            parts = [
                v
                for (label, theme), v in harvest.vectors.items()
                if theme == key and label.endswith(f", Round {round_number}")
            ]
            if parts:
                total = tuple(sum(col) for col in zip(*parts, strict=True))
                label = f"the whole district, round {round_number}"
                expected[(label, key)] = mean(total)
    for (where, label, theme), shown in harvest.means.items():
        label = label.casefold().removeprefix("compass for ")
        tolerance = 0.051 if where.endswith("table") else 0.0051
        if (label, theme) in expected:
            wanted = expected[(label, theme)]
            assert abs(shown - wanted) < tolerance, f"{where}: {label} {theme} {shown} {wanted}"
        else:  # a chart point without a label of its own (the confidence line)
            assert any(
                abs(shown - m) < tolerance for (_l, t), m in expected.items() if t == theme
            ), f"{where}: {label} {theme} {shown} is not the mean of any published counts"

    # 4. The district says what it adds up and what it leaves out, where it is shown.
    overview = client.get(reverse("insight_overview")).content.decode()
    page = BeautifulSoup(overview, "html.parser")
    note = page.select_one("#district-note").get_text()
    assert "Added up from the 3 places shown; 1 place with too few responses is left out" in note
    rules = page.select_one(".insight-rules").get_text(" ")
    assert "Totals only add up what is shown" in rules and "steps" in rules
    golcar = district["places"][3]
    results = BeautifulSoup(
        client.get(reverse("insight_results", args=[golcar.pk, 1])).content.decode(),
        "html.parser",
    )
    compared = " ".join(results.select_one("#compass-heading").parent.get_text(" ").split())
    assert "The whole district, round 1. Added up from the 3 places shown; 1 place" in compared


def test_an_area_leaves_out_every_cell_it_does_not_show(district):
    """The rule itself, without the pages: area minus shown places is exactly zero."""
    town, village, hidden, golcar, _late = district["places"]
    pairs = [(p.pk, 1) for p in (town, village, hidden, golcar)]
    tallies = tallies_for(pairs)
    with disclosure.producing("results-overview"):
        places = [place_figures(str(pk), 1, tallies.get((pk, 1))) for pk, _ in pairs]
        area = area_figures("Area", 1, places)
    shown = [p for p in places if p.shown]
    assert len(shown) == 3 and "1 place with too few responses is left out" in area.note
    assert area.responses == sum(p.responses for p in shown)
    assert area.participants == sum(p.participants for p in shown)
    for key in THEME_KEYS:
        parts = [p.theme(key) for p in shown if p.theme(key).shown]
        total = tuple(sum(col) for col in zip(*(t.distribution for t in parts), strict=True))
        assert area.theme(key).distribution == total
        assert area.theme(key).comments == sum(t.comments for t in parts)


# --- (b) One new response never shows --------------------------------------------------------


def diffs(before: Harvest, after: Harvest):
    for key in before.vectors.keys() & after.vectors.keys():
        yield (
            key,
            tuple(b - a for a, b in zip(before.vectors[key], after.vectors[key], strict=True)),
        )
    for label in before.totals.keys() & after.totals.keys():
        yield (
            label,
            tuple(b - a for a, b in zip(before.totals[label], after.totals[label], strict=True)),
        )


@pytest.mark.parametrize("already_waiting", [0, M - 1])
def test_one_new_response_does_not_change_any_public_figure_by_itself(
    client, home_page, already_waiting
):
    """Before and after each new response, no figure moves by that one response.

    Whether or not responses were already waiting to be published (an outsider
    cannot tell), a figure either stays put or moves by at least the minimum.
    """
    place = PlacePageFactory(title="Marsden")
    other = PlacePageFactory(title="Slaithwaite")
    respond(place, fives(4, 4))
    respond(other, fives(5))
    respond(place, [all_themes(6, moving_around=(6, "Waiting"))] * already_waiting)
    before = harvest_everything(client)
    assert ("Marsden, Round 1", "moving_around") in before.vectors

    newcomer = all_themes(1, moving_around=(1, "Me"))
    single = {
        key: (*[1 if s == score else 0 for s in SCORES], 1 if comment else 0)
        for key, (score, comment) in newcomer.items()
    }
    moved = False
    for step in range(1, M + 2):
        form = place.place_standard_forms.first()
        SubmissionFactory(form_page=form, scores=newcomer)
        after = harvest_everything(client)
        for key, change in diffs(before, after):
            if not any(change):
                continue
            moved = True
            if isinstance(key, tuple):
                _label, theme = key
                assert change != single[theme], f"step {step}: {key} moved by one response"
                assert sum(abs(n) for n in change[:7]) >= M, f"step {step}: {key} moved by {change}"
            else:
                assert abs(change[0]) >= M, f"step {step}: {key} responses moved by {change}"
        for where in before.means.keys() & after.means.keys():
            if before.means[where] != after.means[where]:
                moved = True
                assert step == M - already_waiting or step == 2 * M - already_waiting, where
        before = after
    assert moved, "the figures never moved: the test saw nothing"


def test_a_removed_response_waits_for_the_step_too(client, home_page):
    """Marking one response as spam does not take it out of public figures by itself."""
    place = PlacePageFactory(title="Meltham")
    responses = respond(place, fives(3, 3, 3))
    tallies = tallies_for([(place.pk, 1)])
    with disclosure.producing("results-json"):
        before = place_figures("Meltham", 1, tallies[(place.pk, 1)])
    responses[0].status = "spam"
    responses[0].save()
    tallies = tallies_for([(place.pk, 1)])
    with disclosure.producing("results-json"):
        after = place_figures("Meltham", 1, tallies[(place.pk, 1)])
    assert after == before
    assert staff_figures("Meltham", 1, tallies.values()).responses == 14  # staff see it at once


# --- (c) A figure that is not registered is caught -------------------------------------------


def test_figures_cannot_be_made_outside_a_registered_producer(monkeypatch):
    with pytest.raises(UnregisteredFigure):
        place_figures("Anywhere", 1, None)
    with pytest.raises(UnregisteredFigure):
        area_figures("Anywhere", 1, [])

    def new_campaign_results(request):  # a later feature that forgot to register
        return place_figures("Campaign", 1, None)

    with pytest.raises(UnregisteredFigure):
        new_campaign_results(None)
    with pytest.raises(UnregisteredFigure), disclosure.producing("never-registered"):
        pass

    monkeypatch.setattr(disclosure, "_registry", dict(disclosure._registry))
    registered = disclosure.published_figure(
        "campaign-results", description="A test campaign", url_names=["campaign"]
    )(new_campaign_results)
    assert not registered(None).shown
    assert "campaign-results" in disclosure.registered()


def test_every_results_url_is_a_registered_published_figure():
    """Walk the URL resolver: every view under /results/ is registered, under its own name."""
    registered_names = disclosure.registered_url_names()
    results_prefix = reverse("insight_overview").lstrip("/")
    found = {}
    for prefix, pattern in _walk(get_resolver()):
        if prefix.startswith(results_prefix) or pattern.name in registered_names:
            found[pattern.name] = pattern
    assert len(found) >= 6
    for name, pattern in found.items():
        figure = getattr(pattern.callback, "published_figure", None)
        assert figure in disclosure.registered(), f"{name} publishes figures unregistered"
        assert name in disclosure.registered()[figure].url_names, name
    assert registered_names <= set(found), "a registered URL that the site does not serve"


#: Modules that may read tallies or make figures directly: the tallies themselves, the
#: disclosure module, and the admin's staff views behind the view-responses permission.
MAY_READ_TALLIES = {
    "engagement/insight.py",
    "engagement/insight_models.py",
    "engagement/disclosure.py",
    "engagement/models.py",
    "engagement/insight_admin.py",
    "engagement/management/commands/recount_insight.py",
    # Registered producers: they read tallies only to hand them to engagement.disclosure
    # (the URL and registry tests above hold them to it).
    "engagement/insight_views.py",
    "engagement/insight_sections.py",
}
TALLY_NAMES = {
    "RoundTally",
    "ThemeTally",
    "tallies_for",
    "staff_figures",
    "figures_from_counts",
    "RoundFigures",
    "ThemeFigures",
}


def test_nothing_else_reads_tallies_or_builds_figures():
    """A new page that read tallies itself would skip the registry: none may."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in sorted(root.glob("*/**/*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in {"tests", "node_modules", ".venv", "var"}:
            continue
        if "/migrations/" in relative or relative in MAY_READ_TALLIES:
            continue
        tree = ast.parse(path.read_text(), relative)
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        names |= {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        used = names & TALLY_NAMES
        # Drawing charts needs the figures' type, never the tallies.
        if relative == "engagement/compass.py" or relative == "engagement/open_data.py":
            used -= {"RoundFigures", "ThemeFigures"}
        if used or any(n.startswith("published_score") for n in names):
            offenders.append(f"{relative}: {sorted(used)}")
    assert not offenders, "read figures through engagement.disclosure instead: " + "; ".join(
        offenders
    )


# --- Follow-up emails cannot be paired with their answers ------------------------------------


def test_follow_up_emails_cannot_be_paired_with_the_answers_they_came_with(client, home_page):
    """The issue paired 50 of 50 by timestamp. Nothing in a contact tells it apart now.

    Everything staff can see of a contact (every column but the email itself) is the
    same for every contact of one engagement, the id is random, and listings are ordered
    by email, so neither time nor order nor id can line a contact up with a response.
    """
    from engagement.models import FollowUpContact, Submission
    from tests.integration.test_engagement_form import answers

    form_page = PlaceStandardFormPageFactory(parent=PlacePageFactory(title="Batley"))
    emails = ["zoe@example.org", "adam@example.org", None, "mo@example.org", "bea@example.org"]
    confirmations = set()
    for number, email in enumerate(emails, start=1):
        extra = {"follow_up_email": email, "follow_up_consent": "on"} if email else {}
        response = client.post(
            form_page.url, answers(form_page, moving_around=str(number), **extra)
        )
        assert response.status_code == 303  # to the same confirmation page for everyone
        assert response["Location"] == f"{form_page.url}thank-you/"
        page = client.get(response["Location"]).content.decode()
        # Nothing to quote later: every person sees the very same confirmation.
        confirmations.add(page.split("<main", 1)[1].split("</main>")[0])
        assert email is None or email not in page
    assert len(confirmations) == 1
    assert Submission.objects.count() == len(emails)

    contacts = list(FollowUpContact.objects.all())
    assert sorted(c.email for c in contacts) == sorted(e for e in emails if e)
    # Listed by email, not in the order people answered.
    assert [c.email for c in contacts] == sorted(c.email for c in contacts)
    assert [c.email for c in contacts] != [e for e in emails if e]
    # No time of its own, no sequential id.
    kinds = {f.get_internal_type() for f in FollowUpContact._meta.concrete_fields}
    assert not kinds & {"DateTimeField", "TimeField", "AutoField", "BigAutoField"}
    assert FollowUpContact._meta.pk.get_internal_type() == "UUIDField"
    assert all(contact.pk.version == 4 for contact in contacts)
    # Every other column is the same for everyone on the engagement.
    others = [f for f in FollowUpContact._meta.concrete_fields if f.name not in ("id", "email")]
    assert len({tuple(f.value_from_object(c) for f in others) for c in contacts}) == 1
    assert contacts[0].delete_after > form_page.closes_at.date()
    # Nor does a response point at a contact.
    for submission in Submission.objects.all():
        stored = " ".join(str(v) for v in submission.__dict__.values())
        assert not any(e and e in stored for e in emails)
