"""The load generator: many WebSocket clients in one asyncio process, speaking docs/protocol.md.

    python bench/loadgen.py SCENARIO[,SCENARIO…] --mode app|ref --url WS_URL [--url …]
                            --pid SERVER_PID [--pid …] [options] [--out result.json]

Scenarios (each bounded in time; several given with commas share one pool of sockets):
  idle       connect --n sockets (token clients of the seeded estates, round-robin over the
             servers), then server RSS and Redis memory/clients per connection, connects/s
  broadcast  one notice to every connected socket (app: bench/publish.py publishes one event
             per estate group with realtime.feeds.publish; ref: one frame to the one group);
             time until the last delivery
  storm      every socket drops at once (TCP abort); while they are away a member posts
             --missed messages; each reconnects after 0.5 s ± 50 % (the browser's backoff),
             sends resume with its last event id; time until all have ``resumed`` and hold
             every missed message; Redis connected_clients sampled throughout
  fanout     per --sizes group (the seeded estate of that size, every member online): a few
             single messages (time to the last member), then a rate sweep of --rates offered
             deliveries/s, each for --duration s, stopping after the first saturated step;
             deliveries/s, end-to-end latency p50/p99/max, loss, server CPU per delivery

Latency: the sender puts ``bm~<run>~<seq>~<CLOCK_MONOTONIC ns>~`` in the message body; the
receiver subtracts it from its own clock on arrival (one machine, one clock). Every expected
delivery is counted by that sequence number, so loss and duplicates are exact. The process
pins itself to the last core and reports its own CPU time next to the servers' (from /proc),
so a reader can tell which side saturated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import signal
import string
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from picows import WSCloseCode, WSListener, WSMsgType, WSTransport, ws_connect  # noqa: E402

from bench import common  # noqa: E402

MARK = b"bm~"
ACK = b'"ack"'
now_ns = time.monotonic_ns


@dataclass
class Step:
    """One measured phase: a set of sequence numbers and what became of them."""

    name: str
    first: int = 0
    sent: int = 0
    acked: int = 0
    refused: int = 0
    delivered: int = 0
    duplicates: int = 0
    last_ns: int = 0
    latencies: list[int] = field(default_factory=list)


class Run:
    """Shared bookkeeping of every client of this process."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.tag = "".join(random.choices(string.ascii_lowercase, k=6))
        self.tag_bytes = self.tag.encode()
        self.counts: list[int] = []  # deliveries per sequence number
        self.expected: list[int] = []  # deliveries wanted per sequence number
        self.step_of: list[Step] = []  # the step each sequence number belongs to
        self.steps: list[Step] = []
        self.errors: Counter[str] = Counter()
        self.closes: Counter[int] = Counter()
        self.other_frames: Counter[str] = Counter()

    def new_step(self, name: str) -> Step:
        step = Step(name, first=len(self.counts))
        self.steps.append(step)
        return step

    def new_seq(self, step: Step, expected: int) -> int:
        seq = len(self.counts)
        self.counts.append(0)
        self.expected.append(expected)
        self.step_of.append(step)
        return seq

    def body(self, seq: int, pad: int) -> str:
        return f"bm~{self.tag}~{seq}~{now_ns()}~" + "x" * pad

    def deliver(self, data: bytes, at: int) -> None:
        """Count every marker in ``data`` (several if the server coalesced events)."""
        while at >= 0:
            a = at + 3
            b = data.find(b"~", a)
            c = data.find(b"~", b + 1)
            d = data.find(b"~", c + 1)
            if data[a:b] == self.tag_bytes:
                seq = int(data[b + 1 : c])
                arrived = now_ns()
                step = self.step_of[seq]
                n = self.counts[seq]
                self.counts[seq] = n + 1
                if n >= self.expected[seq]:
                    step.duplicates += 1
                else:
                    step.delivered += 1
                    step.last_ns = arrived
                    step.latencies.append(arrived - int(data[c + 1 : d]))
            at = data.find(MARK, d)


class Client(WSListener):
    """One socket. Hot path: find the marker in the raw bytes; everything else is JSON."""

    def __init__(self, run: Run, index: int, user: int, token: str, conversation: int, url: str):
        super().__init__()
        self.run = run
        self.index = index
        self.user = user
        self.token = token
        self.conversation = conversation
        self.url = url
        self.full = False  # parse every frame (needed to track event ids for resume)
        self.transport: WSTransport | None = None
        self.connected = False
        self.ready: asyncio.Future[None] | None = None
        self.resumed: asyncio.Future[None] | None = None
        self.last_event_id = 0
        self.seen: set[int] = set()
        self.close_code: int | None = None
        self.acks: Step | None = None  # the step whose sends this client acknowledges
        self.partial = b""
        self.connect_seconds = 0.0

    # --- picows callbacks -------------------------------------------------------------
    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        self.connected = True

    def on_ws_frame(self, transport: WSTransport, frame: Any) -> None:
        kind = frame.msg_type
        if kind == WSMsgType.TEXT or kind == WSMsgType.CONTINUATION:
            data = frame.get_payload_as_bytes()
            if not frame.fin or self.partial:
                self.partial += data
                if not frame.fin:
                    return
                data, self.partial = self.partial, b""
            if not self.full:
                at = data.find(MARK)
                if at >= 0 and data.find(ACK) < 0:
                    self.run.deliver(data, at)
                    return
            self.on_json(data)
        elif kind == WSMsgType.CLOSE:
            self.close_code = frame.get_close_code()
            self.run.closes[int(self.close_code or 0)] += 1
            transport.send_close(WSCloseCode.OK)
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.connected = False
        for future in (self.ready, self.resumed):
            if future is not None and not future.done():
                future.set_exception(ConnectionError(f"closed ({self.close_code})"))

    # --- frames ---------------------------------------------------------------------------
    def on_json(self, data: bytes) -> None:
        frame = json.loads(data)
        kind = frame.get("type")
        event_id = frame.get("id")
        if isinstance(event_id, int) and "stream" in frame:
            if event_id in self.seen:
                self.run.other_frames["duplicate_event"] += 1
                return
            if self.full:
                self.seen.add(event_id)
            self.last_event_id = max(self.last_event_id, event_id)
        if kind == "ack":
            if self.acks is not None:
                self.acks.acked += 1
            return
        at = data.find(MARK)
        if at >= 0:
            self.run.deliver(data, at)
        elif kind == "ready":
            self.last_event_id = int(frame.get("last_event_id") or 0)
            if self.ready is not None and not self.ready.done():
                self.ready.set_result(None)
        elif kind == "resumed":
            if self.resumed is not None and not self.resumed.done():
                self.resumed.set_result(None)
        elif kind == "error":
            self.run.errors[str(frame.get("code"))] += 1
            ref = frame.get("ref")
            if self.acks is not None and isinstance(ref, int) and 0 <= ref < len(self.run.expected):
                self.run.expected[ref] = 0  # never posted: nothing to deliver
                self.acks.refused += 1
        else:
            self.run.other_frames[str(kind)] += 1

    def send(self, frame: dict[str, Any]) -> None:
        if self.transport is not None and self.connected:
            self.transport.send(WSMsgType.TEXT, json.dumps(frame, ensure_ascii=False).encode())

    # --- lifecycle ------------------------------------------------------------------------
    async def connect(self, within: float = 30) -> bool:
        loop = asyncio.get_running_loop()
        self.ready = loop.create_future()
        self.close_code = None
        started = time.monotonic()
        try:
            async with asyncio.timeout(within):
                transport, _ = await ws_connect(
                    lambda: self,
                    f"{self.url}?token={self.token}",
                    extra_headers={"Sec-WebSocket-Protocol": common.SUBPROTOCOL},
                    websocket_handshake_timeout=within,
                )
                # picows may hand back a transport the server already closed (daphne drops
                # a handshake the app has not accepted within 5 s): wait for either.
                closed = asyncio.ensure_future(transport.wait_disconnected())
                try:
                    await asyncio.wait({self.ready, closed}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    closed.cancel()
                if not self.ready.done():
                    raise ConnectionError("closed during the handshake")
                self.ready.result()
        except Exception as exc:
            self.run.errors[f"connect: {type(exc).__name__}"] += 1
            self.drop()
            return False
        self.connect_seconds = time.monotonic() - started
        return True

    def drop(self) -> None:
        """Lose the connection like a network failure does (no closing handshake)."""
        if self.transport is not None:
            self.transport.underlying_transport.abort()
            self.connected = False

    def close(self) -> None:
        if self.transport is not None and self.connected:
            self.transport.send_close(WSCloseCode.OK)
            self.transport.disconnect()


# --- helpers ------------------------------------------------------------------------------
def pool(seed: dict[str, Any], n: int, urls: list[str], run: Run, sizes: list[int]) -> list[Client]:
    """``n`` clients from the seeded estates (largest first, then again: more devices)."""
    members = [
        (user, token, estate["conversation"])
        for estate in sorted(seed["estates"], key=lambda e: -e["size"])
        if not sizes or estate["size"] in sizes
        for user, token in estate["users"]
    ]
    return [Client(run, i, *members[i % len(members)], url=urls[i % len(urls)]) for i in range(n)]


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


# --- scenarios ------------------------------------------------------------------------
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


def all_delivered(step: Step, online: int) -> Any:
    return lambda: step.delivered >= online * (step.sent - step.refused)


def per_delivery(cpu: dict[str, float], delivered: int) -> float | None:
    return round(cpu["server_cpu_s"] * 1e6 / delivered, 1) if delivered else None


async def main(args: argparse.Namespace) -> dict[str, Any]:
    bench = Bench(args)
    out: dict[str, Any] = {
        "mode": args.mode,
        "servers": len(args.url),
        "loadgen_core": args.core,
        "nofile": args.nofile,
    }
    try:
        for scenario in args.scenarios.split(","):
            started = time.monotonic()
            out[scenario] = await getattr(bench, scenario)()
            out[scenario]["scenario_s"] = round(time.monotonic() - started, 1)
            print(f"loadgen: {scenario} done in {out[scenario]['scenario_s']}s", file=sys.stderr)
    finally:
        for client in bench.clients:
            client.close()
        await asyncio.sleep(0.3)
        await bench.redis.aclose()
    out["errors"] = dict(bench.run.errors)
    out["closes"] = {str(k): v for k, v in bench.run.closes.items()}
    out["other_frames"] = dict(bench.run.other_frames)
    return out


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ints = lambda text: [int(x) for x in text.split(",") if x]  # noqa: E731
    parser = argparse.ArgumentParser(description="Shequtong WebSocket load generator")
    parser.add_argument("scenarios", help="idle, broadcast, storm, fanout (comma separated)")
    parser.add_argument("--mode", choices=["app", "ref"], default="app")
    parser.add_argument("--url", action="append", required=True, help="ws://host:port/ws/")
    parser.add_argument("--pid", action="append", type=int, default=[], help="server pids")
    parser.add_argument("--seed", default=str(common.SEED_FILE))
    parser.add_argument("--n", type=int, default=2000, help="sockets for idle/broadcast/storm")
    parser.add_argument("--sizes", type=ints, default=[100, 1000, 5000])
    parser.add_argument("--rates", type=ints, default=[2000, 4000, 8000, 16000, 32000, 64000])
    parser.add_argument("--singles", type=int, default=3, help="single messages per group")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per sweep step")
    parser.add_argument("--drain", type=float, default=10.0, help="max wait for deliveries")
    parser.add_argument("--p99-limit", type=float, default=1000.0, help="ms: saturated above")
    parser.add_argument("--body", type=int, default=60, help="padding characters per body")
    parser.add_argument("--missed", type=int, default=3, help="messages posted in a storm")
    parser.add_argument("--storm-timeout", type=float, default=60.0, help="s, whole storm")
    parser.add_argument("--attempt-timeout", type=float, default=15.0, help="s per reconnect")
    parser.add_argument("--settle", type=float, default=2.5, help="s after connecting")
    parser.add_argument("--concurrency", type=int, default=64, help="handshakes in flight")
    parser.add_argument("--profile-pid", type=int, help="py-spy this server during sweeps")
    parser.add_argument("--profile-label", default="server")
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument("--out", help="write the JSON result here (default: stdout)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    arguments.nofile = common.raise_nofile()
    arguments.core = None if arguments.no_pin else common.pin_to_last_core()
    try:
        import uvloop

        result = uvloop.run(main(arguments))
    except ImportError:
        result = asyncio.run(main(arguments))
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if arguments.out:
        Path(arguments.out).write_text(text)
    else:
        print(text)
