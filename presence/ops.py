"""Presence on the socket (registered with ``realtime.ops``): a socket coming up or going
down, and the ``presence`` and ``last_seen`` ops."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from chat import selectors as chat_selectors
from chat.following import Following
from communities.rules.conversations import are_neighbours
from realtime.consumer import SocketConsumer
from realtime.ops import on_close, on_open, op
from realtime.protocol import ProtocolError, field

from . import service


@on_open
async def socket_up(consumer: SocketConsumer, state: Following | Any) -> None:
    """Online (unless hidden: read with what the socket follows, so no query here)."""
    hidden = state.hides_presence if isinstance(state, Following) else None
    await service.connection_up(
        consumer.user.pk, consumer.connection_id, consumer.conversations, hidden=hidden
    )


@on_close
async def socket_down(consumer: SocketConsumer) -> None:
    """Offline once the person's last socket has gone (announced as it came up)."""
    await service.connection_down(consumer.user.pk, consumer.connection_id, consumer.conversations)


@op("presence")
async def who_is_online(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    conversation_id = field(frame, "conversation", int)
    if conversation_id not in consumer.conversations:
        raise ProtocolError("not_found", "no such conversation")
    members = await database_sync_to_async(chat_selectors.member_ids)(conversation_id)
    online = await service.online_among(members)
    return {"type": "presence", "conversation": conversation_id, "online": sorted(online)}


@op("last_seen")
async def last_seen(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    """Whether a neighbour is online and when they were last seen (unless they hide it)."""
    target = field(frame, "user", int)
    if not await database_sync_to_async(are_neighbours)(consumer.user.pk, target):
        raise ProtocolError("not_found", "no such person")
    online = bool(await service.online_among([target]))
    seen = await service.last_seen(target)
    return {
        "type": "last_seen",
        "user": target,
        "online": online,
        "last_seen": seen.isoformat() if seen else None,
    }


@op("visibility")
async def visibility(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    """The client's page went into view or out of it (the Page Visibility API): a person
    with a tab in view is not pushed for what that tab shows (notifications)."""
    visible = frame.get("visible")
    if not isinstance(visible, bool):
        raise ProtocolError("bad_field", '"visible" must be true or false')
    await service.visibility(consumer.user.pk, consumer.connection_id, visible)
    return {"type": "ack", "visible": visible}
