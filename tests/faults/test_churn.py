"""Nothing lost, nothing written twice, while clients churn and Redis, a server process and
PostgreSQL fail under load (the short form of bench/churn.py).

It runs its own PostgreSQL cluster and Redis (it restarts them), so it needs their
binaries on the machine, and it runs with or without DATABASE_URL/REDIS_URL: when they
cannot start, it fails saying why."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import psycopg
import pytest

from .churn import Plan, run
from .clients import RETRYABLE, Sender, open_socket
from .rig import Rig, rig

pytestmark = [pytest.mark.services, pytest.mark.timeout(240)]

PLAN = Plan(receivers=40, senders=6, groups=3, seconds=30)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    directory = tmp_path_factory.mktemp("churn")
    # One member more per group than the plan uses: the outage test's sender.
    with rig(directory, groups=PLAN.groups, members=PLAN.members_per_group() + 1) as started:
        yield started


async def test_a_send_while_postgres_is_down_fails_retryably_and_its_retry_writes_once(
    setup: Rig,
) -> None:
    group = setup.world["groups"][0]
    user, token = group["users"][-1]
    frame = {"op": "send", "conversation": group["conversation"], "client_id": "outage-1"}
    ws, _ready = await open_socket(setup.urls[0], token)
    try:
        await asyncio.to_thread(setup.postgres.stop, "fast")
        try:
            await ws.send(json.dumps({**frame, "ref": "a", "body": "数据库停了"}))
            refused = await Sender.reply_to(ws, "a")
        finally:
            await asyncio.to_thread(setup.postgres.start)
        assert refused["type"] == "error"
        assert refused["code"] in RETRYABLE, refused
        # The same client_id again, now that PostgreSQL is back: written, once.
        await ws.send(json.dumps({**frame, "ref": "b", "body": "数据库停了"}))
        ack = await Sender.reply_to(ws, "b", within=20)
    finally:
        ws.transport.abort()
    assert ack["type"] == "ack", ack
    assert ack["duplicate"] is False  # the failed try had written nothing
    with psycopg.connect(setup.postgres.url) as conn:
        rows = conn.execute(
            "SELECT count(*) FROM chat_message WHERE author_id = %s AND client_id = %s",
            [user, "outage-1"],
        ).fetchone()
    assert rows == (1,)


async def test_churn_under_redis_server_and_postgres_faults_loses_and_doubles_nothing(
    setup: Rig,
) -> None:
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
