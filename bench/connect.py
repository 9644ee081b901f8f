"""Connect: database queries and CPU per WebSocket handshake, in-process.

    python bench/connect.py [--users 300] [--rounds 3] [--rev c6c8ab8]

What ``SocketConsumer.connect`` asks of the database for one seeded token client (a member of
the 1,000-member estate): ``realtime.auth.authenticate`` + ``chat.following.following`` (one trip
to the database thread) and the newest event id read after the joins (a second trip). Run
on one open PostgreSQL connection, as a server with persistent connections does; counted
with CaptureQueriesContext in one pass, timed (CPU and wall) without it in ``--rounds``
more. ``--rev`` measures the same at another revision with chat/following.py (its
realtime/, chat/, communities/ and presence/, extracted with ``git archive``) in a child
process, for a before/after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def measure(users: int, rounds: int) -> dict[str, Any]:
    common.django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chat.following import following
    from realtime import auth, selectors

    seed = json.loads(common.SEED_FILE.read_text())
    estate = next(e for e in seed["estates"] if e["size"] == 1000)
    tokens = [token for _pk, token in estate["users"][:users]]

    def handshake(token: str) -> None:
        user = auth.authenticate({"query_string": f"token={token}".encode(), "headers": []})
        assert user is not None
        following(user)
        selectors.last_event_id()  # after the joins

    handshake(tokens[0])  # warm: connection, imports
    with CaptureQueriesContext(connection) as captured:
        handshake(tokens[0])
    queries = [q["sql"] for q in captured.captured_queries]
    cpu_ms: list[float] = []
    wall_ms: list[float] = []
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for token in tokens:
            handshake(token)
        cpu_ms.append((time.process_time() - cpu) * 1000 / len(tokens))
        wall_ms.append((time.perf_counter() - wall) * 1000 / len(tokens))
    return {
        "users": len(tokens),
        "queries": len(queries),
        "sql": queries,
        "cpu_ms": round(statistics.median(cpu_ms), 2),
        "wall_ms": round(statistics.median(wall_ms), 2),
        "cpu_ms_rounds": [round(v, 2) for v in cpu_ms],
    }


def at_revision(rev: str, argv: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        tops = subprocess.run(
            ["git", "ls-tree", "--name-only", rev], cwd=common.ROOT, check=True,
            capture_output=True, text=True,
        ).stdout.split()  # fmt: skip
        apps = [d for d in ("realtime", "chat", "communities", "presence") if d in tops]
        archive = subprocess.run(
            ["git", "archive", rev, *apps], cwd=common.ROOT, check=True, capture_output=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = {**os.environ, "BENCH_CONNECT_SRC": tmp}
        out = subprocess.run(
            [sys.executable, __file__, *argv, "--json"], env=env, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip
    return dict(json.loads(out))


def main() -> None:
    parser = argparse.ArgumentParser(description="queries and CPU per connect")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rev", help="also measure this git revision")
    parser.add_argument("--sql", action="store_true", help="print the queries")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    src = os.environ.get("BENCH_CONNECT_SRC")
    if src:  # a child measuring an older revision: its apps shadow the working tree's
        sys.path.insert(0, src)
    result = measure(args.users, args.rounds)
    if args.json:
        print(json.dumps(result))
        return
    runs = {"now": result}
    if args.rev:
        again = ["--users", str(args.users), "--rounds", str(args.rounds)]
        runs = {args.rev: at_revision(args.rev, again), **runs}
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average {' '.join(load)}; {args.users} token handshakes x {args.rounds}")
    for name, run in runs.items():
        print(
            f"{name}: {run['queries']} queries, CPU {run['cpu_ms']} ms "
            f"(rounds {run['cpu_ms_rounds']}), wall {run['wall_ms']} ms per connect"
        )
        if args.sql:
            for sql in run["sql"]:
                print("   ", sql[:300])


if __name__ == "__main__":
    main()
