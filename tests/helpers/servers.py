"""Real gunicorn servers for tests that need more than one process.

The servers run the test settings against the database the test itself uses:

- PostgreSQL: pytest-django's test database, by name. Use
  `django_db(transaction=True)` so the rows a test creates are committed and
  the servers can see them.
- SQLite: the test database lives in memory, which another process cannot
  open, so `served_database()` copies it (SQLite's backup API) to a file the
  servers share. Read what they stored through `ServedDatabase.count()`.

A Redis cache shared by several servers gets a key prefix of its own per
test (`CACHE_KEY_PREFIX`), so nothing is flushed that another run relies on.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
STARTUP_TIMEOUT_SECONDS = 60
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/11"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url_for_tests() -> str:
    """The Redis database server tests may use (ENGAGEMENT_TEST_REDIS_URL, else DB 11)."""
    return os.environ.get("ENGAGEMENT_TEST_REDIS_URL") or os.environ.get(
        "REDIS_URL", DEFAULT_TEST_REDIS_URL
    )


def redis_unavailable_reason(url: str) -> str | None:
    """None if Redis answers PING at `url`, else why not (for pytest.skip)."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as error:
        return f"Redis at {url} is unreachable ({error.__class__.__name__}: {error})"
    return None


@dataclass
class ServedDatabase:
    url: str
    sqlite_path: Path | None = None

    def count(self, table: str, where: str = "1=1") -> int:
        """Rows the servers stored (reads the shared file on SQLite, the test DB on PostgreSQL)."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as conn:
                return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]  # noqa: S608
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}")  # noqa: S608
            return cursor.fetchone()[0]


def served_database(tmp_path: Path) -> ServedDatabase:
    """A database URL the servers can open that holds what the test has created so far."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = settings["USER"] or "postgres"
        if settings.get("PASSWORD"):
            auth += f":{settings['PASSWORD']}"
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return ServedDatabase(f"postgres://{auth}@{host}:{port}/{settings['NAME']}")
    if connection.vendor != "sqlite":
        raise RuntimeError(f"No way to share a {connection.vendor} test database with servers")
    connection.ensure_connection()
    path = tmp_path / "served.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    # WAL is a property of the file, as `migrate` leaves a real site's. Set it
    # here, before any server opens the copy: switching a file into WAL needs
    # it to itself, so servers' first connections racing to switch it (each
    # runs the settings' `PRAGMA journal_mode=WAL`) fail with "database is
    # locked" without waiting for the busy timeout.
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    return ServedDatabase(f"sqlite:///{path}", sqlite_path=path)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Stop the master and its workers (their own process group), so no
        worker keeps a database connection open after the test."""
        if self.process.poll() is not None:
            return
        pgid = os.getpgid(self.process.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=5)
        # Workers may outlive the master by a moment; make sure they are gone.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


def start_gunicorn(
    database_url: str,
    *,
    workers: int = 1,
    threads: int = 1,
    env: dict | None = None,
    log_dir: Path,
) -> Server:
    """Start gunicorn with the test settings on a free port; wait until it answers."""
    port = free_port()
    log_path = log_dir / f"gunicorn-{port}.log"
    server_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_ALLOW_ASYNC"))
    }
    server_env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "site"), str(REPO_ROOT)]),
        }
    )
    server_env.pop("REDIS_URL", None)
    server_env.update(env or {})
    command = [
        str(GUNICORN),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--timeout",
        "60",
        "--chdir",
        str(REPO_ROOT),
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603
        command, env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(process, port, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/robots.txt")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(
        f"gunicorn did not answer within {STARTUP_TIMEOUT_SECONDS}s:\n{server.log()}"
    )


def ensure_default_locale():
    """Recreate Wagtail's default Locale, which a transactional test's flush removes."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )


def unique_cache_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class FormClient:
    """A browser-like client for one server: sends a browser's headers (and a form's CSRF
    token and cookie where it has one, as the admin's forms do)."""

    base_url: str
    cookie: str = ""
    csrf_token: str = ""
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            parts = urlsplit(self.base_url)
            self._conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        return self._conn

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # sync workers close the connection after each response
                conn.close()
                self._conn = None
                if attempt:
                    raise
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            self._conn = None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookie = value.split(";", 1)[0]
        return response.status, content.decode("utf-8", errors="replace")

    def load_form(self, path: str) -> str:
        status, html = self.request("GET", path)
        if status != 200:
            raise AssertionError(f"GET {path} answered {status}")
        # Public forms carry no CSRF token (README "Cross-site protection").
        match = CSRF_INPUT.search(html)
        self.csrf_token = match.group(1) if match else ""
        return html

    def post_form(self, path: str, data: dict) -> tuple[int, str]:
        fields = {"csrfmiddlewaretoken": self.csrf_token, **data} if self.csrf_token else data
        body = urlencode(fields)
        # What a browser sends with a form posted from the site's own page.
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.base_url,
            "Sec-Fetch-Site": "same-origin",
        }
        return self.request("POST", path, body, headers)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None
