"""How frames leave the process: prepared once for every socket, written without a task.

A frame of a group reaches every local socket of the group (realtime/hub.py). It is encoded
once per wire form — the ASGI message of each codec, or the finished WebSocket frame where
the server lets us write frames ourselves — and every socket writes the shared form:

- ``AsgiWire`` (any ASGI server, and the test communicator): the server's own ``send``,
  called directly (no consumer or middleware wrapper) and driven eagerly: a send that
  completes without suspending — every send on daphne, and on uvicorn unless the client
  is behind — costs no task. One that suspends (the server applies back-pressure) is
  finished by a writer task, and frames wait in the socket's bounded outbox meanwhile.
- ``FrameWire``: the finished WebSocket frame, written by the server's own transport —
  daphne's and uvicorn's, in realtime/wires.py, which also picks the wire for a socket
  (``wire_for``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import struct
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

import msgpack

from .ops import NOT_ECHOED, RESUBSCRIBE_ON

logger = logging.getLogger("shequtong.ws")

# Wire forms of a frame, by index: what each kind of socket writes.
ASGI_TEXT, ASGI_BINARY, FRAME_TEXT, FRAME_BINARY = range(4)

Send = Callable[[dict[str, Any]], Awaitable[None]]
SHED_CLOSE_TIMEOUT = 10.0  # seconds a shed client has to read its 4408 before the drop


def encode_text(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def encode_binary(frame: dict[str, Any]) -> bytes:
    return bytes(msgpack.packb(frame, use_bin_type=True))


def ws_frame(payload: bytes, binary: bool) -> bytes:
    """One unfragmented, unmasked server-to-client WebSocket frame (RFC 6455 §5.2)."""
    head = 0x82 if binary else 0x81  # FIN + opcode
    n = len(payload)
    if n < 126:
        return struct.pack("!BB", head, n) + payload
    if n < 1 << 16:
        return struct.pack("!BBH", head, 126, n) + payload
    return struct.pack("!BBQ", head, 127, n) + payload


def _asgi_text(frame: dict[str, Any]) -> Any:
    return {"type": "websocket.send", "text": encode_text(frame)}


def _asgi_binary(frame: dict[str, Any]) -> Any:
    return {"type": "websocket.send", "bytes": encode_binary(frame)}


def _frame_text(frame: dict[str, Any]) -> Any:
    return ws_frame(encode_text(frame).encode(), False)


def _frame_binary(frame: dict[str, Any]) -> Any:
    return ws_frame(encode_binary(frame), True)


FORMS: tuple[Callable[[dict[str, Any]], Any], ...] = (
    _asgi_text,
    _asgi_binary,
    _frame_text,
    _frame_binary,
)


class Outgoing:
    """One frame on its way to the local sockets of a group; each wire form is built once
    and shared (servers do not modify the messages they are given)."""

    __slots__ = ("frame", "id", "type", "forms", "echo_from", "resubscribes")

    def __init__(self, frame: dict[str, Any]) -> None:
        self.frame = frame
        self.id: int | None = frame.get("id")
        self.type: str | None = frame.get("type")
        self.forms: list[Any] = [None, None, None, None]
        # Worked out once per frame, not once per socket (realtime.ops): whose own sockets
        # do not get it back (typing), and whether its person's sockets re-subscribe.
        sender = frame.get("user") if self.type in NOT_ECHOED else None
        self.echo_from: int | None = sender.get("id") if isinstance(sender, dict) else None
        self.resubscribes = self.type in RESUBSCRIBE_ON

    def form(self, kind: int) -> Any:
        built = self.forms[kind]
        if built is None:
            built = self.forms[kind] = FORMS[kind](self.frame)
        return built


# --- Driving a send without a task --------------------------------------------------------
class _Waiting:
    """Hands what a half-run coroutine waits for (a future, or None) to the running task."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, None]:
        yield self.value


async def finish(coro: Coroutine[Any, Any, Any], waiting: Any) -> None:
    """Run to its end a coroutine that was started with ``coro.send(None)`` and suspended
    on ``waiting``, as a task would have run it."""
    while True:
        try:
            await _Waiting(waiting)
        except BaseException as exc:  # cancelled, or the future failed: the coroutine decides
            try:
                waiting = coro.throw(exc)
            except StopIteration:
                return
            continue
        try:
            waiting = coro.send(None)
        except StopIteration:
            return


# Errors of a send to a socket that has closed under us: the end of the socket, not a bug.
# (daphne: ValueError before accept; uvicorn: RuntimeError after close, ClientDisconnected
# which is an OSError; the websockets library: ConnectionClosed, also raised as such.)
GONE: tuple[type[BaseException], ...] = (RuntimeError, OSError, ValueError)
try:
    from websockets.exceptions import ConnectionClosed

    GONE = (*GONE, ConnectionClosed)
except ImportError:  # pragma: no cover - websockets comes with the test and bench tools
    pass


class Wire:
    """How one socket's frames reach the network."""

    __slots__ = ("kind",)
    kind: int  # which form of a frame it writes (ASGI_TEXT … FRAME_BINARY)

    def write(self, item: Any) -> Any:
        """Write now; returns a (coroutine, waiting) pair if the write has to wait."""
        raise NotImplementedError

    async def write_later(self, item: Any) -> None:
        raise NotImplementedError

    def paused(self) -> bool:
        return False

    async def resumed(self) -> None:
        return None

    def shedding(self) -> None:
        """The socket is about to be closed for falling behind."""
        return None

    def detach(self) -> None:
        return None


class AsgiWire(Wire):
    """The server's ASGI ``send``, driven eagerly."""

    __slots__ = ("send",)

    def __init__(self, send: Send, binary: bool) -> None:
        self.send = send
        self.kind = ASGI_BINARY if binary else ASGI_TEXT

    def write(self, item: Any) -> Any:
        coro = self.send(item)
        try:
            waiting = coro.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return None
        return coro, waiting

    async def write_later(self, item: Any) -> None:
        await self.send(item)


class Cork:
    """The frame wires of one event loop with frames written during the current step of the
    loop. They go out together when the step ends (``call_soon``): a socket that gets several
    frames in one step — the hub working through a backlog of group messages — gets them in
    one system call instead of one each. Under light load every step carries one frame and
    this changes nothing but the order of the calls."""

    __slots__ = ("loop", "wires")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.wires: list[FrameWire] = []

    def flush(self) -> None:
        wires, self.wires = self.wires, []
        for wire in wires:
            pending = wire.pending
            wire.pending = None
            if pending is not None:
                try:
                    wire.send_now(pending if isinstance(pending, bytes) else b"".join(pending))
                except Exception:  # one broken connection must not hold up the others
                    logger.warning("could not write to a socket", exc_info=True)


_corks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Cork] = weakref.WeakKeyDictionary()


def cork() -> Cork:
    loop = asyncio.get_running_loop()
    found = _corks.get(loop)
    if found is None:
        found = _corks[loop] = Cork(loop)
    return found


class FrameWire(Wire):
    """A wire that writes finished WebSocket frames (bytes) to the connection itself."""

    __slots__ = ("cork", "pending")

    def __init__(self, binary: bool) -> None:
        self.kind = FRAME_BINARY if binary else FRAME_TEXT
        self.cork = cork()
        self.pending: bytes | list[bytes] | None = None  # written this step, not sent yet

    def write(self, item: Any) -> Any:
        pending = self.pending
        if pending is None:
            self.pending = item
            cork = self.cork
            if not cork.wires:
                cork.loop.call_soon(cork.flush)
            cork.wires.append(self)
        elif type(pending) is list:
            pending.append(item)
        else:
            self.pending = [pending, item]  # type: ignore[list-item]
        return None

    def flush(self) -> None:
        pending = self.pending
        self.pending = None
        if pending is not None:
            self.send_now(pending if isinstance(pending, bytes) else b"".join(pending))

    async def write_later(self, item: Any) -> None:
        self.flush()  # anything corked goes first
        self.send_now(item)

    def send_now(self, data: bytes) -> None:
        raise NotImplementedError
