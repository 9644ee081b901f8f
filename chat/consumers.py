"""The one WebSocket of a client: /ws/. Thin: decode, route to a service, encode."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from communities.errors import ServiceError
from communities.models import User
from communities.throttle import parse_rate
from presence import service as presence

from . import protocol, selectors, services
from .auth import authenticate
from .feeds import event_frame, send_now
from .groups import conversation_group, user_group
from .hub import hub
from .outbound import FORMS, GONE, Outgoing, Wire, client_gone, finish, wire_for
from .protocol import ProtocolError, error_frame, field
from .shapes import message_out
from .watchdog import watchdog

logger = logging.getLogger("shequtong.ws")

# Events after which the socket's subscriptions are worked out again.
REFRESH_ON = frozenset(
    {
        *("application.decided", "membership.changed", "conversation.joined"),
        *("conversation.left", "party.report_in"),  # a confirmed report-in: the party feed
    }
)
GONE_BEFORE_SET_UP = object()
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
    frames of its groups (see chat/hub.py), and it writes them through its wire (see
    chat/outbound.py)."""

    channel_layer_alias = "none: frames come through the hub"
    user: User
    codec: protocol.Codec
    wire: Wire

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections (a thread hop) before every message;
        # every database call here runs in database_sync_to_async, which does that anyway.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.codec = protocol.pick_codec(list(self.scope.get("subprotocols", [])))
        self.joined: set[str] = set()
        self.conversations: set[int] = set()
        self.refreshing = asyncio.Lock()
        # Frames wait here (bounded) while the client is behind; None while nothing waits.
        # Until `ready` is written, everything waits.
        self.outbox: deque[Any] | None = deque()
        self.holding = True
        self.outbound_limit = settings.CHAT_OUTBOUND_LIMIT
        self.writer: asyncio.Task[None] | None = None
        self.connection_id = uuid.uuid4().hex
        self.shed = False
        self.hides_presence = True  # announce nothing until we know
        self.last_event_id = 0  # the newest persisted event queued for this client
        self.frame_limit, self.frame_window = parse_rate(settings.CHAT_FRAME_RATE)
        self.frame_times: list[float] = []
        # Accept first: the database work below may take a while under a reconnect storm,
        # and daphne drops a handshake its application has not accepted within 5 s.
        await self.accept(self.codec.subprotocol)
        loaded = await database_sync_to_async(self.load)()
        if loaded is GONE_BEFORE_SET_UP:
            return
        if loaded is None:
            await self.close(code=protocol.CLOSE_UNAUTHENTICATED)
            return
        # Chosen once the handshake is complete (uvicorn finishes it after accept returns).
        self.wire = wire_for(self.base_send, self.codec.binary)
        user, state = loaded
        if client_gone(self.base_send):
            return
        self.user = user
        self.hides_presence = state.hides_presence
        await self.refresh_subscriptions(state.subscriptions)
        # An event committed before the joins above took effect but after a newest id read
        # earlier would reach neither this socket nor, later, a resume from
        # `ready.last_event_id`: read the newest id only now that the socket follows its
        # streams. What arrived meanwhile waits in the outbox, behind `ready`.
        last = await database_sync_to_async(selectors.last_event_id)()
        self.last_event_id = max(self.last_event_id, last)
        await presence.connection_up(
            self.user.pk, self.connection_id, self.conversations, hidden=state.hides_presence
        )
        if settings.REDIS_URL:
            watchdog().watch(self)
        ready = {
            "type": "ready",
            "user": {"id": self.user.pk, "name": self.user.name},
            "last_event_id": last,
            "limits": {
                "frame_bytes": settings.CHAT_MAX_FRAME_BYTES,
                "message_chars": settings.CHAT_MESSAGE_MAX_LENGTH,
                "send_rate": settings.CHAT_SEND_RATE,
            },
        }
        self.holding = False
        if self.outbox:
            self.outbox.appendleft(FORMS[self.wire.kind](ready))
            self.start_writer()
        else:
            self.outbox = None
            self.queue_frame(ready)

    def load(self) -> Any:
        """Who this is and what they follow: one trip to the database thread. None when
        nobody is authenticated; nothing is loaded for a client that has gone meanwhile
        (in a reconnect storm, clients give up waiting and come again)."""
        if client_gone(self.base_send):
            return GONE_BEFORE_SET_UP
        user = authenticate(self.scope)
        if user is None:
            return None
        return user, selectors.connect_state(user)

    async def disconnect(self, code: int) -> None:
        self.shed = True  # write nothing more
        self.outbox = None
        if self.writer is not None:
            self.writer.cancel()
        if hasattr(self, "wire"):
            self.wire.detach()
        if hasattr(self, "user"):
            await presence.connection_down(
                self.user.pk, self.connection_id, self.conversations, hidden=self.hides_presence
            )
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
    def push(self, out: Outgoing) -> None:
        """A frame of one of my groups, from the hub; ``out`` is shared by all sockets of
        the process, so each wire form is built once per frame."""
        frame_type = out.type
        if frame_type == "typing" and out.frame["user"]["id"] == self.user.pk:
            return
        self.write(out.form(self.wire.kind), out.id)
        if frame_type in REFRESH_ON and out.frame.get("stream") == user_group(self.user.pk):
            asyncio.ensure_future(self.refresh_subscriptions())

    def queue_frame(self, frame: dict[str, Any]) -> None:
        self.write(FORMS[self.wire.kind](frame), frame.get("id"))

    def write(self, item: Any, event_id: int | None) -> None:
        """Write one frame (in the wire's form) to this client; one that stopped reading
        is shed.

        With nothing waiting, the frame is written at once. When the server cannot take it
        without waiting (the client is behind), it waits in the outbox and a writer task
        drains the outbox as fast as the server lets it. When the client stops reading, the
        outbox fills to CHAT_OUTBOUND_LIMIT and the connection is closed with 4408: the
        client resumes from the database instead of the server holding an ever-growing
        backlog.
        """
        if self.shed:
            return
        if event_id is not None and event_id > self.last_event_id:
            self.last_event_id = event_id
        outbox = self.outbox
        if outbox is None:
            wire = self.wire
            if not wire.paused():
                try:
                    pending = wire.write(item)
                except GONE:
                    self.gone()
                    return
                if pending is not None:  # the server waits for the client: finish later
                    self.outbox = deque()
                    self.writer = asyncio.ensure_future(self.write_outbox(pending))
                return
            outbox = self.outbox = deque()
        if len(outbox) >= self.outbound_limit:
            self.shed_slow_reader()
            return
        outbox.append(item)
        self.start_writer()

    def start_writer(self) -> None:
        """Run a writer only while frames wait: an idle socket costs no task."""
        if not self.holding and self.outbox and (self.writer is None or self.writer.done()):
            self.writer = asyncio.ensure_future(self.write_outbox())

    async def write_outbox(self, pending: tuple[Any, Any] | None = None) -> None:
        wire = self.wire
        try:
            if pending is not None:
                await finish(*pending)
            while self.outbox:
                if wire.paused():
                    await wire.resumed()
                    continue
                await wire.write_later(self.outbox.popleft())
        except GONE:  # the socket closed under us: nothing more to write
            self.gone()
            return
        if not self.shed:
            self.outbox = None

    def gone(self) -> None:
        self.shed = True
        self.outbox = None

    def shed_slow_reader(self) -> None:
        logger.warning("shedding slow reader user=%s", getattr(self.user, "pk", None))
        self.wire.shedding()
        self.gone()
        if self.writer is not None:
            self.writer.cancel()
        asyncio.ensure_future(self.close(code=protocol.CLOSE_SLOW_READER))

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
        items = list(Conversation.objects.filter(pk__in=ids).select_related("place"))
        peers = selectors.direct_peers(consumer.user, ids)
        flags = selectors.moderation_flags(consumer.user, items)
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
async def search(consumer: ChatConsumer, frame: dict[str, Any]) -> dict[str, Any]:
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
