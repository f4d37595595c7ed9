"""Issue 4, done-when 1: every published figure matches an independent count.

Known scores go in through the same paths responses take (the factory and
the staff entry service recount as the online form does); the expected
counts, means, medians and distributions are computed here with the standard
library from the raw scores, never from the tallies. Marking a response as
spam, accepting it again and deleting it change the figures to match.
"""

import random
import statistics

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from engagement.disclosure import place_figures, producing
from engagement.insight import (
    count_in,
    median_of,
    recount,
    recount_all,
    staff_figures,
    tallies_for,
)
from engagement.insight_models import RoundTally, ThemeTally
from engagement.models import Channel, Status, Submission
from engagement.themes import THEME_KEYS
from tests.factories.engagement import PlaceStandardFormPageFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def expected(responses):
    """(count, mean, median, distribution, comments) per theme from raw answers."""
    figures = {}
    for key in THEME_KEYS:
        scores = [answers[key][0] for answers in responses if answers.get(key, (None,))[0]]
        comments = sum(1 for answers in responses if answers.get(key, (None, ""))[1])
        figures[key] = (
            len(scores),
            round(statistics.mean(scores), 6) if scores else None,
            statistics.median(scores) if scores else None,
            tuple(scores.count(s) for s in range(1, 8)),
            comments,
        )
    return figures


def published(form_page):
    """What the public sees (the tallies' published copy, under the disclosure rules)."""
    pair = (form_page.place_id, form_page.round_number)
    with producing("results-json"):
        return place_figures(
            form_page.place.title, form_page.round_number, tallies_for([pair]).get(pair)
        )


def counted(form_page):
    """The live counts staff see."""
    tallies = tallies_for([(form_page.place_id, form_page.round_number)]).values()
    return staff_figures(form_page.place.title, form_page.round_number, tallies)


def assert_figures_match(figures, responses):
    want = expected(responses)
    assert figures.responses == len(responses)
    for theme in figures.themes:
        count, mean, median, distribution, comments = want[theme.key]
        assert theme.count == count, theme.key
        assert theme.distribution == distribution, theme.key
        assert theme.comments == comments, theme.key
        assert (round(theme.mean, 6) if theme.mean is not None else None) == mean, theme.key
        assert theme.median == median, theme.key


def make_responses(seed, n):
    rng = random.Random(seed)
    responses = []
    for _ in range(n):
        answers = {}
        for key in THEME_KEYS:
            roll = rng.random()
            if roll < 0.1:
                continue  # theme not answered at all
            score = None if roll < 0.2 else rng.randint(1, 7)
            commented = score is None or rng.random() < 0.3
            comment = f"Comment {rng.randint(1, 999)}" if commented else ""
            answers[key] = (score, comment)
        responses.append(answers)
    return responses


@override_settings(INSIGHT_MIN_RESPONSES=1)
def test_figures_match_an_independent_count_and_follow_spam_and_deletion():
    form_page = PlaceStandardFormPageFactory()
    responses = make_responses(seed=4, n=23)
    submissions = [SubmissionFactory(form_page=form_page, scores=r) for r in responses]
    # Another place and another round of the same place must not leak in.
    SubmissionFactory(scores=dict.fromkeys(THEME_KEYS, (1, "elsewhere")))
    SubmissionFactory(
        form_page=PlaceStandardFormPageFactory(parent=form_page.place, round_number=2),
        scores=dict.fromkeys(THEME_KEYS, (7, "")),
    )

    assert_figures_match(published(form_page), responses)

    spam = submissions[3]
    spam.status = Status.SPAM
    spam.save()
    assert_figures_match(published(form_page), responses[:3] + responses[4:])

    spam.status = Status.ACCEPTED
    spam.save()
    assert_figures_match(published(form_page), responses)

    submissions[0].delete()
    assert_figures_match(published(form_page), responses[1:])


def test_a_small_known_example_worked_by_hand():
    """Scores 1, 2, 2, 6, 7 and a 'don't know': mean 3.6, median 2, even split median."""
    form_page = PlaceStandardFormPageFactory()
    for score in (1, 2, 2, 6, 7):
        SubmissionFactory(form_page=form_page, scores={"moving_around": (score, "")})
    SubmissionFactory(form_page=form_page, scores={"moving_around": (None, "No idea")})
    for figures in (counted(form_page), published(form_page)):
        moving = figures.theme("moving_around")
        assert moving.count == 5
        assert moving.mean == pytest.approx(3.6)
        assert moving.median == 2
        assert moving.distribution == (1, 2, 0, 0, 0, 1, 1)
    assert counted(form_page).responses == 6
    assert counted(form_page).theme("moving_around").comments == 1
    # The public copy moved when the fifth response came in, not since: one more
    # response (or one more comment) alone never shows.
    assert published(form_page).responses == 5
    assert published(form_page).theme("moving_around").comments == 0
    assert median_of((0, 1, 0, 0, 0, 1, 0)) == 4  # 2 and 6: the middle two averaged


def test_group_sessions_count_their_participants():
    form_page = PlaceStandardFormPageFactory()
    for _ in range(4):
        SubmissionFactory(form_page=form_page)
    SubmissionFactory(form_page=form_page, channel=Channel.GROUP, participants=12)
    for figures in (counted(form_page), published(form_page)):
        assert figures.responses == 5
        assert figures.participants == 16


def test_under_the_minimum_public_figures_have_no_numbers_but_staff_see_them():
    form_page = PlaceStandardFormPageFactory()
    for _ in range(4):
        SubmissionFactory(form_page=form_page, scores=dict.fromkeys(THEME_KEYS, (5, "x")))
    recount(form_page.place_id, 1)  # even with the four published, they stay hidden
    public = published(form_page)
    assert not public.shown
    assert public.responses is None and public.participants is None
    assert all(
        t.count is None and t.mean is None and t.median is None and t.distribution is None
        for t in public.themes
    )
    assert all(t.comments is None for t in public.themes)
    staff = counted(form_page)
    assert staff.responses == 4 and not staff.shown
    assert staff.theme("moving_around").mean == 5


def test_a_theme_under_the_minimum_is_hidden_while_the_rest_show():
    form_page = PlaceStandardFormPageFactory()
    for number in range(6):
        answers = dict.fromkeys(THEME_KEYS, (6, ""))
        if number >= 2:
            del answers["feeling_safe"]  # only two people answered it
        SubmissionFactory(form_page=form_page, scores=answers)
    figures = published(form_page)
    assert figures.shown
    assert figures.theme("feeling_safe").mean is None
    assert not figures.theme("feeling_safe").shown
    assert figures.theme("moving_around").mean == 6


def test_staff_entry_keeps_the_tally_current(admin_user):
    from engagement.forms import build_staff_form_class
    from engagement.services import save_staff_submission

    form_page = PlaceStandardFormPageFactory()
    form_class = build_staff_form_class(form_page)
    data = {"channel": Channel.PAPER, "tool_version": "standard-2015", "participants": "1"}
    data.update(dict.fromkeys(THEME_KEYS, "3"))
    form = form_class(data, page=form_page, user=admin_user)
    assert form.is_valid(), form.errors
    save_staff_submission(form_page, form, admin_user)
    tally = RoundTally.objects.get(place=form_page.place, round_number=1)
    assert tally.responses == 1
    assert ThemeTally.objects.get(round_tally=tally, theme="moving_around").score_3 == 1


def test_recount_all_rebuilds_tallies_edited_behind_its_back():
    form_page = PlaceStandardFormPageFactory()
    for score in (2, 4, 6):
        SubmissionFactory(form_page=form_page, scores={"moving_around": (score, "")})
    Submission.objects.filter(pk=Submission.objects.first().pk).update(status=Status.SPAM)
    RoundTally.objects.create(place=form_page.place, round_number=9, responses=99)
    seen = []
    assert recount_all(progress=lambda *args: seen.append(args)) == 1
    assert len(seen) == 1
    assert not RoundTally.objects.filter(round_number=9).exists()
    tally = RoundTally.objects.get(place=form_page.place, round_number=1)
    assert tally.responses == 2


def test_recount_is_idempotent():
    form_page = PlaceStandardFormPageFactory()
    SubmissionFactory(form_page=form_page)
    rows = ThemeTally.objects.order_by("theme").values_list("theme", "score_4", "comments")
    before = list(rows)
    recount(form_page.place_id, 1)
    recount(form_page.place_id, 1)
    assert list(rows.all()) == before  # compared in one order: PostgreSQL moves updated rows
    assert RoundTally.objects.count() == 1


def test_an_online_response_is_in_the_tally_as_soon_as_it_is_stored(client, home_page):
    from tests.integration.test_engagement_form import answers

    form_page = PlaceStandardFormPageFactory()
    response = client.post(form_page.url, answers(form_page))
    assert response.status_code == 303
    assert Submission.objects.count() == 1
    tally = RoundTally.objects.get(place=form_page.place, round_number=1)
    assert tally.responses == 1
    assert ThemeTally.objects.get(round_tally=tally, theme="moving_around").score_2 == 1


def test_tallies_for_many_places_and_rounds_in_two_queries(django_assert_num_queries):
    """A district with many places must not build a query too deep for SQLite."""
    form_page = PlaceStandardFormPageFactory()
    RoundTally.objects.bulk_create(
        RoundTally(place=form_page.place, round_number=n) for n in range(1, 6001)
    )
    wanted = [(form_page.place_id, n) for n in range(1, 6001, 2)]
    with django_assert_num_queries(2):
        tallies = tallies_for(wanted)
    assert sorted(tallies) == sorted(wanted)


def tally_rows(place_id, round_number):
    tally = RoundTally.objects.get(place_id=place_id, round_number=round_number)
    themes = {
        row["theme"]: row
        for row in ThemeTally.objects.filter(round_tally=tally).values(
            "theme", *[f"score_{s}" for s in range(1, 8)], "comments"
        )
    }
    # A theme row left at all zeros is the same as no row.
    themes = {k: v for k, v in themes.items() if any(n for key, n in v.items() if key != "theme")}
    return tally.responses, tally.participants, themes


def test_counting_in_and_out_agrees_with_a_full_recount_after_any_changes():
    form_page = PlaceStandardFormPageFactory()
    rng = random.Random(7)  # noqa: S311 - repeatable test data
    submissions = [
        SubmissionFactory(form_page=form_page, scores=answers, participants=rng.randint(1, 3))
        for answers in make_responses(seed=9, n=30)
    ]
    for submission in rng.sample(submissions, 12):
        action = rng.choice(["spam", "accept", "delete", "participants"])
        if action == "delete":
            submission.delete()
            submissions.remove(submission)
        elif action == "participants":
            submission.participants += 4
            submission.save()
        else:
            submission.status = Status.SPAM if action == "spam" else Status.ACCEPTED
            submission.save()
    incremental = tally_rows(form_page.place_id, 1)
    recount(form_page.place_id, 1)
    assert incremental == tally_rows(form_page.place_id, 1)


def test_moving_a_response_to_another_round_moves_its_counts():
    form_page = PlaceStandardFormPageFactory()
    moved = SubmissionFactory(form_page=form_page, scores={"moving_around": (6, "")})
    SubmissionFactory(form_page=form_page, scores={"moving_around": (2, "")})
    moved.round_number = 2
    moved.save()
    assert tally_rows(form_page.place_id, 1)[0] == 1
    assert tally_rows(form_page.place_id, 1)[2]["moving_around"]["score_6"] == 0
    assert tally_rows(form_page.place_id, 2)[2]["moving_around"]["score_6"] == 1


def test_storing_a_response_costs_the_same_queries_however_many_came_before():
    """Counting a response in is O(1): four statements once its round has a tally (a
    SELECT that waits for nothing, then the UPDATE that locks the round's row, the
    INSERT-or-ignore and the UPDATE of its theme rows); the round's first response
    also inserts the round's row."""
    form_page = PlaceStandardFormPageFactory()
    answers = [(key, 5, "a comment") for key in THEME_KEYS]

    def queries_to_count_one_in():
        submission = SubmissionFactory.build(form_page=form_page)
        submission.save()
        with CaptureQueriesContext(connection) as captured:
            count_in(submission, answers)
        return len(captured)

    assert queries_to_count_one_in() == 6  # the round's first response
    first = queries_to_count_one_in()
    for _ in range(40):
        SubmissionFactory(form_page=form_page)
    assert queries_to_count_one_in() == first == 4
