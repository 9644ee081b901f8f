"""Soak: mixed chat, boards and presence load with churn on two daphne processes for
``--minutes`` (20 by default); server RSS and Redis connections sampled every 10 s.

    python bench/soak.py [--minutes 20] [--warm-up 3]

Chat: senders post over the WebSocket (retrying with the same client_id), receivers
reconnect every 5–30 s (each connect and disconnect is a presence change) and resume.
Boards: posters publish posts and comment on them over HTTP with a bearer token.
PostgreSQL is the machine's (a database of its own, ``soak_bench``, made afresh); Redis is
a private one on a free port, so its ``connected_clients`` counts this run's alone. Prints
the samples and the verdict (flat within ±10 % of the median after the warm-up) and writes
bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from tests.faults.churn import wait_until  # noqa: E402
from tests.faults.clients import Receiver, Sender  # noqa: E402
from tests.faults.rig import _seed  # noqa: E402
from tests.faults.services import PrivateRedis  # noqa: E402

DB = os.environ.get("SOAK_DB", "soak_bench")
SAMPLE_EVERY = 10.0


def database_fresh() -> str:
    import psycopg

    with psycopg.connect(f"{common.PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    return f"{common.PG}/{DB}"


class Boards:
    """One poster: a post every few seconds, comments on its recent posts in between."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        self.statuses: Counter[int] = Counter()
        self.posts: list[int] = []
        self.errors: Counter[str] = Counter()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                self.statuses[response.status] += 1
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            self.statuses[exc.code] += 1
            self.errors[f"{method} {exc.code} {exc.read()[:200]!r}"] += 1
        except OSError:
            self.statuses[0] += 1
        return None

    async def run(self, until: float) -> None:
        boards = await asyncio.to_thread(self.call, "GET", "/api/boards")
        # Mutual aid: residents post there, and it needs only the kind of need besides text.
        postable = [
            b["id"] for b in boards or [] if b.get("can_post") and b.get("kind") == "mutual_aid"
        ]
        if not postable:
            raise RuntimeError(f"no board to post on: {boards}")
        n = 0
        while time.monotonic() < until:
            n += 1
            if n % 4 == 1 or not self.posts:
                post = await asyncio.to_thread(
                    self.call,
                    "POST",
                    f"/api/boards/{random.choice(postable)}/posts",
                    {
                        "title": f"压测帖子 {n}",
                        "body": "楼下的快递柜坏了，有人知道怎么报修吗？",
                        "extra": {"need": "request"},
                    },
                )
                if post and "id" in post:
                    self.posts = [*self.posts[-9:], post["id"]]
            else:
                await asyncio.to_thread(
                    self.call,
                    "POST",
                    f"/api/boards/posts/{random.choice(self.posts)}/comments",
                    {"body": f"评论 {n}"},
                )
            await asyncio.sleep(1.0)  # pacing the load


def redis_clients(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        info: dict[str, Any] = client.info("clients")  # type: ignore[assignment]
        return int(info["connected_clients"]) - 1  # not this probe's own
    finally:
        client.close()


def band(values: list[float]) -> dict[str, float]:
    median = statistics.median(values)
    return {
        "median": median,
        "min": min(values),
        "max": max(values),
        "low_pct": 100 * (min(values) / median - 1) if median else 0.0,
        "high_pct": 100 * (max(values) / median - 1) if median else 0.0,
    }


async def load(args: argparse.Namespace, world: dict[str, Any], urls: list[str], redis_url: str,
               pids: list[int], http: str) -> dict[str, Any]:  # fmt: skip
    groups = world["groups"]

    def member(i: int, offset: int) -> tuple[int, str, int]:
        group = groups[i % len(groups)]
        user, token = group["users"][offset + i // len(groups)]
        return int(user), str(token), int(group["conversation"])

    senders = [Sender(i, *member(i, 0)) for i in range(args.senders)]
    per = -(-args.senders // len(groups))
    receivers = [Receiver(*member(i, per), lifetime=(5.0, 30.0)) for i in range(args.receivers)]
    board_users = [g["users"][-1] for g in groups][: args.posters]
    posters = [Boards(http, token) for _user, token in board_users]
    churning, done = asyncio.Event(), asyncio.Event()
    churning.set()
    started = time.monotonic()
    tasks = [asyncio.create_task(r.run(urls, churning, done)) for r in receivers]
    # A receiver's first connection starts from `ready.last_event_id`: what was sent before
    # it is history it never asked for, so sending starts once all are in.
    await wait_until(lambda: all(r.connects for r in receivers), 120, "receivers connected")
    until = time.monotonic() + args.minutes * 60
    tasks += [
        asyncio.create_task(s.run(urls, lambda: time.monotonic() < until, args.interval))
        for s in senders
    ]
    tasks += [asyncio.create_task(p.run(until)) for p in posters]
    samples = []
    while time.monotonic() < until:
        rss = [common.rss_kib(pid) for pid in pids]
        sample = {
            "t": round(time.monotonic() - started, 1),
            "rss_kib": rss,
            "redis_clients": await asyncio.to_thread(redis_clients, redis_url),
            "sent": sum(len(s.acked) for s in senders),
            "posts_comments": sum(sum(p.statuses.values()) for p in posters),
            "connects": sum(r.connects for r in receivers),
            "up": sum(r.up for r in receivers),
        }
        samples.append(sample)
        print(json.dumps(sample), flush=True)
        await asyncio.sleep(SAMPLE_EVERY)  # the sampling interval
    await asyncio.gather(*tasks[len(receivers) :], return_exceptions=True)
    churning.clear()
    wanted: dict[int, set[int]] = {}
    for s in senders:
        wanted.setdefault(s.conversation, set()).update(s.acked.values())
    with contextlib.suppress(TimeoutError):  # what is still missing is counted as gaps
        await wait_until(
            lambda: all(wanted.get(r.conversation, set()) <= r.messages.keys() for r in receivers),
            60,
            "every receiver caught up",
        )
    done.set()
    await asyncio.gather(*tasks[: len(receivers)], return_exceptions=True)
    missing = {
        r.user: sorted(wanted.get(r.conversation, set()) - r.messages.keys())[:20]
        for r in receivers
        if not wanted.get(r.conversation, set()) <= r.messages.keys()
    }
    statuses: Counter[int] = Counter()
    for p in posters:
        statuses.update(p.statuses)
    failures: Counter[str] = Counter()
    for s in senders:
        failures.update(s.failures)
    return {
        "samples": samples,
        "sent": sum(len(s.acked) for s in senders),
        "send_failures": dict(failures),
        "refused": [line for s in senders for line in s.refused],
        "gaps": sum(len(wanted.get(r.conversation, set()) - r.messages.keys()) for r in receivers),
        "missing": missing,  # per receiver with gaps, the first missing message ids
        "reconnects": sum(r.connects for r in receivers) - len(receivers),
        "failed_connects": sum(r.failed_connects for r in receivers),
        "http": {str(k): v for k, v in statuses.items()},
        "http_errors": dict(sum((p.errors for p in posters), Counter()).most_common(5)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--warm-up", type=float, default=3, help="minutes left out of the band")
    parser.add_argument("--receivers", type=int, default=150)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between sends")
    parser.add_argument("--posters", type=int, default=4)
    parser.add_argument("--groups", type=int, default=5)
    args = parser.parse_args()
    common.raise_nofile()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    from tests.servers import start_daphne, stop

    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    members = -(-args.receivers // args.groups) + -(-args.senders // args.groups) + 1
    database_url = database_fresh()
    world = _seed(database_url, args.groups, members)
    with tempfile.TemporaryDirectory(prefix="soak-") as directory:
        redis = PrivateRedis(Path(directory))
        redis.start()
        processes = []
        try:
            env = {"DATABASE_URL": database_url, "REDIS_URL": redis.url,
                   "REDIS_PREFIX": "soak", "LOG_LEVEL": "WARNING"}  # fmt: skip
            servers = [start_daphne(Path(directory), None, **env) for _ in range(2)]
            processes = [s.process for s in servers]
            urls = [s.url.replace("http", "ws") for s in servers]
            result = asyncio.run(
                load(args, world, urls, redis.url, [p.pid for p in processes], servers[0].url)
            )
            dead = [f"pid {p.pid}: {p.returncode}" for p in processes if p.poll() is not None]
        finally:
            for process in processes:
                if process.poll() is None:
                    stop(process)
            redis.stop(kill=True)
    after = [s for s in result["samples"] if s["t"] >= args.warm_up * 60]
    rss = [band([s["rss_kib"][i] for s in after]) for i in range(2)] if after else []
    clients = band([s["redis_clients"] for s in after]) if after else {}
    flat = bool(after) and all(
        abs(b["low_pct"]) <= 10 and abs(b["high_pct"]) <= 10 for b in [*rss, clients]
    )
    out = {
        "started": began,
        "minutes": args.minutes,
        "warm_up_minutes": args.warm_up,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "cores": os.cpu_count(),
        "args": vars(args),
        "rss_after_warm_up": rss,
        "redis_clients_after_warm_up": clients,
        "flat_within_10pct": flat,
        "dead_servers": dead,
        **result,
    }
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    (common.RESULTS / "soak.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    summary = {k: v for k, v in out.items() if k != "samples"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    sys.exit(0 if flat and not dead and not result["gaps"] else 1)


if __name__ == "__main__":
    main()
