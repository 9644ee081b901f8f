"""Chat's ops on the socket (registered with ``realtime.ops``): thin, each decodes its
fields, calls one service or selector on the database thread and shapes the reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async

from communities.models import User
from communities.rules.conversations import moderation_flags
from realtime.consumer import SocketConsumer
from realtime.feeds import send_now
from realtime.groups import conversation_group
from realtime.ops import op
from realtime.protocol import ProtocolError, field

from . import selectors, services
from .shapes import conversation_out, message_out


def call(function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    return database_sync_to_async(function)


@op("conversations")
async def conversations(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    def load() -> list[dict[str, Any]]:
        from .models import Conversation

        ids = sorted(consumer.conversations)
        unread = selectors.unread_counts(consumer.user, ids)
        items = list(Conversation.objects.filter(pk__in=ids).select_related("place"))
        peers = selectors.direct_peers(consumer.user, ids)
        flags = moderation_flags(consumer.user, items)
        return [
            conversation_out(
                c,
                unread=unread.get(c.pk, 0),
                peer=peers.get(c.pk),
                moderate=flags[c.pk].moderate,
                muted_until=flags[c.pk].muted_until,
            )
            for c in items
        ]

    items = await call(load)()
    return {
        "type": "conversations",
        "conversations": items,
        "unread_total": sum(item["unread"] for item in items),
    }


@op("send")
async def send(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    message, created = await call(services.message_post)(
        author=consumer.user,
        conversation_id=field(frame, "conversation", int),
        body=field(frame, "body", str, required=False),
        client_id=field(frame, "client_id", str),
        reply_to=field(frame, "reply_to", int, required=False),
        mentions=field(frame, "mentions", list, required=False),
        attachments=field(frame, "attachments", list, required=False),
    )
    likes = 0 if created else None  # a retry: the first send's message as it stands now
    shape = await call(
        lambda: message_out(message, likes=likes if likes is not None else message.likes.count())
    )()
    return {"type": "ack", "message": shape, "duplicate": not created}


@op("edit")
async def edit(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    message = await call(services.message_edit)(
        editor=consumer.user,
        message_id=field(frame, "message", int),
        body=field(frame, "body", str),
    )
    return {"type": "ack", "message_id": message.pk}


@op("delete")
async def delete(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    message = await call(services.message_delete)(
        actor=consumer.user, message_id=field(frame, "message", int)
    )
    return {"type": "ack", "message_id": message.pk}


@op("like")
async def like(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    liked = frame.get("liked", True)
    if not isinstance(liked, bool):
        raise ProtocolError("bad_field", '"liked" must be true or false')
    count = await call(services.message_like)(
        user=consumer.user, message_id=field(frame, "message", int), liked=liked
    )
    return {"type": "ack", "message_id": frame["message"], "likes": count}


@op("read")
async def read(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    up_to = await call(services.read_mark)(
        user=consumer.user,
        conversation_id=field(frame, "conversation", int),
        up_to=field(frame, "up_to", int),
    )
    return {"type": "ack", "conversation": frame["conversation"], "up_to": up_to}


@op("history")
async def history(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    conversation_id = field(frame, "conversation", int)
    before = field(frame, "before", int, required=False)
    limit = field(frame, "limit", int, required=False) or selectors.HISTORY_PAGE

    def load() -> list[dict[str, Any]]:
        conversation, access = selectors.conversation_access_for(consumer.user, conversation_id)
        page = selectors.history(
            conversation, before=before, limit=limit, moderator=access.moderate
        )
        return [message_out(m, moderator=access.moderate) for m in page]

    messages = await call(load)()
    return {
        "type": "history",
        "conversation": conversation_id,
        "messages": messages,
        "has_more": len(messages) >= min(limit, selectors.HISTORY_MAX),
    }


@op("search")
async def search(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    conversation_id = field(frame, "conversation", int)
    text = field(frame, "q", str)

    def load() -> list[dict[str, Any]]:
        conversation, access = selectors.conversation_access_for(consumer.user, conversation_id)
        found = selectors.search(conversation, text=text, moderator=access.moderate)
        return [message_out(m, moderator=access.moderate) for m in found]

    return {
        "type": "search",
        "conversation": conversation_id,
        "q": text,
        "messages": await call(load)(),
    }


@op("typing")
async def typing(consumer: SocketConsumer, frame: dict[str, Any]) -> None:
    conversation_id = field(frame, "conversation", int)
    if conversation_id not in consumer.conversations:
        raise ProtocolError("not_found", "no such conversation")
    await send_now(
        conversation_group(conversation_id),
        {
            "type": "typing",
            "conversation": conversation_id,
            "user": {"id": consumer.user.pk, "name": consumer.user.name},
        },
    )
    return None


@op("knock")
async def knock(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    target = field(frame, "user", int)
    conversation = await call(services.knock)(user=consumer.user, target_id=target)
    await consumer.refresh_subscriptions()
    other = await call(lambda: User.objects.get(pk=target))()
    shape = conversation_out(conversation, peer=other)
    return {"type": "conversation", "conversation": shape}
