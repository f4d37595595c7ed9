"""HTML validation with the Nu HTML Checker (vnu), run as a local HTTP service.

Starting a JVM costs seconds, so the checker runs once per test session, and
only when a test first asks for validation: a run that never validates HTML
never starts Java. `stop_validator()` (called from tests/conftest.py at the end
of the session, and at interpreter exit as a backstop) kills it.

Errors always fail. vnu's warnings are mostly advice about redundant markup
(an unnecessary role, a trailing slash); the few that point at a real problem
for people using assistive technology (an empty heading, a section without a
heading, a missing or wrong language) fail too. The rest are reported as
Python warnings so they show in pytest's summary without failing the test.
"""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
STARTUP_TIMEOUT_SECONDS = 90
REQUEST_TIMEOUT_SECONDS = 60

#: Warnings that mean the page is harder to use, not just untidy markup.
REAL_PROBLEM_WARNINGS = (
    "Empty heading",
    "lacks heading",
    "\u201clang\u201d attribute",
    "appears to be written in",
)


class HTMLValidationWarning(UserWarning):
    """A vnu warning that does not indicate a real problem (shown, never fatal)."""


@dataclass
class _Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


_server: _Server | None = None
_lock = threading.Lock()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start() -> _Server:
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("Java is needed for the Nu HTML Checker: run `make install-test`.")
    if not VNU_JAR.exists():
        raise RuntimeError(f"{VNU_JAR} is missing: run `npm ci` (or `make install-test`).")
    port = _free_port()
    log_dir = REPO_ROOT / "var"
    log_dir.mkdir(exist_ok=True)
    log_path = log_dir / f"vnu-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            java,
            "-Xss4m",
            "-cp",
            str(VNU_JAR),
            "-Dnu.validator.servlet.bind-address=127.0.0.1",
            "nu.validator.servlet.Main",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    server = _Server(process=process, port=port, log_path=log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text(errors="replace")
            raise RuntimeError(f"The Nu HTML Checker exited on start:\n{output}")
        try:
            with urllib.request.urlopen(server.url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    _terminate(server)
    raise RuntimeError(f"The Nu HTML Checker did not answer within {STARTUP_TIMEOUT_SECONDS}s.")


def _terminate(server: _Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
    server.log_path.unlink(missing_ok=True)


def _get_server() -> _Server:
    global _server
    with _lock:
        if _server is None or _server.process.poll() is not None:
            _server = _start()
        return _server


def stop_validator() -> None:
    """Stop the checker if this process started it (safe to call more than once)."""
    global _server
    with _lock:
        if _server is not None:
            _terminate(_server)
            _server = None


atexit.register(stop_validator)


def validate_html(html: str) -> list[dict]:
    """Return every message vnu reports for a complete HTML document."""
    server = _get_server()
    request = urllib.request.Request(  # noqa: S310 (a local http:// URL we built)
        f"{server.url}?out=json",
        data=html.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))["messages"]


def _is_failure(message: dict) -> bool:
    if message.get("type") in ("error", "non-document-error"):
        return True
    if message.get("type") == "info" and message.get("subType") == "warning":
        return any(fragment in message.get("message", "") for fragment in REAL_PROBLEM_WARNINGS)
    return False


def _describe(message: dict, lines: list[str]) -> str:
    line = message.get("lastLine") or message.get("firstLine")
    kind = message.get("subType") or message.get("type")
    where = f"line {line}" if line else "document"
    text = f"- [{kind}] {where}: {message.get('message', '').strip()}"
    if line and 0 < line <= len(lines):
        text += f"\n    {lines[line - 1].strip()[:200]}"
    elif message.get("extract"):
        text += f"\n    {message['extract'].strip()[:200]}"
    return text


def assert_valid_html(html: str, label: str = "document") -> None:
    """Fail listing every error (and every warning that is a real problem) in `html`."""
    messages = validate_html(html)
    lines = html.splitlines()
    failures = [m for m in messages if _is_failure(m)]
    for message in messages:
        if message.get("type") == "info" and message.get("subType") == "warning":
            if message not in failures:
                warnings.warn(
                    f"{label}: {_describe(message, lines)}", HTMLValidationWarning, stacklevel=2
                )
    if failures:
        details = "\n".join(_describe(message, lines) for message in failures)
        raise AssertionError(
            f"The Nu HTML Checker found {len(failures)} problem(s) in {label}:\n{details}"
        )
