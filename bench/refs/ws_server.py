"""Python's ceiling: a plain asyncio WebSocket broadcast server (the ``websockets`` library).

    python bench/refs/ws_server.py PORT

Same topology as the app: every process subscribes once to one Redis pub/sub channel; a
frame from any client becomes one ``message.new`` frame published there, and each process
writes it to all of its own sockets with ``websockets.broadcast`` (which skips, rather than
waits for, a socket whose buffer is full).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys

import redis.asyncio as redis
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.typing import Subprotocol

SUBPROTOCOL = Subprotocol("shequtong.v1.json")
CHANNEL = os.environ.get("REDIS_PREFIX", "bench") + "ref:ws"
READY = '{"type":"ready","last_event_id":0}'
clients: set[ServerConnection] = set()
_ids = itertools.count(os.getpid() * 1_000_000)


async def main(port: int) -> None:
    bus = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    pubsub = bus.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(CHANNEL)

    async def handler(ws: ServerConnection) -> None:
        clients.add(ws)
        try:
            await ws.send(READY)
            async for text in ws:
                frame = json.loads(text)
                out = json.dumps(
                    {
                        "type": "message.new",
                        "id": next(_ids),
                        "stream": "bench",
                        "message": {"client_id": frame.get("client_id"), "body": frame.get("body")},
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                await bus.publish(CHANNEL, out)
        finally:
            clients.discard(ws)

    async def relay() -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                broadcast(clients, message["data"].decode())

    async with serve(handler, "127.0.0.1", port, subprotocols=[SUBPROTOCOL], max_queue=None):
        await relay()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
