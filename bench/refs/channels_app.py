"""The framework's ceiling: a minimal Channels broadcast app, served by daphne.

Every socket joins one group; any frame a client sends is turned into one ``message.new``
frame, encoded once, and group_sent to everyone (the sender included) through the
channels-redis pub/sub layer. No authentication, no database, no per-user work.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.refs.channels_settings"
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402

GROUP = "bench"
SUBPROTOCOL = "shequtong.v1.json"
_ids = itertools.count(os.getpid() * 1_000_000)


class Broadcast(AsyncWebsocketConsumer):
    groups = [GROUP]

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols", [])
        await self.accept(SUBPROTOCOL if SUBPROTOCOL in offered else None)
        await self.send(text_data='{"type":"ready","last_event_id":0}')

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = json.loads(text_data or "{}")
        out = json.dumps(
            {
                "type": "message.new",
                "id": next(_ids),
                "stream": GROUP,
                "message": {"client_id": frame.get("client_id"), "body": frame.get("body")},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        await self.channel_layer.group_send(GROUP, {"type": "deliver", "text": out})

    async def deliver(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


app = ProtocolTypeRouter({"websocket": Broadcast.as_asgi()})
