"""A PostgreSQL cluster and a Redis of a fault test's own, which it may stop, kill and
restart on the same port and data directory without disturbing anything else on the
machine. Any failure to start them raises: a fault test never silently skips."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/local/bin"))
REDIS_SERVER = os.environ.get(
    "REDIS_SERVER", shutil.which("redis-server") or "/usr/bin/redis-server"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until_open(port: int, what: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not port_open(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not open port {port} within {within:.0f}s")
        time.sleep(0.05)  # polling a condition with a deadline


class PrivateRedis:
    """``redis-server`` in the foreground on a free port, nothing persisted."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = directory / f"redis-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if not Path(REDIS_SERVER).exists():
            raise RuntimeError(f"redis-server is not installed (looked for {REDIS_SERVER})")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until_open(self.port, "redis-server")

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        """Down hard (everything in it lost, as in a crash), then up on the same port."""
        self.stop(kill=True)
        self.start()


class PrivatePostgres:
    """A throw-away cluster (initdb as the postgres user: initdb refuses root) on a free
    port, its socket in its own directory; trust authentication on 127.0.0.1 only."""

    def __init__(self) -> None:
        # Not under the test's tmp_path: the postgres user must reach it (pytest's are
        # root's alone), and the socket's path must stay short.
        self.root = Path(tempfile.mkdtemp(prefix="churn-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.log = self.root / "server.log"
        self.as_postgres: list[str] = []

    def _run(self, *args: str) -> None:
        command = [*self.as_postgres, *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def init(self) -> None:
        initdb = PG_BIN / "initdb"
        if not initdb.exists():
            raise RuntimeError(f"PostgreSQL is not installed (looked for {initdb})")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self._run(str(initdb), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c max_connections=200"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
            "-w", "start",
        )  # fmt: skip
        wait_until_open(self.port, "PostgreSQL")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        """``fast`` cuts every session (as a failover or an operator's restart does)."""
        self.stop(mode)
        self.start()

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):  # already down: nothing to stop
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
