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
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.clients import MARK, Client, Run, now_ns, pool  # noqa: E402
from bench.measure import (  # noqa: E402
    all_delivered,
    connect_all,
    servers_idle,
    summarise,
    wait_until,
)
from bench.scenarios import Bench  # noqa: E402

# bench/slowreader.py builds on the load generator's clients and measures and imports them
# from here; they live in bench/clients.py and bench/measure.py, the scenarios in
# bench/scenarios.py.
__all__ = [
    "MARK",
    "Client",
    "Run",
    "all_delivered",
    "connect_all",
    "now_ns",
    "pool",
    "servers_idle",
    "summarise",
    "wait_until",
]


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
