"""`make bench`: serve the site with gunicorn and print how fast its pages are.

Usage: python tests/benchmarks/run.py [SCENARIO ...]   (the default scenarios if none)

Steps: prepare the benchmark's own database (SQLite under var/bench, or a
dedicated PostgreSQL database when BENCH_DATABASE_URL names one; never the
developer's), build content, collect static files, then for each cache state
(cold, warm, hit) start gunicorn on a free port of 127.0.0.1 with production
settings and that state, and request every public page type for a fixed time
between measurements of two references served by the same server: a minimal
Wagtail page and Django's floor. Last, the submissions: the Place Standard
form and a one-row reference form, POSTed by BENCH_POST_CONCURRENCY clients,
with the rows stored counted against the answers accepted. Figures are printed
and saved with the done-when thresholds of issue 12 and a pass/fail report
line for each; the benchmark itself never fails because something is slow.

Environment: see README.md in this folder (BENCH_SECONDS, BENCH_WARMUP,
BENCH_CONCURRENCY, BENCH_POST_CONCURRENCY, BENCH_WORKERS, BENCH_STATES,
BENCH_REFERENCE_EVERY, BENCH_SCENARIOS, BENCH_FRESH, BENCH_DATABASE_URL).
"""

import datetime as dt
import hashlib
import html
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.benchmarks import loadgen  # noqa: E402
from tests.benchmarks.scenarios import (  # noqa: E402
    DJANGO_FLOOR,
    ONE_ROW_POST,
    PAGE,
    REFERENCES,
    SUBMISSION,
    WAGTAIL_PAGE,
    Scenario,
    select,
)

VAR = ROOT / "var" / "bench"
DATABASE = VAR / "db.sqlite3"
HERE = Path(__file__).resolve().parent

STATES = ("cold", "warm", "hit")
#: Which reference a state's ratios divide by (issue 12, "Done when" 1).
STATE_REFERENCE = {"cold": WAGTAIL_PAGE.name, "warm": WAGTAIL_PAGE.name, "hit": DJANGO_FLOOR.name}
#: Submissions run once, in the production configuration (every cache on).
SUBMISSION_STATE = "hit"
#: The host names the server answers to: its address, and the reference Site's.
ALLOWED_HOSTS = f"{loadgen.LOCALHOST},reference.bench"

#: Issue 12's "Done when" thresholds that `make bench` measures. Reported, never enforced.
THRESHOLDS = {
    "warm_vs_wagtail_page": 1.0,
    "place_form_cold_vs_wagtail_page": 0.5,
    "hit_vs_django_floor": 0.8,
    "form_post_vs_one_row_post": 0.5,
    "form_post_concurrency": 32,
    "lost": 0,
}

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
    "*/*/migrations/*.py",
    "tests/benchmarks/reference/migrations/*.py",
    "*/demo.py",
    "*/*/demo.py",
    "*/demo_content.toml",
    "*/*/demo_content.toml",
    "home/demo_loader.py",
    "home/management/commands/load_demo_content.py",
    "tests/benchmarks/site_content.py",
    "tests/benchmarks/engagement_content.py",
    "tests/benchmarks/reference/content.py",
]


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


# --- The benchmark's database ---------------------------------------------------


def bench_database() -> dict:
    """SQLite under var/bench, or the PostgreSQL database BENCH_DATABASE_URL names.

    The developer's DATABASE_URL is never used: the benchmark empties and
    rebuilds its database. A PostgreSQL database is used only when asked for
    by name, and only one whose name says it is the benchmark's ("bench" in it).
    """
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if not url:
        developer = os.environ.get("DATABASE_URL", "")
        if developer.startswith(("postgres://", "postgresql://", "pgsql://")):
            suggested = urlunsplit(urlsplit(developer)._replace(path="/ourplaces_bench"))
            print(
                "    DATABASE_URL points at PostgreSQL; the benchmark never uses it. To "
                f"benchmark on PostgreSQL, set BENCH_DATABASE_URL={suggested}",
                flush=True,
            )
        return {
            "engine": "sqlite",
            "label": "SQLite",
            "name": str(DATABASE.relative_to(ROOT)),
            "var": VAR,
        }
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://")
    if "bench" not in name:
        raise SystemExit(
            f"BENCH_DATABASE_URL names the database {name!r}; the benchmark empties and "
            "rebuilds its database, so it only uses one with 'bench' in its name "
            "(ourplaces_bench, for example)."
        )
    return {
        "engine": "postgresql",
        "label": f"PostgreSQL {name} on {parts.hostname}:{parts.port or 5432}",
        "name": name,
        "url": url,
        # Its own media and state, so that rebuilding one database never
        # deletes the files the other one's pages use.
        "var": VAR / f"postgresql-{name}",
    }


def _postgres_admin(database: dict):
    """A connection to the server's maintenance database, to create or drop ours."""
    import psycopg

    parts = urlsplit(database["url"])
    return psycopg.connect(
        host=parts.hostname or "localhost",
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def reset_database(database: dict, fresh: bool) -> None:
    """Start the database over (fresh), or create it if it is missing."""
    if database["engine"] == "sqlite":
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
        return
    from psycopg import sql

    name = sql.Identifier(database["name"])
    with _postgres_admin(database) as connection:
        if fresh:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database["name"]]
        ).fetchone()
        if not exists:
            step(f"Creating the PostgreSQL database {database['name']}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def bench_environment(database: dict) -> dict[str, str]:
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(FOREIGN_SETTINGS)
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
            "DJANGO_ALLOWED_HOSTS": ALLOWED_HOSTS,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "OUR_PLACES_VAR_DIR": str(database["var"]),
            "OUR_PLACES_BENCHMARK_ROUTES": "true",
            "STATIC_ROOT": str(VAR / "static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The form POST scenario sends every response from one address;
            # the per-client rate limit would refuse all but the first 20.
            "ENGAGEMENT_RATE_LIMIT": os.environ.get("ENGAGEMENT_RATE_LIMIT", "0"),
        }
    )
    if database["engine"] == "postgresql":
        env["DATABASE_URL"] = database["url"]
    return env


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


def run_setup(env: dict[str, str], refs: list[str], output: Path) -> dict[str, str]:
    """Run setup functions ("module:function") inside Django; their merged facts."""
    output.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, str(HERE / "site_setup.py"), str(output), *refs],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(output.read_text())


def prepare_site(env: dict[str, str], database: dict, scenarios: list[Scenario]) -> dict[str, str]:
    """Database, content and static files for the server; returns the scenarios' facts."""
    database["var"].mkdir(parents=True, exist_ok=True)
    state_file = database["var"] / "state.json"
    fingerprint = content_fingerprint()
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    asked = os.environ.get("BENCH_FRESH", "") not in ("", "0")
    fresh = (
        asked or state.get("fingerprint") != fingerprint or state.get("name") != database["name"]
    )
    if fresh:
        step(f"Building the benchmark database from scratch ({database['label']})")
        state_file.unlink(missing_ok=True)
        shutil.rmtree(database["var"] / "media", ignore_errors=True)
        shutil.rmtree(database["var"] / "private-media", ignore_errors=True)
    else:
        step(f"Reusing the benchmark database ({database['label']}); BENCH_FRESH=1 rebuilds it")
    reset_database(database, fresh)
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
    refs = list(dict.fromkeys(s.setup for s in [*REFERENCES, *scenarios] if s.setup))
    facts = run_setup(env, refs, VAR / "facts.json")
    sources = {key: value for key, value in facts.items() if key.endswith("_source")}
    if not fresh:
        # Pages the benchmark created on an earlier run are still its own.
        for key, value in state.get("sources", {}).items():
            if value == "benchmark":
                facts[key] = "benchmark"
    state_file.write_text(
        json.dumps(
            {
                "fingerprint": fingerprint,
                "name": database["name"],
                "demo": demo,
                "sources": {**state.get("sources", {}), **sources} if not fresh else sources,
            }
        )
    )
    return {**facts, "demo_content": demo}


# --- The server -----------------------------------------------------------------


@contextmanager
def gunicorn(env: dict[str, str], workers: int, state: str):
    """A gunicorn master and its workers on a free port, in one cache state; always stopped."""
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
    log_path = VAR / f"gunicorn-{state}.log"
    with log_path.open("wb") as log:
        # Its own session: Ctrl-C reaches only us, and we stop it in order.
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "OUR_PLACES_BENCH_CACHE_STATE": state},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            loadgen.wait_until_up(port, DJANGO_FLOOR.path, 30, alive=lambda: server.poll() is None)
            yield port
        except RuntimeError as error:
            tail = log_path.read_text(errors="replace").splitlines()[-30:]
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


def probe(port: int, scenario: Scenario, request) -> dict:
    """One request before timing: a page that is missing, broken or not the page meant
    is a setup error. Returns what its response says about caching."""
    status, headers, body = loadgen.fetch(
        port, request.method, request.path, request.body, request.headers_for(port)
    )
    text = body.decode(errors="replace")
    problem = None
    if not (200 <= status < 300 or (request.method == "POST" and status == 303)):
        problem = "not 2xx (or 303 after a POST)"
    elif request.expect and request.expect not in text and html.escape(request.expect) not in text:
        problem = f"without {request.expect!r} in it"
    if problem:
        plain = re.sub(r"<style.*?</style>|<[^>]+>", " ", text, flags=re.S)
        snippet = " ".join(plain.split())[:300]
        raise SystemExit(
            f"Scenario {scenario.name!r}: {request.method} {request.path} answered {status}, "
            f"{problem}, so there is nothing to measure.\n{snippet}"
        )
    cookies = [cookie.split("=", 1)[0] for cookie in headers.get_all("Set-Cookie") or []]
    return {
        "status": status,
        "bytes": len(body),
        "cache_control": headers.get("Cache-Control"),
        "sets_cookies": cookies,
    }


def measure(port: int, scenario: Scenario, facts: dict, config: dict, state: str) -> dict:
    request = scenario.resolve(facts)
    submission = scenario.kind == SUBMISSION
    if not submission and any(name.lower() == "cookie" for name in request.headers):
        raise SystemExit(f"Scenario {scenario.name!r} is a GET with a cookie; pages carry none.")
    # A submission's probe stores a row too: measure_submissions counts its 303.
    response = probe(port, scenario, request)
    concurrency = config["post_concurrency"] if submission else config["concurrency"]
    label = f"{request.host}:{port}" if request.host else ""
    step(
        f"[{state}] {scenario.name}: {request.method} {label}{request.path} for "
        f"{config['seconds']:g} s, {concurrency} connections"
    )
    result = loadgen.run_load(
        port,
        request.method,
        request.path,
        body=request.body,
        headers=request.headers_for(port),
        seconds=config["seconds"],
        warmup=config["warmup"],
        concurrency=concurrency,
    )
    return {
        "name": scenario.name,
        "kind": scenario.kind,
        "state": state,
        "method": request.method,
        "path": request.path,
        "host": request.host,
        "description": scenario.describe.format_map(facts),
        "compare_to": scenario.compare_to,
        "probe": response,
        **result.summary(),
    }


def scenario_facts(scenario: Scenario, facts: dict, base_url: str) -> dict:
    if not scenario.prepare:
        return facts
    return {**facts, **scenario.prepare(base_url, facts)}


# --- Pages in one state -----------------------------------------------------------


def measure_references(port, facts, config, state) -> dict[str, dict]:
    return {ref.name: measure(port, ref, facts, config, state) for ref in REFERENCES}


def measure_pages(port: int, pages: list[Scenario], facts: dict, config: dict, state: str):
    """Every page once, with both references measured before the first page, after the
    last, and between every `reference_every` pages. Each page's ratio divides by the
    mean of the reference measurements just before and just after it."""
    base_url = f"http://{loadgen.LOCALHOST}:{port}"
    every = max(1, config["reference_every"])
    brackets = [measure_references(port, facts, config, state)]
    rows = []
    for start in range(0, len(pages), every):
        block = []
        for scenario in pages[start : start + every]:
            row = measure(port, scenario, scenario_facts(scenario, facts, base_url), config, state)
            row["bracket"] = len(brackets) - 1
            block.append(row)
        brackets.append(measure_references(port, facts, config, state))
        rows += block
    reference_name = STATE_REFERENCE[state]
    for row in rows:
        around = [brackets[row["bracket"]], brackets[row["bracket"] + 1]]
        row["reference"] = reference_name
        row["reference_requests_per_second"] = round(
            statistics.mean(b[reference_name]["requests_per_second"] for b in around), 1
        )
        row["ratio"] = ratio(row["requests_per_second"], row["reference_requests_per_second"])
    references = {}
    for ref in REFERENCES:
        runs = [bracket[ref.name] for bracket in brackets]
        references[ref.name] = {
            "name": ref.name,
            "kind": ref.kind,
            "state": state,
            "description": runs[0]["description"],
            "requests_per_second": round(
                statistics.mean(r["requests_per_second"] for r in runs), 1
            ),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
            "errors": sum(r["errors"] for r in runs),
            "requests": sum(r["requests"] for r in runs),
            "client_cpu_percent": round(statistics.mean(r["client_cpu_percent"] for r in runs), 1),
            "runs": runs,
        }
    for entry in references.values():
        entry["reference"] = reference_name
        entry["ratio"] = ratio(
            entry["requests_per_second"], references[reference_name]["requests_per_second"]
        )
    return references, rows


# --- Submissions --------------------------------------------------------------------


def measure_submissions(port, env, scenarios, facts, config, state) -> list[dict]:
    """The one-row reference, each submission scenario, then the reference again; the
    rows stored counted before and after each, against the 303s answered."""
    base_url = f"http://{loadgen.LOCALHOST}:{port}"
    counters = list(dict.fromkeys(s.counter for s in scenarios if s.counter))
    reference = next(s for s in scenarios if s.name == ONE_ROW_POST.name)
    order = [reference, *(s for s in scenarios if s is not reference), reference]
    counts = run_setup(env, counters, VAR / "rows.json")
    rows = []
    for scenario in order:
        row = measure(port, scenario, scenario_facts(scenario, facts, base_url), config, state)
        after = run_setup(env, counters, VAR / "rows.json")
        # The probe's answer counts too: it stored a row like every other 303.
        accepted = int(row["all_statuses"].get("303", 0)) + (row["probe"]["status"] == 303)
        stored = int(after[scenario.rows]) - int(counts[scenario.rows])
        row.update(
            {
                "accepted": accepted,
                "stored": stored,
                "lost": accepted - stored,
                "unanswered": sum(row["all_failures"].values()),
                "rows_before": counts,
                "rows_after": after,
            }
        )
        if scenario.rows == "rows_submissions" and stored:
            themes = int(after["rows_theme_scores"]) - int(counts["rows_theme_scores"])
            row["theme_rows_per_response"] = round(themes / stored, 2)
        counts = after
        rows.append(row)
    runs = [row for row in rows if row["name"] == reference.name]
    reference_rps = round(statistics.mean(r["requests_per_second"] for r in runs), 1)
    for row in rows:
        row["reference"] = reference.name
        row["reference_requests_per_second"] = reference_rps
        row["ratio"] = ratio(row["requests_per_second"], reference_rps)
    return rows


# --- Queries per request ------------------------------------------------------------


def count_queries(env: dict, scenarios: list[Scenario], facts: dict, state: str) -> dict:
    requests = []
    for scenario in [*REFERENCES, *scenarios]:
        if scenario.kind == SUBMISSION:
            continue
        request = scenario.resolve(facts)
        requests.append(
            {"name": scenario.name, "path": request.path, "host": request.host or loadgen.LOCALHOST}
        )
    source, output = VAR / "queries-in.json", VAR / "queries.json"
    source.write_text(json.dumps(requests), encoding="utf-8")
    output.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, str(HERE / "queries.py"), str(source), str(output)],
        cwd=ROOT,
        env={**env, "OUR_PLACES_BENCH_CACHE_STATE": state},
        check=True,
    )
    return json.loads(output.read_text())


# --- Report -------------------------------------------------------------------------


def ratio(value: float, reference: float) -> float | None:
    return round(value / reference, 3) if reference else None


def format_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def done_when(states: dict, submissions: list[dict], database: dict, config: dict) -> list[dict]:
    """Issue 12's thresholds against this run's figures: report lines, never an exit code."""
    lines = []

    def line(key, text, status, value, detail):
        lines.append(
            {
                "id": key,
                "text": text,
                "threshold": THRESHOLDS.get(key),
                "value": value,
                "status": status,
                "detail": detail,
            }
        )

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    def pages_in(state):
        return [row for row in states.get(state, {}).get("pages", []) if row["ratio"] is not None]

    warm = pages_in("warm")
    if warm:
        worst = min(warm, key=lambda row: row["ratio"])
        below = [f"{r['name']} {r['ratio']:.2f}x" for r in warm if r["ratio"] < 1.0]
        line(
            "warm_vs_wagtail_page",
            "1. every public page type warm >= 1.0x the minimal Wagtail page's req/s",
            verdict(not below),
            worst["ratio"],
            f"lowest: {worst['name']} {worst['ratio']:.2f}x; "
            + (f"{len(below)} of {len(warm)} below: {', '.join(below)}" if below else "all above"),
        )
    else:
        line("warm_vs_wagtail_page", "1. every page warm >= 1.0x", "NOT RUN", None, "")
    cold = {row["name"]: row for row in pages_in("cold")}
    if "place + form" in cold:
        value = cold["place + form"]["ratio"]
        line(
            "place_form_cold_vs_wagtail_page",
            "1. the place page with its open form cold >= 0.5x the minimal Wagtail page",
            verdict(value >= 0.5),
            value,
            f"place + form cold {value:.2f}x",
        )
    else:
        line("place_form_cold_vs_wagtail_page", "1. place + form cold >= 0.5x", "NOT RUN", None, "")
    hit = pages_in("hit")
    if hit:
        worst = min(hit, key=lambda row: row["ratio"])
        below = [f"{r['name']} {r['ratio']:.2f}x" for r in hit if r["ratio"] < 0.8]
        line(
            "hit_vs_django_floor",
            "1. an anonymous hit >= 0.8x Django's floor (every page type, no cookie)",
            verdict(not below),
            worst["ratio"],
            f"lowest: {worst['name']} {worst['ratio']:.2f}x; "
            + (f"{len(below)} of {len(hit)} below: {', '.join(below)}" if below else "all above"),
        )
    else:
        line("hit_vs_django_floor", "1. an anonymous hit >= 0.8x", "NOT RUN", None, "")
    form_posts = [row for row in submissions if row["name"] == "form POST"]
    if form_posts:
        row = form_posts[0]
        lost = sum(r["lost"] for r in submissions)
        ok = row["ratio"] is not None and row["ratio"] >= 0.5 and lost == 0
        status = verdict(ok)
        notes = []
        if database["engine"] != "postgresql":
            status = f"{status} on SQLite (done-when 3 asks for PostgreSQL: not applicable)"
        if config["post_concurrency"] != THRESHOLDS["form_post_concurrency"]:
            notes.append(f"{config['post_concurrency']} clients, not 32")
        line(
            "form_post_vs_one_row_post",
            "3. Place Standard responses at 32 clients >= 0.5x the one-row reference's rate, "
            "0 lost (on PostgreSQL)",
            status,
            row["ratio"],
            f"form POST {format_ratio(row['ratio'])} of the one-row POST, lost {lost} "
            f"(accepted - stored, every submission run)"
            + (f"; {'; '.join(notes)}" if notes else ""),
        )
    else:
        line("form_post_vs_one_row_post", "3. form POST >= 0.5x, 0 lost", "NOT RUN", None, "")
    return lines


def report(result: dict) -> None:
    config, states, database = result["config"], result["states"], result["database"]
    print()
    print(
        f"Our Places benchmark: gunicorn {config['workers']} workers, {config['concurrency']} "
        f"connections, {config['seconds']:g} s per measurement after {config['warmup']:g} s "
        f"warm-up, production settings, {database['label']}"
    )
    order = [s for s in STATES if s in states]
    if order:
        print(
            "ratio: cold and warm vs the minimal Wagtail page, hit vs Django's floor; references "
            f"measured in every state, around every {config['reference_every']} pages; "
            "q: queries per request (second request in one process)"
        )
        names = [ref.name for ref in REFERENCES]
        for row in states[order[0]]["pages"]:
            names.append(row["name"])
        head1 = f"{'':<17}" + "".join(f"{state:^30}" for state in order) + f"{'':>7}"
        head2 = f"{'scenario':<17}" + "".join(
            f"{'req/s':>9}{'ratio':>8}{'p50 ms':>8}{'q':>5}" for _ in order
        )
        head2 += f"{'errors':>7}"
        print(head1.rstrip())
        print(head2)
        print("-" * len(head2))
        for name in names:
            cells, errors = "", 0
            for state in order:
                entry = _entry(states[state], name)
                queries = states[state]["queries"].get(name, {}).get("second", "")
                cells += (
                    f"{entry['requests_per_second']:>9.1f}{format_ratio(entry['ratio']):>8}"
                    f"{entry['p50_ms']:>8.1f}{queries!s:>5}"
                )
                errors += entry["errors"]
            print(f"{name:<17}{cells}{errors:>7}")
        print()
        first = states[order[0]]
        for ref in REFERENCES:
            print(f"  {ref.name}: {first['references'][ref.name]['description']}")
        for row in first["pages"]:
            print(f"  {row['name']}: {row['description']}")
        for state in order:
            for row in states[state]["pages"]:
                other = _entry(states[state], row["compare_to"]) if row["compare_to"] else None
                if other:
                    share = ratio(row["requests_per_second"], other["requests_per_second"])
                    print(
                        f"  [{state}] {row['name']} vs {other['name']}: req/s {format_ratio(share)}"
                    )
        wagtail = result.get("wagtail_page_queries")
        if wagtail:
            print(
                f"  wagtail page: {wagtail['second']} queries per request "
                f"({', '.join(wagtail['tables_second'])}); Wagtail's steps: "
                + " -> ".join(wagtail["wagtail_steps"])
            )
        cookies = sorted(
            {
                (row["name"], cookie)
                for state in order
                for row in states[state]["pages"]
                for cookie in (row["probe"] or {}).get("sets_cookies", [])
            }
        )
        if cookies:
            print(
                "  pages answering with Set-Cookie (the load sends no cookie): "
                + ", ".join(f"{name} ({cookie})" for name, cookie in cookies)
            )
        cpu = max(
            (row["client_cpu_percent"] or 0)
            for state in order
            for row in [*states[state]["pages"], *states[state]["references"].values()]
        )
        print(f"  the load generator used at most {cpu}% of a CPU in any measurement")
        spreads = []
        for state in order:
            for name, entry in states[state]["references"].items():
                rates = [run["requests_per_second"] for run in entry["runs"]]
                entry["spread"] = ratio(max(rates), min(rates)) if min(rates) else None
                spreads.append(f"{state} {name} {min(rates):.0f}-{max(rates):.0f}")
        print(f"  references' req/s, lowest-highest of their measurements: {', '.join(spreads)}")
        worst = max(
            (e.get("spread") or 1) for st in order for e in states[st]["references"].values()
        )
        if worst > 1.3:
            print(
                f"  NOTE: one reference's rate changed {worst:.1f}-fold within one state: the "
                "machine was busy with something else, so ratios are uncertain by about as much "
                "(BENCH_REFERENCE_EVERY=1 measures the references around every page)"
            )
    submissions = result["submissions"]
    if submissions:
        print()
        print(
            f"Submissions: {config['post_concurrency']} connections, {database['label']}, "
            f"'{SUBMISSION_STATE}' state (every cache on, as in production)"
        )
        head = (
            f"{'scenario':<17}{'req/s':>9}{'ratio':>8}{'p50 ms':>8}{'p95 ms':>8}"
            f"{'accepted':>10}{'stored':>8}{'lost':>6}{'errors':>8}"
        )
        print(head)
        print("-" * len(head))
        for row in submissions:
            print(
                f"{row['name']:<17}{row['requests_per_second']:>9.1f}"
                f"{format_ratio(row['ratio']):>8}{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}"
                f"{row['accepted']:>10}{row['stored']:>8}{row['lost']:>6}{row['errors']:>8}"
            )
        print()
        seen = set()
        for row in submissions:
            if row["name"] not in seen:
                seen.add(row["name"])
                print(f"  {row['name']}: {row['description']}")
        print(
            "  ratio: vs the mean of the one-row POST's two runs (before and after); accepted: "
            "303 answers over the whole run, warm-up included; stored: rows counted in the "
            "database before and after; lost = accepted - stored"
        )
        for row in submissions:
            if "theme_rows_per_response" in row:
                print(
                    f"  form POST stored {row['theme_rows_per_response']} theme rows per response"
                )
    print()
    print("Done when (issue 12), this run's figures; a report, never an exit code:")
    for entry in result["done_when"]:
        print(f"  {entry['status']}: {entry['text']}")
        if entry["detail"]:
            print(f"        {entry['detail']}")


def _entry(state_result: dict, name: str) -> dict | None:
    if name in state_result["references"]:
        return state_result["references"][name]
    return next((row for row in state_result["pages"] if row["name"] == name), None)


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
    pages = [s for s in scenarios if s.kind == PAGE]
    submissions = [s for s in scenarios if s.kind == SUBMISSION]
    states = [s.strip() for s in os.environ.get("BENCH_STATES", ",".join(STATES)).split(",")]
    states = [s for s in STATES if s in states]  # always cold, warm, hit order
    if not states:
        raise SystemExit(f"BENCH_STATES names none of {', '.join(STATES)}.")
    config = {
        "seconds": env_number("BENCH_SECONDS", 5),
        "warmup": env_number("BENCH_WARMUP", 1),
        "concurrency": int(env_number("BENCH_CONCURRENCY", 8)),
        "post_concurrency": int(env_number("BENCH_POST_CONCURRENCY", 32)),
        "workers": int(env_number("BENCH_WORKERS", 2)),
        "reference_every": int(env_number("BENCH_REFERENCE_EVERY", 5)),
        "states": states,
        "scenarios": [s.name for s in scenarios],
        "database_conn_max_age": os.environ.get("DATABASE_CONN_MAX_AGE", "0 (default)"),
    }
    started = time.monotonic()
    database = bench_database()
    env = bench_environment(database)
    facts = prepare_site(env, database, scenarios)

    results: dict[str, dict] = {}
    submission_rows: list[dict] = []
    submission_state = SUBMISSION_STATE if SUBMISSION_STATE in states else states[-1]
    wagtail_queries = None
    for state in states:
        if not pages and state != submission_state:
            continue
        queries = {}
        if pages:
            step(f"Counting queries per request ({state})")
            queries = count_queries(env, pages, facts, state)
            wagtail_queries = wagtail_queries or queries.get(WAGTAIL_PAGE.name)
        step(f"Starting gunicorn ({config['workers']} workers), cache state '{state}'")
        with gunicorn(env, config["workers"], state) as port:
            if pages:
                references, rows = measure_pages(port, pages, facts, config, state)
                results[state] = {"references": references, "pages": rows, "queries": queries}
            if submissions and state == submission_state:
                submission_rows = measure_submissions(port, env, submissions, facts, config, state)

    result = {
        "timestamp": dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "git": git_revision(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": {
            "python": platform.python_version(),
            **{p: version(p) for p in ("django", "wagtail", "gunicorn")},
        },
        "config": config,
        "database": {k: str(v) for k, v in database.items() if k != "url"},
        "thresholds": THRESHOLDS,
        "facts": {k: v for k, v in facts.items() if not k.startswith(("bench_csrf", "rows_"))},
        "wagtail_page_queries": wagtail_queries,
        "states": results,
        "submissions": submission_rows,
    }
    result["done_when"] = done_when(results, submission_rows, database, config)
    report(result)
    result["seconds_total"] = round(time.monotonic() - started, 1)
    output = VAR / f"results-{result['timestamp']}.json"
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"  Saved {output.relative_to(ROOT)}; whole run took {result['seconds_total']:.0f} s.")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit("Interrupted; the server has been stopped.")
    except subprocess.CalledProcessError as error:
        # The command's own output, above, says what went wrong.
        command = " ".join(str(part) for part in error.cmd)
        sys.exit(f"Benchmark setup failed: `{command}` exited with {error.returncode}.")
