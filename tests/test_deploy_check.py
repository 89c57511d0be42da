"""`manage.py check --deploy` is clean with production settings: DEBUG off, a strong key, a real host name."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_has_no_warnings(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        # Only what production sets: no leftovers from the test run's own configuration.
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="haimen_gov.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="portal.haimen.gov.cn",
        VAR_DIR=str(tmp_path / "var"),
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    assert len(env["SECRET_KEY"]) == 60

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
