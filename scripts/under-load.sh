#!/usr/bin/env bash
# Run `make test` RUNS times in a row while BUSY processes spin on the CPU, as
# on a shared two-core CI machine: a test whose waits depend on the machine's
# speed fails here. Every run must pass; the first failure stops the loop.
#   bash scripts/under-load.sh [RUNS] [BUSY]      (make test-under-load does this)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
busy="${2:-2}"

pids=()
stop_load() { [ "${#pids[@]}" -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap stop_load EXIT INT TERM
for _ in $(seq "$busy"); do
    # A busy loop at normal priority: it competes with the tests for every core.
    bash -c 'while :; do :; done' &
    pids+=("$!")
done
echo "== ${busy} busy-loop processes started (${pids[*]}) =="

for run in $(seq "$runs"); do
    started=$(date +%s)
    echo "== make test under load: run ${run} of ${runs} =="
    make test
    echo "== run ${run} of ${runs} passed in $(( $(date +%s) - started )) s =="
done
echo "== make test passed ${runs} times in a row under load =="
