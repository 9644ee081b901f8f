"""Send path: time and database queries per ``chat.services.message_post``, by group size.

    python bench/sendpath.py [--sends 30] [--sizes 10,100,1000,5000]

For the estate group of each seeded size, one member posts ``--sends`` messages; each call
runs under CaptureQueriesContext (every query of validation, authorisation, throttling, the
write, the event record) and includes the commit and the Redis publish that follows it.
Measured twice: on one open connection (a persistent-connection set-up), and opening a new
PostgreSQL connection before each call, as the server does today (``conn_max_age=0``: every
``database_sync_to_async`` call closes the connection it used).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="send path timing")
    parser.add_argument("--sends", type=int, default=30)
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--out")
    args = parser.parse_args()
    common.django_setup()
    from django.db import close_old_connections, connection, connections
    from django.test.utils import CaptureQueriesContext

    from chat.services import message_post
    from communities.models import User
    from realtime import feeds

    publish_s: list[float] = []
    send = feeds._send

    def timed_send(group: str, frame: dict[str, Any]) -> None:
        started = time.perf_counter()
        send(group, frame)
        publish_s.append(time.perf_counter() - started)

    feeds._send = timed_send  # where the publish time goes
    commit_s: list[float] = []

    wrapper = connections["default"]
    query_s: list[float] = []

    def timed_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            query_s.append(time.perf_counter() - started)

    def timed_commit() -> None:  # COMMIT is no query (on-commit hooks run after it)
        started = time.perf_counter()
        type(wrapper).commit(wrapper)
        commit_s.append(time.perf_counter() - started)

    wrapper.commit = timed_commit  # type: ignore[method-assign]

    seed = json.loads(common.SEED_FILE.read_text())
    tag = str(time.time_ns())
    estates = {e["size"]: e for e in seed["estates"]}
    results: list[dict[str, Any]] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        estate = estates[size]
        author = User.objects.get(pk=estate["users"][-1][0])
        row: dict[str, Any] = {"group": size}
        for label, fresh in (("kept", False), ("new_connection", True)):
            times: list[float] = []
            queries: list[int] = []
            db: list[float] = []
            publishing: list[float] = []
            committing: list[float] = []
            for i in range(-3, args.sends):  # three warm-up sends
                if fresh:
                    connection.close()
                    close_old_connections()
                publish_s.clear()
                commit_s.clear()
                query_s.clear()
                with (
                    connection.execute_wrapper(timed_query),
                    CaptureQueriesContext(connection) as captured,
                ):
                    started = time.perf_counter()
                    message_post(
                        author=author,
                        conversation_id=estate["conversation"],
                        body=f"发送路径测试 {i}",
                        client_id=f"sp-{tag}-{label}-{i}",
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                if i >= 0:
                    times.append(elapsed)
                    queries.append(len(captured.captured_queries))
                    db.append(sum(query_s) * 1000)
                    publishing.append(sum(publish_s) * 1000)
                    committing.append(sum(commit_s) * 1000)
            times.sort()
            suffix = "" if label == "kept" else "_new_conn"
            row.update(
                {
                    f"queries{suffix}": sorted(set(queries)),
                    f"p50_ms{suffix}": round(common.percentile(times, 50), 2),
                    f"p95_ms{suffix}": round(common.percentile(times, 95), 2),
                    f"max_ms{suffix}": round(times[-1], 2),
                    f"queries_ms_p50{suffix}": round(common.percentile(sorted(db), 50), 2),
                    f"publish_ms_p50{suffix}": round(common.percentile(sorted(publishing), 50), 2),
                    f"commit_ms_p50{suffix}": round(common.percentile(sorted(committing), 50), 2),
                }
            )
        results.append(row)
        print(f"sendpath: group {size}: {row}", file=sys.stderr)
    out = {
        "sends_per_group": args.sends,
        "groups": results,
        "constant_queries": len({tuple(r["queries"]) for r in results}) == 1,
    }
    text = json.dumps(out, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
