"""Figures for place insight: keeping tallies current and reading them safely.

`count_in` adds one accepted response to its place and round's tally (or,
with `sign=-1`, takes it out) with a few UPDATE ... SET n = n + 1 queries,
the same however many responses (and themes) the place already has. It runs
last in the transaction that stores the response, and when a response changes
status or is deleted (`engagement.signals`). Row locks taken by those
UPDATEs, always the round's row first and then its themes, make concurrent
responses about one place count in turn; being last, they are held only for
the theme rows' two statements and the COMMIT, so the queue stays short.
`recount` rebuilds one round's tally from the responses themselves: the
repair tool (`manage.py recount_insight`) and the tests' reference.

Public pages and open data never read figures from here: they go through
`engagement.disclosure`, which reads the tallies' published copy and
suppresses what is under `INSIGHT_MIN_RESPONSES` (with `figures_from_counts`,
below). `staff_figures` gives staff the live numbers regardless, marked with
whether they would be shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from engagement.insight_models import SCORES, RoundTally, ThemeTally
from engagement.themes import STANDARD_2015, THEME_KEYS

CONFIDENCE_THEME = "influence_control"


def min_responses() -> int:
    return max(1, int(getattr(settings, "INSIGHT_MIN_RESPONSES", 5)))


def count_in(submission, answers=None, *, sign: int = 1, place_id=None, round_number=None):
    """Add an accepted response to its round's tally (sign=-1: take it out again).

    `answers` is the response's (theme, score or None, comment) triples; when
    not given they are read from its stored theme rows. `place_id` and
    `round_number` override the submission's own, for taking a response out
    of the round it was counted in before an edit moved it.

    The same UPDATEs keep the public copy (`published_*`): a row's change
    counter goes up by one, and when it reaches the minimum the copy takes
    the new counts and the counter starts again (SQL reads every right-hand
    side from the row as it was, so the copy and the counts agree).
    """
    place_id = submission.place_id if place_id is None else place_id
    round_number = submission.round_number if round_number is None else round_number
    if answers is None:
        answers = list(submission.scores.values_list("theme", "score", "comment"))
    refresh_at = min_responses() - 1  # the counter before this change
    # Part of the caller's transaction when there is one (no savepoint: it is
    # all or nothing with the response), and meant to be its last statements.
    with transaction.atomic(savepoint=False):
        # The SELECT never waits; the UPDATE below takes the round row's lock,
        # held until the caller commits. The row is inserted only when missing
        # (the first response of a round): on PostgreSQL even an INSERT that
        # ends in "do nothing" waits for a transaction updating the row, so
        # trying it every time would queue everyone one statement earlier.
        this_round = RoundTally.objects.filter(place_id=place_id, round_number=round_number)
        tally_id = this_round.values_list("pk", flat=True).first()
        if tally_id is None:
            RoundTally.objects.bulk_create(
                [RoundTally(place_id=place_id, round_number=round_number)], ignore_conflicts=True
            )
            tally_id = this_round.values_list("pk", flat=True).get()
        connection = connections[this_round.db]
        round_update = _round_update_sql(
            connection, tally_id, sign, sign * submission.participants, refresh_at
        )
        themes = sorted({theme for theme, _score, _comment in answers})
        theme_update = themes and _theme_update_sql(
            connection, tally_id, answers, themes, sign, refresh_at
        )
        # From here to the caller's COMMIT the round's row is locked: only the
        # statements themselves run in between (they are built above).
        with connection.cursor() as cursor:
            cursor.execute(*round_update)
            refreshed = any(row[0] == 0 for row in cursor.fetchall())
            if themes:
                # New theme rows are inserted only while holding the round row's
                # lock, so two responses never wait on each other's uncommitted
                # inserts (which, in the other order, would be a deadlock).
                ThemeTally.objects.bulk_create(
                    [ThemeTally(round_tally_id=tally_id, theme=theme) for theme in themes],
                    ignore_conflicts=True,
                )
                cursor.execute(*theme_update)
                refreshed = refreshed or any(row[0] == 0 for row in cursor.fetchall())
    if refreshed:
        # The public copy moved: what shows it is renewed once this commits
        # (nothing more happens while the tally rows are locked).
        from engagement.caching import public_figures_moved

        public_figures_moved(place_id, round_number)


def _round_update_sql(connection, tally_id, sign, participants, refresh_at):
    """The round row's UPDATE, as SQL and parameters (returning its change counter).

    Written out rather than built with the ORM: compiling the CASE
    expressions cost more than running them, while the row is locked.
    Every right-hand side reads the row as it was, in SQL.
    """
    q = connection.ops.quote_name
    table = q(RoundTally._meta.db_table)
    refresh = f"{q('unpublished_changes')} >= %s"
    sql = (
        f"UPDATE {table} SET "  # noqa: S608 (identifiers only; values are parameters)
        f"{q('responses')} = {q('responses')} + %s, "
        f"{q('participants')} = {q('participants')} + %s, "
        f"{q('published_responses')} = CASE WHEN {refresh} "
        f"THEN {q('responses')} + %s ELSE {q('published_responses')} END, "
        f"{q('published_participants')} = CASE WHEN {refresh} "
        f"THEN {q('participants')} + %s ELSE {q('published_participants')} END, "
        f"{q('unpublished_changes')} = CASE WHEN {refresh} "
        f"THEN 0 ELSE {q('unpublished_changes')} + 1 END, "
        f"{q('updated_at')} = %s "
        f"WHERE {q('id')} = %s RETURNING {q('unpublished_changes')}"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [sign, participants, refresh_at, sign, refresh_at, participants, refresh_at, now]
    return sql, [*params, tally_id]


def _theme_update_sql(connection, tally_id, answers, themes, sign, refresh_at):
    """The theme rows' UPDATE, as SQL and parameters (returning each row's change counter).

    For each score (and for comments) a row counts the response in when its
    theme is among those given that score; its public copy takes the new
    counts when the row is refreshed (its theme was scored and its counter
    has reached the minimum), and the counter starts again then. Every
    right-hand side reads the row as it was, in SQL.
    """
    q = connection.ops.quote_name
    table = q(ThemeTally._meta.db_table)

    def among(keys) -> tuple[str, list]:
        """`theme IN (...)` for these themes, or a condition that is never true."""
        if not keys:
            return "1 = 0", []
        return f"{q('theme')} IN ({', '.join(['%s'] * len(keys))})", list(keys)

    # A theme's public copy moves only with scores: a comment without a
    # score changes no distribution, so it does not count towards a refresh.
    # (With a minimum of 1 there is nothing to protect: every change publishes.)
    scored_themes = sorted({key for key, given, _comment in answers if given is not None})
    if refresh_at == 0:
        scored_themes = themes
    counted_for = {
        f"score_{score}": sorted({key for key, given, _comment in answers if given == score})
        for score in SCORES
    }
    counted_for["comments"] = sorted({key for key, _score, comment in answers if comment})

    scored_sql, scored_params = among(scored_themes)
    refresh_sql = f"({scored_sql} AND {q('unpublished_changes')} >= %s)"
    refresh_params = [*scored_params, refresh_at]

    assignments, params = [], []
    new_values = {}
    for column, keys in counted_for.items():
        condition, condition_params = among(keys)
        new_values[column] = (
            f"{q(column)} + CASE WHEN {condition} THEN %s ELSE 0 END",
            [*condition_params, sign],
        )
    for column, (expression, values) in new_values.items():
        assignments.append(f"{q(column)} = {expression}")
        params += values
    for column, (expression, values) in new_values.items():
        published = q(f"published_{column}")
        assignments.append(
            f"{published} = CASE WHEN {refresh_sql} THEN {expression} ELSE {published} END"
        )
        params += [*refresh_params, *values]
    changes = q("unpublished_changes")
    assignments.append(
        f"{changes} = CASE WHEN {refresh_sql} THEN 0 "
        f"WHEN {scored_sql} THEN {changes} + 1 ELSE {changes} END"
    )
    params += [*refresh_params, *scored_params]
    themes_sql, themes_params = among(themes)
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)} "  # noqa: S608 (identifiers only)
        f"WHERE {q('round_tally_id')} = %s AND {themes_sql} RETURNING {changes}"
    )
    return sql, [*params, tally_id, *themes_params]


def recount(place_id: int, round_number: int) -> RoundTally:
    """Rebuild one place and round's tally from its accepted responses.

    The repair publishes what it counted at once: it is run by staff after
    an import or a database edit, never by anything a citizen can time.
    """
    from engagement.models import Submission, ThemeScore

    with transaction.atomic():
        tally, _created = RoundTally.objects.get_or_create(
            place_id=place_id, round_number=round_number
        )
        tally = RoundTally.objects.select_for_update().get(pk=tally.pk)
        counted = Submission.objects.counted().filter(place_id=place_id, round_number=round_number)
        totals = counted.aggregate(responses=Count("pk"), participants=Sum("participants"))
        per_theme = (
            ThemeScore.objects.filter(
                submission__status="accepted",
                submission__place_id=place_id,
                submission__round_number=round_number,
            )
            .values("theme")
            .annotate(
                comments=Count("pk", filter=~Q(comment="")),
                **{f"score_{s}": Count("pk", filter=Q(score=s)) for s in SCORES},
            )
            .order_by()
        )
        ThemeTally.objects.filter(round_tally=tally).delete()
        ThemeTally.objects.bulk_create(
            ThemeTally(
                round_tally=tally,
                **row,
                **{f"published_{name}": value for name, value in row.items() if name != "theme"},
            )
            for row in per_theme
        )
        tally.responses = tally.published_responses = totals["responses"] or 0
        tally.participants = tally.published_participants = totals["participants"] or 0
        tally.unpublished_changes = 0
        tally.save()
    return tally


def recount_all(progress=None) -> int:
    """Rebuild every tally (after an import or a direct database edit)."""
    from engagement.models import Submission

    pairs = list(Submission.objects.values_list("place_id", "round_number").distinct().order_by())
    known = set(pairs)
    stale = [
        tally.pk
        for tally in RoundTally.objects.only("place_id", "round_number")
        if (tally.place_id, tally.round_number) not in known
    ]
    RoundTally.objects.filter(pk__in=stale).delete()
    for number, (place_id, round_number) in enumerate(sorted(pairs), start=1):
        recount(place_id, round_number)
        if progress:
            progress(number, len(pairs), place_id, round_number)
    return len(pairs)


@dataclass(frozen=True)
class ThemeFigures:
    """One theme's figures. Every number is None when they may not be shown."""

    key: str
    name: str
    shown: bool
    count: int | None
    mean: float | None
    median: float | None
    distribution: tuple[int, ...] | None
    comments: int | None

    @property
    def is_confidence_measure(self) -> bool:
        return self.key == CONFIDENCE_THEME

    @property
    def distribution_pairs(self) -> list[tuple[int, int]]:
        return list(zip(SCORES, self.distribution or (), strict=False))


@dataclass(frozen=True)
class RoundFigures:
    """A place (or an area) in one round: totals and the 14 themes in compass order."""

    label: str
    round_number: int | None
    shown: bool
    responses: int | None
    participants: int | None
    themes: list[ThemeFigures] = field(default_factory=list)
    minimum: int = 5
    #: For an area: what it is made of, in words (e.g. which places it leaves out).
    note: str = ""

    def theme(self, key: str) -> ThemeFigures:
        return next(theme for theme in self.themes if theme.key == key)

    @property
    def any_theme_shown(self) -> bool:
        return any(theme.shown for theme in self.themes)

    @property
    def means(self) -> dict[str, float | None]:
        return {theme.key: theme.mean for theme in self.themes}


def mean_of(distribution: tuple[int, ...]) -> float | None:
    count = sum(distribution)
    if not count:
        return None
    return sum(score * n for score, n in zip(SCORES, distribution, strict=True)) / count


def median_of(distribution: tuple[int, ...]) -> float | None:
    """The median score from counts per score (the mean of the middle two when even)."""
    count = sum(distribution)
    if not count:
        return None

    def nth(position: int) -> int:  # 0-based position in the sorted scores
        seen = 0
        for score, n in zip(SCORES, distribution, strict=True):
            seen += n
            if position < seen:
                return score
        raise ValueError(position)

    if count % 2:
        return float(nth(count // 2))
    return (nth(count // 2 - 1) + nth(count // 2)) / 2


def figures_from_counts(
    label: str,
    round_number: int | None,
    responses: int,
    participants: int,
    distributions: dict[str, tuple[int, ...]],
    comments: dict[str, int],
    *,
    public: bool,
    note: str = "",
) -> RoundFigures:
    """Figures from counts; with `public`, every number under the minimum is None."""
    minimum = min_responses()
    enough = responses >= minimum
    themes = []
    for theme in STANDARD_2015.themes:
        distribution = distributions.get(theme.key, (0,) * len(SCORES))
        count = sum(distribution)
        shown = enough and count >= minimum
        hide = public and not shown
        themes.append(
            ThemeFigures(
                key=theme.key,
                name=theme.name,
                shown=shown,
                count=None if hide else count,
                mean=None if hide else mean_of(distribution),
                median=None if hide else median_of(distribution),
                distribution=None if hide else distribution,
                comments=None if hide else comments.get(theme.key, 0),
            )
        )
    hide_totals = public and not enough
    return RoundFigures(
        label=label,
        round_number=round_number,
        shown=enough,
        responses=None if hide_totals else responses,
        participants=None if hide_totals else participants,
        themes=themes,
        minimum=minimum,
        note=note,
    )


def staff_figures(label: str, round_number, tallies: Iterable[RoundTally]) -> RoundFigures:
    """All the live numbers, for staff; `shown` says what the rule would let through."""
    responses = participants = 0
    distributions = {key: [0] * len(SCORES) for key in THEME_KEYS}
    comments = dict.fromkeys(THEME_KEYS, 0)
    for tally in tallies:
        responses += tally.responses
        participants += tally.participants
        for theme_tally in tally.themes.all():
            if theme_tally.theme not in distributions:
                continue
            for index, n in enumerate(theme_tally.distribution.values()):
                distributions[theme_tally.theme][index] += n
            comments[theme_tally.theme] += theme_tally.comments
    return figures_from_counts(
        label,
        round_number,
        responses,
        participants,
        {key: tuple(values) for key, values in distributions.items()},
        comments,
        public=False,
    )


def tallies_for(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], RoundTally]:
    """The tallies of the given (place id, round) pairs, with their themes, in two queries."""
    pairs = set(pairs)
    if not pairs:
        return {}
    # Two IN lists rather than one OR per pair: a long OR chain hits SQLite's
    # expression depth limit (1,000) at a few thousand place rounds. The IN lists may also
    # match a place's other rounds; those are dropped here.
    tallies = RoundTally.objects.filter(
        place_id__in={place_id for place_id, _ in pairs},
        round_number__in={round_number for _, round_number in pairs},
    ).prefetch_related("themes")
    tallies = [t for t in tallies if (t.place_id, t.round_number) in pairs]
    return {(t.place_id, t.round_number): t for t in tallies}
