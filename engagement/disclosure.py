"""Disclosure control: the one way a figure about people's answers reaches the public.

Results promise anonymity below `INSIGHT_MIN_RESPONSES`. Hiding a small cell
is not enough when other published figures can be added and subtracted to
give it back, so every public figure (pages, charts, tables, CSV, JSON, the
place page's section, and anything later: campaign results, the council
plan's evidence, young people's or translated results) is made here, under
three rules (`RULES`, also shown on /results/):

1. Too few to show. A place with fewer responses than the minimum, or a
   theme with fewer scores, has no numbers at all (`place_figures`).
2. Totals only add up what is shown. An area's figures (the whole district,
   or any wider area) are the sum of the cells shown for its places: a hidden
   place adds nothing to the area's responses, and a hidden theme adds
   nothing to the area's figures for that theme (`area_figures`). So area
   minus shown places is always zero. A place's figures are only its own
   responses: a town never includes its villages, and no figure sums rounds.
3. Figures move in steps. Public figures come from a copy of each tally
   that is refreshed only once at least the minimum number of responses
   (for a theme, of scores) has changed it since the last copy (see
   `engagement.insight.count_in`). Comparing a page before and after one
   response shows no change; when it changes, at least the minimum number
   of responses changed it together.

Every producer of public figures registers itself (`published_figure`, or
`register_published_figure`), and `place_figures` / `area_figures` refuse to
work outside a registered producer, so a new page or export cannot publish
figures without joining the registry (and the disclosure tests that walk it).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from engagement.insight import RoundFigures, figures_from_counts, min_responses
from engagement.insight_models import SCORES, RoundTally
from engagement.themes import THEME_KEYS

#: The rules in plain words, as /results/ shows them ({minimum} is filled in).
RULES = [
    (
        "Too few to show",
        "A place with fewer than {minimum} responses, or a theme that fewer than {minimum} "
        "people scored, shows no numbers at all: not the count, the average, how many gave "
        "each score, nor how many commented.",
    ),
    (
        "Totals only add up what is shown",
        "Figures for the whole district (or any wider area) are added up only from the places "
        "and themes shown on this site. A place or theme with too few responses is left out "
        "of the total, and the total says so, so taking the places shown away from a total "
        "never leaves a hidden place behind. A place's figures are its own responses only: a "
        "town's figures never include its villages, and rounds are never added together.",
    ),
    (
        "Figures move in steps",
        "Results change only once at least {minimum} more responses have been counted for a "
        "place (for a theme: once at least {minimum} more people have scored it). Until then "
        "the figures stay as they were, so comparing a page before and after one response "
        "shows nothing about that person. The numbers may therefore lag a little behind the "
        "latest responses.",
    ),
]


class UnregisteredFigure(ImproperlyConfigured):
    """Public figures were asked for outside a registered producer."""


@dataclass(frozen=True)
class PublishedFigure:
    """Something that publishes figures: a page, an export, a section of another page."""

    name: str
    description: str
    #: The public URL names it answers at; empty for a section shown inside other pages.
    url_names: tuple[str, ...] = ()
    #: Where it appears when it has no URL of its own, e.g. "place page".
    shown_in: str = ""


_registry: dict[str, PublishedFigure] = {}
_producing: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "published_figure", default=None
)


def register_published_figure(
    name: str, *, description: str, url_names: Iterable[str] = (), shown_in: str = ""
) -> PublishedFigure:
    """Record a producer of public figures. Registering one name twice is a mistake."""
    figure = PublishedFigure(
        name=name, description=description, url_names=tuple(url_names), shown_in=shown_in
    )
    existing = _registry.get(name)
    if existing is not None and existing != figure:
        raise ImproperlyConfigured(f"Published figure {name!r} is registered twice.")
    _registry[name] = figure
    return figure


def published_figure(name: str, **registration) -> Callable:
    """Decorate a view or section function that publishes figures: registers it, and lets
    `place_figures` and `area_figures` work while it runs."""
    register_published_figure(name, **registration)

    def decorate(func):
        @functools.wraps(func)
        def producer(*args, **kwargs):
            with producing(name):
                return func(*args, **kwargs)

        producer.published_figure = name
        return producer

    return decorate


@contextlib.contextmanager
def producing(name: str):
    """Run the enclosed code as the registered published figure `name`."""
    if name not in _registry:
        raise UnregisteredFigure(f"{name!r} is not a registered published figure.")
    token = _producing.set(name)
    try:
        yield
    finally:
        _producing.reset(token)


def registered() -> dict[str, PublishedFigure]:
    return dict(_registry)


def registered_url_names() -> set[str]:
    return {url_name for figure in _registry.values() for url_name in figure.url_names}


def _producer() -> str:
    name = _producing.get()
    if name is None or name not in _registry:
        raise UnregisteredFigure(
            "Public figures may only be made inside a registered published figure: decorate "
            "the view or section with engagement.disclosure.published_figure."
        )
    return name


def place_figures(label: str, round_number, tally: RoundTally | None) -> RoundFigures:
    """One place and round as the public may see it (rules 1 and 3).

    `tally` comes from `engagement.insight.tallies_for` (its themes prefetched).
    """
    _producer()
    responses = participants = 0
    distributions, comments = {}, {}
    if tally is not None:
        responses, participants = tally.published_responses, tally.published_participants
        for theme in tally.themes.all():
            distributions[theme.theme] = tuple(theme.published_distribution.values())
            comments[theme.theme] = theme.published_comments
    return figures_from_counts(
        label, round_number, responses, participants, distributions, comments, public=True
    )


def area_figures(label: str, round_number, places: Iterable[RoundFigures]) -> RoundFigures:
    """An area made of places' public figures, adding up only what they show (rule 2).

    Its note says how many places it leaves out, so a reader knows the total
    is of the places shown and not of everyone who responded.
    """
    _producer()
    places = list(places)
    shown = [place for place in places if place.shown]
    distributions = {key: [0] * len(SCORES) for key in THEME_KEYS}
    comments = dict.fromkeys(THEME_KEYS, 0)
    for place in shown:
        for theme in place.themes:
            if theme.shown:
                for index, n in enumerate(theme.distribution):
                    distributions[theme.key][index] += n
                comments[theme.key] += theme.comments
    left_out = len(places) - len(shown)
    note = f"Added up from the {len(shown)} place{'s' if len(shown) != 1 else ''} shown"
    if left_out:
        note += (
            f"; {left_out} place{'s' if left_out != 1 else ''} with too few responses "
            f"{'are' if left_out != 1 else 'is'} left out"
        )
    note += ". A theme is added up only from the places where it is shown."
    return figures_from_counts(
        label,
        round_number,
        sum(place.responses for place in shown),
        sum(place.participants for place in shown),
        {key: tuple(values) for key, values in distributions.items()},
        comments,
        public=True,
        note=note,
    )


def rules() -> list[tuple[str, str]]:
    """The rules with the minimum filled in, for pages and documentation."""
    minimum = min_responses()
    return [(title, text.format(minimum=minimum)) for title, text in RULES]
