"""Public place insight: the district overview, a results page per place and round, open data.

Only published insights (`live`) are ever read, and every figure comes from
`engagement.disclosure` (each view below is a registered published figure),
so a place or theme under the minimum has no numbers to show by
construction, areas add up only the cells shown, and figures move only in
steps of at least the minimum. Comments come only from `ThemeScore.objects.public_comments()`
and only their `public_comment` text is read. Each page reads a fixed number
of queries however many places or responses there are: insights in one
query, their tallies in two (`tallies_for`), comments in one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.template.response import TemplateResponse

from engagement import open_data
from engagement.caching import RESULTS, results_name
from engagement.compass import render_compass, render_confidence_chart
from engagement.disclosure import (
    area_figures,
    place_figures,
    producing,
    published_figure,
    rules,
)
from engagement.insight import CONFIDENCE_THEME, RoundFigures, min_responses, tallies_for
from engagement.insight_models import HighlightedComment, PlaceInsight
from engagement.models import ThemeScore
from engagement.themes import STANDARD_2015, THEME_KEYS
from home import fragments
from home.page_cache import public_page

#: Which places have published results, and their names and places in the tree.
LISTED = [
    fragments.listing_name("engagement.placeinsight"),
    fragments.listing_name("places.placepage"),
]


def every_results_path() -> set[str]:
    """Every published results page with its open data (for a purge of everything)."""
    from engagement.caching import results_paths

    paths = set()
    for place_id, round_number in PlaceInsight.objects.filter(live=True).values_list(
        "place_id", "round_number"
    ):
        paths |= results_paths(place_id, [round_number])
    return paths


PLACES_PER_PAGE = 50
COMMENTS_PER_THEME = 10
SORT_FIXED = ("place", "responses")
THEME_NAMES = {theme.key: theme.name for theme in STANDARD_2015.themes}


def published():
    """Published insights of live places (a withdrawn place takes its results with it)."""
    return PlaceInsight.objects.filter(live=True, place__live=True).select_related("place")


def figures_for(insight, tallies) -> RoundFigures:
    tally = tallies.get((insight.place_id, insight.round_number))
    label = f"{insight.place.title}, {insight.heading_label}"
    return place_figures(label, insight.round_number, tally)


def district_figures(round_number: int, insights, tallies) -> RoundFigures:
    """Every published place in the round, adding up only what each shows."""
    return area_figures(
        district_label(round_number),
        round_number,
        [figures_for(i, tallies) for i in insights if i.round_number == round_number],
    )


def district_label(round_number: int) -> str:
    return f"The whole district, round {round_number}"


# --- The district overview ---------------------------------------------------------------


@dataclass
class PlaceRow:
    insight: PlaceInsight
    figures: RoundFigures

    @property
    def url(self) -> str:
        return self.insight.get_absolute_url()

    def compass(self):
        return render_compass(
            self.figures,
            title=f"Compass for {self.figures.label}",
            small=True,
        )


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @classmethod
    def from_query(cls, query) -> Sort:
        """Unknown values fall back to place name A to Z, as a stale link should still work."""
        key = query.get("sort", "")
        key = key if key in THEME_KEYS or key in SORT_FIXED else "place"
        return cls(key=key, descending=query.get("order") == "desc")

    def apply(self, rows: list[PlaceRow]) -> list[PlaceRow]:
        def value(row):
            if self.key == "place":
                return row.insight.place.title.casefold()
            if self.key == "responses":
                return row.figures.responses
            return row.figures.theme(self.key).mean

        known = [row for row in rows if value(row) is not None]
        unknown = [row for row in rows if value(row) is None]
        known.sort(key=lambda row: (value(row), row.insight.place.title.casefold()))
        if self.descending:
            known.reverse()
        # Places without a figure go last either way: they have nothing to rank.
        unknown.sort(key=lambda row: row.insight.place.title.casefold())
        return known + unknown

    def header(self, key: str, label: str) -> dict:
        """A column header: its link flips the order when it is the sorted column."""
        current = key == self.key
        descending = not self.descending if current else False
        return {
            "key": key,
            "label": label,
            "href": f"?sort={key}&order={'desc' if descending else 'asc'}",
            "aria_sort": ("descending" if self.descending else "ascending") if current else "",
            "next_order": "descending" if descending else "ascending",
        }


@published_figure(
    "results-overview",
    description="Every place's latest round (responses, mean per theme, compass), the whole "
    "district's compass and figures table, and the district's confidence measure by round.",
    url_names=["insight_overview"],
)
@public_page(names=[RESULTS, *LISTED])
def overview(request):
    def build():
        with producing("results-overview"):
            return _overview_context(request)

    context = fragments.view_content(["results-overview"], [RESULTS, *LISTED], build)
    return TemplateResponse(request, "pages/insight/overview.html", context)


def _overview_context(request) -> dict:
    insights = list(published().order_by("place__title", "place_id", "-round_number"))
    tallies = tallies_for((i.place_id, i.round_number) for i in insights)

    latest: dict[int, PlaceInsight] = {}
    by_round: dict[int, list[PlaceInsight]] = defaultdict(list)
    for insight in insights:
        latest.setdefault(insight.place_id, insight)
        by_round[insight.round_number].append(insight)

    sort = Sort.from_query(request.GET)
    rows = sort.apply([PlaceRow(i, figures_for(i, tallies)) for i in latest.values()])
    page_obj = Paginator(rows, PLACES_PER_PAGE).get_page(request.GET.get("page"))

    rounds = sorted(by_round)
    district = {n: district_figures(n, by_round[n], tallies) for n in rounds}
    district_compass = None
    if rounds:
        current = district[rounds[-1]]
        overlays = [(district[rounds[-2]].label, district[rounds[-2]])] if len(rounds) > 1 else []
        district_compass = render_compass(
            current,
            overlays=overlays,
            title=f"Compass for {current.label}",
            description="All published places in the round shown on this site, added up.",
        )
    confidence = [(f"Round {n}", district[n].theme(CONFIDENCE_THEME).mean) for n in rounds]

    headers = [sort.header("place", "Place"), sort.header("responses", "Responses")]
    headers += [sort.header(theme.key, theme.name) for theme in STANDARD_2015.themes]
    context = {
        "rows": page_obj.object_list,
        "page_obj": page_obj,
        "sort": sort,
        "headers": headers,
        "district_rounds": [district[n] for n in reversed(rounds)],
        "district_compass": district_compass,
        "district_latest": district[rounds[-1]] if rounds else None,
        "confidence_points": confidence,
        "confidence_chart": render_confidence_chart(
            confidence,
            title="Influence and sense of control in the whole district, by round",
        )
        if confidence
        else None,
        "columns": open_data.COLUMNS,
        "minimum": min_responses(),
        "disclosure_rules": rules(),
    }
    return context


# --- A place's results for one round -------------------------------------------------------


def _results_context(place_id: int, round_number: int, place_insights=None) -> dict:
    if place_insights is None:
        place_insights = list(published().filter(place_id=place_id).order_by("round_number"))
    insight = next((i for i in place_insights if i.round_number == round_number), None)
    if insight is None:
        raise Http404("No published results for this place and round.")
    place = insight.place

    # Every published place in this round: the wider area, whichever it turns out to be.
    round_insights = list(
        published()
        .filter(round_number=round_number)
        .only("place_id", "round_number", "round_label", "place__path", "place__title")
        .order_by()
    )
    parent_path = place.path[: -place.steplen]
    parent = next((i for i in round_insights if i.place.path == parent_path), None)

    pairs = {(i.place_id, i.round_number) for i in place_insights}
    pairs |= {(i.place_id, round_number) for i in round_insights}
    tallies = tallies_for(pairs)

    figures = figures_for(insight, tallies)
    overlays = []
    previous = [i for i in place_insights if i.round_number < round_number]
    if previous:
        before = previous[-1]
        overlays.append((f"{place.title}, {before.heading_label}", figures_for(before, tallies)))
    if parent is not None:
        # The town's own responses: a parent place never adds up its children.
        wider = place_figures(
            f"{parent.place.title}, round {round_number}",
            round_number,
            tallies.get((parent.place_id, round_number)),
        )
    else:
        wider = district_figures(round_number, round_insights, tallies)
    overlays.append((wider.label, wider))

    confidence = [
        (i.heading_label, figures_for(i, tallies).theme(CONFIDENCE_THEME).mean)
        for i in place_insights
    ]

    comments_by_theme: dict[str, list[str]] = {}
    highlights = []
    shown_themes = [theme.key for theme in figures.themes if theme.shown]
    if figures.shown and shown_themes:
        approved = ThemeScore.objects.public_comments().filter(
            submission__place_id=place_id,
            submission__round_number=round_number,
            theme__in=shown_themes,
        )
        ranked = (
            approved.annotate(
                rank=Window(RowNumber(), partition_by=[F("theme")], order_by=F("pk").asc())
            )
            .filter(rank__lte=COMMENTS_PER_THEME)
            .values_list("theme", "public_comment")
            .order_by()
        )
        for theme, text in ranked:
            comments_by_theme.setdefault(theme, []).append(text)
        highlighted = approved.filter(
            pk__in=HighlightedComment.objects.filter(insight=insight).values("comment_id")
        ).values_list("theme", "public_comment")
        highlights = [
            {"theme": THEME_NAMES.get(theme, theme), "text": text}
            for theme, text in highlighted.order_by("pk")
        ]

    theme_comments = [
        {"theme": theme, "comments": comments_by_theme.get(theme.key, [])}
        for theme in figures.themes
    ]
    return {
        "insight": insight,
        "parent_insight": parent,
        "place": place,
        "figures": figures,
        "actions": list(insight.actions.all()),
        "highlights": highlights,
        "theme_comments": theme_comments,
        "any_comments": bool(comments_by_theme),
        "overlays": overlays,
        "compass": render_compass(
            figures,
            overlays=overlays,
            title=f"Compass for {figures.label}",
            description="The solid outline and dots are this place in this round.",
        ),
        "confidence_points": confidence,
        "confidence_chart": render_confidence_chart(
            confidence, title=f"Influence and sense of control in {place.title}, by round"
        ),
        "minimum": min_responses(),
    }


@published_figure(
    "results-page",
    description="One place and round: totals, the figures table, the compass with the "
    "previous round and the wider area (the parent place, else the district), and the "
    "place's confidence measure by round.",
    url_names=["insight_results"],
)
@public_page(
    names=lambda place_id, round_number: [results_name(place_id), *LISTED], paths=every_results_path
)
def results(request, place_id: int, round_number: int):
    # What the title needs (and a 404 for no results); the rest only when the
    # content is built, not when its stored fragment is reused.
    place_insights = list(published().filter(place_id=place_id).order_by("round_number"))
    insight = next((i for i in place_insights if i.round_number == round_number), None)
    if insight is None:
        raise Http404("No published results for this place and round.")

    def build():
        with producing("results-page"):
            content = _results_context(place_id, round_number, place_insights)
        # Compared with the parent place's figures, else with the whole district's.
        parent = content.get("parent_insight")
        fragments.note(request, [results_name(parent.place_id) if parent else RESULTS])
        return content

    context = {
        "insight": insight,
        "place": insight.place,
        **fragments.view_content(
            ["results", place_id, round_number], [results_name(place_id), *LISTED], build
        ),
    }
    return TemplateResponse(request, "pages/insight/results.html", context)


# --- Open data ------------------------------------------------------------------------------


def _one(place_id: int, round_number: int):
    insight = published().filter(place_id=place_id, round_number=round_number).first()
    if insight is None:
        raise Http404("No published results for this place and round.")
    tallies = tallies_for([(place_id, round_number)])
    return insight, open_data.rows_for(insight, figures_for(insight, tallies))


@published_figure(
    "results-csv",
    description="One place and round as CSV, a row per theme.",
    url_names=["insight_results_csv"],
)
@public_page(
    names=lambda place_id, round_number: [results_name(place_id), *LISTED], paths=lambda: set()
)
def results_csv(request, place_id: int, round_number: int):
    insight, rows = _one(place_id, round_number)
    return open_data.csv_response(rows, open_data.filename_for(insight))


@published_figure(
    "results-json",
    description="One place and round as JSON, a row per theme.",
    url_names=["insight_results_json"],
)
@public_page(
    names=lambda place_id, round_number: [results_name(place_id), *LISTED], paths=lambda: set()
)
def results_json(request, place_id: int, round_number: int):
    insight, rows = _one(place_id, round_number)
    return open_data.json_response(rows, open_data.filename_for(insight), minimum=min_responses())


def _district_rows() -> list[dict]:
    insights = list(published().order_by("place__title", "place_id", "round_number"))
    tallies = tallies_for((i.place_id, i.round_number) for i in insights)
    rows = []
    for insight in insights:
        rows.extend(open_data.rows_for(insight, figures_for(insight, tallies)))
    return rows


@published_figure(
    "district-csv",
    description="Every published place and round as CSV, a row per theme.",
    url_names=["insight_district_csv"],
)
@public_page(names=[RESULTS, *LISTED])
def district_csv(request):
    return open_data.csv_response(_district_rows(), "place-standard-district")


@published_figure(
    "district-json",
    description="Every published place and round as JSON, a row per theme.",
    url_names=["insight_district_json"],
)
@public_page(names=[RESULTS, *LISTED])
def district_json(request):
    return open_data.json_response(
        _district_rows(), "place-standard-district", minimum=min_responses()
    )
