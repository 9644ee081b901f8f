"""The servers' own transports, and which wire a socket gets (``wire_for``).

- ``DaphneWire`` (daphne): the finished frame goes straight to the socket while Twisted
  holds nothing unsent for it (else to the Twisted transport), past daphne's and autobahn's
  per-message work and Twisted's per-write reactor bookkeeping; back-pressure comes from
  Twisted's producer protocol (pause when the transport buffers more than 64 KiB, resume
  when it drained), so a client that stops reading is shed on daphne too.
- ``UvicornWire`` (uvicorn with the websockets implementation): the finished frame goes to
  the asyncio transport; back-pressure from the transport's write buffer (its high-water
  mark) and the protocol's ``drain``.

The fast wires are used only where the frame we build is exactly what the server would
send: an open socket without a negotiated extension (no permessage-deflate). Anything else
falls back to ``AsgiWire`` (realtime/outbound.py).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
from typing import Any

from .outbound import SHED_CLOSE_TIMEOUT, AsgiWire, FrameWire, Send, Wire

logger = logging.getLogger("shequtong.ws")


class DaphneWire(FrameWire):
    """daphne: frames straight to the Twisted transport, paused by Twisted's producer
    protocol. Registered as the producer of the upgraded HTTP channel (which daphne leaves
    registered on the transport and which forwards pause/resume to its producer)."""

    __slots__ = ("protocol", "transport", "open", "consumer", "is_paused", "waiter", "socket")

    def __init__(self, protocol: Any, binary: bool) -> None:
        super().__init__(binary)
        self.protocol = protocol
        self.transport = protocol.transport
        self.open = protocol.STATE_OPEN
        # The socket itself, where Twisted's TCP transport shows its send buffer: a write
        # to an idle socket then costs one send(2), not a reactor writer added and removed.
        self.socket: Any = None
        from twisted.internet.tcp import Connection

        if isinstance(self.transport, Connection) and all(
            hasattr(self.transport, name) for name in ("dataBuffer", "_tempDataLen")
        ):
            self.socket = self.transport.getHandle()
        self.is_paused = False
        self.waiter: asyncio.Future[None] | None = None
        channel: Any = getattr(self.transport, "producer", None)
        consumer: Any = channel if hasattr(channel, "registerProducer") else self.transport
        consumer.registerProducer(self, True)
        self.consumer = consumer

    def send_now(self, data: bytes) -> None:
        if self.protocol.state != self.open:  # closing or closed: nothing more to write
            return
        transport = self.transport
        if (
            self.socket is not None
            and not transport.dataBuffer
            and not transport._tempDataLen
            and transport.connected
            and not transport.disconnecting
        ):
            try:
                sent = self.socket.send(data)
            except OSError:  # full, or failing: Twisted's own write finds out which
                sent = 0
            if sent == len(data):
                return
            data = data[sent:]
        transport.write(data)

    def paused(self) -> bool:
        return self.is_paused

    async def resumed(self) -> None:
        if self.is_paused:
            if self.waiter is None or self.waiter.done():
                self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter

    def shedding(self) -> None:
        # The 4408 close frame waits behind what Twisted and the kernel still buffer for
        # this client; autobahn would drop the connection 1 s after sending it, usually
        # before a slow client got that far. Give it time to read its close code.
        self.protocol.closeHandshakeTimeout = SHED_CLOSE_TIMEOUT

    # Twisted's IPushProducer, called by the transport on the event loop's thread.
    def pauseProducing(self) -> None:  # noqa: N802
        self.is_paused = True

    def resumeProducing(self) -> None:  # noqa: N802
        self.is_paused = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def stopProducing(self) -> None:  # noqa: N802
        self.resumeProducing()  # the connection is gone: let a waiting writer finish

    def detach(self) -> None:
        with contextlib.suppress(Exception):  # the transport may be gone already
            self.consumer.unregisterProducer()
        self.stopProducing()


class UvicornWire(FrameWire):
    """uvicorn (websockets implementation): frames straight to the asyncio transport;
    paused while the transport buffers more than its high-water mark."""

    __slots__ = ("protocol", "transport", "open", "high")

    def __init__(self, protocol: Any, binary: bool) -> None:
        super().__init__(binary)
        self.protocol = protocol
        self.transport = protocol.transport
        self.open = protocol.state  # OPEN: attached right after the handshake
        self.high = self.transport.get_write_buffer_limits()[1]

    def send_now(self, data: bytes) -> None:
        if self.protocol.state is self.open:
            self.transport.write(data)

    def paused(self) -> bool:
        return bool(self.transport.get_write_buffer_size() > self.high)

    async def resumed(self) -> None:
        if self.paused():
            await self.protocol.drain()


class _RequestPath:
    """What daphne still reads of the handshake request once the socket is open: its path
    (for the access log of the disconnect)."""

    __slots__ = ("path",)

    def __init__(self, path: Any) -> None:
        self.path = path


# What the handshake left on daphne's and autobahn's protocol that nothing reads again once
# the socket is open: the raw request, its headers (parsed twice), the parsed query.
_HANDSHAKE_LEFTOVERS = (
    "http_request_data",
    "http_headers",
    "http_headers_cnt",
    "http_request_params",
    "http_request_uri",
    "http_response_data",
    "clean_headers",
    "websocket_extensions",
)
_EMPTY_DEQUE: collections.deque[Any] = collections.deque()
_NO_JOIN = asyncio.Event()  # nobody joins a socket's queue: one shared event


def lighten(wire: Wire, inbox: Any, scope: dict[str, Any]) -> None:
    """Drop what an open, authenticated socket holds for nothing (idle memory per socket):
    the handshake's leftovers on daphne's protocol, the scope's headers (read once, by
    ``authenticate``), and the parts of the server's message queue that only a bounded or
    joined queue uses — shared by every socket of the process instead."""
    if isinstance(wire, DaphneWire):
        protocol = wire.protocol
        request = getattr(protocol, "request", None)
        if request is not None and hasattr(request, "path"):
            protocol.request = _RequestPath(request.path)
        for name in _HANDSHAKE_LEFTOVERS:
            if name in protocol.__dict__:
                setattr(protocol, name, None)
    headers = scope.get("headers")
    if isinstance(headers, list):
        headers.clear()  # the same list daphne's scope and protocol hold
    if type(inbox) is asyncio.Queue and inbox.maxsize <= 0 and not getattr(inbox, "_putters", True):
        inbox._putters = _EMPTY_DEQUE  # type: ignore[attr-defined]  # unbounded: never used
        inbox._finished = _NO_JOIN  # type: ignore[attr-defined]


def client_gone(send: Send) -> bool:
    """Whether the server behind ``send`` already knows the client has gone (daphne,
    uvicorn); False when it cannot tell. Safe to call from another thread: it only reads."""
    try:
        if isinstance(send, functools.partial) and getattr(send.func, "__name__", "") == (
            "handle_reply"
        ):
            protocol = send.args[0]
            return bool(protocol.state == protocol.STATE_CLOSED)
        owner = getattr(send, "__self__", None)
        if owner is not None and getattr(send, "__name__", "") == "asgi_send":
            transport = getattr(owner, "transport", None)
            return transport is None or bool(transport.is_closing())
    except Exception:
        pass
    return False


def wire_for(send: Send, binary: bool) -> Wire:
    """The fastest wire the server behind ``send`` allows, right after the handshake."""
    try:
        if isinstance(send, functools.partial) and getattr(send.func, "__name__", "") == (
            "handle_reply"
        ):
            protocol = send.args[0] if send.args else None  # daphne's WebSocketProtocol
            if (
                protocol is not None
                and protocol.state == getattr(protocol, "STATE_OPEN", None)
                and getattr(protocol, "_perMessageCompress", None) is None
                and not getattr(protocol, "send_queue", None)
                and protocol.transport is not None
            ):
                return DaphneWire(protocol, binary)
        owner = getattr(send, "__self__", None)
        if (
            owner is not None
            and getattr(send, "__name__", "") == "asgi_send"
            and type(owner).__module__ == "uvicorn.protocols.websockets.websockets_impl"
            and getattr(getattr(owner, "state", None), "name", "") == "OPEN"
            and not getattr(owner, "extensions", None)
            and owner.transport is not None
        ):
            return UvicornWire(owner, binary)
    except Exception:  # anything unexpected: the portable path
        pass
    return AsgiWire(send, binary)
