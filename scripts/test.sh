#!/usr/bin/env bash
# `make test`: the whole pytest suite against real PostgreSQL and Redis (see scripts/services.sh for which ones).
# Installs what the tests need when missing: Debian's chromium (Playwright drives /usr/bin/chromium; no browser is
# ever downloaded), CJK fonts, poppler-utils, the Pango libraries and the virtualenv.
# Arguments go to pytest: scripts/test.sh -k seal -x   (make test ARGS="-k seal -x").
# Exits non-zero on any failure, including pytest's exit code 5 (no tests collected).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_TAG=test
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# shellcheck source=scripts/services.sh
source scripts/services.sh

ensure_debs "${TEST_DEBS[@]}"
ensure_venv
services_up

export DJANGO_SETTINGS_MODULE=tests.settings
export DEBUG=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export TEST_ARTIFACTS_DIR="$PWD/test-artifacts"  # screenshots and other evidence from failing tests
mkdir -p "$TEST_ARTIFACTS_DIR"
# WhiteNoise warns on every request when STATIC_ROOT does not exist; the tests don't need it filled.
mkdir -p "${STATIC_ROOT:-${VAR_DIR:-var}/static}"

# Benchmarks (tests/bench, marker "bench") are `make bench`'s; a -m given in the arguments replaces this one.
status=0
"$VENV_PY" -m pytest -m "not bench" "$@" || status=$?
if [ "$status" -eq 5 ]; then
    log "FAILED: pytest collected no tests"
elif [ "$status" -ne 0 ]; then
    log "FAILED: pytest exited with $status"
fi
exit "$status"
