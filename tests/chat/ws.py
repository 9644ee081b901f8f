"""Helpers for WebSocket tests: connect as a named person, read frames with a deadline."""

from __future__ import annotations

import json
from typing import Any

import msgpack
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from communities.models import User
from config.asgi import application
from realtime.protocol import MSGPACK_SUBPROTOCOL

ORIGIN = b"http://127.0.0.1:8000"


@sync_to_async
def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


class Socket:
    """A connected test client speaking the JSON (or msgpack) subprotocol."""

    def __init__(self, communicator: WebsocketCommunicator, binary: bool) -> None:
        self.communicator = communicator
        self.binary = binary
        # Frames that arrived while a request waited for its reply (events and replies
        # may come in either order); receive() hands them out first.
        self.pending: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any]) -> None:
        if self.binary:
            await self.communicator.send_to(bytes_data=msgpack.packb(frame))
        else:
            await self.communicator.send_json_to(frame)

    async def receive(self, within: float = 3) -> dict[str, Any]:
        if self.pending:
            return self.pending.pop(0)
        return await self._read(within)

    async def _read(self, within: float) -> dict[str, Any]:
        output = await self.communicator.receive_output(within)
        assert output["type"] == "websocket.send", output
        if self.binary:
            return dict(msgpack.unpackb(output["bytes"]))
        return dict(json.loads(output["text"]))

    async def receive_type(self, frame_type: str, within: float = 3) -> dict[str, Any]:
        """The next frame of ``frame_type``, skipping others (presence, typing …)."""
        while True:
            frame = await self.receive(within)
            if frame["type"] == frame_type:
                return frame

    async def request(self, frame: dict[str, Any], within: float = 3) -> dict[str, Any]:
        """Send a frame with a ref and return the reply carrying that ref."""
        ref = frame.setdefault("ref", f"r{id(frame)}")
        await self.send(frame)
        while True:
            reply = await self._read(within)
            if reply.get("ref") == ref:
                return reply
            self.pending.append(reply)

    async def nothing(self, within: float = 0.3) -> bool:
        return not self.pending and bool(await self.communicator.receive_nothing(within))

    async def close(self) -> None:
        await self.communicator.disconnect()


async def connect(
    user: User | None,
    *,
    origin: bytes | None = ORIGIN,
    binary: bool = False,
    token: str | None = None,
    resume_after: int | None = None,
) -> tuple[bool, Any, Socket]:
    headers = []
    if origin is not None:
        headers.append((b"origin", origin))
    if user is not None:
        headers.append((b"cookie", f"sessionid={await session_cookie(user)}".encode()))
    path = "/ws/" + (f"?token={token}" if token else "")
    subprotocols = [MSGPACK_SUBPROTOCOL] if binary else ["shequtong.v1.json"]
    communicator = WebsocketCommunicator(
        application, path, headers=headers, subprotocols=subprotocols
    )
    connected, detail = await communicator.connect(timeout=5)
    return connected, detail, Socket(communicator, binary)


async def ready(user: User, **kwargs: Any) -> Socket:
    connected, _, socket = await connect(user, **kwargs)
    assert connected
    frame = await socket.receive_type("ready")
    assert frame["user"]["id"] == user.pk
    return socket
