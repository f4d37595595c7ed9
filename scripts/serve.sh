#!/usr/bin/env bash
# `make run`: the development server and the background-task worker side by side.
#
# Email and Wagtail's background jobs wait in the database until the worker
# (django-tasks-db's `db_worker`) runs them, so the site needs both. Ctrl-C,
# or either process stopping, stops the other too.
#
# Usage: scripts/serve.sh [python] [host:port]
set -uo pipefail

PY="${1:-.venv/bin/python}"
ADDRESS="${2:-127.0.0.1:8000}"

"$PY" manage.py db_worker --no-reload --interval 1 --queue-name '*' &
worker=$!
"$PY" manage.py runserver --noreload "$ADDRESS" &
server=$!

stop() {
    trap - INT TERM
    kill -TERM "$server" "$worker" 2>/dev/null
    wait "$server" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT TERM

wait -n "$server" "$worker"
status=$?
stop
exit "$status"
