"""Slow reader: one member stops reading while its group gets a burst; does it cost the others?

    python bench/slowreader.py --url WS_URL [--url …] --pid PID [--pid …]
                               [--group 10] [--frames 3000] [--pad 2000] [--out result.json]

Every member of the seeded estate of ``--group`` members connects; one of them, on a socket
with a 4 KiB receive buffer, stops reading. bench/publish.py then records ``--frames``
events of ``--pad`` extra bytes on the group's stream in one transaction (so they leave
together). Measured: how fast and completely the other members get the burst (latency
p50/p99/max, loss), the servers' peak RSS growth (where a slow reader's backlog lives), and
whether the slow reader was shed with close code 4408 (docs/protocol.md) — read after it
starts reading again — or was handed everything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from picows import WSMsgType, ws_connect  # noqa: E402

from bench import common  # noqa: E402
from bench.loadgen import (  # noqa: E402
    MARK,
    Client,
    Run,
    all_delivered,
    connect_all,
    now_ns,
    pool,
    servers_idle,
    summarise,
    wait_until,
)


class SlowClient(Client):
    """Counts what it gets without the shared bookkeeping; reads only when told to."""

    received = 0

    def on_ws_frame(self, transport: Any, frame: Any) -> None:
        if frame.msg_type != WSMsgType.TEXT:
            super().on_ws_frame(transport, frame)  # the close frame, with its code
            return
        data = frame.get_payload_as_bytes()
        self.received += data.count(MARK)
        if self.ready is not None and not self.ready.done() and b'"ready"' in data:
            self.ready.set_result(None)

    async def connect_small(self) -> None:
        """Connect on a socket whose receive buffer is 4 KiB, so the server's writes stall."""
        loop = asyncio.get_running_loop()
        self.ready = loop.create_future()

        def small_socket(_url: Any) -> socket.socket:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.setblocking(False)
            return sock

        await ws_connect(
            lambda: self,
            f"{self.url}?token={self.token}",
            extra_headers={"Sec-WebSocket-Protocol": common.SUBPROTOCOL},
            socket_factory=small_socket,
        )
        async with asyncio.timeout(30):
            await self.ready


async def main(args: argparse.Namespace, seed: dict[str, Any]) -> dict[str, Any]:
    estate = next(e for e in seed["estates"] if e["size"] == args.group)
    run = Run("app")
    members = pool(seed, args.group, args.url, run, [args.group])
    slow_member = members.pop()
    slow = SlowClient(run, -1, slow_member.user, slow_member.token, estate["conversation"],
                      slow_member.url)  # fmt: skip
    await slow.connect_small()
    connects = await connect_all(members, 50)
    await asyncio.sleep(2.5)
    await servers_idle(args.pid, 10)
    online = sum(c.connected for c in members)
    slow.transport.underlying_transport.pause_reading()  # type: ignore[union-attr]
    rss0 = common.rss_total(args.pid)
    step = run.new_step("slow reader burst")
    seqs = [run.new_seq(step, online) for _ in range(args.frames)]
    step.sent = len(seqs)
    publisher = await asyncio.create_subprocess_exec(
        sys.executable,
        str(common.BENCH / "publish.py"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=common.django_env(),
    )
    assert publisher.stdin is not None
    assert publisher.stdout is not None
    await publisher.stdout.readline()
    stream = f"conv.{estate['conversation']}"
    request = {"streams": [stream] * len(seqs), "tag": run.tag, "seqs": seqs, "pad": args.pad}
    peak = rss0
    cpu0 = common.cpu_total(args.pid)
    started = now_ns()
    publisher.stdin.write(json.dumps(request).encode() + b"\n")
    await publisher.stdin.drain()

    async def watch_rss() -> None:
        nonlocal peak
        while True:
            peak = max(peak, common.rss_total(args.pid))
            await asyncio.sleep(0.1)

    watcher = asyncio.create_task(watch_rss())
    published = json.loads(await publisher.stdout.readline())
    publisher.stdin.close()
    await publisher.wait()
    await wait_until(all_delivered(step, online), args.drain)
    others_done = (now_ns() - started) / 1e9
    server_cpu = common.cpu_total(args.pid) - cpu0
    await asyncio.sleep(2.0)  # the server has had its chance to shed the slow reader
    rss_hold = common.rss_total(args.pid)
    watcher.cancel()
    slow.transport.underlying_transport.resume_reading()  # type: ignore[union-attr]
    await wait_until(lambda: not slow.connected or slow.received >= len(seqs), 20)
    result = summarise(step, run, started)
    out = {
        "group": args.group,
        "fast_members": online,
        "connect": connects,
        "frames": len(seqs),
        "frame_bytes_about": args.pad + 300,
        **published,
        "others": result,
        "others_all_delivered_s": round(others_done, 2),
        # the publisher needs a while for the burst; what matters is how far the others lag
        "others_lag_after_last_publish_ms": round(
            others_done * 1000 - float(published.get("publish_ms", 0)), 1
        ),
        "server_cpu_s": round(server_cpu, 2),
        "server_rss_growth_kib_peak": peak - rss0,
        "server_rss_growth_kib_2s_after": rss_hold - rss0,
        "slow_reader_received": slow.received,
        "slow_reader_close_code": slow.close_code,
        "slow_reader_shed": slow.close_code == 4408,
    }
    for client in [*members, slow]:
        client.close()
    await asyncio.sleep(0.3)
    return out


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="slow reader scenario")
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--pid", action="append", type=int, default=[])
    parser.add_argument("--seed", default=str(common.SEED_FILE))
    parser.add_argument("--group", type=int, default=10)
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--pad", type=int, default=2000)
    parser.add_argument("--drain", type=float, default=30.0)
    parser.add_argument("--out")
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    common.raise_nofile()
    common.pin_to_last_core()
    started_at = time.monotonic()
    outcome = asyncio.run(main(arguments, json.loads(Path(arguments.seed).read_text())))
    outcome["scenario_s"] = round(time.monotonic() - started_at, 1)
    text = json.dumps(outcome, indent=1)
    if arguments.out:
        Path(arguments.out).write_text(text)
    else:
        print(text)
