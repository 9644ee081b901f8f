"""The load generator's scenarios (idle, broadcast, storm, fanout; bench/loadgen.py's
docstring describes each), as the methods of one ``Bench`` over one pool of clients."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import common
from bench.clients import Client, Run, Step, now_ns, pool
from bench.measure import (
    Meter,
    all_delivered,
    connect_all,
    per_delivery,
    redis_info,
    servers_idle,
    summarise,
    wait_until,
)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        import redis.asyncio as redis

        self.args = args
        self.run = Run(args.mode)
        self.seed = json.loads(Path(args.seed).read_text())
        self.pids: list[int] = args.pid
        self.redis = redis.Redis.from_url(common.REDIS_URL)
        self.meter = Meter(self.pids, self.redis)
        self.clients: list[Client] = []

    async def ensure_pool(self, n: int) -> dict[str, Any] | None:
        if self.clients:
            return None
        self.clients = pool(self.seed, n, self.args.url, self.run, [])
        result = await connect_all(self.clients, self.args.concurrency)
        await asyncio.sleep(self.args.settle)  # presence.changed batches go out meanwhile
        return result

    async def warm_up(self) -> None:
        """Open and close a few sockets so lazily loaded code is in the baseline."""
        warm = pool(self.seed, 20, self.args.url, self.run, [])
        await connect_all(warm, 20)
        for client in warm:
            client.close()
        await asyncio.sleep(1.0)
        await servers_idle(self.pids, 10)

    async def idle(self) -> dict[str, Any]:
        await self.warm_up()
        rss0 = common.rss_total(self.pids)
        redis0 = await redis_info(self.redis)
        await self.meter.start()
        connects = await self.ensure_pool(self.args.n)
        cpu = await self.meter.stop()
        rss1 = common.rss_total(self.pids)
        redis1 = await redis_info(self.redis)
        n = sum(c.connected for c in self.clients) or 1
        return {
            "connect": connects,
            "cpu_during_connect": cpu,
            "server_cpu_ms_per_connect": round(cpu["server_cpu_s"] * 1000 / n, 2),
            "server_rss_kib_before": rss0,
            "server_rss_kib_after": rss1,
            "server_kib_per_socket": round((rss1 - rss0) / n, 1),
            "redis_before": redis0,
            "redis_after": redis1,
            "redis_bytes_per_socket": round(
                (redis1["bench_key_bytes"] - redis0["bench_key_bytes"]) / n
            ),
            "redis_pubsub_channels_per_socket": round(
                (redis1["pubsub_channels"] - redis0["pubsub_channels"]) / n, 2
            ),
        }

    async def broadcast(self) -> dict[str, Any]:
        await self.ensure_pool(self.args.n)
        online = [c for c in self.clients if c.connected]
        step = self.run.new_step("broadcast")
        await servers_idle(self.pids, 10)
        await self.meter.start()
        started = now_ns()
        if self.run.mode == "app":
            per_stream: Counter[int] = Counter(c.conversation for c in online)
            order = sorted(per_stream)
            seqs = [self.run.new_seq(step, per_stream[conv]) for conv in order]
            step.sent = len(seqs)
            request = {"streams": [f"conv.{c}" for c in order], "tag": self.run.tag, "seqs": seqs}
            publisher = await asyncio.create_subprocess_exec(
                sys.executable,
                str(common.BENCH / "publish.py"),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=common.django_env(),
            )
            assert publisher.stdin is not None
            assert publisher.stdout is not None
            await publisher.stdout.readline()  # "ready": Django is set up
            await self.meter.start()
            started = now_ns()
            publisher.stdin.write(json.dumps(request).encode() + b"\n")
            await publisher.stdin.drain()
            published = json.loads(await publisher.stdout.readline())
            publisher.stdin.close()
            await publisher.wait()
        else:
            seq = self.run.new_seq(step, len(online))
            step.sent = 1
            online[0].send({"op": "send", "client_id": f"{self.run.tag}-{seq}",
                            "body": self.run.body(seq, self.args.body)})  # fmt: skip
            published = {}
        expected = sum(self.run.expected[step.first : step.first + step.sent])
        await wait_until(lambda: step.delivered >= expected, self.args.drain)
        cpu = await self.meter.stop()
        result = summarise(step, self.run, started)
        return {
            "sockets": len(online),
            "groups": step.sent,
            **published,
            **result,
            "last_delivery_ms": result["max_ms"],
            "cpu": cpu,
            "server_us_per_delivery": per_delivery(cpu, step.delivered),
        }

    async def storm(self) -> dict[str, Any]:
        await self.ensure_pool(self.args.n)
        online = [c for c in self.clients if c.connected]
        for client in online:
            client.full = True
        # The sender of the missed messages: a member of the largest estate, on its own socket.
        biggest = max(self.seed["estates"], key=lambda e: e["size"])
        user, token = biggest["users"][0]
        sender = Client(self.run, -1, user, token, biggest["conversation"], self.args.url[0])
        sender.full = True
        await sender.connect()
        await asyncio.sleep(0.5)
        await servers_idle(self.pids, 10)
        redis_before = await redis_info(self.redis)
        redis_max = redis_before["connected_clients"]
        step = self.run.new_step("storm")
        sender.acks = step
        missed_by = [c for c in online if c.conversation == biggest["conversation"]]
        await self.meter.start()
        dropped_at = time.monotonic()
        for client in online:
            client.drop()
        for _ in range(self.args.missed):
            seq = self.run.new_seq(step, len(missed_by))
            step.sent += 1
            sender.send({"op": "send", "ref": seq, "conversation": biggest["conversation"],
                         "client_id": f"{self.run.tag}-{seq}",
                         "body": self.run.body(seq, self.args.body)})  # fmt: skip
        done_at: dict[int, float] = {}

        async def come_back(client: Client) -> None:
            delay = 0.5
            while time.monotonic() - dropped_at < self.args.storm_timeout:
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))
                if await client.connect(within=self.args.attempt_timeout):
                    client.resumed = asyncio.get_running_loop().create_future()
                    client.send({"op": "resume", "after": client.last_event_id})
                    try:
                        async with asyncio.timeout(self.args.storm_timeout):
                            await client.resumed
                        done_at[client.index] = time.monotonic() - dropped_at
                        return
                    except Exception:
                        self.run.errors["resume failed"] += 1
                        client.drop()
                delay = min(delay * 2, 30)

        async def sample_redis() -> None:
            nonlocal redis_max
            while True:
                info = await self.redis.info("clients")
                redis_max = max(redis_max, int(info["connected_clients"]))
                await asyncio.sleep(0.25)

        sampler = asyncio.create_task(sample_redis())
        await asyncio.gather(*(come_back(c) for c in online))
        resumed_all = time.monotonic() - dropped_at
        # Caught up: every member of the biggest estate holds every missed message.
        caught_up = await wait_until(
            lambda: step.delivered >= len(missed_by) * step.sent, self.args.drain
        )
        caught_up_at = time.monotonic() - dropped_at
        sampler.cancel()
        cpu = await self.meter.stop()
        redis_after = await redis_info(self.redis)
        sender.close()
        times = sorted(done_at.values())
        return {
            "sockets": len(online),
            "resumed": len(done_at),
            "missed_messages": step.sent,
            "missed_deliveries_expected": len(missed_by) * step.sent,
            "missed_deliveries": step.delivered,
            "duplicates_dropped": self.run.other_frames["duplicate_event"],
            "all_resumed_s": round(resumed_all, 2),
            "all_caught_up_s": round(caught_up_at, 2) if caught_up else None,
            "resumed_p50_s": round(common.percentile(times, 50), 2) if times else None,
            "resumed_p99_s": round(common.percentile(times, 99), 2) if times else None,
            "redis_clients_before": redis_before["connected_clients"],
            "redis_clients_max": redis_max,
            "redis_clients_after": redis_after["connected_clients"],
            "cpu": cpu,
        }

    async def fanout(self) -> dict[str, Any]:
        results = []
        for size in self.args.sizes:
            estate = next(e for e in self.seed["estates"] if e["size"] == size)
            members = pool(self.seed, size, self.args.url, self.run, [size])
            connects = await connect_all(members, self.args.concurrency)
            await asyncio.sleep(self.args.settle)
            await servers_idle(self.pids, 15)
            online = sum(c.connected for c in members)
            sender = members[0]
            sender.full = True
            result: dict[str, Any] = {"group": size, "online": online, "connect": connects}
            # Single messages: how long one message takes to reach the last member.
            singles = []
            for i in range(self.args.singles):
                step = self.run.new_step(f"single {size} #{i}")
                sender.acks = step
                await self.meter.start()
                started = now_ns()
                self.send_message(sender, step, online, estate["conversation"])
                await wait_until(all_delivered(step, online), self.args.drain)
                cpu = await self.meter.stop()
                singles.append(
                    {
                        **summarise(step, self.run, started),
                        "cpu": cpu,
                        "server_us_per_delivery": per_delivery(cpu, step.delivered),
                    }
                )
                await servers_idle(self.pids, 15)
            result["singles"] = singles
            result["last_member_ms"] = sorted(s["max_ms"] or 0 for s in singles)
            profiler = await self.profile_start(size)
            sweep = []
            for rate in self.args.rates:
                if rate < size:
                    continue  # below one message a second: the singles cover it
                step_result = await self.fanout_step(sender, members, online, rate, estate)
                sweep.append(step_result)
                if step_result["saturated"]:
                    break
            result["sweep"] = sweep
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)  # py-spy writes its file and exits
                await profiler.wait()
            healthy = [s for s in sweep if not s["saturated"]]
            result["best_healthy"] = healthy[-1] if healthy else None
            for client in members:
                client.close()
            await asyncio.sleep(0.5)
            await servers_idle(self.pids, 20)
            results.append(result)
        return {"groups": results}

    async def profile_start(self, size: int) -> Any:
        """py-spy on one server process for the sweep of this group (--profile-pid)."""
        if not self.args.profile_pid:
            return None
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        out = common.RESULTS / f"profile-{self.args.profile_label}-{size}.txt"
        out.unlink(missing_ok=True)
        return await asyncio.create_subprocess_exec(
            spy, "record", "-p", str(self.args.profile_pid), "-r", "250", "-f", "raw",
            "-o", str(out), "--nonblocking",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    def send_message(self, sender: Client, step: Step, expected: int, conversation: int) -> None:
        seq = self.run.new_seq(step, expected)
        step.sent += 1
        sender.send({"op": "send", "ref": seq, "conversation": conversation,
                     "client_id": f"{self.run.tag}-{seq}",
                     "body": self.run.body(seq, self.args.body)})  # fmt: skip

    async def fanout_step(
        self, sender: Client, members: list[Client], online: int, rate: int, estate: dict[str, Any]
    ) -> dict[str, Any]:
        size = estate["size"]
        interval = size / rate  # seconds between messages
        count = max(3, round(self.args.duration / interval))
        step = self.run.new_step(f"fanout {size} @ {rate}/s")
        sender.acks = step
        await self.meter.start()
        started_ns = now_ns()
        started = time.monotonic()
        for k in range(count):
            delay = started + k * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.send_message(sender, step, online, estate["conversation"])
        send_s = time.monotonic() - started

        def complete() -> bool:
            if self.run.mode == "app" and step.acked + step.refused < step.sent:
                return False
            return step.delivered >= online * (step.sent - step.refused)

        await wait_until(complete, self.args.drain)
        cpu = await self.meter.stop()
        result = summarise(step, self.run, started_ns)
        offered = count * size / (count * interval)
        result.update(
            offered_per_s=round(offered),
            messages_per_s=round(count / max(send_s, interval * count), 1),
            cpu=cpu,
            server_us_per_delivery=per_delivery(cpu, step.delivered),
            closed_4408=self.run.closes.get(4408, 0),
        )
        achieved = result["deliveries_per_s"] or 0
        result["saturated"] = bool(
            result["lost"] > 0
            or (result["p99_ms"] or 0) > self.args.p99_limit
            or achieved < 0.8 * offered
        )
        if result["saturated"]:  # let the backlog drain before the next measurement
            await wait_until(lambda: False, 0.5)
            last = -1
            while step.delivered != last:
                last = step.delivered
                await asyncio.sleep(1.0)
            await servers_idle(self.pids, 30)
        return result
