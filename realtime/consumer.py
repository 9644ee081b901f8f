"""The one WebSocket of a client: /ws/. Thin: decode, hand the op to its handler, encode.

The handlers and what a socket follows come from the domain apps (``realtime.ops``); this
module is the plumbing they share: accept, authenticate, follow the groups, write frames
through the hub and the outbound wire, replay the event log on ``resume``, and shed a
client that stops reading.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import ops, protocol, selectors
from .auth import authenticate
from .feeds import event_frame
from .groups import conversation_ids, user_group
from .hub import hub
from .limits import FrameLimit
from .outbound import FORMS, GONE, Outgoing, Wire, finish
from .protocol import ProtocolError, Refusal, error_frame, field
from .watchdog import watchdog
from .wires import client_gone, lighten, wire_for

logger = logging.getLogger("shequtong.ws")

GONE_BEFORE_SET_UP = object()
RESUME_OVERLAP = 50  # ids: covers events committed out of id order around a disconnect


class SocketConsumer(AsyncWebsocketConsumer):
    """One client's socket. It has no channel of its own: the process's hub hands it the
    frames of its groups (see realtime/hub.py), and it writes them through its wire (see
    realtime/outbound.py)."""

    channel_layer_alias = "none: frames come through the hub"
    user: Any  # the authenticated user (settings.AUTH_USER_MODEL)
    codec: protocol.Codec
    wire: Wire
    limit: FrameLimit | None = None  # set once the user is known
    inbox: Any = None  # the server's queue of messages for this socket, if it is one
    counted_on_arrival = False  # frames are counted as the server hands them over

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """The socket's life: each message of the server handled in turn. Channels' own
        loop (``await_many_dispatch``) keeps a task and an ``asyncio.wait`` per socket to
        listen to a channel layer as well; this consumer has none to listen to."""
        self.scope = scope
        self.base_send = send
        self.inbox = getattr(receive, "__self__", None)
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

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
        self.last_event_id = 0  # the newest persisted event queued for this client
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
        lighten(self.wire, self.inbox, self.scope)
        self.limit = FrameLimit(user.pk)
        self.count_on_arrival(self.limit)
        await self.refresh_subscriptions(state)
        # An event committed before the joins above took effect but after a newest id read
        # earlier would reach neither this socket nor, later, a resume from
        # `ready.last_event_id`: read the newest id only now that the socket follows its
        # streams. What arrived meanwhile waits in the outbox, behind `ready`.
        last = await selectors.newest_event_id()
        self.last_event_id = max(self.last_event_id, last)
        for hook in ops.OPEN_HOOKS:
            await hook(self, state)
        if settings.REDIS_URL:
            watchdog().watch(self, last)
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
        return user, ops.following_of(user)

    async def disconnect(self, code: int) -> None:
        self.shed = True  # write nothing more
        self.outbox = None
        if self.writer is not None:
            self.writer.cancel()
        if hasattr(self, "wire"):
            self.wire.detach()
        if hasattr(self, "user"):
            for hook in ops.CLOSE_HOOKS:
                await hook(self)
        if settings.REDIS_URL:
            watchdog().sockets.discard(self)  # a closed socket has nothing to catch up
        async with self.refreshing:
            await hub().leave(self, self.joined)
            self.joined = set()

    # --- Subscriptions ------------------------------------------------------------------
    async def refresh_subscriptions(self, known: ops.Following | None = None) -> None:
        """Follow exactly the streams the user is entitled to now (``known`` if loaded)."""
        async with self.refreshing:  # one refresh at a time, so none works on stale state
            if known is None:
                known = await database_sync_to_async(ops.following_of)(self.user)
            wanted = {user_group(self.user.pk), *known.groups}
            await hub().join(self, wanted - self.joined)
            await hub().leave(self, self.joined - wanted)
            self.joined = wanted
            self.conversations = conversation_ids(wanted)

    # --- Outbound ---------------------------------------------------------------------------
    def push(self, out: Outgoing) -> None:
        """A frame of one of my groups, from the hub; ``out`` is shared by all sockets of
        the process, so each wire form is built once per frame."""
        if out.echo_from is not None and out.echo_from == self.user.pk:
            return
        self.write(out.form(self.wire.kind), out.id)
        if out.resubscribes and out.frame.get("stream") == user_group(self.user.pk):
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

    async def catch_up(self, checkpoint: int) -> None:
        """Replay from the database what the channel layer may have lost: everything after
        the watchdog's ``checkpoint`` (or after what I was sent, if that is older)."""
        await self.replay(min(self.last_event_id, checkpoint))

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
        limit = self.limit
        if limit is None:  # not set up (refused, or gone before it was): nothing to answer
            return
        ref = None
        # Every frame counts, a malformed one too.
        wait_ms = 0 if self.counted_on_arrival else limit.take()
        try:
            size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
            if size > settings.CHAT_MAX_FRAME_BYTES:
                raise ProtocolError(
                    "frame_too_large",
                    f"frames may be at most {settings.CHAT_MAX_FRAME_BYTES} bytes",
                )
            frame = self.codec.decode(text_data, bytes_data)
            ref = frame.get("ref")
            if wait_ms:
                self.refuse_flood(limit, wait_ms, ref)
                return
            handler = ops.HANDLERS.get(frame["op"])
            if handler is None:
                raise ProtocolError("unknown_op", f'unknown op "{frame["op"]}"')
            reply = await handler(self, frame)
        except Refusal as exc:
            if wait_ms:
                self.refuse_flood(limit, wait_ms, ref)
                return
            reply = error_frame(exc.code, exc.message, ref)
        except Exception:
            logger.exception("frame handler failed")
            reply = error_frame("internal", "the server could not handle this frame", ref)
        if reply is not None:
            if ref is not None:
                reply.setdefault("ref", ref)
            self.queue_frame(reply)

    def count_on_arrival(self, limit: FrameLimit) -> None:
        """Count frames as the server queues them for this socket, not as they are handled.

        Frames are handled one after the other; counted only when handled, a flood waits
        in the server's queue (unbounded: memory) behind a slow handler, and each frame
        finds the bucket refilled by the time it is its turn. Counted on arrival, a frame
        over the limit is answered there and never queued. Servers whose ``receive`` is
        not an ``asyncio.Queue``'s ``get`` get the count when handled instead.
        """
        queue = self.inbox
        if not isinstance(queue, asyncio.Queue):
            return
        put = queue.put_nowait
        waiting = []
        while not queue.empty():  # what came during the set-up is counted now, in order
            waiting.append(queue.get_nowait())

        def arrive(message: dict[str, Any]) -> None:
            if message.get("type") == "websocket.receive":
                wait_ms = limit.take()
                if wait_ms:
                    self.refuse_flood(limit, wait_ms, self.ref_of(message))
                    return
            put(message)

        queue.put_nowait = arrive  # type: ignore[method-assign,assignment]
        self.counted_on_arrival = True
        for message in waiting:
            arrive(message)

    def ref_of(self, message: dict[str, Any]) -> Any:
        """The ``ref`` of a frame the server handed over, if it can be read at all."""
        text, data = message.get("text"), message.get("bytes")
        if len(text if text is not None else data or b"") > settings.CHAT_MAX_FRAME_BYTES:
            return None  # too large (a character is at least a byte): not read
        try:
            return self.codec.decode(text, data).get("ref")
        except ProtocolError:
            return None

    def refuse_flood(self, limit: FrameLimit, wait_ms: int, ref: Any) -> None:
        """A frame over the frame rate (realtime/limits.py): refused, not run; a client
        that keeps flooding is closed with CLOSE_FLOODING."""
        if limit.abusive():
            if not self.shed:
                logger.warning("closing a flooding socket user=%s", self.user.pk)
                self.gone()
                asyncio.ensure_future(self.close(code=protocol.CLOSE_FLOODING))
            return
        reply = error_frame("rate_limited", "too many frames: slow down", ref)
        reply["retry_after_ms"] = wait_ms
        self.queue_frame(reply)


@ops.op("ping")
async def ping(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "pong"}


@ops.op("resume")
async def resume(consumer: SocketConsumer, frame: dict[str, Any]) -> dict[str, Any]:
    """Replay every persisted event of my streams after ``after``, in order."""
    after = field(frame, "after", int)
    last, complete = await consumer.replay(after)
    if last > consumer.last_event_id:
        # An `after` beyond every event (a client's bad memory) is not echoed back as if
        # events that far had been sent: the point is what this socket really has.
        last = max(consumer.last_event_id, await selectors.newest_event_id())
        last = min(last, after)
    return {"type": "resumed", "last_event_id": last, "complete": complete}
