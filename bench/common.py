"""What every bench script shares: where things are, the environment, /proc readings.

Nothing here imports Django: the load generator must stay light.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LOGS = RESULTS / "logs"
SEED_FILE = RESULTS / "seed.json"

BENCH_DB = os.environ.get("BENCH_DB", "shequtong_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{PG}/{BENCH_DB}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_PREFIX = os.environ.get("BENCH_REDIS_PREFIX", "bench")
SUBPROTOCOL = "shequtong.v1.json"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def django_env(**extra: str) -> dict[str, str]:
    """The environment of a real-app process (server, seeder, publisher) in the bench."""
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": REDIS_PREFIX,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        # The bench's senders post far faster than a person may.
        "CHAT_SEND_RATE": "1000000/1",
        "CHAT_FRAME_RATE": "1000000/1",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def django_setup(**extra: str) -> None:
    """Point this process at the bench database and start Django."""
    for key, value in django_env(**extra).items():
        if key != "PYTHONPATH":
            os.environ[key] = value
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def raise_nofile(wanted: int = 65536) -> int:
    """Raise the soft limit of open files as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def pin_to_last_core() -> int | None:
    """Pin this process to the last core it may run on (the servers keep the others)."""
    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[-1]})
        return cores[-1]
    except (AttributeError, OSError):
        return None


# --- /proc ----------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, in seconds (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_total(pids: Sequence[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def rss_total(pids: Sequence[int]) -> int:
    return sum(rss_kib(pid) for pid in pids)


def system_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) of already sorted values, nearest rank."""
    if not values:
        return float("nan")
    rank = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[rank]


def machine() -> dict[str, str | int | float]:
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return {
        "nproc": os.cpu_count() or 0,
        "cpu": model,
        "memory_gib": round(total_kib / 1024 / 1024, 1),
        "kernel": os.uname().release,
        "python": sys.version.split()[0],
    }


# --- Server processes ------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # polling a condition with a deadline
    raise RuntimeError(f"server on port {port} did not start listening")


@dataclass
class Target:
    """One server set-up measured by the bench."""

    name: str
    mode: str  # "app": the real protocol; "ref": a reference broadcast server
    commands: list[list[str]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    @property
    def urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{port}/ws/" for port in self.ports]


def target(name: str, servers: int = 2) -> Target:
    """The command line of each kind of server, on fresh ports."""
    py = sys.executable
    ports = [free_port() for _ in range(servers)]
    if name == "daphne":
        commands = [
            [py, "-m", "daphne", "-b", "127.0.0.1", "-p", str(p), "config.asgi:application"]
            for p in ports
        ]
        return Target(name, "app", commands, django_env(), ports)
    if name == "uvicorn":
        commands = [
            [
                py, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                "--port", str(p), "--loop", "uvloop", "--http", "httptools",
                "--ws", "websockets", "--no-access-log", "--log-level", "warning",
            ]
            for p in ports
        ]  # fmt: skip
        return Target(name, "app", commands, django_env(), ports)
    if name == "channels-ref":
        commands = [
            [py, "-m", "daphne", "-b", "127.0.0.1", "-p", str(p), "bench.refs.channels_app:app"]
            for p in ports
        ]
        env = django_env(DJANGO_SETTINGS_MODULE="bench.refs.channels_settings")
        return Target(name, "ref", commands, env, ports)
    if name == "websockets-ref":
        commands = [[py, str(BENCH / "refs" / "ws_server.py"), str(p)] for p in ports]
        return Target(name, "ref", commands, django_env(), ports)
    raise ValueError(f"unknown target {name}")


def start(t: Target) -> Target:
    LOGS.mkdir(parents=True, exist_ok=True)
    for command, port in zip(t.commands, t.ports, strict=True):
        log = (LOGS / f"{t.name}-{port}.log").open("wb")
        t.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=t.env, stdout=log, stderr=subprocess.STDOUT)
        )
    for process, port in zip(t.processes, t.ports, strict=True):
        wait_for_port(port, process)
    return t


def stop(t: Target) -> None:
    for process in t.processes:
        if process.poll() is None:
            process.terminate()
    for process in t.processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    t.processes.clear()


def wait_idle(pids: Sequence[int], *, below: float = 0.08, timeout: float = 30) -> float:
    """Block until the servers use less than ``below`` of a core each (backlogs drained)."""
    start_at = time.monotonic()
    while time.monotonic() - start_at < timeout:
        before = cpu_total(pids)
        time.sleep(0.5)  # measuring CPU use over a window
        if (cpu_total(pids) - before) / 0.5 < below * len(pids):
            break
    return time.monotonic() - start_at
