"""Two real daphne processes on real Redis behave as one server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets

from chat.services import estate_conversations_ensure
from tests.conftest import World
from tests.servers import Server, daphne_pair

pytestmark = pytest.mark.services

IDLE_SECONDS = 120


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[list[Server]]:
    with daphne_pair(tmp_path) as pair:
        yield pair


class Peer:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.pending: list[dict[str, Any]] = []  # frames that came before a reply

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def receive_type(self, frame_type: str, within: float = 5) -> dict[str, Any]:
        while self.pending:
            frame = self.pending.pop(0)
            if frame["type"] == frame_type:
                return frame
        async with asyncio.timeout(within):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == frame_type:
                    return dict(frame)

    async def request(self, frame: dict[str, Any], within: float = 5) -> dict[str, Any]:
        await self.send(frame)
        async with asyncio.timeout(within):
            while True:
                reply = json.loads(await self.ws.recv())
                if reply.get("ref") == frame["ref"]:
                    return dict(reply)
                self.pending.append(reply)


async def open_peer(server: Server, user_cookie: str) -> Peer:
    ws = await websockets.connect(
        server.url.replace("http", "ws") + "/ws/",
        origin=server.url,  # type: ignore[arg-type]
        additional_headers={"Cookie": user_cookie},
        subprotocols=["shequtong.v1.json"],  # type: ignore[list-item]
        ping_interval=None,
    )
    peer = Peer(ws)
    await peer.receive_type("ready")
    return peer


def send(conversation: int, body: str, client_id: str) -> dict[str, Any]:
    return {
        "op": "send",
        "ref": client_id,
        "conversation": conversation,
        "body": body,
        "client_id": client_id,
    }


async def test_a_message_sent_through_one_process_reaches_members_on_the_other(
    servers: list[Server], cookies: dict[str, str], estate_chat: int
) -> None:
    wang = await open_peer(servers[0], cookies["wang_fang"])
    zhao = await open_peer(servers[1], cookies["zhao_lei"])
    await wang.request(send(estate_chat, "跨进程的消息", "p1"))
    assert (await zhao.receive_type("message.new"))["message"]["body"] == "跨进程的消息"
    await zhao.request(send(estate_chat, "收到", "p2"))
    assert (await wang.receive_type("message.new"))["message"]["body"] == "跨进程的消息"
    assert (await wang.receive_type("message.new"))["message"]["body"] == "收到"
    await wang.ws.close()
    await zhao.ws.close()


async def test_after_a_server_process_dies_the_client_resumes_on_the_other(
    servers: list[Server], cookies: dict[str, str], estate_chat: int
) -> None:
    wang = await open_peer(servers[0], cookies["wang_fang"])
    zhao = await open_peer(servers[1], cookies["zhao_lei"])
    await wang.request(send(estate_chat, "before the crash", "r0"))
    last_seen = (await zhao.receive_type("message.new"))["id"]
    servers[1].process.kill()
    servers[1].process.wait(10)
    sent = [
        (await wang.request(send(estate_chat, f"while away {n}", f"r{n + 1}")))["message"]
        for n in range(3)
    ]

    zhao = await open_peer(servers[0], cookies["zhao_lei"])
    await zhao.send({"op": "resume", "ref": "resume", "after": last_seen})
    replayed: list[dict[str, Any]] = []
    async with asyncio.timeout(5):
        while True:
            frame = json.loads(await zhao.ws.recv())
            if frame.get("ref") == "resume":
                break
            replayed.append(frame)
    fresh = [f for f in replayed if f.get("type") == "message.new" and f["id"] > last_seen]
    assert [f["message"]["id"] for f in fresh] == [m["id"] for m in sent]
    await wang.ws.close()
    await zhao.ws.close()


async def test_a_connection_idle_far_past_every_timeout_still_receives(
    servers: list[Server], cookies: dict[str, str], estate_chat: int
) -> None:
    """Two minutes of silence: 24 times redis-py's 5 s socket timeout, after which
    channels-redis once stopped delivering (django/channels_redis#422), and six of
    daphne's 20 s heartbeat pings, which the client answers by itself."""
    wang = await open_peer(servers[0], cookies["wang_fang"])
    zhao = await open_peer(servers[1], cookies["zhao_lei"])
    await asyncio.sleep(IDLE_SECONDS)  # the idle period is what this test is about
    await wang.request(send(estate_chat, "还在吗？", "idle"))
    assert (await zhao.receive_type("message.new"))["message"]["body"] == "还在吗？"
    await wang.ws.close()
    await zhao.ws.close()


def test_estate_conversation_exists_once(neighbours: World) -> None:
    first = estate_conversations_ensure(estate_ids=[neighbours.meiluo_1.pk])
    again = estate_conversations_ensure(estate_ids=[neighbours.meiluo_1.pk])
    assert first == again
