"""Real server processes for tests: daphne on a free port, against the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """The URL of the database this test process is using (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Block until the server accepts connections (it is ready) or has died."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # polling a condition with a deadline, not a fixed wait
    raise RuntimeError(f"server did not start listening:\n{log.read_text()}")


def start_daphne(tmp_path: Path, port: int | None = None, **extra_env: str) -> Server:
    """Start one daphne process and return once it accepts connections (``stop`` it)."""
    port = port or free_port()
    log = tmp_path / f"daphne-{port}.log"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        "REDIS_PREFIX": settings.REDIS_PREFIX,
        **extra_env,
    }
    with log.open("ab") as out:  # appended: a process restarted on its port keeps one log
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "config.asgi:application",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process, log)
    except BaseException:
        stop(process)
        raise
    return Server(url=f"http://127.0.0.1:{port}", process=process, log=log)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def daphne(tmp_path: Path, port: int | None = None, **extra_env: str) -> Iterator[Server]:
    server = start_daphne(tmp_path, port, **extra_env)
    try:
        yield server
    finally:
        stop(server.process)


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def daphne_pair(tmp_path: Path) -> Iterator[list[Server]]:
    """Two daphne processes sharing Redis: the production topology. Without Redis the test
    fails in CI and is skipped elsewhere (a newcomer's machine may have none)."""
    import pytest

    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required at {REDIS_URL}")
        pytest.skip("multi-process tests need Redis on 127.0.0.1:6379 (CI always runs them)")
    with ExitStack() as stack:
        yield [stack.enter_context(daphne(tmp_path, REDIS_URL=REDIS_URL)) for _ in range(2)]
