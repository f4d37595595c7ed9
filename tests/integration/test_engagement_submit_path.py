"""The Place Standard submission path (issue 12): Post/Redirect/Get, a constant-cost save,
and tallies that concurrent citizens of one place do not queue on for long.

- A stored response (from the form page, or the form embedded on the place page)
  answers 303 to the form's light confirmation page, the same page for everyone:
  nothing about the response is in its URL or on it.
- The POST makes the same number of queries whatever the number of themes answered
  (one INSERT for the response, one bulk INSERT for its themes, the tally last),
  and so does the confirmation page.
- On PostgreSQL, 32 clients posting to one place at once through gunicorn: none
  lost, no deadlock, and the tallies equal a recount (their public copy moved in
  steps only).
"""

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ReferenceIndex

from engagement.insight import min_responses, recount
from engagement.models import FollowUpContact, RoundTally, Submission, ThemeScore, ThemeTally
from engagement.themes import THEME_KEYS
from tests.factories.engagement import PlaceStandardFormPageFactory
from tests.factories.places import PlacePageFactory
from tests.helpers.html import assert_valid_html
from tests.helpers.queries import stamp_queries
from tests.helpers.servers import (
    FormClient,
    ensure_default_locale,
    served_database,
    start_gunicorn,
    unique_cache_prefix,
)

#: Queries of a stored POST, the same for 1, 7 or 14 themes answered: the cache
#: stamps (home.versions: one with the database's table, none with Redis), the form
#: page from its cached route (1), the form's extra questions (1), and the save in
#: one transaction (9 with the savepoint a test's transaction adds): the response,
#: its themes in one INSERT, the follow-up contact, then the tally last: a SELECT
#: of the round's row (which waits for nothing), the UPDATE that locks it, the
#: INSERT-or-ignore and the UPDATE of its theme rows. The first response of a round
#: also inserts its row (+2).
POST_QUERIES = 11 + stamp_queries()
#: The confirmation page, warm: the stamps (as above), the form page from its
#: cached route, and its place (for the link back); the site's frame (menus,
#: footer) comes from its caches.
CONFIRMATION_MAX_QUERIES = 2 + stamp_queries()


def answers(form_page, themes=3, **extra):
    data = {"place": str(form_page.place_id), "website": ""}
    for n, key in enumerate(THEME_KEYS[:themes]):
        data[key] = str(n % 7 + 1)
    data.update(extra)
    return data


@pytest.fixture
def form_page(home_page):
    return PlaceStandardFormPageFactory(
        parent=PlacePageFactory(title="Ossett"), title="How good is Ossett?"
    )


@pytest.mark.django_db
def test_a_stored_response_redirects_to_the_confirmation_page(client, form_page):
    place_html = client.get(form_page.place.url).content.decode()
    assert f'action="{form_page.url}"' in place_html  # the embedded form posts here too

    data = answers(form_page, follow_up_email="me@example.org", follow_up_consent="on")
    response = client.post(form_page.url, data)
    assert response.status_code == 303
    location = response["Location"]
    assert location == f"{form_page.url}thank-you/"
    submission = Submission.objects.get()
    for secret in (str(submission.pk), "me@example.org"):
        assert secret not in location.removeprefix(form_page.url)

    confirmation = client.get(location)
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert_valid_html(html)
    assert "<h1>Thank you</h1>" in html
    assert "What happens next" in html
    assert f'href="{form_page.place.url}"' in html
    results = reverse("insight_results", args=[form_page.place_id, form_page.round_number])
    assert f'href="{results}"' in html
    assert "We will publish what we heard" in html  # the editor's thank-you text
    # Light: not the form, not the place page's sections, nothing of the answers.
    assert "engagement-form" not in html
    assert 'name="moving_around"' not in html
    assert "me@example.org" not in html


@pytest.mark.django_db
def test_the_same_answers_sent_twice_redirect_to_the_same_page_and_are_stored_once(
    client, form_page
):
    data = answers(form_page)
    first, second = client.post(form_page.url, data), client.post(form_page.url, data)
    assert (first.status_code, second.status_code) == (303, 303)
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1
    assert RoundTally.objects.get().responses == 1


@pytest.mark.django_db
def test_the_confirmation_takes_no_posts_and_needs_a_live_form(client, form_page):
    url = f"{form_page.url}thank-you/"
    response = client.post(url, answers(form_page))
    assert response.status_code == 405
    assert not Submission.objects.exists()
    form_page.unpublish()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_editors_preview_the_confirmation_as_citizens_see_it(rf, form_page):
    request = rf.get("/")
    request.user = AnonymousUser()
    html = form_page.serve_preview(request, "landing").render().content.decode()
    assert "<h1>Thank you</h1>" in html
    assert f'href="{form_page.place.url}"' in html


@pytest.mark.django_db
def test_errors_still_rerender_the_form_with_400(client, form_page):
    response = client.post(form_page.url, answers(form_page, moving_around="9"))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("themes", [1, 7, 14])
def test_a_post_makes_the_same_number_of_queries_whatever_it_answers(
    client, form_page, django_assert_num_queries, themes
):
    client.get(form_page.url)  # warm the site root cache, as a visitor's first GET does

    sent = []

    def post():
        sent.append(1)  # each a different person's answers (the same again is a resend)
        data = answers(
            form_page,
            themes,
            moving_around_comment=f"Kerbs {len(sent)}",
            follow_up_email="a@example.org",
        )
        data["follow_up_consent"] = "on"
        response = client.post(form_page.url, data)
        assert response.status_code == 303
        return response

    with django_assert_num_queries(POST_QUERIES + 2):
        post()  # the round's first response creates its tally row
    with django_assert_num_queries(POST_QUERIES):
        post()
    assert ThemeScore.objects.count() == 2 * themes
    assert FollowUpContact.objects.count() == 2
    assert RoundTally.objects.get().responses == 2
    assert ThemeTally.objects.count() == themes


@pytest.mark.django_db
def test_no_answer_is_refused_before_anything_is_written(client, form_page):
    """Zero themes answered is not a response: the form says so (and writes nothing)."""
    client.get(form_page.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(form_page.url, answers(form_page, 0))
    assert response.status_code == 400
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


@pytest.mark.django_db
def test_the_confirmation_page_is_cheap_and_the_same_for_every_place(client, form_page):
    other = PlaceStandardFormPageFactory(parent=PlacePageFactory(title="Horbury"))
    for page in (form_page, other):
        client.get(f"{page.url}thank-you/")  # its route and lookups, as the first visitor finds
    counts = []
    for page in (form_page, other):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{page.url}thank-you/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= CONFIRMATION_MAX_QUERIES, counts


@pytest.mark.django_db
def test_responses_are_not_in_the_page_reference_index(client, form_page, monkeypatch):
    """Each POST used to queue (and, with the immediate backend, run) Wagtail's
    update_reference_index_task for the Submission and the follow-up contact."""
    from wagtail import signal_handlers

    queued = []

    class Recorder:
        def enqueue(self, *args, **kwargs):
            queued.append(args)

    monkeypatch.setattr(signal_handlers, "update_reference_index_task", Recorder())
    data = answers(form_page, follow_up_email="a@example.org", follow_up_consent="on")
    assert client.post(form_page.url, data).status_code == 303
    assert queued == []
    for model in (Submission, ThemeScore, FollowUpContact):
        assert not ReferenceIndex.is_indexed(model), model


# --- PostgreSQL: 32 citizens of one place at once ------------------------------------

CLIENTS = 32
PER_CLIENT = 6  # 192 responses to one place


@pytest.fixture
def postgres_committed(transactional_db):
    """Committed rows the servers can see (transactional tests empty every table, Locale too)."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: run with DATABASE_URL=postgres://...")
    ensure_default_locale()


# Marked `postgres`, not `drill`: .ci/run runs drills only in its SQLite pass, where this
# is skipped; like test_engagement_servers' PostgreSQL test it runs in the PostgreSQL pass.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_32_concurrent_citizens_of_one_place_lose_nothing_and_tally_exactly(
    postgres_committed, home_page, tmp_path
):
    form_page = PlaceStandardFormPageFactory()
    place_id = form_page.place_id
    database = served_database(tmp_path)
    env = {"ENGAGEMENT_RATE_LIMIT": "0", "CACHE_KEY_PREFIX": unique_cache_prefix()}
    server = start_gunicorn(database.url, workers=4, threads=8, env=env, log_dir=tmp_path)
    url = form_page.url  # resolved here: client threads never touch the database
    waits, stop = [], threading.Event()

    def watch_locks():
        """How many backends wait on a lock, sampled while the load runs (for the report)."""
        from django.db import connections

        with connections["default"].cursor() as cursor:
            while not stop.wait(0.05):
                cursor.execute(
                    "SELECT left(query, 40) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                waits.append([query for (query,) in cursor.fetchall()])
        connections["default"].close()

    def run_client(n):
        client = FormClient(server.base_url)
        sent = []
        try:
            for i in range(PER_CLIENT):
                # Each client answers differently (its number is a comment), as
                # 32 people do: the same answers from one address are a resend.
                data = {"place": place_id, "website": "", "moving_around_comment": f"{n}-{i}"}
                for k, key in enumerate(THEME_KEYS):
                    data[key] = str((n + i + k) % 7 + 1)
                if i % 3 == 0:
                    data["natural_space_comment"] = f"client {n} response {i}"
                status, _html = client.post_form(url, data)
                sent.append(status)
        finally:
            client.close()
        return sent

    watcher = threading.Thread(target=watch_locks)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = [s for sent in pool.map(run_client, range(CLIENTS)) for s in sent]
    finally:
        stop.set()
        watcher.join(timeout=30)
        server.stop()
    log = server.log_path.read_text(errors="replace")
    assert not re.search(r"deadlock", log, re.IGNORECASE), server.log()
    accepted = statuses.count(303)
    assert accepted == len(statuses) == CLIENTS * PER_CLIENT, (statuses, server.log())

    # None lost: as many responses, with all their theme rows, as were accepted.
    assert Submission.objects.filter(place_id=place_id).count() == accepted
    assert ThemeScore.objects.filter(submission__place_id=place_id).count() == accepted * 14

    # The tallies kept while 32 clients wrote at once equal a recount from the rows.
    def live():
        tally = RoundTally.objects.get(place_id=place_id, round_number=1)
        themes = {
            t.theme: (tuple(t.distribution.values()), t.comments)
            for t in ThemeTally.objects.filter(round_tally=tally)
        }
        return (tally.responses, tally.participants), themes, tally

    counted, counted_themes, tally = live()
    assert counted == (accepted, accepted)
    # Their public copy moved only in steps of the minimum (all 256 counted one at a time).
    minimum = min_responses()
    assert tally.published_responses == accepted - accepted % minimum
    assert tally.unpublished_changes == accepted % minimum
    recount(place_id, 1)
    assert live()[:2] == (counted, counted_themes)
    waiting = Counter(query for sample in waits for query in sample)
    print(
        f"\nbackends waiting on a lock: at most {max(map(len, waits), default=0)} at once "
        f"in {len(waits)} samples; waiting in: {waiting.most_common(4)}"
    )
