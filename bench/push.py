"""Push: an urgent notice to a 5,000-member community, until every device has its push.

    python bench/push.py [--devices 5000] [--concurrency 64]

The bench community (bench/seed.py) gets one committee member; every member of its
5,000-member estate gets one device, subscribed to a Web Push service on loopback
(tests/pushservice.py: it checks each VAPID signature and decrypts each aes128gcm payload,
as a browser's push service and browser would). One task worker (`manage.py db_worker`,
its own process) runs. The committee member publishes an urgent notice; the clock runs from
the commit until the push service has received a push for every device. Reports the time,
pushes per second, the worker's CPU, and that each device got exactly one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.seed import database_ensure, seed  # noqa: E402


def subscribe(users: list[int], service: Any) -> None:
    from notifications.models import Delivery, PushSubscription

    Delivery.objects.all().delete()
    PushSubscription.objects.all().delete()
    rows = []
    for user_id in users:
        device = service.device()
        rows.append(
            PushSubscription(
                user_id=user_id,
                endpoint=service.endpoint(device),
                user_agent="bench",
                **device.keys(),
            )
        )
    PushSubscription.objects.bulk_create(rows, batch_size=2000)


def committee_member(community_id: int) -> Any:
    from communities.models import Place, RoleKind, User
    from communities.services import role_grant

    user, _ = User.objects.get_or_create(
        username="bench-committee", defaults={"display_name": "压测委员"}
    )
    role_grant(user=user, kind=RoleKind.COMMITTEE_MEMBER, place=Place.objects.get(pk=community_id))
    return user


def publish(author: Any, community_id: int) -> float:
    """An urgent notice on the community's notices board; the time of its commit."""
    from django.db import transaction

    from communities.boards.models import BoardKind
    from communities.boards.services import boards_ensure, post_create
    from communities.models import Place

    board = next(
        b
        for b in boards_ensure([Place.objects.get(pk=community_id)])
        if b.kind == BoardKind.NOTICES
    )
    with transaction.atomic():
        post_create(
            author=author,
            board_id=board.pk,
            title=f"压测紧急通知 {time.strftime('%H:%M:%S')}",
            body="<p>今晚22点至次日6点停水，请提前储水。</p>",
            urgent=True,
        )
    return time.monotonic()  # the on_commit hooks (the task enqueued) ran on leaving


def measure(devices: int, concurrency: int, timeout: float) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from notifications import vapid
    from tests.pushservice import PushService

    data: dict[str, Any] = seed((10, 100, 1000, devices))
    estate = next(e for e in data["estates"] if e["size"] == devices)
    users = [pk for pk, _token in estate["users"]]
    key = common.RESULTS / "vapid.pem"
    vapid.generate(key)
    DBTaskResult.objects.all().delete()
    author = committee_member(int(data["community"]))
    with PushService() as service:
        started = time.monotonic()
        subscribe(users, service)
        subscribed = time.monotonic() - started
        env = common.django_env(
            PUSH_ALLOW_HTTP="true",
            VAPID_KEY_FILE=str(key),
            VAPID_PRIVATE_KEY="",
            PUSH_CONCURRENCY=str(concurrency),
        )
        common.LOGS.mkdir(parents=True, exist_ok=True)
        with (common.LOGS / "push-worker.log").open("wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.05"],
                cwd=common.ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            time.sleep(2)  # the worker's start-up (imports, first poll): not the push's time
            cpu_before = common.cpu_seconds(worker.pid)
            service_before = common.self_cpu()
            committed = publish(author, int(data["community"]))
            first: float | None = None
            while time.monotonic() - committed < timeout:
                got = len(service.all_received())
                if got and first is None:
                    first = time.monotonic()
                if got >= devices:
                    break
                time.sleep(0.02)
            done = time.monotonic()
            cpu = common.cpu_seconds(worker.pid) - cpu_before
            service_cpu = common.self_cpu() - service_before
        finally:
            worker.terminate()  # it finishes the running task first (its bookkeeping)
            worker.wait(120)
        per_device = [len(device.received) for device in service.devices.values()]
        refused = sum(len(device.refused) for device in service.devices.values())
    received = sum(per_device)
    elapsed = done - committed
    return {
        "devices": devices,
        "concurrency": concurrency,
        "received": received,
        "every_device_once": per_device.count(1) == devices,
        "refused": refused,
        "seconds_to_all": round(elapsed, 2),
        "seconds_to_first": round((first or done) - committed, 2),
        "pushes_per_second": round(received / elapsed, 1) if elapsed else None,
        "worker_cpu_seconds": round(cpu, 2),
        "worker_cpu_ms_per_push": round(cpu * 1000 / received, 2) if received else None,
        # This process: the loopback push service (checking, decrypting) and the publish.
        "push_service_cpu_seconds": round(service_cpu, 2),
        "subscribe_seconds": round(subscribed, 2),
        "target_seconds": 30,
        "machine": common.machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args()
    database_ensure()
    common.django_setup(PUSH_ALLOW_HTTP="true")
    result = measure(args.devices, args.concurrency, args.timeout)
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    (common.RESULTS / "push.json").write_text(json.dumps(result, indent=2))
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"urgent notice to {result['devices']} devices: {result['received']} pushes in "
        f"{result['seconds_to_all']} s (first after {result['seconds_to_first']} s, "
        f"{result['pushes_per_second']}/s; worker CPU {result['worker_cpu_seconds']} s = "
        f"{result['worker_cpu_ms_per_push']} ms per push; push service CPU "
        f"{result['push_service_cpu_seconds']} s); every device once: "
        f"{result['every_device_once']}; refused: {result['refused']} (target ≤ 30 s)"
    )


if __name__ == "__main__":
    main()
