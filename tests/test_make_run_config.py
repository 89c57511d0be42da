"""`make run`'s zero-setup configuration (SQLite, no Redis) must migrate from scratch: every migration runs on SQLite
too (a PostgreSQL-only statement once broke it: meetings 0005's SET CONSTRAINTS)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_migration_runs_on_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", DJANGO_SETTINGS_MODULE="haimen_gov.settings"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "portal.sqlite3").stat().st_size > 0
