"""`make bench`: serve the site with gunicorn and print how fast its pages are.

Usage: python tests/benchmarks/run.py [SCENARIO ...]   (all scenarios by default)

Steps: prepare the benchmark's own database under var/bench (never the
developer's), build content, collect static files, start gunicorn on a free
port of 127.0.0.1 with production settings, then request each scenario for a
fixed time and print requests per second and latency percentiles beside the
same figures for the bare reference page. Figures are printed and saved,
never judged: a benchmark does not pass or fail.

Environment: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_CONCURRENCY (8),
BENCH_WORKERS (2), BENCH_SCENARIOS (comma-separated names), BENCH_FRESH=1 to
rebuild the database from scratch.
"""

import datetime as dt
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.benchmarks import loadgen  # noqa: E402
from tests.benchmarks.scenarios import BARE, Scenario, select  # noqa: E402

VAR = ROOT / "var" / "bench"
DATABASE = VAR / "db.sqlite3"
STATE = VAR / "state.json"
FACTS = VAR / "facts.json"
SERVER_LOG = VAR / "gunicorn.log"

#: Settings read from the environment that could point the benchmark at the
#: developer's database, cache, storage or CDN; they are dropped, then the
#: benchmark's own values are set.
FOREIGN_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_",
    "FRONTEND_CACHE_URL",
    "MEDIA_",
    "STATIC_ROOT",
    "SERVE_MEDIA",
    "OUR_PLACES_",
    "DJANGO_",
    "EMAIL_",
    "CACHE_KEY_PREFIX",
)

#: What the benchmark database's content is built from: when any of these
#: change, the database is built again from scratch.
CONTENT_SOURCES = [
    "*/migrations/*.py",
    "*/demo.py",
    "*/*/demo.py",
    "*/demo_content.toml",
    "*/*/demo_content.toml",
    "home/demo_loader.py",
    "home/management/commands/load_demo_content.py",
    "tests/benchmarks/site_content.py",
    "tests/benchmarks/engagement_content.py",
]


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def bench_environment() -> dict[str, str]:
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(FOREIGN_SETTINGS)
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
            "DJANGO_ALLOWED_HOSTS": loadgen.LOCALHOST,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "OUR_PLACES_VAR_DIR": str(VAR),
            "OUR_PLACES_BENCHMARK_ROUTES": "true",
            "STATIC_ROOT": str(VAR / "static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The form POST scenario sends every response from one address;
            # the per-client rate limit would refuse all but the first 20.
            "ENGAGEMENT_RATE_LIMIT": os.environ.get("ENGAGEMENT_RATE_LIMIT", "0"),
        }
    )
    return env


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def content_fingerprint() -> str:
    digest = hashlib.sha256()
    for package in ("django", "wagtail", "wagtailmenus"):
        digest.update(f"{package}={version(package)}\n".encode())
    for pattern in CONTENT_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            if ".venv" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def manage(env: dict[str, str], *args: str, check: bool = True) -> int:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, check=check).returncode


def prepare_site(env: dict[str, str], scenarios: list[Scenario]) -> dict[str, str]:
    """Database, content and static files for the server; returns the scenarios' facts."""
    VAR.mkdir(parents=True, exist_ok=True)
    fingerprint = content_fingerprint()
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    asked = os.environ.get("BENCH_FRESH", "") not in ("", "0")
    fresh = asked or state.get("fingerprint") != fingerprint
    if fresh:
        step("Building the benchmark database from scratch (var/bench)")
        STATE.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(VAR / "media", ignore_errors=True)
    else:
        step("Reusing the benchmark database (var/bench); BENCH_FRESH=1 rebuilds it")
    step("Migrating")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    demo = state.get("demo", "not run")
    if fresh:
        step("Loading the demo content")
        code = manage(env, "load_demo_content", check=False)
        demo = "ran" if code == 0 else f"failed (exit {code})"
        if code:
            print(
                f"    load_demo_content failed (exit {code}); the benchmark creates the "
                "pages it needs itself.",
                flush=True,
            )
    step("Collecting static files into var/bench/static")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    step("Setting up scenarios")
    refs = list(dict.fromkeys(scenario.setup for scenario in scenarios if scenario.setup))
    FACTS.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("site_setup.py")), str(FACTS), *refs],
        cwd=ROOT,
        env=env,
        check=True,
    )
    facts = json.loads(FACTS.read_text())
    if not fresh and state.get("content_source") == "benchmark":
        # Pages the benchmark created on an earlier run are still its own.
        facts["content_source"] = "benchmark"
    STATE.write_text(
        json.dumps(
            {
                "fingerprint": fingerprint,
                "demo": demo,
                "content_source": facts.get("content_source"),
            }
        )
    )
    return {**facts, "demo_content": demo}


@contextmanager
def gunicorn(env: dict[str, str], workers: int):
    """A gunicorn master and its workers on a free port; always stopped afterwards."""
    port = loadgen.free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        str(ROOT / "site"),
        "--bind",
        f"{loadgen.LOCALHOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "config.wsgi:application",
    ]
    with SERVER_LOG.open("wb") as log:
        # Its own session: Ctrl-C reaches only us, and we stop it in order.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            loadgen.wait_until_up(port, BARE.path, 30, alive=lambda: server.poll() is None)
            yield port
        except RuntimeError as error:
            tail = SERVER_LOG.read_text(errors="replace").splitlines()[-30:]
            raise SystemExit(f"gunicorn: {error}\n" + "\n".join(tail)) from None
        finally:
            stop(server)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()  # gunicorn's graceful shutdown
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def probe(port: int, scenario: Scenario, request) -> None:
    """One request before timing: a page that is missing or broken is a setup error."""
    status, _, body = loadgen.fetch(
        port, request.method, request.path, request.body, request.headers
    )
    if not (200 <= status < 300 or (request.method == "POST" and status == 303)):
        text = re.sub(r"<style.*?</style>|<[^>]+>", " ", body.decode(errors="replace"), flags=re.S)
        snippet = " ".join(text.split())[:300]
        raise SystemExit(
            f"Scenario {scenario.name!r}: {request.method} {request.path} answered {status}, "
            f"not 2xx (or 303 after a POST), so there is nothing to measure.\n{snippet}"
        )


def ratio(value: float, reference: float) -> float | None:
    return value / reference if reference else None


def report(rows: list[dict], config: dict) -> None:
    print()
    print(
        f"Our Places benchmark: gunicorn {config['workers']} workers, "
        f"{config['concurrency']} connections, {config['seconds']:g} s per scenario after "
        f"{config['warmup']:g} s warm-up, production settings, SQLite"
    )
    header = (
        f"{'scenario':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'req/s vs bare':>15}{'p50 vs bare':>13}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        rps_ratio = row["ratio_requests_per_second"]
        p50_ratio = row["ratio_p50"]
        print(
            f"{row['name']:<16}{row['requests_per_second']:>9.1f}{row['p50_ms']:>9.1f}"
            f"{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['errors']:>8}"
            f"{format_ratio(rps_ratio):>15}{format_ratio(p50_ratio):>13}"
        )
    print()
    for row in rows:
        print(
            f"  {row['name']}: {row['description']}; {row['requests']} responses, "
            f"load generator used {row['client_cpu_percent']}% of a CPU"
        )
    print(
        "  req/s vs bare: share of the bare page's throughput; "
        "p50 vs bare: how many times slower the median response is."
    )
    by_name = {row["name"]: row for row in rows}
    for row in rows:
        other = by_name.get(row.get("compare_to") or "")
        if other is None:
            continue
        rps = ratio(row["requests_per_second"], other["requests_per_second"])
        p50 = ratio(row["p50_ms"], other["p50_ms"])
        print(
            f"  {row['name']} vs {other['name']}: req/s {format_ratio(rps)}, "
            f"p50 {format_ratio(p50)} (1.00x: as fast)"
        )


def format_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def git_revision() -> dict:
    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    names = argv or [n.strip() for n in os.environ.get("BENCH_SCENARIOS", "").split(",") if n]
    scenarios = select([name for name in names if name.strip()])
    config = {
        "seconds": env_number("BENCH_SECONDS", 10),
        "warmup": env_number("BENCH_WARMUP", 2),
        "concurrency": int(env_number("BENCH_CONCURRENCY", 8)),
        "workers": int(env_number("BENCH_WORKERS", 2)),
    }
    started = time.monotonic()
    env = bench_environment()
    facts = prepare_site(env, scenarios)

    rows = []
    step(f"Starting gunicorn ({config['workers']} workers)")
    with gunicorn(env, config["workers"]) as port:
        base_url = f"http://{loadgen.LOCALHOST}:{port}"
        for scenario in scenarios:
            scenario_facts = dict(facts)
            if scenario.prepare:
                scenario_facts.update(scenario.prepare(base_url, scenario_facts))
            request = scenario.resolve(scenario_facts)
            probe(port, scenario, request)
            step(f"{scenario.name}: {request.method} {request.path} for {config['seconds']:g} s")
            result = loadgen.run_load(
                port,
                request.method,
                request.path,
                body=request.body,
                headers=request.headers,
                seconds=config["seconds"],
                warmup=config["warmup"],
                concurrency=config["concurrency"],
            )
            rows.append(
                {
                    "name": scenario.name,
                    "method": request.method,
                    "path": request.path,
                    "description": scenario.describe.format_map(scenario_facts),
                    "compare_to": scenario.compare_to,
                    **result.summary(),
                }
            )

    bare = rows[0]
    for row in rows:
        row["ratio_requests_per_second"] = ratio(
            row["requests_per_second"], bare["requests_per_second"]
        )
        row["ratio_p50"] = ratio(row["p50_ms"], bare["p50_ms"])
    report(rows, config)

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    output = VAR / f"results-{stamp}.json"
    output.write_text(
        json.dumps(
            {
                "timestamp": stamp,
                "git": git_revision(),
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
                "versions": {
                    "python": platform.python_version(),
                    **{p: version(p) for p in ("django", "wagtail", "gunicorn")},
                },
                "config": config,
                "facts": facts,
                "scenarios": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"  Saved {output.relative_to(ROOT)}; whole run took {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit("Interrupted; the server has been stopped.")
    except subprocess.CalledProcessError as error:
        # The command's own output, above, says what went wrong.
        command = " ".join(str(part) for part in error.cmd)
        sys.exit(f"Benchmark setup failed: `{command}` exited with {error.returncode}.")
