# Our Places: `make run` serves the demo site, `make test` runs every check.
# Both are safe to run twice; each step below only does work when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
LOAD_RUNS ?= 3
LOAD_BUSY ?= 2

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run install install-test test test-under-load lint checks pytest bench clean help lock

help:
	@echo "make run    install, migrate, load demo content and serve on http://$(HOST):$(PORT)"
	@echo "make test   install test tools and run lint, Django checks and the whole test suite"
	@echo "make bench  gunicorn figures: every page cold, warm and cached, vs Wagtail and Django references"
	@echo "make test-under-load  make test $(LOAD_RUNS) times beside $(LOAD_BUSY) busy-loop processes"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock files: exact versions, the same on every
# machine. Reinstall only when a lock file changes; `make lock` updates them
# on purpose after pyproject.toml's ranges change.
$(VENV)/.installed: requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: requirements-test.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.installed

# Resolve pyproject.toml's ranges afresh in throwaway environments and write
# the exact versions to the lock files. Review the diff before committing.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet .
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^our-places' > requirements.lock
	.lock-venv/bin/pip install --quiet ".[test]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^our-places' > requirements-test.lock
	rm -rf .lock-venv

install: $(VENV)/.installed

# Browser tests need Debian's Chromium (Playwright cannot download its own
# here), Java for the Nu HTML Checker, and axe-core and vnu-jar from npm; the
# cache-outage drill starts and stops a redis-server of its own.
install-test: $(VENV)/.installed-test node_modules/.installed
	@command -v chromium >/dev/null 2>&1 || bash scripts/apt-install.sh chromium
	@command -v java >/dev/null 2>&1 || bash scripts/apt-install.sh default-jre-headless
	@command -v redis-server >/dev/null 2>&1 || bash scripts/apt-install.sh redis-server

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_demo_content
	$(MANAGE) ensure_admin
	@echo "Serving Our Places on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "with the background-task worker (email, Wagtail's jobs) beside it; Ctrl-C stops both"
	bash scripts/serve.sh $(PY) $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

checks: install-test
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DJANGO_ALLOWED_HOSTS=ourplaces.example.org \
	DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) check --deploy --fail-level WARNING

# pytest exits 5 when it collects no tests; that fails this target like any
# other non-zero exit.
pytest: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint checks pytest

# The suite must not depend on the machine's speed: run it LOAD_RUNS times in a
# row with LOAD_BUSY processes spinning on the CPU (see scripts/under-load.sh).
test-under-load:
	bash scripts/under-load.sh $(LOAD_RUNS) $(LOAD_BUSY)

# Figures and issue 12's thresholds as report lines, never an exit code for
# slowness; see tests/benchmarks/README.md. Settings, for example:
# make bench BENCH_SECONDS=10 BENCH_STATES=warm BENCH_SCENARIOS="home,place + form"
# make bench BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ourplaces_bench \
#     BENCH_SCENARIOS="form POST"      (the submissions on PostgreSQL)
bench: install
	$(PY) tests/benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules static_collected var .pytest_cache .ruff_cache
