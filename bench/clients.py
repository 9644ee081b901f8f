"""The load generator's clients: one WebSocket each, speaking docs/protocol.md, and the
bookkeeping they share of what was sent and what arrived.

Latency and loss are counted here: the sender puts ``bm~<run>~<seq>~<CLOCK_MONOTONIC ns>~``
in the message body and the receiver finds it in the raw bytes of each frame
(bench/loadgen.py's docstring says more).
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from picows import WSCloseCode, WSListener, WSMsgType, WSTransport, ws_connect

from bench import common

MARK = b"bm~"
ACK = b'"ack"'
now_ns = time.monotonic_ns


@dataclass
class Step:
    """One measured phase: a set of sequence numbers and what became of them."""

    name: str
    first: int = 0
    sent: int = 0
    acked: int = 0
    refused: int = 0
    delivered: int = 0
    duplicates: int = 0
    last_ns: int = 0
    latencies: list[int] = field(default_factory=list)


class Run:
    """Shared bookkeeping of every client of this process."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.tag = "".join(random.choices(string.ascii_lowercase, k=6))
        self.tag_bytes = self.tag.encode()
        self.counts: list[int] = []  # deliveries per sequence number
        self.expected: list[int] = []  # deliveries wanted per sequence number
        self.step_of: list[Step] = []  # the step each sequence number belongs to
        self.steps: list[Step] = []
        self.errors: Counter[str] = Counter()
        self.closes: Counter[int] = Counter()
        self.other_frames: Counter[str] = Counter()

    def new_step(self, name: str) -> Step:
        step = Step(name, first=len(self.counts))
        self.steps.append(step)
        return step

    def new_seq(self, step: Step, expected: int) -> int:
        seq = len(self.counts)
        self.counts.append(0)
        self.expected.append(expected)
        self.step_of.append(step)
        return seq

    def body(self, seq: int, pad: int) -> str:
        return f"bm~{self.tag}~{seq}~{now_ns()}~" + "x" * pad

    def deliver(self, data: bytes, at: int) -> None:
        """Count every marker in ``data`` (several if the server coalesced events)."""
        while at >= 0:
            a = at + 3
            b = data.find(b"~", a)
            c = data.find(b"~", b + 1)
            d = data.find(b"~", c + 1)
            if data[a:b] == self.tag_bytes:
                seq = int(data[b + 1 : c])
                arrived = now_ns()
                step = self.step_of[seq]
                n = self.counts[seq]
                self.counts[seq] = n + 1
                if n >= self.expected[seq]:
                    step.duplicates += 1
                else:
                    step.delivered += 1
                    step.last_ns = arrived
                    step.latencies.append(arrived - int(data[c + 1 : d]))
            at = data.find(MARK, d)


class Client(WSListener):
    """One socket. Hot path: find the marker in the raw bytes; everything else is JSON."""

    def __init__(self, run: Run, index: int, user: int, token: str, conversation: int, url: str):
        super().__init__()
        self.run = run
        self.index = index
        self.user = user
        self.token = token
        self.conversation = conversation
        self.url = url
        self.full = False  # parse every frame (needed to track event ids for resume)
        self.transport: WSTransport | None = None
        self.connected = False
        self.ready: asyncio.Future[None] | None = None
        self.resumed: asyncio.Future[None] | None = None
        self.last_event_id = 0
        self.seen: set[int] = set()
        self.close_code: int | None = None
        self.acks: Step | None = None  # the step whose sends this client acknowledges
        self.partial = b""
        self.connect_seconds = 0.0

    # --- picows callbacks -------------------------------------------------------------
    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        self.connected = True

    def on_ws_frame(self, transport: WSTransport, frame: Any) -> None:
        kind = frame.msg_type
        if kind == WSMsgType.TEXT or kind == WSMsgType.CONTINUATION:
            data = frame.get_payload_as_bytes()
            if not frame.fin or self.partial:
                self.partial += data
                if not frame.fin:
                    return
                data, self.partial = self.partial, b""
            if not self.full:
                at = data.find(MARK)
                if at >= 0 and data.find(ACK) < 0:
                    self.run.deliver(data, at)
                    return
            self.on_json(data)
        elif kind == WSMsgType.CLOSE:
            self.close_code = frame.get_close_code()
            self.run.closes[int(self.close_code or 0)] += 1
            transport.send_close(WSCloseCode.OK)
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.connected = False
        for future in (self.ready, self.resumed):
            if future is not None and not future.done():
                future.set_exception(ConnectionError(f"closed ({self.close_code})"))

    # --- frames ---------------------------------------------------------------------------
    def on_json(self, data: bytes) -> None:
        frame = json.loads(data)
        kind = frame.get("type")
        event_id = frame.get("id")
        if isinstance(event_id, int) and "stream" in frame:
            if event_id in self.seen:
                self.run.other_frames["duplicate_event"] += 1
                return
            if self.full:
                self.seen.add(event_id)
            self.last_event_id = max(self.last_event_id, event_id)
        if kind == "ack":
            if self.acks is not None:
                self.acks.acked += 1
            return
        at = data.find(MARK)
        if at >= 0:
            self.run.deliver(data, at)
        elif kind == "ready":
            self.last_event_id = int(frame.get("last_event_id") or 0)
            if self.ready is not None and not self.ready.done():
                self.ready.set_result(None)
        elif kind == "resumed":
            if self.resumed is not None and not self.resumed.done():
                self.resumed.set_result(None)
        elif kind == "error":
            self.run.errors[str(frame.get("code"))] += 1
            ref = frame.get("ref")
            if self.acks is not None and isinstance(ref, int) and 0 <= ref < len(self.run.expected):
                self.run.expected[ref] = 0  # never posted: nothing to deliver
                self.acks.refused += 1
        else:
            self.run.other_frames[str(kind)] += 1

    def send(self, frame: dict[str, Any]) -> None:
        if self.transport is not None and self.connected:
            self.transport.send(WSMsgType.TEXT, json.dumps(frame, ensure_ascii=False).encode())

    # --- lifecycle ------------------------------------------------------------------------
    async def connect(self, within: float = 30) -> bool:
        loop = asyncio.get_running_loop()
        self.ready = loop.create_future()
        self.close_code = None
        started = time.monotonic()
        try:
            async with asyncio.timeout(within):
                transport, _ = await ws_connect(
                    lambda: self,
                    f"{self.url}?token={self.token}",
                    extra_headers={"Sec-WebSocket-Protocol": common.SUBPROTOCOL},
                    websocket_handshake_timeout=within,
                )
                # picows may hand back a transport the server already closed (daphne drops
                # a handshake the app has not accepted within 5 s): wait for either.
                closed = asyncio.ensure_future(transport.wait_disconnected())
                try:
                    await asyncio.wait({self.ready, closed}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    closed.cancel()
                if not self.ready.done():
                    raise ConnectionError("closed during the handshake")
                self.ready.result()
        except Exception as exc:
            self.run.errors[f"connect: {type(exc).__name__}"] += 1
            self.drop()
            return False
        self.connect_seconds = time.monotonic() - started
        return True

    def drop(self) -> None:
        """Lose the connection like a network failure does (no closing handshake)."""
        if self.transport is not None:
            self.transport.underlying_transport.abort()
            self.connected = False

    def close(self) -> None:
        if self.transport is not None and self.connected:
            self.transport.send_close(WSCloseCode.OK)
            self.transport.disconnect()


def pool(seed: dict[str, Any], n: int, urls: list[str], run: Run, sizes: list[int]) -> list[Client]:
    """``n`` clients from the seeded estates (largest first, then again: more devices)."""
    members = [
        (user, token, estate["conversation"])
        for estate in sorted(seed["estates"], key=lambda e: -e["size"])
        if not sizes or estate["size"] in sizes
        for user, token in estate["users"]
    ]
    return [Client(run, i, *members[i % len(members)], url=urls[i % len(urls)]) for i in range(n)]
