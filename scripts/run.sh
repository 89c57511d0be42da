#!/usr/bin/env bash
# `make run`: the portal on this machine with nothing but Python: SQLite in var/ and Celery's filesystem transport.
# Installs what is missing (system packages when root, the virtualenv), migrates, collects static files when they
# changed, loads the demo organisation once, then runs the web server, a Celery worker and Celery beat under
# scripts/run_all.py until Ctrl-C. PORT (default 8000) and HOST (default 127.0.0.1) choose the address.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_TAG=run
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# The zero-setup configuration, whatever this shell has exported for tests or production: a development machine
# (DEBUG=1: the development SECRET_KEY is accepted, e-mails are printed), SQLite and the filesystem queue in var/.
unset DATABASE_URL REDIS_URL CELERY_BROKER_URL
export DEBUG=1

ensure_debs "${RUNTIME_DEBS[@]}"
ensure_venv

var_dir="${VAR_DIR:-var}"
mkdir -p "$var_dir"  # the SQLite file's folder (the settings create nothing)

log "migrating the database"
"$VENV_PY" manage.py migrate --noinput

static_root="${STATIC_ROOT:-$var_dir/static}"
static_stamp="$static_root/.collected"
if [ ! -f "$static_stamp" ] || [ -n "$(find static "$VENV_STAMP" -newer "$static_stamp" -print -quit)" ]; then
    log "collecting static files into $static_root"
    "$VENV_PY" manage.py collectstatic --noinput --verbosity 0
    touch "$static_stamp"
fi

# seed_demo is idempotent; loading it only when its district head is missing keeps restarts fast.
"$VENV_PY" manage.py shell --no-imports -c '
from django.contrib.auth import get_user_model
from django.core.management import call_command

if not get_user_model().objects.filter(username="head").exists():
    print("loading the demo organisation (manage.py seed_demo)")
    call_command("seed_demo")
'

exec "$VENV_PY" scripts/run_all.py --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
