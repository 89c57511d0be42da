"""`manage.py check --deploy` is clean with production settings (DEBUG off, a strong key, a real host name, the
portal's HTTPS address) and the start is refused without a SECRET_KEY."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Only what production sets: no leftovers from the test run's own configuration.
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST", "PORTAL_BASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="haimen_gov.settings",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="portal.haimen.gov.cn",
        PORTAL_BASE_URL="https://portal.haimen.gov.cn",
        VAR_DIR=str(tmp_path / "var"),
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(extra)
    return {key: value for key, value in env.items() if value != "<unset>"}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings(tmp_path: Path) -> None:
    # DEBUG is not set at all: off is the default.
    env = production_env(tmp_path)
    assert "DEBUG" not in env and len(env["SECRET_KEY"]) == 60

    result = check_deploy(env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert not (tmp_path / "var").exists()  # importing the settings creates no folder


@pytest.mark.parametrize("key", ["<unset>", "", "replace-with-a-long-random-string"])
def test_without_a_secret_key_the_start_is_refused(tmp_path: Path, key: str) -> None:
    result = check_deploy(production_env(tmp_path, SECRET_KEY=key))
    assert result.returncode != 0
    assert "SECRET_KEY is missing or is the development key" in result.stderr, result.stderr


def test_debug_on_accepts_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "1")  # what make run / make test / make bench export
    monkeypatch.delenv("SECRET_KEY", raising=False)
    values = runpy.run_path(str(ROOT / "haimen_gov" / "settings.py"))
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"] == values["DEV_SECRET_KEY"]


def test_e_mail_links_need_the_portals_https_address(tmp_path: Path) -> None:
    result = check_deploy(production_env(tmp_path, PORTAL_BASE_URL="http://127.0.0.1:8000"))
    assert result.returncode != 0
    assert "haimen.W001" in result.stdout + result.stderr
