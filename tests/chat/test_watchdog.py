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


class Member:
    def __init__(self) -> None:
        self.got: list[Any] = []

    def push(self, out: Any) -> None:
        self.got.append(out.frame["id"])


async def test_while_an_outage_is_caught_up_live_events_wait_behind_the_replay() -> None:
    hub = hub_module.Hub()
    member = Member()
    hub.members["conv.1"] = {member}
    hub.dispatch({"group": "conv.1", "frame": {"id": 10, "type": "message.new"}})
    hub.hold()
    for event_id in (20, 21):
        hub.dispatch({"group": "conv.1", "frame": {"id": event_id, "type": "message.new"}})
    assert member.got == [10]
    assert hub.newest_id == 10  # the checkpoint moves only with what was delivered
    hub.release()
    assert member.got == [10, 20, 21]
    assert hub.newest_id == 21


async def test_a_lost_probe_holds_the_hub_until_the_catch_up_is_done(monkeypatch: Any) -> None:
    held_during_catch_up: list[bool] = []

    class Watching(Socket):
        async def catch_up(self, checkpoint: int) -> None:
            held_during_catch_up.append(hub_module.hub().held is not None)
            await super().catch_up(checkpoint)

    done = asyncio.Event()

    class Down(Redis):
        async def info(self, section: str) -> dict[str, str]:
            if self.calls == 1:  # the second probe: Redis unreachable
                self.calls += 1
                raise ConnectionError("down")
            return await super().info(section)

    fake = Down([("a", 5), ("down", 5), ("a", 9)], done)
    monkeypatch.setattr(redis.asyncio.Redis, "from_url", staticmethod(lambda url: fake))
    dog = Watchdog()
    socket = Watching()
    dog.sockets.add(socket)
    task = asyncio.create_task(dog.probe_forever(Layer(dog)))
    async with asyncio.timeout(10):
        await done.wait()
    task.cancel()
    assert socket.caught_up == [5]
    assert held_during_catch_up == [True]
    assert hub_module.hub().held is None
