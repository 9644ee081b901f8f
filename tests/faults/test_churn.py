"""Nothing lost, nothing written twice, while clients churn and Redis, a server process and
PostgreSQL fail under load (the short form of bench/churn.py).

It runs its own PostgreSQL cluster and Redis (it restarts them), so it needs their
binaries on the machine, and it runs with or without DATABASE_URL/REDIS_URL: when they
cannot start, it fails saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .churn import Plan, run
from .rig import rig

pytestmark = [pytest.mark.services, pytest.mark.timeout(240)]

PLAN = Plan(receivers=40, senders=6, groups=3, seconds=30)


async def test_churn_under_redis_server_and_postgres_faults_loses_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    with rig(tmp_path, groups=PLAN.groups, members=PLAN.members_per_group()) as setup:
        report = await run(setup, PLAN)
        logs = setup.logs()
    summary = json.dumps(report.as_dict(), indent=1, ensure_ascii=False)
    print(summary)  # the counts, in the test's output (-s) and on failure
    assert [f.name for f in report.faults] == [
        "redis restart",
        "server SIGKILL + restart",
        "postgres restart",
    ]
    assert report.dead_servers == [], logs
    assert report.client_errors == {}, summary
    # Every send ended acknowledged: failures during the outages were retryable errors or
    # dropped sockets, and the retry with the same client_id went through.
    assert report.refused == [], summary
    # Every sender got through again after each fault.
    assert all(f.recovered is not None for f in report.faults), summary
    assert sum(report.send_failures.values()) > 0, "the faults never touched a send"
    # Exactly once after de-duplication by id, for every receiver.
    assert report.catch_up is not None, summary
    assert report.gaps == 0, summary
    assert report.duplicates == 0, summary
    assert report.extra == 0, summary
    assert report.delivered == report.expected > 0
    # One row per client id in the database, and exactly the acknowledged ones.
    assert report.db_double_writes == 0
    assert report.db_rows == report.sent
    assert report.reconnects >= PLAN.receivers  # they did churn
