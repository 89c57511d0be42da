"""A real server and simulated users: gunicorn on a free port of 127.0.0.1 with production settings (DEBUG=0), and a
thread pool of users, each with its own session (logged in through the login form) or API token, sending a fixed
number of requests, either pausing a random think time before each or not at all. Latency is measured per request,
from connecting to the last byte read (the pause is not part of it).
"""

from __future__ import annotations

import http.client
import itertools
import math
import random
import re
import secrets
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .config import ROOT, Config

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------------------------------------------- server


class Server:
    """gunicorn serving haimen_gov.wsgi with DEBUG=0 against the bench database. Start and stop it by its pid."""

    def __init__(self, cfg: Config, log: Callable[[str], None]) -> None:
        self.cfg, self.log = cfg, log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = cfg.results_dir / "gunicorn.log"
        self.static_root = cfg.results_dir / ".static"
        self.env = cfg.child_env(
            DEBUG="0",
            SECRET_KEY="bench-" + secrets.token_urlsafe(40),
            ALLOWED_HOSTS=HOST,
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            STATIC_ROOT=str(self.static_root),
            LOG_LEVEL="WARNING",
            DB_CONN_MAX_AGE="600",
        )

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.cfg.results_dir.mkdir(parents=True, exist_ok=True)
        # DEBUG=0 serves static files from the manifest storage: collect them once (incremental afterwards).
        subprocess.run(
            [self.cfg.python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        command = [
            self.cfg.python,
            "-m",
            "gunicorn",
            "haimen_gov.wsgi:application",
            "--workers",
            str(self.cfg.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        self.log(f"  starting gunicorn ({self.cfg.workers} sync workers, DEBUG=0) on {self.url}; log: {self.log_path}")
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: see {self.log_path}")
            try:
                status, _, _, _ = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s: see {self.log_path}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM to the master we started: it stops its own workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


# ---------------------------------------------------------------------------------------------------------- client


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes, float]:
    """One request on a fresh connection (gunicorn's sync workers close it after each response)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data, time.perf_counter() - started
    finally:
        conn.close()


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(value)
            jar.update({k: m.value for k, m in parsed.items()})
    return jar


def login(port: int, username: str, password: str) -> str:
    """Log in through the login form as a browser does; returns the Cookie header of the session."""
    status, headers, body, _ = request(port, "GET", "/accounts/login/")
    jar = _cookies(headers)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None or "csrftoken" not in jar:
        raise RuntimeError(f"login page for {username}: HTTP {status}, no CSRF token")
    form = urlencode(
        {"username": username, "password": password, "next": "", "csrfmiddlewaretoken": match.group(1).decode()}
    )
    status, headers, _, _ = request(
        port,
        "POST",
        "/accounts/login/",
        form.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
        },
    )
    jar.update(_cookies(headers))
    if status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login as {username} failed: HTTP {status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# ---------------------------------------------------------------------------------------------------------- load


@dataclass
class Stats:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    statuses: dict[int, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        """Nearest rank: the smallest latency that at least p % of the requests did not exceed."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def summary(self) -> dict[str, Any]:
        n = len(self.latencies_ms)
        return {
            "requests": self.requests,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(sum(self.latencies_ms) / n, 1) if n else None,
            "max_ms": round(max(self.latencies_ms), 1) if n else None,
            "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else None,
            "wall_seconds": round(self.seconds, 2),
            "error_samples": self.error_samples[:5],
        }


# A request to make: (method, path, body, headers, expected status).
Call = tuple[str, str, bytes | None, dict[str, str], int]


def run(
    name: str,
    port: int,
    make: Callable[[int, int], Call],
    *,
    total: int,
    concurrency: int,
    think: tuple[float, float] | None = None,
) -> Stats:
    """``total`` requests from ``concurrency`` threads. ``make(user, i)`` builds request ``i`` for simulated user
    ``user`` (0 … concurrency - 1). Without ``think`` each thread sends its next request as soon as it has the answer
    (``concurrency`` requests always in flight: the server's capacity); with ``think=(low, high)`` each waits a random
    time in that range, in seconds, before each request, as people do between clicks."""
    stats = Stats(name)
    counter = itertools.count()
    lock = threading.Lock()

    def user(number: int) -> None:
        mine: list[tuple[float, int, str]] = []
        pause = random.Random(number)  # the same pauses on every run
        while True:
            with lock:
                i = next(counter)
            if i >= total:
                break
            if think is not None:
                time.sleep(pause.uniform(*think))
            method, path, body, headers, expected = make(number, i)
            try:
                status, _, data, seconds = request(port, method, path, body, headers)
                problem = "" if status == expected else f"{method} {path}: HTTP {status} {data[:200]!r}"
            except OSError as exc:
                status, seconds, problem = 0, 0.0, f"{method} {path}: {exc}"
            mine.append((seconds * 1000, status, problem))
        with lock:
            for ms, status, problem in mine:
                stats.requests += 1
                stats.statuses[status] = stats.statuses.get(status, 0) + 1
                if problem:
                    stats.errors += 1
                    stats.error_samples.append(problem)
                else:
                    stats.latencies_ms.append(ms)

    threads = [threading.Thread(target=user, args=(n,), name=f"bench-user-{n}") for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats.seconds = time.perf_counter() - started
    return stats


def warm(port: int, make: Callable[[int, int], Call], *, total: int, concurrency: int) -> None:
    """Unmeasured requests first, so that every worker has loaded templates and filled its caches."""
    run("warm-up", port, make, total=total, concurrency=concurrency)


def login_all(port: int, users: list[str], password: str, concurrency: int) -> dict[str, str]:
    """Every simulated user's session cookie (logins hash the password on purpose: ~1 s each, so in parallel)."""
    sessions: dict[str, str] = {}
    errors: list[str] = []
    lock = threading.Lock()
    pending = list(dict.fromkeys(users))

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                username = pending.pop()
            try:
                cookie = login(port, username, password)
            except Exception as exc:
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                sessions[username] = cookie

    threads = [threading.Thread(target=worker) for _ in range(min(concurrency, len(pending)) or 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("; ".join(errors[:3]))
    return sessions


def write_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
