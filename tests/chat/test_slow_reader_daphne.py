"""On a real daphne process, a client that stops reading is shed with 4408 too.

daphne's ASGI send never waits, so the application cannot see a slow reader through it;
the socket's wire (realtime/wires.py) registers with Twisted's producer protocol instead.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
import websockets
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

from realtime.groups import conversation_group
from realtime.protocol import CLOSE_SLOW_READER
from tests.chat.test_processes import open_peer
from tests.servers import REDIS_URL, daphne, redis_reachable

pytestmark = pytest.mark.services

FRAMES = 4000
BODY = "x" * 2000  # ~2 KB a frame, 8 MB in all: more than the kernel buffers hold (~3 MB here)
LIMIT = 50


async def test_daphne_sheds_a_reader_that_stops_and_the_others_get_everything(
    transactional_db: None, cookies: dict[str, str], estate_chat: int, tmp_path: Path
) -> None:
    if not redis_reachable():
        pytest.fail(f"Redis is required at {REDIS_URL}")
    with daphne(tmp_path, REDIS_URL=REDIS_URL, CHAT_OUTBOUND_LIMIT=str(LIMIT)) as server:
        # zhao_lei's phone: a 4 KiB receive buffer, and it stops reading after `ready`.
        raw = socket.socket()
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.connect(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
        raw.setblocking(False)
        slow = await websockets.connect(
            server.url.replace("http", "ws") + "/ws/",
            sock=raw,
            origin=server.url,  # type: ignore[arg-type]
            additional_headers={"Cookie": cookies["zhao_lei"]},
            subprotocols=["shequtong.v1.json"],  # type: ignore[list-item]
            ping_interval=None,
            max_queue=1,
        )
        while '"ready"' not in str(await slow.recv()):
            pass
        wang = await open_peer(server, cookies["wang_fang"])

        received: list[int] = []

        async def read_all() -> None:
            while len(received) < FRAMES:
                frame: dict[str, Any] = await wang.receive_type("message.new", within=30)
                if frame["stream"] == "bench":
                    received.append(frame["id"])

        reader = asyncio.create_task(read_all())
        layer = RedisPubSubChannelLayer(hosts=[REDIS_URL], prefix=settings.REDIS_PREFIX)
        group = conversation_group(estate_chat)
        try:
            for n in range(1, FRAMES + 1):
                frame = {"type": "message.new", "id": n, "stream": "bench", "message": BODY}
                await layer.group_send(group, {"type": "deliver", "group": group, "frame": frame})
            async with asyncio.timeout(30):
                await reader
        finally:
            await layer.flush()
        assert received == list(range(1, FRAMES + 1))  # the others lost nothing

        # Every frame has been handed to both sockets: the slow one was shed on the way.
        got = 0
        closed: websockets.ConnectionClosed | None = None
        async with asyncio.timeout(10):
            while closed is None:
                try:
                    await slow.recv()
                except websockets.ConnectionClosed as exc:
                    closed = exc
                else:
                    got += 1
        assert closed.rcvd is not None
        assert closed.rcvd.code == CLOSE_SLOW_READER
        assert got < FRAMES
        await wang.ws.close()
