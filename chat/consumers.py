"""The one WebSocket of a client: /ws/. Thin: decode, route to a service, encode."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from communities.errors import ServiceError
from communities.models import User
from communities.throttle import parse_rate
from presence import service as presence

from . import protocol, selectors, services
from .feeds import event_frame, send_now
from .groups import conversation_group, user_group
from .hub import hub
from .protocol import ProtocolError, error_frame, field
from .shapes import message_out
from .watchdog import watchdog

logger = logging.getLogger("shequtong.ws")

# Events after which the socket's subscriptions are worked out again.
REFRESH_ON = frozenset(
    {"application.decided", "membership.changed", "conversation.joined", "conversation.left"}
)
RESUME_OVERLAP = 50  # ids: covers events committed out of id order around a disconnect

Handler = Callable[["ChatConsumer", dict[str, Any]], Awaitable[dict[str, Any] | None]]
HANDLERS: dict[str, Handler] = {}


def op(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


class ChatConsumer(AsyncWebsocketConsumer):
    """One client's socket. It has no channel of its own: the process's hub hands it the
    frames of its groups (see chat/hub.py)."""

    channel_layer_alias = "none: frames come through the hub"
    user: User
    codec: protocol.Codec

    async def connect(self) -> None:
        self.codec = protocol.pick_codec(list(self.scope.get("subprotocols", [])))
        self.joined: set[str] = set()
        self.conversations: set[int] = set()
        self.refreshing = asyncio.Lock()
        self.outbox: asyncio.Queue[bytes | str] = asyncio.Queue(settings.CHAT_OUTBOUND_LIMIT)
        self.writer: asyncio.Task[None] | None = None
        self.accepted = False  # frames wait in the outbox until the handshake is done
        self.connection_id = uuid.uuid4().hex
        self.shed = False
        self.last_event_id = 0  # the newest persisted event queued for this client
        self.frame_limit, self.frame_window = parse_rate(settings.CHAT_FRAME_RATE)
        self.frame_times: list[float] = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.accept(self.codec.subprotocol)
            await self.close(code=protocol.CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        state = await database_sync_to_async(selectors.connect_state)(user)
        await self.refresh_subscriptions(state.subscriptions)
        await self.accept(self.codec.subprotocol)
        self.accepted = True
        self.start_writer()
        await presence.connection_up(
            self.user.pk, self.connection_id, self.conversations, hidden=state.hides_presence
        )
        self.last_event_id = state.last_event_id
        if settings.REDIS_URL:
            watchdog().watch(self)
        self.queue_frame(
            {
                "type": "ready",
                "user": {"id": self.user.pk, "name": self.user.name},
                "last_event_id": self.last_event_id,
                "limits": {
                    "frame_bytes": settings.CHAT_MAX_FRAME_BYTES,
                    "message_chars": settings.CHAT_MESSAGE_MAX_LENGTH,
                    "send_rate": settings.CHAT_SEND_RATE,
                },
            }
        )

    async def disconnect(self, code: int) -> None:
        if self.writer is not None:
            self.writer.cancel()
        if hasattr(self, "user"):
            await presence.connection_down(self.user.pk, self.connection_id, self.conversations)
        async with self.refreshing:
            await hub().leave(self, self.joined)
            self.joined = set()

    # --- Subscriptions ------------------------------------------------------------------
    async def refresh_subscriptions(self, subs: selectors.Subscriptions | None = None) -> None:
        """Follow exactly the streams the user is entitled to now (``subs`` if known)."""
        async with self.refreshing:  # one refresh at a time, so none works on stale state
            if subs is None:
                subs = await database_sync_to_async(selectors.subscriptions_of)(self.user)
            ids = subs.conversation_ids
            wanted = {
                user_group(self.user.pk),
                *(conversation_group(pk) for pk in ids),
                *subs.feeds,
            }
            await hub().join(self, wanted - self.joined)
            await hub().leave(self, self.joined - wanted)
            self.joined = wanted
            self.conversations = set(ids)

    # --- Outbound ---------------------------------------------------------------------------
    def push(self, frame: dict[str, Any], encoded: dict[Any, bytes | str]) -> None:
        """A frame of one of my groups, from the hub; ``encoded`` is shared by all sockets
        of the process, so each wire format is encoded once per frame."""
        frame_type = frame.get("type")
        if frame_type == "typing" and frame["user"]["id"] == self.user.pk:
            return
        data = encoded.get(self.codec)
        if data is None:
            data = encoded[self.codec] = self.codec.encode(frame)
        self.queue_bytes(data, frame.get("id"))
        if frame_type in REFRESH_ON and frame.get("stream") == user_group(self.user.pk):
            asyncio.ensure_future(self.refresh_subscriptions())

    def queue_frame(self, frame: dict[str, Any]) -> None:
        self.queue_bytes(self.codec.encode(frame), frame.get("id"))

    def queue_bytes(self, data: bytes | str, event_id: int | None) -> None:
        """Queue an encoded frame for this client; a client that stopped reading is shed.

        The writer task drains the queue as fast as the server lets it write. When the
        client stops reading, the server's writes stall, the queue fills to
        CHAT_OUTBOUND_LIMIT and the connection is closed with 4408: the client resumes
        from the database instead of the server holding an ever-growing backlog.
        """
        if self.shed:
            return
        if event_id is not None and event_id > self.last_event_id:
            self.last_event_id = event_id
        try:
            self.outbox.put_nowait(data)
        except asyncio.QueueFull:
            logger.warning("shedding slow reader user=%s", getattr(self.user, "pk", None))
            self.shed = True
            if self.writer is not None:
                self.writer.cancel()
            while not self.outbox.empty():
                self.outbox.get_nowait()
            asyncio.ensure_future(self.close(code=protocol.CLOSE_SLOW_READER))
            return
        self.start_writer()

    def start_writer(self) -> None:
        """Run a writer only while frames wait: an idle socket costs no task."""
        if self.accepted and (self.writer is None or self.writer.done()):
            self.writer = asyncio.ensure_future(self.write_outbox())

    async def write_outbox(self) -> None:
        while not self.outbox.empty():
            data = self.outbox.get_nowait()
            try:
                if isinstance(data, bytes):
                    await self.send(bytes_data=data)
                else:
                    await self.send(text_data=data)
            except RuntimeError:  # the socket closed under us: nothing more to write
                self.shed = True
                return

    async def catch_up(self) -> None:
        """Replay from the database what the channel layer may have lost."""
        await self.replay(self.last_event_id)

    async def replay(self, after: int) -> tuple[int, bool]:
        """Queue every persisted event of my streams after ``after``; (last id, complete)."""
        limit = settings.CHAT_RESUME_LIMIT
        events = await database_sync_to_async(selectors.events_after)(
            sorted(self.joined), max(0, after - RESUME_OVERLAP), limit=limit + 1
        )
        for event in events[:limit]:
            self.queue_frame(event_frame(event))
        last = events[min(len(events), limit) - 1].pk if events else after
        return max(last, after), len(events) <= limit

    # --- Inbound ---------------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        ref = None
        try:
            size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
            if size > settings.CHAT_MAX_FRAME_BYTES:
                raise ProtocolError(
                    "frame_too_large",
                    f"frames may be at most {settings.CHAT_MAX_FRAME_BYTES} bytes",
                )
            frame = self.codec.decode(text_data, bytes_data)
            ref = frame.get("ref")
            self.count_frame()
            handler = HANDLERS.get(frame["op"])
            if handler is None:
                raise ProtocolError("unknown_op", f'unknown op "{frame["op"]}"')
            reply = await handler(self, frame)
        except ProtocolError as exc:
            reply = error_frame(exc.code, exc.detail, ref)
        except ServiceError as exc:
            reply = error_frame(exc.code, exc.message, ref)
        except Exception:
            logger.exception("frame handler failed")
            reply = error_frame("internal", "the server could not handle this frame", ref)
        if reply is not None:
            if ref is not None:
                reply.setdefault("ref", ref)
            self.queue_frame(reply)

    def count_frame(self) -> None:
        now = time.monotonic()
        self.frame_times = [t for t in self.frame_times if now - t < self.frame_window]
        if len(self.frame_times) >= self.frame_limit:
            raise ProtocolError("rate_limited", "too many frames: slow down")
        self.frame_times.append(now)


def call(function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    return database_sync_to_async(function)


@op("ping")
async def ping(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "pong"}


@op("resume")
async def resume(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    """Replay every persisted event of my streams after ``after``, in order."""
    last, complete = await consumer.replay(field(frame, "after", int))
    return {"type": "resumed", "last_event_id": last, "complete": complete}


@op("conversations")
async def conversations(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    from .shapes import conversation_out

    def load() -> list[dict[str, Any]]:
        from .models import Conversation

        ids = sorted(consumer.conversations)
        unread = selectors.unread_counts(consumer.user, ids)
        items = Conversation.objects.filter(pk__in=ids).select_related("place")
        peers = selectors.direct_peers(consumer.user, ids)
        return [
            conversation_out(c, unread=unread.get(c.pk, 0), peer=peers.get(c.pk)) for c in items
        ]

    items = await call(load)()
    return {
        "type": "conversations",
        "conversations": items,
        "unread_total": sum(item["unread"] for item in items),
    }


@op("send")
async def send(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    message, created = await call(services.message_post)(
        author=consumer.user,
        conversation_id=field(frame, "conversation", int),
        body=field(frame, "body", str),
        client_id=field(frame, "client_id", str),
        reply_to=field(frame, "reply_to", int, required=False),
        mentions=field(frame, "mentions", list, required=False),
    )
    likes = 0 if created else None  # a retry: the first send's message as it stands now
    shape = await call(
        lambda: message_out(message, likes=likes if likes is not None else message.likes.count())
    )()
    return {"type": "ack", "message": shape, "duplicate": not created}


@op("edit")
async def edit(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    message = await call(services.message_edit)(
        editor=consumer.user,
        message_id=field(frame, "message", int),
        body=field(frame, "body", str),
    )
    return {"type": "ack", "message_id": message.pk}


@op("delete")
async def delete(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    message = await call(services.message_delete)(
        actor=consumer.user, message_id=field(frame, "message", int)
    )
    return {"type": "ack", "message_id": message.pk}


@op("like")
async def like(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    liked = frame.get("liked", True)
    if not isinstance(liked, bool):
        raise ProtocolError("bad_field", '"liked" must be true or false')
    count = await call(services.message_like)(
        user=consumer.user, message_id=field(frame, "message", int), liked=liked
    )
    return {"type": "ack", "message_id": frame["message"], "likes": count}


@op("read")
async def read(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    up_to = await call(services.read_mark)(
        user=consumer.user,
        conversation_id=field(frame, "conversation", int),
        up_to=field(frame, "up_to", int),
    )
    return {"type": "ack", "conversation": frame["conversation"], "up_to": up_to}


@op("history")
async def history(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    conversation_id = field(frame, "conversation", int)
    before = field(frame, "before", int, required=False)
    limit = field(frame, "limit", int, required=False) or selectors.HISTORY_PAGE

    def load() -> list[dict[str, Any]]:
        conversation = selectors.conversation_for(consumer.user, conversation_id)
        return [message_out(m) for m in selectors.history(conversation, before=before, limit=limit)]

    messages = await call(load)()
    return {
        "type": "history",
        "conversation": conversation_id,
        "messages": messages,
        "has_more": len(messages) >= min(limit, selectors.HISTORY_MAX),
    }


@op("search")
async def search(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    conversation_id = field(frame, "conversation", int)
    text = field(frame, "q", str)

    def load() -> list[dict[str, Any]]:
        conversation = selectors.conversation_for(consumer.user, conversation_id)
        return [message_out(m) for m in selectors.search(conversation, text=text)]

    return {
        "type": "search",
        "conversation": conversation_id,
        "q": text,
        "messages": await call(load)(),
    }


@op("typing")
async def typing(consumer: ChatConsumer, frame: dict[str, Any]) -> None:
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
async def knock(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    from .shapes import conversation_out

    target = field(frame, "user", int)
    conversation = await call(services.knock)(user=consumer.user, target_id=target)
    await consumer.refresh_subscriptions()
    other = await call(lambda: User.objects.get(pk=target))()
    shape = conversation_out(conversation, peer=other)
    return {"type": "conversation", "conversation": shape}


@op("presence")
async def who_is_online(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    conversation_id = field(frame, "conversation", int)
    if conversation_id not in consumer.conversations:
        raise ProtocolError("not_found", "no such conversation")
    members = await call(selectors.member_ids)(conversation_id)
    online = await presence.online_among(members)
    return {"type": "presence", "conversation": conversation_id, "online": sorted(online)}


@op("last_seen")
async def last_seen(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    """Whether a neighbour is online and when they were last seen (unless they hide it)."""
    target = field(frame, "user", int)
    if not await call(services.are_neighbours)(consumer.user.pk, target):
        raise ProtocolError("not_found", "no such person")
    online = bool(await presence.online_among([target]))
    seen = await presence.last_seen(target)
    return {
        "type": "last_seen",
        "user": target,
        "online": online,
        "last_seen": seen.isoformat() if seen else None,
    }
