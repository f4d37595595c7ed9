"""Published place insight as open data: one row per place, round and theme.

Rows are built from `engagement.disclosure` figures only, so a place or theme
under the minimum has blank (CSV) or null (JSON) numbers and a status that says why;
comments are only ever counted, never included. The column list below is
also the documentation shown on the district overview, so the two cannot
drift apart.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.text import slugify

from engagement.compass import score_text
from engagement.insight import RoundFigures
from engagement.insight_models import SCORES
from home.exports import write_csv

STATUS_SHOWN = "shown"
STATUS_HIDDEN = "not enough responses"

#: (column, what it means): the order of the CSV columns and the JSON keys.
COLUMNS = [
    ("place", "The place's name."),
    ("place_id", "A number that identifies the place on this site; stable across rounds."),
    ("round_number", "1 for the place's first round of the Place Standard, 2 for the next…"),
    ("round_label", "What the round is called, for example 'Spring 2026'."),
    ("theme_key", "A fixed identifier for the theme, for example 'moving_around'."),
    ("theme_name", "The theme's name in the Place Standard tool."),
    (
        "status",
        f"'{STATUS_SHOWN}' when the figures are published; '{STATUS_HIDDEN}' when the place or "
        "the theme had fewer responses than the minimum, and every number in the row is blank.",
    ),
    (
        "responses",
        "Responses the place gave in the round (a group session counts once). Like every "
        "figure here it moves only in steps of at least the minimum number of responses.",
    ),
    ("participants", "People those responses speak for (a group session counts everyone in it)."),
    ("scores", "Responses that scored this theme (people may skip a theme)."),
    ("mean", "The mean score for the theme, from 1 to 7, to 2 decimal places."),
    ("median", "The median score for the theme, from 1 to 7."),
    *[(f"score_{s}", f"How many responses scored the theme {s}.") for s in SCORES],
    (
        "comments",
        "How many responses commented on the theme. The comments themselves are "
        "not published as data.",
    ),
]
COLUMN_NAMES = [name for name, _meaning in COLUMNS]


def rows_for(insight, figures: RoundFigures) -> list[dict]:
    """The 14 rows of one published place and round."""
    rows = []
    for theme in figures.themes:
        shown = theme.shown and theme.mean is not None
        distribution = dict(theme.distribution_pairs) if shown else {}
        rows.append(
            {
                "place": insight.place.title,
                "place_id": insight.place_id,
                "round_number": insight.round_number,
                "round_label": insight.heading_label,
                "theme_key": theme.key,
                "theme_name": theme.name,
                "status": STATUS_SHOWN if shown else STATUS_HIDDEN,
                "responses": figures.responses,
                "participants": figures.participants,
                "scores": theme.count if shown else None,
                "mean": float(score_text(theme.mean)) if shown else None,
                "median": theme.median if shown else None,
                **{f"score_{s}": distribution.get(s) for s in SCORES},
                "comments": theme.comments if shown else None,
            }
        )
    return rows


def filename_for(insight) -> str:
    return f"{slugify(insight.place.title) or 'place'}-round-{insight.round_number}"


def _headers(response, filename: str, disposition: str) -> HttpResponse:
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def csv_response(rows: list[dict], filename: str) -> HttpResponse:
    """Rows as CSV; text cells that a spreadsheet would run as a formula are neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    write_csv(response, COLUMN_NAMES, ([row[name] for name in COLUMN_NAMES] for row in rows))
    return _headers(response, f"{filename}.csv", "attachment")


def json_response(rows: list[dict], filename: str, *, minimum: int) -> HttpResponse:
    body = {
        "minimum_responses": minimum,
        "columns": dict(COLUMNS),
        "rows": [{name: row[name] for name in COLUMN_NAMES} for row in rows],
    }
    response = HttpResponse(
        json.dumps(body, indent=1, ensure_ascii=False), content_type="application/json"
    )
    return _headers(response, f"{filename}.json", "inline")
