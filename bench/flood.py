"""Flood: one person sends 1,000 frames a second; do the others notice?

    python bench/flood.py [--others 50] [--seconds 10] [--rate 1000] [--every 5]

Two daphne processes with the shipped frame and send rates (``CHAT_FRAME_RATE`` 30/5,
``CHAT_SEND_RATE`` 10/5, not the bench's unlimited ones). ``--others`` members of the
100-member estate, split over both processes, each send a ``ping`` once a second and post
a message to the estate group every ``--every`` seconds, and time the round trips
(``send`` → ``ack``, ``ping`` → ``pong``): first for ``--seconds`` with nobody flooding,
then for as long again while one more member of the same group, on the first process,
sends ``send`` frames at ``--rate`` a second (a new ``client_id`` each) and reads what
comes back. Reports the others' p50 / p95 / p99 in both phases, what the flooder got back
(acks, error codes, the close code) and how many of its messages the database holds.
Writes bench/results/flood.json.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

SHIPPED = {"CHAT_FRAME_RATE": "30/5", "CHAT_SEND_RATE": "10/5"}


def summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    values = sorted(values)
    return {
        "n": len(values),
        "p50_ms": round(common.percentile(values, 50) * 1000, 1),
        "p95_ms": round(common.percentile(values, 95) * 1000, 1),
        "p99_ms": round(common.percentile(values, 99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


class Member:
    """One of the others: a ping a second and a message every ``every`` seconds (from a
    random-ish offset), each timed to its reply."""

    def __init__(self, ws: Any, conversation: int, name: str) -> None:
        self.ws = ws
        self.conversation = conversation
        self.name = name
        self.waiting: dict[str, float] = {}
        self.rtt: dict[str, list[tuple[float, float]]] = {"send": [], "ping": []}
        self.errors: Counter[str] = Counter()
        self.n = 0

    async def read(self) -> None:
        async for raw in self.ws:
            frame = json.loads(raw)
            ref = frame.get("ref")
            if ref in self.waiting:
                started = self.waiting.pop(ref)
                kind = "send" if ref.startswith("s") else "ping"
                if frame.get("type") == "error":
                    self.errors[str(frame.get("code"))] += 1
                else:
                    self.rtt[kind].append((started, time.monotonic() - started))

    async def talk(self, until: float, every: int) -> None:
        while time.monotonic() < until:
            self.n += 1
            ref = f"s{self.name}.{self.n}"
            if (self.n + int(self.name)) % every == 0:
                self.waiting[ref] = time.monotonic()
                await self.ws.send(
                    json.dumps(
                        {
                            "op": "send",
                            "conversation": self.conversation,
                            "body": f"flood bench {ref}",
                            "client_id": f"{time.time()}-{ref}",
                            "ref": ref,
                        }
                    )
                )
            ping = f"p{self.name}.{self.n}"
            self.waiting[ping] = time.monotonic()
            await self.ws.send(json.dumps({"op": "ping", "ref": ping}))
            await asyncio.sleep(1.0)


async def flood(ws: Any, conversation: int, rate: int, until: float) -> dict[str, Any]:
    replies: Counter[str] = Counter()
    retry_after: list[int] = []
    sent = 0

    async def read() -> None:
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") == "ack":
                replies["ack"] += 1
            elif frame.get("type") == "error":
                replies[str(frame.get("code"))] += 1
                if "retry_after_ms" in frame:
                    retry_after.append(int(frame["retry_after_ms"]))

    reader = asyncio.ensure_future(read())
    started = time.monotonic()
    try:
        while time.monotonic() < until and ws.close_code is None:
            due = int((time.monotonic() - started) * rate) - sent
            for _ in range(max(0, due)):
                sent += 1
                await ws.send(
                    json.dumps(
                        {
                            "op": "send",
                            "conversation": conversation,
                            "body": f"flood {sent}",
                            "client_id": f"flood-{started}-{sent}",
                            "ref": sent,
                        }
                    )
                )
            await asyncio.sleep(0.005)
    except Exception as exc:  # the server closed the flooder
        replies[f"send failed: {type(exc).__name__}"] += 1
    elapsed = time.monotonic() - started
    closed_at = time.monotonic() - started if ws.close_code is not None else None
    await asyncio.sleep(1.0)  # the last replies
    reader.cancel()
    return {
        "frames_sent": sent,
        "seconds": round(elapsed, 1),
        "frames_per_s": round(sent / elapsed) if elapsed else 0,
        "replies": dict(replies),
        "retry_after_ms_min_max": [min(retry_after), max(retry_after)] if retry_after else None,
        "close_code": ws.close_code,
        "closed_after_s": round(closed_at, 1) if closed_at is not None else None,
    }


def flood_elsewhere(url: str, token: str, conversation: int, rate: int, until_in: float) -> Any:
    """The flooder in a process of its own: its 1,000 sends and replies a second must not
    slow the event loop that times the others."""
    import websockets

    async def run() -> dict[str, Any]:
        ws = await websockets.connect(
            f"{url}?token={token}",
            subprotocols=[common.SUBPROTOCOL],  # type: ignore[list-item]
            compression=None,
            open_timeout=60,
            max_queue=None,
        )
        while json.loads(await ws.recv()).get("type") != "ready":
            pass
        return await flood(ws, conversation, rate, time.monotonic() + until_in)

    return asyncio.run(run())


def messages_by(user_id: int, since: float) -> int:
    import psycopg

    with psycopg.connect(common.DATABASE_URL) as conn:
        row = conn.execute(
            "SELECT count(*) FROM chat_message WHERE author_id = %s"
            " AND created_at >= to_timestamp(%s)",
            [user_id, since],
        ).fetchone()
    return int(row[0]) if row else 0


async def drive(args: argparse.Namespace, urls: list[str]) -> dict[str, Any]:
    import websockets

    seed = json.loads(common.SEED_FILE.read_text())
    estate = next(e for e in seed["estates"] if e["size"] == 100)
    people = estate["users"][: args.others + 1]
    conversation = estate["conversation"]

    async def open_socket(token: str, url: str) -> Any:
        ws = await websockets.connect(
            f"{url}?token={token}",
            subprotocols=[common.SUBPROTOCOL],  # type: ignore[list-item]
            compression=None,
            open_timeout=60,
            max_queue=None,
        )
        while json.loads(await ws.recv()).get("type") != "ready":
            pass
        return ws

    members = []
    for i, (_user, token) in enumerate(people[1:]):
        ws = await open_socket(token, urls[i % len(urls)])
        members.append(Member(ws, conversation, str(i)))
    readers = [asyncio.ensure_future(m.read()) for m in members]

    flooder_id, flooder_token = people[0]
    load = {"start": os.getloadavg()}
    quiet_from = time.monotonic()
    await asyncio.gather(*(m.talk(quiet_from + args.seconds, args.every) for m in members))
    wall_from = time.time()
    loop = asyncio.get_running_loop()
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        flooding = loop.run_in_executor(
            pool, flood_elsewhere, urls[0], flooder_token, conversation, args.rate,
            args.seconds + 2,
        )  # fmt: skip
        # Measured from the first refusal's arrival would be nicer; the flooder needs ~1 s
        # to connect, so the flood phase starts a second after it was launched.
        await asyncio.sleep(1.5)
        flood_from = time.monotonic()
        await asyncio.gather(*(m.talk(flood_from + args.seconds, args.every) for m in members))
        flooded = await flooding
    load["end"] = os.getloadavg()
    await asyncio.sleep(1.0)
    for reader in readers:
        reader.cancel()
    for member in members:
        await member.ws.close()

    def phase(kind: str, start: float, end: float) -> dict[str, Any]:
        return summary([rtt for m in members for t, rtt in m.rtt[kind] if start <= t < end])

    errors: Counter[str] = Counter()
    for member in members:
        errors.update(member.errors)
    flooded["messages_written"] = messages_by(flooder_id, wall_from - 1)
    return {
        "others": len(members),
        "rate": args.rate,
        "every": args.every,
        "seconds": args.seconds,
        "load_average": load,
        "quiet": {k: phase(k, quiet_from, flood_from) for k in ("send", "ping")},
        "flood": {k: phase(k, flood_from, flood_from + args.seconds) for k in ("send", "ping")},
        "others_sent": sum(m.n for m in members),
        "others_errors": dict(errors),
        "flooder": flooded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--others", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--every", type=int, default=5, help="s between an other's messages")
    args = parser.parse_args()
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    if not common.SEED_FILE.exists():
        subprocess.run([sys.executable, str(common.BENCH / "seed.py")], cwd=common.ROOT, check=True)
    t = common.target("daphne")
    t.env.update(SHIPPED)
    common.start(t)
    try:
        time.sleep(1.0)
        result = asyncio.run(drive(args, t.urls))
    finally:
        common.stop(t)
    result["machine"] = common.machine()
    result["at"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    (common.RESULTS / "flood.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
