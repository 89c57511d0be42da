"""The yardstick of issue 16: a bare Django on the portal's stack (``../shared/baseline``, not part of this repository),
set up and served in the same benchmark run as the portal, with the same gunicorn worker count, so that the portal's
hot pages are reported as a ratio of the bare inbox's throughput measured side by side on the same machine.

Where it is looked for: ``BENCH_BASELINE_DIR``, else ``shared/baseline`` beside the checkout (``../shared/baseline``)
or beside the folder of worktrees (``../../shared/baseline``). The folder may be read-only: it is copied into a
temporary folder, with a settings module of ours beside it that points it at the bench's PostgreSQL server (database
``<BENCH_DB>_baseline``, re-created unless BENCH_REUSE=1 finds it seeded). It runs on the portal's own virtualenv
(Django, psycopg2 and gunicorn are all the baseline needs). The baseline's own files are never changed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from .config import ROOT, Config
from .load import HOST, free_port, request

# The settings module written beside the copy: the baseline's own settings, on the bench's database server.
SETTINGS = """from bare.settings import *  # noqa: F401,F403

DATABASES["default"].update(NAME={name!r}, HOST={host!r}, PORT={port!r}, USER={user!r}, PASSWORD={password!r})
"""


def find() -> Path | None:
    configured = os.environ.get("BENCH_BASELINE_DIR", "").strip()
    beside = [ROOT.parent / "shared" / "baseline", ROOT.parents[1] / "shared" / "baseline"]
    candidates = [Path(configured)] if configured else beside
    for path in candidates:
        if (path / "manage.py").is_file() and (path / "bare").is_dir():
            return path.resolve()
    return None


class Baseline:
    """``setup()`` copies, migrates and seeds it; ``start()`` serves it with gunicorn; ``cookie`` is user0's session."""

    def __init__(self, cfg: Config, log: Callable[[str], None]) -> None:
        self.cfg, self.log = cfg, log
        self.source = find()
        self.db_name = f"{cfg.db_name}_baseline"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.tmp: tempfile.TemporaryDirectory[str] | None = None
        self.cookie = ""
        self.log_path = cfg.results_dir / "gunicorn-baseline.log"

    @property
    def available(self) -> bool:
        return self.source is not None

    def _env(self) -> dict[str, str]:
        assert self.tmp is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
        env.update(DJANGO_SETTINGS_MODULE="bench_baseline_settings", PYTHONPATH=self.tmp.name, PYTHONUNBUFFERED="1")
        return env

    def _python(self, *args: str, stdin: bytes | None = None) -> str:
        assert self.tmp is not None
        done = subprocess.run(
            [self.cfg.python, *args], cwd=self.tmp.name, env=self._env(), input=stdin, capture_output=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"baseline {' '.join(args)}: {done.stderr.decode(errors='replace')[-2000:]}")
        return done.stdout.decode(errors="replace")

    def setup(self) -> None:
        if self.source is None:
            raise RuntimeError("the baseline (../shared/baseline) was not found: set BENCH_BASELINE_DIR")
        self.tmp = tempfile.TemporaryDirectory(prefix="haimen-baseline-")
        copy = Path(self.tmp.name)
        shutil.copytree(self.source, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        for path in [copy, *copy.rglob("*")]:  # the source is read-only; the copy need not be
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
        url = urlsplit(self.cfg.database_url)
        (copy / "bench_baseline_settings.py").write_text(
            SETTINGS.format(
                name=self.db_name,
                host=url.hostname or "127.0.0.1",
                port=url.port or 5432,
                user=url.username or "postgres",
                password=url.password or "",
            )
        )
        seeded = self._prepare_database()
        started = time.perf_counter()
        self._python("manage.py", "migrate", "--verbosity", "0")
        # bare/seed.py seeds 100,000 rows only when there are none, and prints a new session of user0 each time.
        out = self._python("manage.py", "shell", stdin=(self.source / "bare" / "seed.py").read_bytes())
        session = next((line.split()[1] for line in out.splitlines() if line.startswith("SESSION ")), "")
        if not session:
            raise RuntimeError(f"the baseline's seed printed no session: {out[-500:]}")
        self.cookie = f"sessionid={session}"
        if not seeded:
            self._mark_seeded()
        self.log(
            f"[bench] baseline {self.source} in {self.tmp.name} on database {self.db_name}: "
            f"{'reused' if seeded else 'migrated and seeded'} in {time.perf_counter() - started:.1f} s"
        )

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg2

        conn = psycopg2.connect(self.cfg.admin_database_url)
        conn.autocommit = True
        return conn

    def _prepare_database(self) -> bool:
        """True when BENCH_REUSE=1 and the database is already seeded; otherwise it is dropped and created."""
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [self.db_name]
                )
                row = cur.fetchone()
                if self.cfg.reuse and row and row[0] and json.loads(row[0]).get("seeded"):
                    return True
                cur.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{self.db_name}"')
        finally:
            conn.close()
        return False

    def _mark_seeded(self) -> None:
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute(f'COMMENT ON DATABASE "{self.db_name}" IS %s', [json.dumps({"seeded": True})])
        finally:
            conn.close()

    def start(self) -> None:
        assert self.tmp is not None
        command = [
            self.cfg.python,
            "-m",
            "gunicorn",
            "bare.wsgi:application",
            "--workers",
            str(self.cfg.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
        ]
        self.log(f"  starting the baseline's gunicorn ({self.cfg.workers} sync workers) on http://{HOST}:{self.port}")
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=self.tmp.name, env=self._env(), stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the baseline's gunicorn exited: see {self.log_path}")
            try:
                status, _, _, _ = request(self.port, "GET", "/inbox", headers={"Cookie": self.cookie})
                if status == 200:
                    return
                raise RuntimeError(f"the baseline's /inbox answered HTTP {status} (session not accepted?)")
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the baseline's gunicorn did not answer within 60 s: see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None
