"""Publish bench notices through the real event path (realtime.feeds.publish), on request.

Started by the load generator's broadcast scenario: prints ``ready`` once Django is set
up, then for each JSON line ``{"streams": [...], "tag": ..., "seqs": [...], "pad": n}`` on stdin
records one event per stream in one transaction (each carrying the load generator's
marker with the clock read just before) and publishes them on commit, then prints a JSON
line with how long that took.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def main() -> None:
    common.django_setup()
    from django.db import transaction

    from realtime.feeds import publish

    with transaction.atomic():  # warm: the first connection and publish are not measured
        publish("bench.warmup", {"type": "notice.new", "notice": {"title": "", "body": ""}})
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic_ns()
        with transaction.atomic():
            for stream, seq in zip(request["streams"], request["seqs"], strict=True):
                body = f"bm~{request['tag']}~{seq}~{started}~ 区里的通知：明早九点停水两小时"
                body += "x" * int(request.get("pad", 0))
                publish(
                    stream, {"type": "notice.new", "notice": {"title": "停水通知", "body": body}}
                )
        elapsed = (time.monotonic_ns() - started) / 1e6
        print(json.dumps({"publish_ms": round(elapsed, 1)}), flush=True)


if __name__ == "__main__":
    main()
