"""A client that stops reading is shed with 4408; the others are not held up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from realtime.protocol import CLOSE_SLOW_READER
from tests.chat.ws import ORIGIN, Socket, ready, session_cookie
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def stalling(app: Any, gate: asyncio.Event) -> Any:
    """The app behind a network that stops taking data once ``gate`` is cleared: its
    writes block like a socket whose peer stopped reading (close frames still pass)."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> Any:
        async def blocking_send(message: dict[str, Any]) -> None:
            if message["type"] == "websocket.send":
                await gate.wait()
            await send(message)

        return await app(scope, receive, blocking_send)

    return wrapped


async def test_a_reader_that_stops_is_closed_with_4408_and_others_keep_receiving(
    neighbours: World, estate_chat: int, settings: Any
) -> None:
    settings.CHAT_OUTBOUND_LIMIT = 20
    settings.CHAT_SEND_RATE = "1000/1"
    settings.CHAT_FRAME_RATE = "1000/1"
    gate = asyncio.Event()
    gate.set()
    cookie = await session_cookie(neighbours.zhao_lei)
    communicator = WebsocketCommunicator(
        stalling(application, gate),
        "/ws/",
        headers=[(b"origin", ORIGIN), (b"cookie", f"sessionid={cookie}".encode())],
        subprotocols=["shequtong.v1.json"],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    slow = Socket(communicator, binary=False)
    await slow.receive_type("ready")
    gate.clear()  # zhao_lei's phone stops reading

    wang = await ready(neighbours.wang_fang)
    for n in range(30):
        ack = await wang.request(
            {"op": "send", "conversation": estate_chat, "body": f"m{n}", "client_id": f"c{n}"}
        )
        assert ack["type"] == "ack"  # the sender is never held up by the slow reader

    async with asyncio.timeout(5):
        while True:
            output = await communicator.receive_output(5)
            if output["type"] == "websocket.close":
                break
    assert output["code"] == CLOSE_SLOW_READER
    await wang.close()
