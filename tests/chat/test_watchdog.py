"""The watchdog replays from the last good probe's checkpoint, whatever arrived since.

An outage is noticed up to a probe interval late. Events that reach a socket after Redis is
back but before the watchdog notices must not move the replay's start past the hole."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import redis.asyncio

from realtime import hub as hub_module
from realtime.watchdog import Watchdog


class Socket:
    def __init__(self) -> None:
        self.caught_up: list[int] = []

    async def catch_up(self, checkpoint: int) -> None:
        self.caught_up.append(checkpoint)


class Layer:
    """Every probe comes back at once."""

    def __init__(self, dog: Watchdog) -> None:
        self.dog = dog

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.dog.returned.put_nowait(message["n"])


class Redis:
    """Redis as the probes see it: run ids per probe, and what the hub had received by
    then (the events that came through the layer)."""

    def __init__(self, script: list[tuple[str, int]], done: asyncio.Event) -> None:
        self.script = script
        self.calls = 0
        self.done = done

    async def info(self, section: str) -> dict[str, str]:
        if self.calls >= len(self.script):
            self.done.set()
            await asyncio.Event().wait()  # the test is over: park here until cancelled
        run_id, newest = self.script[self.calls]
        self.calls += 1
        hub_module.hub().newest_id = newest
        return {"run_id": run_id}


async def run(script: list[tuple[str, int]], first_id: int, monkeypatch: Any) -> Socket:
    done = asyncio.Event()
    fake = Redis(script, done)
    monkeypatch.setattr(redis.asyncio.Redis, "from_url", staticmethod(lambda url: fake))
    dog = Watchdog()
    socket = Socket()
    dog.sockets.add(socket)
    dog.checkpoint = first_id
    task = asyncio.create_task(dog.probe_forever(Layer(dog)))
    async with asyncio.timeout(10):
        await done.wait()
    task.cancel()
    return socket


@pytest.fixture(autouse=True)
def fast_probes(settings: Any) -> None:
    settings.CHAT_PROBE_INTERVAL = 0.01
    settings.REDIS_URL = "redis://unused"


async def test_a_restart_noticed_late_replays_from_before_it(monkeypatch: Any) -> None:
    # Probes 1 and 2 come back (events up to 120 had arrived); Redis restarts, and events
    # up to 150 arrive after it is back, before probe 3 sees the new run id.
    socket = await run([("a", 100), ("a", 120), ("b", 150), ("b", 160)], 90, monkeypatch)
    assert socket.caught_up == [120]


async def test_no_outage_no_replay(monkeypatch: Any) -> None:
    socket = await run([("a", 100), ("a", 120), ("a", 130)], 90, monkeypatch)
    assert socket.caught_up == []


async def test_before_any_event_the_checkpoint_is_where_sockets_began(monkeypatch: Any) -> None:
    socket = await run([("a", 0), ("b", 40)], 35, monkeypatch)
    assert socket.caught_up == [35]
