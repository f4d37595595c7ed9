"""A site created before `conversation` moved inside `engagement` carries on.

`tests/fixtures/before_conversation_moved.sql.gz` is an SQLite dump made with
the code as it stood before the move (commit f93e712): migrated, with a home
page, the place Dewsbury, a published story and an alert subscription waiting
for its confirmation. This drill restores it into a file, migrates it forward
with today's code and, in that process, serves the story, confirms the alert
and posts page feedback. It runs once (marked `drill`): the move concerns the
app's label and module path, not the database engine.
"""

import gzip
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.drill

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "fixtures" / "before_conversation_moved.sql.gz"

CHECKS = textwrap.dedent(
    """
    from django.test import Client

    from engagement.conversation import alerts
    from engagement.conversation.models import PageFeedback, StoryPage, Subscription

    client = Client()
    story = StoryPage.objects.get(slug="pledge-bank-garden")
    response = client.get(story.url)
    assert response.status_code == 200, response.status_code
    assert b"The Pledge Bank garden" in response.content

    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    url = f"/alerts/confirm/{alerts.confirm_token(subscription)}/"
    assert client.get(url).status_code == 200
    response = client.post(url, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code in (200, 302), response.status_code
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    response = client.post(
        "/feedback/",
        {"page": story.pk, "helpful": "yes", "comment": "Good to read."},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302, response.status_code
    assert PageFeedback.objects.filter(page=story, comment="Good to read.").exists()
    print("served from the old database")
    """
)


def test_a_database_from_before_the_move_migrates_and_serves(tmp_path):
    database = tmp_path / "before.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.executescript(gzip.decompress(SNAPSHOT.read_bytes()).decode())
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "TEST_DATABASE_NAME"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }

    def manage(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )

    migrated = manage("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    with sqlite3.connect(database) as connection:
        labels = {row[0] for row in connection.execute("SELECT app FROM django_migrations")}
        content_types = {
            row[0] for row in connection.execute("SELECT app_label FROM django_content_type")
        }
    assert "conversation" in labels and "conversation" in content_types

    served = manage("shell", "--no-imports", "--command", CHECKS)
    assert served.returncode == 0, served.stderr + served.stdout
    assert "served from the old database" in served.stdout
