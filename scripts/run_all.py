#!/usr/bin/env python3
"""Run the web server, a Celery worker and Celery beat together for ``make run``; Ctrl-C stops all three.

Each child runs in its own process group with its output prefixed by its name. On SIGINT or SIGTERM, or as soon as
any child exits, the others get SIGTERM (Celery's warm shutdown), then SIGKILL for their whole process group after a
grace period, and the supervisor exits: non-zero when a child died on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import selectors
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 15
COLOURS = {"web": "32", "worker": "36", "beat": "35"}

# The demo organisation of ``manage.py seed_demo``; the README has the same table.
DEMO_LOGINS = [
    ("head", "区长"),
    ("exec_vice", "常务副区长"),
    ("vice1 / vice2 / vice3", "副区长"),
    ("director", "区政府办公室主任"),
    ("deputy1 / deputy2", "区政府办公室副主任"),
    ("justice", "司法局局长"),
    ("finance", "财政局局长"),
    ("custodian", "印鉴管理员"),
    ("office_clerk", "区政府办公室文书"),
    ("secretary", "区委书记"),
    ("dept1_head / dept1_clerk …", "各工作部门负责人 / 文书"),
    ("town1_head / town1_clerk …", "各区镇（街道）负责人 / 文书"),
    ("outsider", "无任何岗位的用户"),
]


class Child:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], colour: bool) -> None:
        self.name = name
        self.prefix = f"\033[{COLOURS.get(name, '0')}m{name:<6} |\033[0m " if colour else f"{name:<6} | "
        self.buffer = b""
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so the terminal's Ctrl-C reaches only us, and we can kill the whole group
            preexec_fn=_die_with_parent,
        )

    def feed(self, data: bytes) -> None:
        *lines, self.buffer = (self.buffer + data).split(b"\n")
        for line in lines:
            say(self.prefix + line.decode("utf-8", "replace"))

    def flush(self) -> None:
        if self.buffer:
            self.feed(b"\n")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signum)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_prctl = _load_prctl()


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the supervisor itself is killed (PR_SET_PDEATHSIG)."""
    if _prctl is not None:
        _prctl(1, signal.SIGTERM)


def commands(host: str, port: int, var_dir: Path) -> dict[str, list[str]]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "haimen_gov"]
    concurrency = os.environ.get("CELERY_CONCURRENCY", "2")
    return {
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", concurrency],
        "beat": [
            *celery,
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var_dir / "celerybeat-schedule"),
            "--pidfile",
            str(var_dir / "celerybeat.pid"),
        ],
    }


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status < 500)
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except OSError:
        return False


def banner(url: str) -> None:
    password = os.environ.get("DEMO_PASSWORD", "haimen-demo")
    width = max(len(user) for user, _ in DEMO_LOGINS)
    lines = [
        "",
        "=" * 64,
        f"  海门区人民政府工作平台: {url}",
        f"  演示账号（密码均为 {password}）:",
        *(f"    {user:<{width}}  {role}" for user, role in DEMO_LOGINS),
        "  Ctrl-C 停止网站、Celery worker 和 beat。",
        "=" * 64,
        "",
    ]
    say("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args()

    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    # The filesystem transport neither creates its folders nor works without them.
    for folder in ("celery-queue", "celery-processed", "celery-control"):
        (var_dir / folder).mkdir(parents=True, exist_ok=True)

    stop: list[str] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.append(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    colour = sys.stdout.isatty()
    children = [Child(name, argv, env, colour) for name, argv in commands(args.host, args.port, var_dir).items()]
    selector = selectors.DefaultSelector()
    for child in children:
        assert child.proc.stdout is not None
        os.set_blocking(child.proc.stdout.fileno(), False)
        selector.register(child.proc.stdout, selectors.EVENT_READ, child)

    def pump(timeout: float) -> bool:
        """Copy whatever the children printed; False when nothing was ready."""
        if not selector.get_map():
            time.sleep(timeout)
            return False
        ready = selector.select(timeout)
        for key, _ in ready:
            child: Child = key.data
            try:
                data = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            if data:
                child.feed(data)
            else:
                selector.unregister(key.fileobj)
                child.flush()
        return bool(ready)

    probe_host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    url = f"http://{probe_host}:{args.port}/"
    announced = False
    started = time.monotonic()
    failed: Child | None = None
    while not stop:
        pump(0.5)
        failed = next((child for child in children if not child.alive()), None)
        if failed is not None:
            break
        if not announced and time.monotonic() - started < 120 and answers(url + "accounts/login/"):
            banner(url)
            announced = True

    if failed is not None:
        say(f"[run_all] {failed.name} exited with code {failed.proc.returncode}: stopping the others")
    else:
        say(f"[run_all] {stop[0]}: stopping web, worker and beat (Ctrl-C again to kill them at once)")
    for child in children:
        if child.alive():
            child.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    signals_so_far = len(stop)
    # A second Ctrl-C skips the grace period.
    running = {child for child in children if child.alive()}
    while running and time.monotonic() < deadline and len(stop) == signals_so_far:
        pump(0.2)
        for child in [child for child in running if not child.alive()]:
            say(f"[run_all] {child.name} stopped (exit code {child.proc.returncode})")
            running.discard(child)
    for child in children:
        if child.alive():
            say(f"[run_all] {child.name} did not stop within {GRACE_SECONDS}s: killing it")
        # Whatever is left of the group (runserver's reloader child, Celery's pool processes) goes too.
        child.signal_group(signal.SIGKILL)
        child.proc.wait()
    while pump(0.1):
        pass
    for child in children:
        child.flush()
    return 1 if failed is not None else 0


if __name__ == "__main__":
    sys.exit(main())
