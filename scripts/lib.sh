# shellcheck shell=bash
# Helpers shared by the scripts behind `make run`, `make test`, `make bench` and `make lint`. Source it from the
# repository root. Everything here installs only what is missing, so a second run costs almost nothing.

VENV_DIR="${VENV_DIR:-.venv}"
VENV_PY="$VENV_DIR/bin/python"
VENV_STAMP="$VENV_DIR/.haimen-installed"

log() {
    if [ -t 2 ]; then printf '\033[1m[%s]\033[0m %s\n' "${LOG_TAG:-setup}" "$*" >&2; else printf '[%s] %s\n' "${LOG_TAG:-setup}" "$*" >&2; fi
}
die() { log "ERROR: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

_apt_updated=""

# apt_install PKG...: apt-get update (once per script run) and install, non-interactively. Root only.
apt_install() {
    if [ -z "$_apt_updated" ]; then
        log "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
        _apt_updated=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

deb_installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

# ensure_debs PKG...: install the Debian packages that are missing. Without root it only says what is missing,
# since the portal runs without them until the feature that needs them is used (PDFs, browser tests).
ensure_debs() {
    command -v dpkg >/dev/null 2>&1 || { log "not a Debian system: make sure these are installed: $*"; return 0; }
    local missing=() pkg
    for pkg in "$@"; do
        deb_installed "$pkg" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if is_root; then
        apt_install "${missing[@]}"
    else
        log "WARNING: missing system packages (run as root, or: sudo apt-get install ${missing[*]})"
    fi
}

# ensure_venv: create .venv if missing and install the project with its dev extras whenever pyproject.toml is
# newer than the stamp left by the last successful install.
ensure_venv() {
    local python="${PYTHON:-python3}"
    if [ ! -x "$VENV_PY" ]; then
        log "creating $VENV_DIR with $("$python" --version 2>&1)"
        if ! "$python" -m venv "$VENV_DIR"; then
            rm -rf "$VENV_DIR"
            # Debian's python3 has no ensurepip until python3-venv is installed.
            command -v dpkg >/dev/null 2>&1 && ! deb_installed python3-venv \
                || die "'$python -m venv $VENV_DIR' failed (see above)"
            is_root || die "'$python -m venv' needs Debian's python3-venv: sudo apt-get install python3-venv"
            apt_install python3-venv
            "$python" -m venv "$VENV_DIR"
        fi
    fi
    if [ ! -f "$VENV_STAMP" ] || [ pyproject.toml -nt "$VENV_STAMP" ]; then
        log "installing Python dependencies into $VENV_DIR (pip install -e '.[dev]')"
        "$VENV_PY" -m pip install --quiet -e '.[dev]'
        touch "$VENV_STAMP"
    fi
}

# Runtime system packages: CJK fonts and the Pango/HarfBuzz libraries WeasyPrint renders PDFs with.
RUNTIME_DEBS=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
# What the tests add: Debian's Chromium for the Playwright end-to-end tests (never a downloaded browser),
# poppler-utils to read generated PDFs back, and redis-server for the test that kills its own private Redis.
TEST_DEBS=("${RUNTIME_DEBS[@]}" chromium poppler-utils redis-server)
