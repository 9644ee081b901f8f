"""What the load generator measures with: connecting many clients, waiting for deliveries
or for the servers to go quiet, CPU of the servers, Redis and itself (``Meter``), Redis
memory, and the summary of a step."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench import common
from bench.clients import Client, Run, Step


async def connect_all(clients: list[Client], concurrency: int) -> dict[str, Any]:
    gate = asyncio.Semaphore(concurrency)

    async def one(client: Client) -> bool:
        async with gate:
            return await client.connect()

    started = time.monotonic()
    results = await asyncio.gather(*(one(c) for c in clients))
    elapsed = time.monotonic() - started
    ok = sum(results)
    times = sorted(c.connect_seconds for c in clients if c.connected)
    return {
        "sockets": len(clients),
        "connected": ok,
        "failed": len(clients) - ok,
        "seconds": round(elapsed, 2),
        "connects_per_s": round(ok / elapsed, 1) if elapsed else None,
        "connect_ms_p50": ms(common.percentile(times, 50) * 1e9),
        "connect_ms_p99": ms(common.percentile(times, 99) * 1e9),
    }


def ms(ns: float) -> float:
    return round(ns / 1e6, 1)


async def wait_until(condition: Any, within: float, poll: float = 0.02) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(poll)
    return True


async def servers_idle(pids: list[int], within: float = 30) -> float:
    """Wait until the servers have drained any backlog (near-idle CPU)."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        before = common.cpu_total(pids)
        await asyncio.sleep(0.5)
        if common.cpu_total(pids) - before < 0.04 * len(pids):
            break
    return round(time.monotonic() - started, 1)


async def redis_info(client: Any) -> dict[str, Any]:
    memory = await client.info("memory")
    clients = await client.info("clients")
    stats = await client.info("stats")
    cpu = await client.info("cpu")
    return {
        # Redis is shared with other work: count only what lives under the bench prefix
        "bench_key_bytes": await prefix_bytes(client),
        "used_memory": int(memory["used_memory"]),
        "connected_clients": int(clients["connected_clients"]),
        "pubsub_channels": int(stats.get("pubsub_channels", 0)),
        "cpu_s": float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"]),
    }


async def redis_cpu(client: Any) -> float:
    cpu = await client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


async def prefix_bytes(client: Any) -> int:
    total = 0
    async for key in client.scan_iter(match=f"{common.REDIS_PREFIX}*", count=1000):
        total += int(await client.memory_usage(key) or 0)
    return total


class Meter:
    """CPU of the servers, of Redis and of this process over a window."""

    def __init__(self, pids: list[int], redis: Any) -> None:
        self.pids = pids
        self.redis = redis

    async def start(self) -> None:
        self.t0 = time.monotonic()
        self.server0 = common.cpu_total(self.pids)
        self.self0 = common.self_cpu()
        self.redis0 = await redis_cpu(self.redis)
        self.busy0 = common.system_busy()

    async def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.t0
        server = common.cpu_total(self.pids) - self.server0
        mine = common.self_cpu() - self.self0
        redis = await redis_cpu(self.redis) - self.redis0
        other = common.system_busy() - self.busy0 - server - mine - redis
        return {
            "wall_s": round(wall, 3),
            "server_cpu_s": round(server, 3),
            "server_cores": round(server / wall, 2) if wall else 0.0,
            "loadgen_cores": round(mine / wall, 2) if wall else 0.0,
            "redis_cores": round(redis / wall, 2) if wall else 0.0,
            # everything else on the machine: PostgreSQL, other people's work
            "other_cores": round(max(0.0, other) / wall, 2) if wall else 0.0,
        }


def summarise(step: Step, run: Run, started_ns: int) -> dict[str, Any]:
    lat = sorted(step.latencies)
    expected = sum(run.expected[step.first : step.first + step.sent])
    span = (step.last_ns - started_ns) / 1e9 if step.last_ns else 0.0
    return {
        "messages": step.sent,
        "acked": step.acked,
        "refused": step.refused,
        "expected": expected,
        "delivered": step.delivered,
        "lost": expected - step.delivered,
        "duplicates": step.duplicates,
        "deliveries_per_s": round(step.delivered / span) if span > 0 else None,
        "p50_ms": ms(common.percentile(lat, 50)),
        "p99_ms": ms(common.percentile(lat, 99)),
        "max_ms": ms(lat[-1]) if lat else None,
    }


def all_delivered(step: Step, online: int) -> Any:
    return lambda: step.delivered >= online * (step.sent - step.refused)


def per_delivery(cpu: dict[str, float], delivered: int) -> float | None:
    return round(cpu["server_cpu_s"] * 1e6 / delivered, 1) if delivered else None
