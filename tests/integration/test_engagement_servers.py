"""The Place Standard form served by real gunicorn processes.

- Rate limit (issue 3, done-when 2): a burst over the limit, spread across two
  server processes that share Redis, is cut off at exactly the limit.
- Concurrency (done-when 4, PostgreSQL only): 32 clients send 2,000+ responses
  at once to one form through gunicorn; every accepted response is stored
  exactly once with all its theme rows, none lost, resends never doubled.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from engagement.themes import THEME_KEYS
from tests.factories.engagement import PlaceStandardFormPageFactory
from tests.helpers.servers import (
    FormClient,
    ensure_default_locale,
    redis_unavailable_reason,
    redis_url_for_tests,
    served_database,
    start_gunicorn,
    unique_cache_prefix,
)

pytestmark = pytest.mark.django_db(transaction=True)


def full_answers(form_page, marker):
    data = {"place": form_page.place_id, "website": ""}
    for n, key in enumerate(THEME_KEYS):
        data[key] = str(n % 7 + 1)
    data["moving_around_comment"] = marker
    return data


@pytest.fixture(autouse=True)
def _default_locale(transactional_db):
    """Transactional tests empty every table, Wagtail's default Locale included."""
    ensure_default_locale()


@pytest.fixture
def redis_url():
    url = redis_url_for_tests()
    if reason := redis_unavailable_reason(url):
        pytest.skip(reason)
    return url


def test_burst_over_rate_limit_across_two_processes_sharing_redis(home_page, redis_url, tmp_path):
    form_page = PlaceStandardFormPageFactory()
    database = served_database(tmp_path)
    env = {
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": unique_cache_prefix(),
        "ENGAGEMENT_RATE_LIMIT": "5",
        "ENGAGEMENT_RATE_LIMIT_WINDOW": "600",
    }
    servers = [start_gunicorn(database.url, env=env, log_dir=tmp_path) for _ in range(2)]
    try:
        # Resolve the URL here: a page's URL can query the database, and
        # worker threads must not open connections of their own.
        url = form_page.url
        clients = [FormClient(server.base_url) for server in servers]
        for client in clients:
            client.load_form(url)

        def send(n):
            client = clients[n % 2]  # alternate between the two processes
            fresh = FormClient(client.base_url, cookie=client.cookie, csrf_token=client.csrf_token)
            try:
                return fresh.post_form(url, full_answers(form_page, f"burst {n}"))
            finally:
                fresh.close()

        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(send, range(14)))
    finally:
        for server in servers:
            server.stop()

    statuses = sorted(status for status, _ in results)
    assert statuses == [303] * 5 + [429] * 9, [s.log() for s in servers]
    refused = next(html for status, html in results if status == 429)
    assert "a lot of answers from your connection to this form" in refused
    assert "burst" in refused  # the answers are kept on the page
    assert database.count("engagement_submission") == 5
    assert database.count("engagement_themescore") == 5 * len(THEME_KEYS)


CLIENTS = 32
PER_CLIENT = 63  # 32 x 63 = 2,016 responses
RESEND_EVERY = 32  # and every 32nd is sent twice, as a double click would


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.mark.postgres
def test_concurrent_clients_each_response_stored_exactly_once(postgres_only, home_page, tmp_path):
    form_page = PlaceStandardFormPageFactory()
    database = served_database(tmp_path)
    env = {
        "ENGAGEMENT_RATE_LIMIT": "0",
        "CACHE_KEY_PREFIX": unique_cache_prefix(),
        # Resends are recognised in the shared store, as in every real setup
        # (the test settings' own default is one process's memory).
        "OUR_PLACES_TEST_RATELIMIT_STORE": "database",
    }
    server = start_gunicorn(database.url, workers=4, env=env, log_dir=tmp_path)
    url = form_page.url  # resolved here: worker threads never touch the database

    def run_client(n):
        client = FormClient(server.base_url)
        client.load_form(url)
        sent = []
        for i in range(PER_CLIENT):
            # What identifies a response here is its comment: the form is the same
            # for everyone (it may come from a cached page), and the same answers
            # sent again from the same browser are a resend, stored once.
            marker = f"client {n} response {i}"
            data = full_answers(form_page, marker)
            status, _html = client.post_form(url, data)
            sent.append((marker, status))
            if i % RESEND_EVERY == 0:
                status, _html = client.post_form(url, data)
                sent.append((marker, status))
        client.close()
        return sent

    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = [item for sent in pool.map(run_client, range(CLIENTS)) for item in sent]
    finally:
        server.stop()

    accepted = {marker for marker, status in results if status == 303}
    failures = [status for _marker, status in results if status != 303]
    assert not failures, f"{len(failures)} requests failed: {failures[:10]}\n{server.log()}"
    assert len(accepted) == CLIENTS * PER_CLIENT >= 2000
    assert len(results) > len(accepted)  # the resends happened

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.comment, COUNT(DISTINCT t.submission_id) FROM engagement_themescore t "
            "WHERE t.theme = 'moving_around' GROUP BY t.comment"
        )
        stored = dict(cursor.fetchall())
        cursor.execute(
            "SELECT c.comment, COUNT(t.id) FROM engagement_themescore t "
            "JOIN engagement_themescore c ON c.submission_id = t.submission_id "
            "AND c.theme = 'moving_around' GROUP BY c.comment"
        )
        theme_rows = dict(cursor.fetchall())
    assert set(stored) == accepted  # none lost, none invented
    assert set(stored.values()) == {1}  # each exactly once
    assert set(theme_rows.values()) == {len(THEME_KEYS)}  # with all its theme rows
