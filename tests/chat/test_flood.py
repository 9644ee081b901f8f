"""One person flooding the socket: refused with ``rate_limited``, nothing written beyond what
the frame rate allows, closed with 4429 if it keeps on; everybody else unaffected."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat.models import Message
from realtime import limits
from realtime.protocol import CLOSE_FLOODING
from tests.chat.test_consumer import send_frame
from tests.chat.ws import Socket, ready
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


async def flood(socket: Socket, frames: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Send every frame without waiting, then collect the reply to each (by ref)."""
    for frame in frames:
        await socket.send(frame)
    replies: dict[str, dict[str, Any]] = {}
    while len(replies) < len(frames):
        reply = await socket.receive(within=5)
        if "ref" in reply:
            replies[reply["ref"]] = reply
    return replies


async def test_a_flood_is_refused_and_nothing_beyond_the_limit_is_written(
    neighbours: World, estate_chat: int, settings: Any
) -> None:
    settings.CHAT_FRAME_RATE = "5/60"
    settings.CHAT_SEND_RATE = "1000/1"
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    frames = [send_frame(estate_chat, f"flood {n}", f"f{n}", ref=f"f{n}") for n in range(40)]
    replies = await flood(wang, frames)
    acked = [ref for ref, reply in replies.items() if reply["type"] == "ack"]
    refused = [reply for reply in replies.values() if reply["type"] == "error"]
    assert len(acked) == 5
    assert len(refused) == 35
    assert {reply["code"] for reply in refused} == {"rate_limited"}
    # 5 per 60 s: the next token is about 12 s away.
    assert all(1_000 < reply["retry_after_ms"] <= 12_000 for reply in refused)
    assert await sync_to_async(Message.objects.filter(author=neighbours.wang_fang).count)() == 5

    # A neighbour's messages still flow, both ways.
    ack = await zhao.request(send_frame(estate_chat, "我还能发", "z1"))
    assert ack["type"] == "ack"
    got = await wang.receive_type("message.new")
    while got["message"]["body"] != "我还能发":
        got = await wang.receive_type("message.new")
    assert (await zhao.request({"op": "ping"}))["type"] == "pong"
    await wang.close()
    await zhao.close()


async def test_more_sockets_do_not_multiply_what_one_person_may_send(
    neighbours: World, settings: Any
) -> None:
    settings.CHAT_FRAME_RATE = "4/60"
    sockets = [await ready(neighbours.wang_fang) for _ in range(limits.USER_FACTOR + 1)]
    answered: list[str] = []
    for n, socket in enumerate(sockets):
        replies = await flood(socket, [{"op": "ping", "ref": f"{n}.{k}"} for k in range(4)])
        answered += [reply["type"] for reply in replies.values()]
    # Each socket is within its own 4, but the person's sockets share 4 × USER_FACTOR.
    assert answered.count("pong") == 4 * limits.USER_FACTOR
    assert answered.count("error") == 4
    other = await ready(neighbours.zhao_lei)
    assert (await other.request({"op": "ping"}))["type"] == "pong"
    for socket in [*sockets, other]:
        await socket.close()


async def test_malformed_frames_count_too(neighbours: World, settings: Any) -> None:
    settings.CHAT_FRAME_RATE = "3/60"
    wang = await ready(neighbours.wang_fang)
    for _ in range(3):
        await wang.communicator.send_to(text_data="not json")
        assert (await wang.receive())["code"] == "bad_frame"
    await wang.communicator.send_to(text_data="not json")
    assert (await wang.receive())["code"] == "rate_limited"
    await wang.close()


async def test_a_client_that_keeps_flooding_is_closed_with_4429(
    neighbours: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CHAT_FRAME_RATE = "2/60"
    monkeypatch.setattr(limits, "ABUSE_SECONDS", 0.3)
    wang = await ready(neighbours.wang_fang)
    deadline = time.monotonic() + 10
    closed = None
    while closed is None and time.monotonic() < deadline:
        await wang.send({"op": "ping"})
        output = await wang.communicator.receive_output(3)
        if output["type"] == "websocket.close":
            closed = output
    assert closed == {"type": "websocket.close", "code": CLOSE_FLOODING}
    # Someone else connects and is served as ever.
    zhao = await ready(neighbours.zhao_lei)
    assert (await zhao.request({"op": "ping"}))["type"] == "pong"
    await zhao.close()


def test_a_client_that_waits_as_told_is_never_refused_again() -> None:
    bucket = limits.Bucket(capacity=2, rate=10.0, now=0.0)
    bucket.fill(0.0)
    bucket.tokens = 0.2
    wait = bucket.wait_ms()
    assert wait == 80  # 0.8 tokens at 10 a second
    assert bucket.fill(wait / 1000) >= 1.0


async def test_a_flood_is_refused_as_it_arrives_not_when_its_turn_comes(
    neighbours: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frames are handled one after another; behind a slow one, a flood must not pile up
    in the server's queue to be counted later (when the bucket has refilled)."""
    from realtime import ops

    settings.CHAT_FRAME_RATE = "5/60"
    release = asyncio.Event()

    async def slow(consumer: Any, frame: dict[str, Any]) -> dict[str, Any]:
        await release.wait()
        return {"type": "ack"}

    monkeypatch.setitem(ops.HANDLERS, "test.slow", slow)
    wang = await ready(neighbours.wang_fang)
    await wang.send({"op": "test.slow", "ref": "slow"})
    for n in range(20):
        await wang.send({"op": "ping", "ref": f"p{n}"})
    refused = [await wang.receive() for _ in range(16)]  # 5 tokens: the slow one and 4 pings
    assert {frame["code"] for frame in refused} == {"rate_limited"}
    assert not release.is_set()  # all answered while the slow frame still held the socket
    release.set()
    rest = [await wang.receive() for _ in range(5)]
    assert [frame["ref"] for frame in rest] == ["slow", "p0", "p1", "p2", "p3"]
    await wang.close()
