"""Churn under faults: receivers reconnect in a loop while senders post across several
groups on two daphne processes; meanwhile Redis is restarted, one server process is
SIGKILLed and started again, and PostgreSQL is restarted. ``run`` returns the report
that tests/faults/test_churn.py asserts on and bench/churn.py prints.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .clients import Receiver, Sender
from .rig import Rig


@dataclass
class Plan:
    receivers: int = 40
    senders: int = 6
    groups: int = 3
    seconds: float = 30  # of sending; the faults fall at 20 %, 45 % and 70 % of it
    interval: float = 0.6  # between one sender's messages (CHAT_SEND_RATE is 10 per 5 s)
    lifetime: tuple[float, float] = (0.3, 2.5)  # seconds each receiver's connection lives
    outage: float = 1.5  # how long each failed part stays down
    after_faults: float = 5  # sending goes on at least this long after the last fault
    catch_up_within: float = 30

    def members_per_group(self) -> int:
        return math.ceil(self.receivers / self.groups) + math.ceil(self.senders / self.groups)


@dataclass
class Fault:
    name: str
    at: float = 0.0  # seconds into the sending
    wall: float = 0.0  # when it began (epoch seconds)
    down: float = 0.0  # from the fault until the part was back
    recovered: float | None = None  # from back until every sender had an ack again


@dataclass
class Report:
    plan: dict[str, Any]
    sent: int = 0  # messages acknowledged (distinct client ids)
    attempts: int = 0
    retried: int = 0
    duplicate_acks: int = 0  # retries answered "duplicate": the first try had been written
    refused: list[str] = field(default_factory=list)
    send_failures: dict[str, int] = field(default_factory=dict)
    expected: int = 0  # messages x members of their group
    delivered: int = 0  # of those, held by the receiver after de-duplication by id
    gaps: int = 0
    duplicates: int = 0  # one client_id held under two message ids
    extra: int = 0  # messages held that no sender had acknowledged
    redundant: int = 0  # frames dropped by id (delivery is at-least-once)
    reconnects: int = 0
    failed_connects: int = 0
    incomplete_resumes: int = 0
    catch_up: float | None = None  # seconds from the last send until all had everything
    faults: list[Fault] = field(default_factory=list)
    db_rows: int = 0
    db_double_writes: int = 0
    dead_servers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # receivers with gaps, what and where
    client_errors: dict[str, int] = field(default_factory=dict)  # unexpected, in our clients
    wall: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _people(rig: Rig, plan: Plan) -> tuple[list[Receiver], list[Sender]]:
    groups = rig.world["groups"]
    senders, receivers = [], []
    per_group = math.ceil(plan.senders / plan.groups)
    for i in range(plan.senders):
        group = groups[i % plan.groups]
        user, token = group["users"][i // plan.groups]
        senders.append(Sender(i, user, token, group["conversation"]))
    for i in range(plan.receivers):
        group = groups[i % plan.groups]
        user, token = group["users"][per_group + i // plan.groups]
        receivers.append(Receiver(user, token, group["conversation"], lifetime=plan.lifetime))
    return receivers, senders


async def wait_until(condition: Callable[[], bool], within: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise TimeoutError(f"{what}: not within {within:.0f}s")
        await asyncio.sleep(0.05)  # polling a condition with a deadline
    return time.monotonic() - started


async def _faults(rig: Rig, plan: Plan, t0: float) -> list[Fault]:
    def redis() -> None:
        rig.redis.stop(kill=True)
        time.sleep(plan.outage)  # the outage itself: what the clients must live through
        rig.redis.start()

    def server() -> None:
        rig.kill_server(1)
        time.sleep(plan.outage)
        rig.start_server(1)

    def postgres() -> None:
        rig.postgres.stop("fast")
        time.sleep(plan.outage)
        rig.postgres.start()

    done = []
    for share, name, action in (
        (0.2, "redis restart", redis),
        (0.45, "server SIGKILL + restart", server),
        (0.7, "postgres restart", postgres),
    ):
        await asyncio.sleep(max(0.0, t0 + share * plan.seconds - time.monotonic()))
        began, wall = time.monotonic(), time.time()
        await asyncio.to_thread(action)
        done.append(Fault(name, at=began - t0, wall=wall, down=time.monotonic() - began))
    return done


def _recovery(fault: Fault, t0: float, senders: list[Sender]) -> float | None:
    back = t0 + fault.at + fault.down
    firsts = [min((t for t in s.ack_times if t >= back), default=None) for s in senders]
    if any(t is None for t in firsts):
        return None
    return max(t for t in firsts if t is not None) - back


def _database(rig: Rig, senders: list[Sender]) -> tuple[int, int]:
    """(rows the senders wrote, client ids written more than once) in the private DB."""
    import psycopg

    authors = [s.user for s in senders]
    with psycopg.connect(rig.postgres.url) as conn:
        rows = conn.execute(
            "SELECT count(*) FROM chat_message WHERE author_id = ANY(%s)", [authors]
        ).fetchone()
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM chat_message WHERE author_id = ANY(%s) "
            "GROUP BY author_id, client_id HAVING count(*) > 1) AS d",
            [authors],
        ).fetchone()
    return int(rows[0] if rows else 0), int(doubled[0] if doubled else 0)


def _missing_detail(rig: Rig, receivers: list[Receiver], wanted: dict[int, set[int]]) -> list[str]:
    """When and under which event id the first missing messages were written, and what the
    first receivers missing them did around then: for telling where a gap came from."""
    import psycopg

    lost = {r.user: sorted(wanted.get(r.conversation, set()) - r.messages.keys())
            for r in receivers}  # fmt: skip
    ids = sorted({m for ms in lost.values() for m in ms})[:10]
    with psycopg.connect(rig.postgres.url) as conn:
        rows = conn.execute(
            "SELECT (e.payload->'message'->>'id')::int, e.id, "
            "extract(epoch FROM e.created_at) FROM realtime_event e "
            "WHERE e.type = 'message.new' AND (e.payload->'message'->>'id')::int = ANY(%s) "
            "ORDER BY e.id",
            [ids],
        ).fetchall()
    lines = [f"message {m}: event {e}, written at {float(at):.3f}" for m, e, at in rows]
    written = [float(at) for _m, _e, at in rows]
    for r in receivers:
        if lost[r.user] and written and len(lines) < 40:
            near = [
                f"{t:.3f} {what} {n}"
                for t, what, n in r.timeline
                if min(written) - 10 <= t <= max(written) + 10
            ]
            lines.append(f"user {r.user} around then: {'; '.join(near)}")
    return lines


async def run(rig: Rig, plan: Plan) -> Report:
    started = time.monotonic()
    report = Report(plan=asdict(plan))
    receivers, senders = _people(rig, plan)
    churning, done = asyncio.Event(), asyncio.Event()
    churning.set()
    receiving = [asyncio.create_task(r.run(rig.urls, churning, done)) for r in receivers]
    try:
        await wait_until(lambda: all(r.connects for r in receivers), 60, "receivers connected")
        t0 = time.monotonic()
        until = t0 + plan.seconds
        faults = asyncio.create_task(_faults(rig, plan, t0))
        ended: list[float] = []
        faults.add_done_callback(lambda _: ended.append(time.monotonic()))

        def sending() -> bool:
            # On a loaded machine a server takes a while to come back: the sends go on
            # until every part is back and has been used for a while.
            if not ended:
                return True
            return time.monotonic() < max(until, ended[0] + plan.after_faults)

        await asyncio.gather(*(s.run(rig.urls, sending, plan.interval) for s in senders))
        report.faults = await faults
        churning.clear()
        sent_by_end = time.monotonic()
        wanted: dict[int, set[int]] = {}
        for s in senders:
            wanted.setdefault(s.conversation, set()).update(s.acked.values())

        def caught_up() -> bool:
            return all(wanted.get(r.conversation, set()) <= r.messages.keys() for r in receivers)

        try:
            await wait_until(caught_up, plan.catch_up_within, "every receiver caught up")
            report.catch_up = time.monotonic() - sent_by_end
        except TimeoutError:
            report.catch_up = None
    finally:
        done.set()
        await asyncio.gather(*receiving, return_exceptions=True)
    for fault in report.faults:
        fault.recovered = _recovery(fault, t0, senders)
    _count(report, receivers, senders, wanted)
    report.db_rows, report.db_double_writes = _database(rig, senders)
    if report.gaps:
        report.missing += _missing_detail(rig, receivers, wanted)
    report.dead_servers = rig.dead_servers()
    report.wall = time.monotonic() - started
    return report


def _count(
    report: Report, receivers: list[Receiver], senders: list[Sender], wanted: dict[int, set[int]]
) -> None:
    report.sent = sum(len(s.acked) for s in senders)
    report.retried = sum(s.retried for s in senders)
    report.attempts = report.sent + report.retried
    report.duplicate_acks = sum(s.duplicate_acks for s in senders)
    report.refused = [line for s in senders for line in s.refused]
    failures: Counter[str] = Counter()
    for s in senders:
        failures.update(s.failures)
    report.send_failures = dict(failures)
    authors = {s.user for s in senders}
    for r in receivers:
        want = wanted.get(r.conversation, set())
        # Of this run's senders: a resume may replay a few events from before it began.
        held = {m for m, (author, _cid) in r.messages.items() if author in authors}
        report.expected += len(want)
        report.delivered += len(want & held)
        report.gaps += len(want - held)
        if want - held and len(report.missing) < 20:
            lost = sorted(want - held)
            report.missing.append(
                f"user {r.user} on {r.url} ({'up' if r.up else 'down'}), last event "
                f"{r.last_event_id}: {len(lost)} missing, {lost[:5]}…"
            )
        report.extra += len(held - want)
        per_client_id = Counter(r.messages.values())
        report.duplicates += sum(n - 1 for n in per_client_id.values() if n > 1)
        report.redundant += r.redundant
        report.reconnects += r.connects - 1
        report.failed_connects += r.failed_connects
        report.incomplete_resumes += r.incomplete_resumes
        for error, n in r.errors.items():
            report.client_errors[error] = report.client_errors.get(error, 0) + n
    report.reconnects += sum(max(0, s.connects - 1) for s in senders)
