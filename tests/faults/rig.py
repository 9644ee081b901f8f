"""The churn test's servers: a private PostgreSQL and Redis, the seeded world, and two
daphne processes pointed at them — each of which the scenario may fail and bring back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .services import PrivatePostgres, PrivateRedis, free_port

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class Rig:
    directory: Path
    postgres: PrivatePostgres
    redis: PrivateRedis
    world: dict[str, Any]
    ports: list[int]
    server_env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    killed: list[int] = field(default_factory=list)  # pids we killed on purpose

    @property
    def urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{port}" for port in self.ports]

    def start_server(self, index: int) -> None:
        from tests.servers import start_daphne

        port = self.ports[index]
        env = {**self.server_env, "SITE_URL": f"http://127.0.0.1:{port}"}
        server = start_daphne(self.directory, port, **env)
        if index < len(self.processes):
            self.processes[index] = server.process
        else:
            self.processes.append(server.process)

    def kill_server(self, index: int) -> None:
        """SIGKILL: no shutdown, no close frames; the kernel resets its connections."""
        process = self.processes[index]
        self.killed.append(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def dead_servers(self) -> list[str]:
        """Server processes that exited although nobody killed them (with their logs)."""
        return [
            f"pid {p.pid} exited with {p.returncode}"
            for p in self.processes
            if p.poll() is not None and p.pid not in self.killed
        ]

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.directory.glob("daphne-*.log"))
        )


def _seed(database_url: str, groups: int, members: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.seed", "--groups", str(groups)]
        + ["--members", str(members)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding the churn database failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout))


@contextmanager
def rig(directory: Path, *, groups: int, members: int, **server_env: str) -> Iterator[Rig]:
    """Everything up, or an exception saying what could not start."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    postgres = PrivatePostgres()
    redis = PrivateRedis(directory)
    setup: Rig | None = None
    try:
        postgres.init()
        postgres.start()
        redis.start()
        world = _seed(postgres.url, groups, members)
        env = {
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "REDIS_PREFIX": "churn",
            # Notice a lost channel layer within a second (the default is 2 s).
            "CHAT_PROBE_INTERVAL": "0.5",
            **server_env,
        }
        setup = Rig(directory, postgres, redis, world, [free_port(), free_port()], env)
        for index in range(2):
            setup.start_server(index)
        yield setup
    finally:
        if setup is not None:
            from tests.servers import stop

            for process in setup.processes:
                if process.poll() is None:
                    stop(process)
        redis.stop(kill=True)
        postgres.remove()
