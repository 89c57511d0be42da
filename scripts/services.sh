# shellcheck shell=bash
# PostgreSQL and Redis for `make test` and `make bench`. Source it (after scripts/lib.sh and ensure_venv), then call
# services_up. It exports DATABASE_URL, REDIS_URL and CELERY_BROKER_URL, choosing in this order:
#
#   1. DATABASE_URL / REDIS_URL already set: used as they are (each independently);
#   2. the servers on 127.0.0.1:5432 (user postgres or root, trust auth; database "haimen", created if missing)
#      and 127.0.0.1:6379, when they answer;
#   3. otherwise private throwaway servers on free ports, in a temporary directory, installed with apt-get first
#      when the binaries are missing (root only). They are stopped and removed when the script exits.
#
# FORCE_PRIVATE_SERVICES=1 skips step 2 (to test step 3 on a machine that has servers).
# PRIVATE_PG_DURABLE=1 keeps fsync on in the private PostgreSQL (bench.sh sets it; tests don't need durability).

_svc_dir=""
_svc_pg_bindir=""
_svc_pg_runas=""
_svc_redis_port=""

_svc_log() { LOG_TAG=services log "$@"; }

_svc_free_port() {
    "$VENV_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Prints the first of postgres/root that can log in without a password, or nothing.
_svc_pg_login() {
    "$VENV_PY" - "$1" "$2" <<'EOF'
import sys

import psycopg2

for user in ("postgres", "root"):
    try:
        psycopg2.connect(host=sys.argv[1], port=int(sys.argv[2]), user=user, dbname="postgres", connect_timeout=3).close()
    except psycopg2.Error:
        continue
    print(user)
    break
EOF
}

_svc_pg_createdb() {  # host port user dbname
    "$VENV_PY" - "$@" <<'EOF'
import sys

import psycopg2

host, port, user, name = sys.argv[1:]
conn = psycopg2.connect(host=host, port=int(port), user=user, dbname="postgres", connect_timeout=5)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cur.fetchone() is None:
        cur.execute(f'CREATE DATABASE "{name}"')
conn.close()
EOF
}

_svc_redis_answers() {  # host port
    "$VENV_PY" - "$1" "$2" <<'EOF'
import sys

import redis

try:
    redis.Redis(host=sys.argv[1], port=int(sys.argv[2]), socket_connect_timeout=2, socket_timeout=2).ping()
except redis.RedisError:
    sys.exit(1)
EOF
}

# The directory holding initdb, pg_ctl and postgres: PATH first, else Debian's /usr/lib/postgresql/<version>/bin.
_svc_find_pg_bindir() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    local dir
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

_svc_as_pg() {
    if [ -n "$_svc_pg_runas" ]; then
        "$(command -v runuser || echo /usr/sbin/runuser)" -u "$_svc_pg_runas" -- "$@"
    else
        "$@"
    fi
}

_svc_private_dir() {
    if [ -z "$_svc_dir" ]; then
        _svc_dir="$(mktemp -d "${TMPDIR:-/tmp}/haimen-services.XXXXXX")"
        chmod 755 "$_svc_dir"  # the postgres user must reach its subdirectory
    fi
}

_svc_start_private_postgres() {
    _svc_pg_bindir="$(_svc_find_pg_bindir || true)"
    if [ -z "$_svc_pg_bindir" ]; then
        is_root || die "PostgreSQL is not installed and nothing answers on 127.0.0.1:5432: install postgresql or set DATABASE_URL"
        apt_install postgresql
        _svc_pg_bindir="$(_svc_find_pg_bindir)" || die "postgresql installed but initdb not found"
    fi
    _svc_private_dir
    local pgdir="$_svc_dir/postgres" port
    mkdir -p "$pgdir/data" "$pgdir/socket"
    if is_root; then
        # PostgreSQL refuses to run as root.
        if id postgres >/dev/null 2>&1; then _svc_pg_runas=postgres; else _svc_pg_runas=nobody; fi
        chown -R "$_svc_pg_runas" "$pgdir"
    fi
    port="$(_svc_free_port)"
    _svc_log "starting a private PostgreSQL ($_svc_pg_bindir) on 127.0.0.1:$port in $pgdir"
    _svc_as_pg "$_svc_pg_bindir/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$_svc_dir/initdb.log" 2>&1 || { cat "$_svc_dir/initdb.log" >&2; die "initdb failed"; }
    local opts="-p $port -k $pgdir/socket -c listen_addresses=127.0.0.1"
    [ "${PRIVATE_PG_DURABLE:-0}" = 1 ] || opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    _svc_as_pg "$_svc_pg_bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -o "$opts" -w -t 60 start \
        >/dev/null || { cat "$pgdir/postgres.log" >&2; die "PostgreSQL did not start"; }
    _svc_pg_createdb 127.0.0.1 "$port" postgres haimen
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/haimen"
}

_svc_start_private_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        is_root || die "Redis is not installed and nothing answers on 127.0.0.1:6379: install redis-server or set REDIS_URL"
        apt_install redis-server
    fi
    _svc_private_dir
    local rdir="$_svc_dir/redis" port i
    mkdir -p "$rdir"
    port="$(_svc_free_port)"
    _svc_log "starting a private Redis on 127.0.0.1:$port in $rdir"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
        --dir "$rdir" --pidfile "$rdir/redis.pid" --logfile "$rdir/redis.log" >/dev/null
    _svc_redis_port="$port"
    for i in $(seq 50); do
        _svc_redis_answers 127.0.0.1 "$port" && break
        [ "$i" = 50 ] && { cat "$rdir/redis.log" >&2; die "Redis did not start"; }
        sleep 0.2
    done
    export REDIS_URL="redis://127.0.0.1:$port/0"
}

services_down() {
    [ -n "$_svc_dir" ] || return 0
    if [ -n "$_svc_pg_bindir" ] && [ -f "$_svc_dir/postgres/data/postmaster.pid" ]; then
        _svc_log "stopping the private PostgreSQL"
        _svc_as_pg "$_svc_pg_bindir/pg_ctl" -D "$_svc_dir/postgres/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    if [ -n "$_svc_redis_port" ] && [ -f "$_svc_dir/redis/redis.pid" ]; then
        _svc_log "stopping the private Redis"
        local pid
        pid="$(cat "$_svc_dir/redis/redis.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$_svc_dir"
    _svc_dir=""
}

services_up() {
    # Stop private servers however the script ends: normal exit, error (set -e), Ctrl-C or kill.
    trap services_down EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local force="${FORCE_PRIVATE_SERVICES:-0}" user
    if [ -n "${DATABASE_URL:-}" ]; then
        _svc_log "PostgreSQL: DATABASE_URL from the environment"
    elif [ "$force" != 1 ] && user="$(_svc_pg_login 127.0.0.1 5432)" && [ -n "$user" ]; then
        _svc_pg_createdb 127.0.0.1 5432 "$user" haimen
        export DATABASE_URL="postgres://$user@127.0.0.1:5432/haimen"
        _svc_log "PostgreSQL: the server on 127.0.0.1:5432 (user $user)"
    else
        _svc_start_private_postgres
    fi

    if [ -n "${REDIS_URL:-}" ]; then
        _svc_log "Redis: REDIS_URL from the environment"
    elif [ "$force" != 1 ] && _svc_redis_answers 127.0.0.1 6379; then
        export REDIS_URL="redis://127.0.0.1:6379/0"
        _svc_log "Redis: the server on 127.0.0.1:6379"
    else
        _svc_start_private_redis
    fi
    export CELERY_BROKER_URL="$REDIS_URL"
}
