#!/usr/bin/env bash
# `make bench`: the benchmarks in tests/bench (marker "bench"), with output shown (-s), against real PostgreSQL and
# Redis chosen exactly as for `make test` (scripts/services.sh). Arguments go to pytest: make bench ARGS="-k inbox".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_TAG=bench
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# shellcheck source=scripts/services.sh
source scripts/services.sh

if [ -z "$(find tests/bench -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)" ]; then
    log "no benchmarks in tests/bench yet: nothing to run"
    exit 0
fi

ensure_debs "${RUNTIME_DEBS[@]}" poppler-utils
ensure_venv
export PRIVATE_PG_DURABLE=1  # a private PostgreSQL without fsync would flatter the numbers
services_up

export DJANGO_SETTINGS_MODULE=tests.settings
export DEBUG=1
export BENCH_RESULTS_DIR="$PWD/bench-results"
mkdir -p "$BENCH_RESULTS_DIR"

status=0
"$VENV_PY" -m pytest tests/bench -m bench -s "$@" || status=$?
[ "$status" -eq 0 ] || log "FAILED: pytest exited with $status (5 means no benchmark was collected)"
exit "$status"
