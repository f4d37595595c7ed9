"""The Place Standard compass and the confidence chart, drawn on the server as SVG.

Charts are plain SVG strings so they work without JavaScript, print, and can
be reused by the admin. The radial axis is fixed (1 at the centre, 7 at the
edge) so compasses of different places and rounds compare by eye; every one
of the 14 spokes is always drawn and labelled, and a theme without enough
responses is marked on its spoke and said in words, never by colour alone.
Overlays (an earlier round, the wider area) differ by line style and are
named in a text legend. Strokes are black and greys, which print.

Every number drawn is formatted with Django's `floatformat`, the same filter
the templates use, so a chart and the table beside it never disagree by a
rounding rule.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Sequence

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from engagement.insight import RoundFigures
from engagement.themes import SCORE_MAX, SCORE_MIN

NOT_ENOUGH = "not enough responses"
INK = "#0b0c0c"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"
#: Dash patterns for overlays, in order: dashed, then dotted.
OVERLAY_DASHES = ("8 5", "2 4", "12 4 2 4")

_ids = itertools.count(1)


def score_text(value, places: int = 2) -> str:
    """A score as every chart and table writes it (floatformat's rounding)."""
    return "" if value is None else str(floatformat(value, places))


def _f(value: float) -> str:
    """A coordinate: short, stable text for SVG attributes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _radius(score: float, outer: float) -> float:
    return (score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * outer


def _angle(index: int, total: int) -> float:
    """Radians for spoke `index`: the first at the top, then clockwise."""
    return -math.pi / 2 + 2 * math.pi * index / total


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """A path through the points in order, closed, broken where a point is missing."""
    if points and all(p is not None for p in points):
        return "M " + " L ".join(f"{_f(x)} {_f(y)}" for x, y in points) + " Z"
    # Start after a gap so each run is drawn whole, wrapping round the compass.
    total = len(points)
    start = next((i for i, p in enumerate(points) if p is None), 0)
    commands, pen_down = [], False
    for step in range(1, total + 1):
        point = points[(start + step) % total]
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'} {_f(point[0])} {_f(point[1])}")
        pen_down = True
    return " ".join(commands)


def _label_lines(name: str, missing: bool, width: int) -> list[str]:
    lines = textwrap.wrap(name, width) or [name]
    if missing:
        lines += textwrap.wrap(f"({NOT_ENOUGH})", width)
    return lines


def _text_block(x, y, lines, *, anchor, vertical, line_height, attrs, font_size) -> str:
    """A <text> of several <tspan> lines placed above, beside or below (x, y)."""
    count = len(lines)
    if vertical == "above":
        first = y - (count - 1) * line_height
    elif vertical == "below":
        first = y + line_height * 0.8
    else:
        first = y - (count - 1) * line_height / 2 + font_size * 0.35
    # A space ends each line but the last, so the text reads (and copies) as words.
    spans = "".join(
        f'<tspan x="{_f(x)}" y="{_f(first + n * line_height)}">{escape(line)}'
        f"{' ' if n < count - 1 else ''}</tspan>"
        for n, line in enumerate(lines)
    )
    return f'<text {attrs} text-anchor="{anchor}" font-size="{font_size}">{spans}</text>'


def render_compass(
    figures: RoundFigures,
    *,
    overlays: Sequence[tuple[str, RoundFigures]] = (),
    title: str,
    description: str = "",
    small: bool = False,
) -> SafeString:
    """The compass of `figures` (mean per theme), with optional overlays, as accessible SVG.

    `overlays` are (label, RoundFigures) pairs drawn as dashed and dotted
    outlines. A small compass labels spokes with theme numbers (its text
    description names the themes without enough responses) for lists of places.
    """
    uid = f"compass-{next(_ids)}"
    themes = figures.themes
    total = len(themes)
    if small:
        width, outer, label_gap, font, line_height = 300, 110, 10, 15, 16
        top = 36
    else:
        width, outer, label_gap, font, line_height = 700, 180, 12, 14, 16
        top = 100
    cx = width / 2
    cy = top + outer
    legend_entries = [(figures.label, None)]
    for n, (label, _overlay) in enumerate(overlays):
        legend_entries.append((label, OVERLAY_DASHES[n % len(OVERLAY_DASHES)]))
    legend_top = cy + outer + (30 if small else 90)
    legend_height = len(legend_entries) * (line_height + 6) if (overlays or not small) else 0
    height = legend_top + legend_height + 8

    parts = [
        f'<svg class="compass{" compass--small" if small else ""}" role="img" '
        f'aria-labelledby="{uid}-title" aria-describedby="{uid}-desc" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" height="{_f(height)}" '
        f'data-axis-min="{SCORE_MIN}" data-axis-max="{SCORE_MAX}" data-radius="{_f(outer)}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(_describe(figures, overlays, description, small))}</desc>',
    ]

    # Rings for each score, 1 (radius 0, the centre) to 7 (the edge).
    rings, ring_labels = [], []
    for score in range(SCORE_MIN, SCORE_MAX + 1):
        r = _radius(score, outer)
        stroke = GREY if score == SCORE_MAX else LIGHT_GREY
        rings.append(
            f'<circle class="compass__ring" data-score="{score}" cx="{_f(cx)}" cy="{_f(cy)}" '
            f'r="{_f(r)}" fill="none" stroke="{stroke}" stroke-width="1"/>'
        )
        if not small:
            ring_labels.append(
                f'<text class="compass__ring-label" x="{_f(cx + 4)}" y="{_f(cy - r - 3)}" '
                f'font-size="11" fill="{GREY}">{score}</text>'
            )
    parts.append(f'<g class="compass__rings">{"".join(rings)}</g>')

    spokes, labels, marks = [], [], []
    for index, theme in enumerate(themes):
        angle = _angle(index, total)
        missing = theme.mean is None
        x2, y2 = _point(cx, cy, outer, angle)
        dash = ' stroke-dasharray="3 3"' if missing else ""
        spokes.append(
            f'<line class="compass__spoke{" compass__spoke--missing" if missing else ""}" '
            f'data-theme="{theme.key}" x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x2)}" y2="{_f(y2)}" '
            f'stroke="{GREY}" stroke-width="1"{dash}/>'
        )
        if missing:
            # A cross two-thirds of the way out: "no figure here", in shape not colour.
            mx, my = _point(cx, cy, outer * 0.66, angle)
            size = 4 if small else 6
            marks.append(
                f'<path class="compass__missing" data-theme="{theme.key}" '
                f'd="M {_f(mx - size)} {_f(my - size)} L {_f(mx + size)} {_f(my + size)} '
                f'M {_f(mx - size)} {_f(my + size)} L {_f(mx + size)} {_f(my - size)}" '
                f'stroke="{INK}" stroke-width="2" fill="none"/>'
            )
        lx, ly = _point(cx, cy, outer + label_gap, angle)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        vertical = "above" if sin < -0.6 else "below" if sin > 0.6 else "middle"
        lines = [str(index + 1)] if small else _label_lines(theme.name, missing, 16)
        labels.append(
            _text_block(
                lx,
                ly,
                lines,
                anchor=anchor,
                vertical=vertical,
                line_height=line_height,
                font_size=font,
                attrs=f'class="compass__label" data-theme="{theme.key}" fill="{INK}"',
            )
        )
    parts.append(f'<g class="compass__spokes">{"".join(spokes)}{"".join(marks)}</g>')
    parts.append(f'<g class="compass__ring-labels">{"".join(ring_labels)}</g>')

    # Overlays first, so this place's outline and points sit on top.
    for (label, overlay), (_entry, dashes) in zip(overlays, legend_entries[1:], strict=True):
        points = [
            None
            if theme.mean is None
            else _point(cx, cy, _radius(theme.mean, outer), _angle(i, total))
            for i, theme in enumerate(overlay.themes)
        ]
        # The overlay's means in figures, as the main outline's points carry theirs.
        scores = " ".join(
            f"{theme.key}:{score_text(theme.mean)}"
            for theme in overlay.themes
            if theme.mean is not None
        )
        parts.append(
            f'<path class="compass__overlay" data-label="{escape(label)}" '
            f'data-scores="{scores}" d="{_path(points)}" '
            f'fill="none" stroke="{INK}" stroke-width="2" stroke-dasharray="{dashes}"/>'
        )

    points = [
        None if theme.mean is None else _point(cx, cy, _radius(theme.mean, outer), _angle(i, total))
        for i, theme in enumerate(themes)
    ]
    if any(points):
        parts.append(
            f'<path class="compass__area" d="{_path(points)}" fill="{INK}" fill-opacity="0.08" '
            f'stroke="{INK}" stroke-width="3"/>'
        )
    for theme, point in zip(themes, points, strict=True):
        if point is None:
            continue
        parts.append(
            f'<circle class="compass__point" data-theme="{theme.key}" '
            f'data-score="{score_text(theme.mean)}" cx="{_f(point[0])}" cy="{_f(point[1])}" '
            f'r="{3 if small else 4.5}" fill="{INK}"/>'
        )
    parts.append(f'<g class="compass__labels">{"".join(labels)}</g>')

    if legend_height:
        parts.append(_legend(legend_entries, legend_top, line_height, font, width))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)


def _legend(entries, top, line_height, font, width) -> str:
    rows = []
    x = 16
    for n, (label, dashes) in enumerate(entries):
        y = top + n * (line_height + 6)
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        weight = 2 if dashes else 3
        rows.append(
            f'<line x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x + 40)}" y2="{_f(y)}" stroke="{INK}" '
            f'stroke-width="{weight}"{dash}/>'
            f'<text class="compass__legend-label" x="{_f(x + 50)}" y="{_f(y + font * 0.35)}" '
            f'font-size="{font}" fill="{INK}">{escape(label)}</text>'
        )
    return f'<g class="compass__legend">{"".join(rows)}</g>'


def _describe(figures, overlays, description, small) -> str:
    words = [description.strip()] if description.strip() else []
    words.append(
        f"Mean score for each of the {len(figures.themes)} themes, from {SCORE_MIN} at the "
        f"centre to {SCORE_MAX} at the edge."
    )
    if small:
        words.append(
            "Spokes are numbered in theme order: "
            + "; ".join(f"{n} {theme.name}" for n, theme in enumerate(figures.themes, start=1))
            + "."
        )
    missing = [theme.name for theme in figures.themes if theme.mean is None]
    if missing:
        words.append(
            f"Not enough responses to show: {', '.join(missing)} (marked with a cross)."
            if len(missing) < len(figures.themes)
            else "Not enough responses yet to show any theme."
        )
    if overlays:
        styles = ("dashed", "dotted", "dash-dotted")
        words.append(
            f"Solid outline: {figures.label}. "
            + " ".join(
                f"{styles[n % len(styles)].capitalize()} outline: {label}."
                for n, (label, _figures) in enumerate(overlays)
            )
        )
    return " ".join(words)


def render_confidence_chart(
    points: Sequence[tuple[str, float | None]], *, title: str, description: str = ""
) -> SafeString:
    """A line chart of the confidence measure per round, axis fixed 1 to 7.

    A round without enough responses has no point and breaks the line; its
    axis label says so in words.
    """
    uid = f"confidence-{next(_ids)}"
    width, height = 640, 320
    left, right, top, bottom = 80, 60, 20, 90
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0

    def y_of(score):
        return top + plot_h - _radius(score, plot_h)

    def x_of(index):
        return left + (index * step if len(points) > 1 else plot_w / 2)

    summary = "; ".join(
        f"{label}: {score_text(mean, 1) if mean is not None else NOT_ENOUGH}"
        for label, mean in points
    )
    desc = " ".join(
        filter(
            None,
            [
                description.strip(),
                f"Mean score by round, from {SCORE_MIN} to {SCORE_MAX}.",
                f"{summary}." if summary else "No rounds published yet.",
            ],
        )
    )
    parts = [
        f'<svg class="confidence-chart" role="img" aria-labelledby="{uid}-title" '
        f'aria-describedby="{uid}-desc" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" data-axis-min="{SCORE_MIN}" data-axis-max="{SCORE_MAX}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
    ]
    for score in range(SCORE_MIN, SCORE_MAX + 1):
        y = y_of(score)
        parts.append(
            f'<line class="confidence-chart__grid" data-score="{score}" x1="{left}" '
            f'y1="{_f(y)}" x2="{width - right}" y2="{_f(y)}" stroke="{LIGHT_GREY}" '
            f'stroke-width="1"/><text x="{left - 10}" y="{_f(y + 4)}" text-anchor="end" '
            f'font-size="12" fill="{INK}">{score}</text>'
        )
    coords = [
        None if mean is None else (x_of(i), y_of(mean)) for i, (_label, mean) in enumerate(points)
    ]
    commands, pen_down = [], False
    for point in coords:
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'} {_f(point[0])} {_f(point[1])}")
        pen_down = True
    if commands:
        parts.append(
            f'<path class="confidence-chart__line" d="{" ".join(commands)}" fill="none" '
            f'stroke="{INK}" stroke-width="3"/>'
        )
    for index, ((label, mean), point) in enumerate(zip(points, coords, strict=True)):
        x = x_of(index)
        if point is not None:
            parts.append(
                f'<circle class="confidence-chart__point" data-score="{score_text(mean)}" '
                f'cx="{_f(point[0])}" cy="{_f(point[1])}" r="5" fill="{INK}"/>'
            )
        lines = textwrap.wrap(label, 14) or [label]
        if mean is None:
            lines += ["(not enough", "responses)"]
        parts.append(
            _text_block(
                x,
                top + plot_h + 6,
                lines,
                anchor="middle",
                vertical="below",
                line_height=15,
                font_size=12,
                attrs=f'class="confidence-chart__label" fill="{INK}"',
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)
